package plot

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/train"
)

// TestReadTruthPred scores a submission whose class columns are in another
// order than the truth's. Worked by hand: healthy's column scores the two
// healthy images 0.8 and 0.7 and the two rust ones 0.1 and 0.75, so 3 of
// the 4 (healthy, rust) pairs are ordered right, AUC 0.75; rust's column
// scores the rust images 0.9 and 0.25 and the healthy ones 0.2 and 0.3,
// again 3 of 4, AUC 0.75 (two classes mirror each other). By image the
// predictions (argmax) are healthy, rust, healthy, healthy.
func TestReadTruthPred(t *testing.T) {
	dir := t.TempDir()
	truth := filepath.Join(dir, "truth.csv")
	pred := filepath.Join(dir, "submission.csv")
	os.WriteFile(truth, []byte("image_id,healthy,rust\nA,1,0\nB,0,1\nC,0,1\nD,1,0\n"), 0o644)
	os.WriteFile(pred, []byte("image_id,rust,healthy\nD,0.3,0.7\nC,0.25,0.75\nB,0.9,0.1\nA,0.2,0.8\nE,0.5,0.5\n"), 0o644)
	s, err := ReadTruthPred(truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Classes, []string{"healthy", "rust"}) {
		t.Errorf("classes = %v, want the truth's order", s.Classes)
	}
	if want := []int{0, 1, 1, 0}; !slices.Equal(s.Labels, want) {
		t.Errorf("labels = %v, want %v", s.Labels, want)
	}
	if want := []int{0, 1, 0, 0}; !slices.Equal(s.Pred, want) {
		t.Errorf("predictions = %v, want %v", s.Pred, want)
	}
	rocs, err := classROCs(s)
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range []float64{0.75, 0.75} {
		if math.Abs(rocs[c].AUC-want) > 1e-12 {
			t.Errorf("AUC of %s = %g, want %g", s.Classes[c], rocs[c].AUC, want)
		}
	}
}

func TestReadTruthPredErrors(t *testing.T) {
	tests := []struct {
		name  string
		truth string
		pred  string
		want  []string
	}{
		{"image not predicted", "image_id,a,b\nA,1,0\nB,0,1\n", "image_id,a,b\nA,0.5,0.5\n",
			[]string{"submission.csv", "1 images", "first: B"}},
		{"other classes", "image_id,a,b\nA,1,0\n", "image_id,a,c\nA,0.5,0.5\n",
			[]string{"submission.csv", "c"}},
		{"bad truth", "image_id,a,b\nA,1,1\n", "image_id,a,b\nA,0.5,0.5\n",
			[]string{"truth.csv", "line 2"}},
		{"bad probability", "image_id,a,b\nA,1,0\n", "image_id,a,b\nA,0.5,x\n",
			[]string{"submission.csv", "line 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			truth, pred := filepath.Join(dir, "truth.csv"), filepath.Join(dir, "submission.csv")
			os.WriteFile(truth, []byte(tc.truth), 0o644)
			os.WriteFile(pred, []byte(tc.pred), 0o644)
			_, err := ReadTruthPred(truth, pred)
			if err == nil {
				t.Fatal("ReadTruthPred succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestClassROCs checks the per-class curves against train's metrics and a
// class with no positive image.
func TestClassROCs(t *testing.T) {
	s := fromPseudoLabels(synthPseudoLabels(testCounts), "test")
	rocs, err := classROCs(s)
	if err != nil {
		t.Fatal(err)
	}
	want, err := train.ROCAUCPerClass(s.Probs, len(s.Classes), s.Labels)
	if err != nil {
		t.Fatal(err)
	}
	for c, r := range rocs {
		if r.Err != nil || r.AUC != want[c] {
			t.Errorf("class %s: AUC %g (%v), want %g", s.Classes[c], r.AUC, r.Err, want[c])
		}
		if n := len(r.Curve.FPR); r.Curve.FPR[0] != 0 || r.Curve.TPR[0] != 0 || r.Curve.FPR[n-1] != 1 || r.Curve.TPR[n-1] != 1 {
			t.Errorf("class %s: curve runs from (%g, %g) to (%g, %g), want (0, 0) to (1, 1)",
				s.Classes[c], r.Curve.FPR[0], r.Curve.TPR[0], r.Curve.FPR[n-1], r.Curve.TPR[n-1])
		}
	}

	none := &Scores{Source: "x", Classes: []string{"a", "b", "c"}, Labels: []int{0, 1, 0, 1}, Pred: []int{0, 1, 0, 1},
		Probs: []float32{0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1, 0.4, 0.5, 0.1}}
	rocs, err = classROCs(none)
	if err != nil {
		t.Fatal(err)
	}
	var one *train.OneClassError
	if !errors.As(rocs[2].Err, &one) {
		t.Errorf("class c without positives: error %v, want a *train.OneClassError", rocs[2].Err)
	}
	path := filepath.Join(outDir(t), ROCFile)
	if err := ROC(path, none, DefaultOptions()); err != nil {
		t.Errorf("ROC with a class without positives: %v, want a picture saying so", err)
	}
}

// TestWriteValidPredictions writes a fold's predictions and reads them back
// with dataset's pseudo-label reader: the prediction is the row's argmax.
func TestWriteValidPredictions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fold0", ValidPredictionsFile)
	os.MkdirAll(filepath.Dir(path), 0o755)
	classes := []string{"healthy", "rust", "scab"}
	probs := []float32{0.1, 0.7, 0.2, 0.5, 0.25, 0.25}
	if err := WriteValidPredictions(path, classes, []string{"Train_3", "Train_8"}, []int{1, 2}, probs); err != nil {
		t.Fatal(err)
	}
	pl, err := dataset.ReadPseudoLabels(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Rows) != 2 || pl.Rows[0].Label != 1 || pl.Rows[0].Pred != 1 || pl.Rows[1].Label != 2 || pl.Rows[1].Pred != 0 {
		t.Errorf("read back %+v, want labels 1, 2 and predictions 1, 0", pl.Rows)
	}
	if err := WriteValidPredictions(path, classes, []string{"x"}, []int{0}, probs); err == nil {
		t.Error("two probability rows for one id: no error")
	}
}
