package dataset

import "fmt"

// Files is the usual Source: image files opened through Open (typically a
// Cache's Load, so that epochs after the first skip decoding), with optional
// class indices and soft targets.
type Files struct {
	Paths   []string                          // one file per image; required
	Labels  []int                             // class index per image; nil means unlabelled (NoLabel)
	Targets [][]float32                       // soft targets per image, all of one width; nil means none
	Open    func(path string) (*Image, error) // loads one file; required; called from many goroutines
}

// Len is the number of files.
func (f *Files) Len() int { return len(f.Paths) }

// Load opens file i.
func (f *Files) Load(i int) (*Image, error) {
	if f.Open == nil {
		return nil, fmt.Errorf("dataset: Files.Open is not set; give it a loader such as (*Cache).Load")
	}
	return f.Open(f.Paths[i])
}

// Label is the class index of image i, or NoLabel.
func (f *Files) Label(i int) int {
	if f.Labels == nil {
		return NoLabel
	}
	return f.Labels[i]
}

// TargetWidth is the number of soft targets per image (0 when none).
func (f *Files) TargetWidth() int {
	if len(f.Targets) == 0 {
		return 0
	}
	return len(f.Targets[0])
}

// Target returns the soft targets of image i.
func (f *Files) Target(i int) []float32 { return f.Targets[i] }
