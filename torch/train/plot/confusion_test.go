package plot

import (
	"image/color"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfusionCellColours renders matrices and reads each cell's colour
// back from the PNG, near a corner of the cell (away from its text): the
// more images a cell counts, the darker it must be, equal counts the same
// colour.
func TestConfusionCellColours(t *testing.T) {
	tests := []struct {
		name   string
		counts [][]int
		o      Options
	}{
		{"four classes", testCounts, DefaultOptions()},
		{"all correct", [][]int{{5, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 7, 0}, {0, 0, 0, 1}}, Options{Width: 500, Height: 400}},
		{"high DPI", testCounts, Options{Width: 1200, Height: 900, DPI: 192}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := tc.o.filled()
			if err != nil {
				t.Fatal(err)
			}
			s := fromPseudoLabels(synthPseudoLabels(tc.counts), "test")
			f, cl, err := confusionFigure(s)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(outDir(t), ConfusionFile)
			if err := f.save(path, o); err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, path)
			px := func(r, c int) color.Color {
				rect := cl.drawn[r][c]
				scale := float64(o.DPI) / 72
				x := float64(rect.Min.X) + 0.12*float64(rect.Max.X-rect.Min.X)
				y := float64(rect.Min.Y) + 0.12*float64(rect.Max.Y-rect.Min.Y)
				return img.At(int(x*scale), o.Height-1-int(y*scale)) // the canvas's y grows upwards
			}
			n := len(tc.counts)
			for r := range n {
				for c := range n {
					got, want := px(r, c), cl.color(tc.counts[r][c])
					if !near(got, want, 2) {
						t.Errorf("cell (%d, %d) counting %d is %v in the picture, want %v", r, c, tc.counts[r][c], got, want)
					}
				}
			}
			for a := range n * n {
				for b := range n * n {
					ca, cb := tc.counts[a/n][a%n], tc.counts[b/n][b%n]
					la, lb := luminance(px(a/n, a%n)), luminance(px(b/n, b%n))
					if ca > cb && !(la < lb) {
						t.Errorf("cell %d counts %d > cell %d's %d but its luminance %.3f is not below %.3f", a, ca, b, cb, la, lb)
					}
				}
			}
		})
	}
}

// near reports whether a and b differ by at most tol in each 8-bit channel.
func near(a, b color.Color, tol int) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) bool { return abs(int(x>>8)-int(y>>8)) <= tol }
	return d(ar, br) && d(ag, bg) && d(ab, bb)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestConfusionCounts checks the matrix the picture is drawn from against
// the counts the synthetic file was built with.
func TestConfusionCounts(t *testing.T) {
	s := fromPseudoLabels(synthPseudoLabels(testCounts), "test")
	_, cl, err := confusionFigure(s)
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range testCounts {
		for c, want := range row {
			if got := cl.cm[r][c]; got != want {
				t.Errorf("cell (%d, %d) = %d, want %d", r, c, got, want)
			}
		}
	}
	if cl.max != 14 {
		t.Errorf("largest count = %d, want 14", cl.max)
	}
}

// TestConfusionBadScores checks that a prediction outside the classes is
// refused with the file named.
func TestConfusionBadScores(t *testing.T) {
	s := &Scores{Source: "x", Classes: []string{"a", "b"}, Labels: []int{0, 1}, Pred: []int{0, 2}, Probs: []float32{1, 0, 0, 1}}
	path := filepath.Join(t.TempDir(), ConfusionFile)
	err := Confusion(path, s, DefaultOptions())
	if err == nil {
		t.Fatal("Confusion succeeded with a prediction of class 2 of 2")
	}
	if want := path; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
}
