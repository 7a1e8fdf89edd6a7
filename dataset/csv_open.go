package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File names of the Plant Pathology layout, relative to the dataset folder.
const (
	TrainFile            = "train.csv"
	TestFile             = "test.csv"
	SampleSubmissionFile = "sample_submission.csv"
	ImagesDir            = "images"
)

// ImageExts are the extensions an image file may have, in order of
// preference when both exist.
var ImageExts = []string{".jpg", ".png"}

// Dataset is a validated dataset folder.
type Dataset struct {
	Dir     string   // the folder given to Open
	Classes []string // class names from train.csv's header, in column order
	Train   []Item   // train.csv's rows in file order, Label set, Path found
	Test    []Item   // test.csv's rows in file order, Label -1; nil without test.csv

	// SubmissionClasses is the class column order of sample_submission.csv,
	// which WriteSubmission follows; nil without that file.
	SubmissionClasses []string
}

// Open reads and validates the dataset in dir: train.csv (required),
// test.csv and sample_submission.csv (optional, validated when present)
// and an image images/<id>.jpg or .png for every row. Every command runs
// it before reading a dataset. All problems are reported together in a
// *ValidationError; see Validate for the partial result.
func Open(dir string) (*Dataset, error) {
	d, err := Validate(dir)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Validate is Open that also returns what could be read when there are
// problems, for reports such as `ppctl data check`: the Dataset then holds
// the rows that passed their checks and must not be trained on.
func Validate(dir string) (*Dataset, error) {
	var p problems
	d := &Dataset{Dir: dir}
	images := listImages(dir, &p)
	trainPath := filepath.Join(dir, TrainFile)
	if f, err := os.Open(trainPath); err != nil {
		p.add(trainPath, 0, "", fmt.Errorf("%w (a dataset folder needs %s, %s/ and usually %s)", err, TrainFile, ImagesDir, TestFile))
	} else {
		d.Classes, d.Train = readLabels(f, trainPath, &p)
		f.Close()
	}
	testPath := filepath.Join(dir, TestFile)
	if f, err := os.Open(testPath); err == nil {
		d.Test = readIDs(f, testPath, &p)
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		p.add(testPath, 0, "", err)
	}
	d.readSampleSubmission(&p)
	d.checkOverlap(testPath, &p)
	if images != nil {
		d.Train = findImages(d.Train, images, trainPath, &p)
		d.Test = findImages(d.Test, images, testPath, &p)
	}
	return d, p.err()
}

// readSampleSubmission validates sample_submission.csv when it exists and
// records its class order.
func (d *Dataset) readSampleSubmission(p *problems) {
	path := filepath.Join(d.Dir, SampleSubmissionFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		p.add(path, 0, "", err)
		return
	}
	defer f.Close()
	pred := readPredictions(f, path, p)
	if pred == nil || d.Classes == nil {
		return
	}
	if err := CheckClasses(path, pred.Classes, d.Classes); err != nil {
		var v *ValidationError
		errors.As(err, &v)
		p.list = append(p.list, v.Problems...)
		return
	}
	d.SubmissionClasses = pred.Classes
}

// checkOverlap reports and drops test ids that are also in train.csv: the
// same photograph cannot be both.
func (d *Dataset) checkOverlap(testPath string, p *problems) {
	inTrain := make(map[string]int, len(d.Train))
	for _, it := range d.Train {
		inTrain[it.ID] = it.Line
	}
	kept := d.Test[:0]
	for _, it := range d.Test {
		if tl, dup := inTrain[it.ID]; dup {
			p.addf(testPath, it.Line, it.ID, ErrDuplicateID, "also in %s line %d", TrainFile, tl)
			continue
		}
		kept = append(kept, it)
	}
	d.Test = kept
}

// listImages maps image ids to files in dir/images, preferring the
// extensions in ImageExts order. It returns nil after a problem.
func listImages(dir string, p *problems) map[string]string {
	imgDir := filepath.Join(dir, ImagesDir)
	entries, err := os.ReadDir(imgDir)
	if err != nil {
		p.add(imgDir, 0, "", fmt.Errorf("%w: %w", ErrMissingImage, err))
		return nil
	}
	rank := make(map[string]int, len(ImageExts))
	for i, e := range ImageExts {
		rank[e] = i + 1
	}
	best := make(map[string]string, len(entries))
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || rank[ext] == 0 {
			continue
		}
		id := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if prev, ok := best[id]; !ok || rank[ext] < rank[strings.ToLower(filepath.Ext(prev))] {
			best[id] = e.Name()
		}
	}
	out := make(map[string]string, len(best))
	for id, name := range best {
		out[id] = filepath.Join(imgDir, name)
	}
	return out
}

// findImages sets each item's Path, reporting and dropping items without
// an image.
func findImages(items []Item, images map[string]string, file string, p *problems) []Item {
	kept := items[:0]
	for _, it := range items {
		path, ok := images[it.ID]
		if !ok {
			p.addf(file, it.Line, it.ID, ErrMissingImage, "no %s/%s%s", ImagesDir, it.ID, strings.Join(ImageExts, " or "))
			continue
		}
		it.Path = path
		kept = append(kept, it)
	}
	return kept
}

// ClassCounts returns how many training rows each class has, in Classes
// order.
func (d *Dataset) ClassCounts() []int {
	n := make([]int, len(d.Classes))
	for _, it := range d.Train {
		n[it.Label]++
	}
	return n
}

// AllImages returns the paths of every train and test image, sorted by
// name: the RotNet pretext's list (DESIGN section 2).
func (d *Dataset) AllImages() []string {
	paths := make([]string, 0, len(d.Train)+len(d.Test))
	for _, it := range append(append([]Item(nil), d.Train...), d.Test...) {
		paths = append(paths, it.Path)
	}
	sort.Strings(paths)
	return paths
}

// WriteSubmission writes probs atomically as a submission.csv: one row per
// test item (probs[i] for d.Test[i], its columns in d.Classes order),
// columns in sample_submission.csv's order, or d.Classes' without it.
func (d *Dataset) WriteSubmission(path string, probs [][]float64) error {
	if len(probs) != len(d.Test) {
		return fmt.Errorf("dataset: write %s: %d probability rows for %d test images", path, len(probs), len(d.Test))
	}
	cols := d.SubmissionClasses
	if cols == nil {
		cols = d.Classes
	}
	idx := make(map[string]int, len(d.Classes))
	for i, c := range d.Classes {
		idx[c] = i
	}
	pred := &Predictions{Classes: cols, IDs: make([]string, len(d.Test)), Probs: make([][]float64, len(d.Test))}
	for i, it := range d.Test {
		if len(probs[i]) != len(d.Classes) {
			return fmt.Errorf("dataset: write %s: image %s: %d probabilities for %d classes", path, it.ID, len(probs[i]), len(d.Classes))
		}
		pred.IDs[i] = it.ID
		row := make([]float64, len(cols))
		for j, c := range cols {
			row[j] = probs[i][idx[c]]
		}
		pred.Probs[i] = row
	}
	return WritePredictions(path, pred)
}
