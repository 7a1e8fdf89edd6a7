package train

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"testing"
)

// goldenCase is one case of testdata/metrics_golden.json, written by
// scripts/gen_metrics_golden.py from scikit-learn.
type goldenCase struct {
	Name          string      `json:"name"`
	Classes       int         `json:"classes"`
	Scores        []float64   `json:"scores"`
	Labels        []int       `json:"labels"`
	Targets       []float64   `json:"targets"`
	Accuracy      float64     `json:"accuracy"`
	Confusion     [][]int     `json:"confusion"`
	AUCPerClass   []float64   `json:"auc_per_class"`
	AUCMean       float64     `json:"auc_mean"`
	AUCErrorClass *int        `json:"auc_error_class"`
	ROC           []goldenROC `json:"roc"`
}

type goldenROC struct {
	FPR        []float64 `json:"fpr"`
	TPR        []float64 `json:"tpr"`
	Thresholds []float64 `json:"thresholds"`
}

func loadGolden(t *testing.T) []goldenCase {
	t.Helper()
	b, err := os.ReadFile("testdata/metrics_golden.json")
	if err != nil {
		t.Fatalf("read golden file (regenerate with /usr/bin/python3 scripts/gen_metrics_golden.py): %v", err)
	}
	var g struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("parse golden file: %v", err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("golden file holds no cases")
	}
	return g.Cases
}

func f32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }

func nearAll(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestMetricsAgainstScikitLearn(t *testing.T) {
	for _, gc := range loadGolden(t) {
		t.Run(gc.Name, func(t *testing.T) {
			scores := f32(gc.Scores)
			labels := gc.Labels
			if gc.Targets != nil {
				targets := f32(gc.Targets)
				acc, err := SoftAccuracy(scores, targets, gc.Classes)
				if err != nil || !near(acc, gc.Accuracy) {
					t.Errorf("SoftAccuracy = %v, %v; want %v", acc, err, gc.Accuracy)
				}
				if labels, err = ArgmaxRows(targets, gc.Classes); err != nil {
					t.Fatalf("ArgmaxRows(targets): %v", err)
				}
			}
			acc, err := Accuracy(scores, gc.Classes, labels)
			if err != nil || !near(acc, gc.Accuracy) {
				t.Errorf("Accuracy = %v, %v; want %v", acc, err, gc.Accuracy)
			}
			pred, _ := ArgmaxRows(scores, gc.Classes)
			cm, err := ConfusionMatrix(labels, pred, gc.Classes)
			if err != nil || !reflect.DeepEqual(cm, gc.Confusion) {
				t.Errorf("ConfusionMatrix = %v, %v; want %v", cm, err, gc.Confusion)
			}
			checkGoldenAUC(t, gc, scores, labels)
		})
	}
}

func checkGoldenAUC(t *testing.T, gc goldenCase, scores []float32, labels []int) {
	t.Helper()
	per, err := ROCAUCPerClass(scores, gc.Classes, labels)
	mean, merr := MeanROCAUC(scores, gc.Classes, labels)
	if gc.AUCErrorClass != nil {
		var one *OneClassError
		if !errors.As(err, &one) || one.Class != *gc.AUCErrorClass || !errors.Is(err, ErrUndefinedAUC) {
			t.Errorf("ROCAUCPerClass error = %v; want a OneClassError for class %d", err, *gc.AUCErrorClass)
		}
		if !errors.Is(merr, ErrUndefinedAUC) {
			t.Errorf("MeanROCAUC = %v, %v; want ErrUndefinedAUC", mean, merr)
		}
		return
	}
	if err != nil || !nearAll(per, gc.AUCPerClass) {
		t.Errorf("ROCAUCPerClass = %v, %v; want %v", per, err, gc.AUCPerClass)
	}
	if merr != nil || !near(mean, gc.AUCMean) {
		t.Errorf("MeanROCAUC = %v, %v; want %v", mean, merr, gc.AUCMean)
	}
	for c, want := range gc.ROC {
		col := make([]float32, len(labels))
		pos := make([]bool, len(labels))
		for i := range labels {
			col[i], pos[i] = scores[i*gc.Classes+c], labels[i] == c
		}
		r, err := ROCCurve(col, pos)
		if err != nil {
			t.Errorf("class %d: ROCCurve: %v", c, err)
			continue
		}
		if !nearAll(r.FPR, want.FPR) || !nearAll(r.TPR, want.TPR) ||
			!math.IsInf(r.Thresholds[0], 1) || !nearAll(r.Thresholds[1:], want.Thresholds) {
			t.Errorf("class %d: ROCCurve = %+v; want %+v (after a first threshold of +Inf)", c, r, want)
		}
	}
}

// pairAUC counts the positive-negative pairs directly: the definition the
// fast sorted version must agree with.
func pairAUC(scores []float32, pos []bool) float64 {
	var sum, pairs float64
	for i := range scores {
		for j := range scores {
			if !pos[i] || pos[j] {
				continue
			}
			pairs++
			switch {
			case scores[i] > scores[j]:
				sum++
			case scores[i] == scores[j]:
				sum += 0.5
			}
		}
	}
	return sum / pairs
}

func TestBinaryROCAUC(t *testing.T) {
	tests := []struct {
		name   string
		scores []float32
		pos    []bool
		want   float64
	}{
		{"perfect", []float32{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}, 1},
		{"reversed", []float32{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0},
		{"all tied", []float32{0.5, 0.5, 0.5}, []bool{true, false, false}, 0.5},
		{"one tie across classes", []float32{0.1, 0.5, 0.5, 0.9}, []bool{false, false, true, true}, 0.875},
		{"infinite scores", []float32{float32(math.Inf(-1)), 0, float32(math.Inf(1))}, []bool{false, true, true}, 1},
		{"signed zeros tie", []float32{float32(math.Copysign(0, -1)), 0}, []bool{true, false}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BinaryROCAUC(tt.scores, tt.pos)
			if err != nil || got != tt.want {
				t.Errorf("BinaryROCAUC = %v, %v; want %v", got, err, tt.want)
			}
			if p := pairAUC(tt.scores, tt.pos); p != tt.want {
				t.Errorf("pair count = %v; want %v (bad test case)", p, tt.want)
			}
		})
	}
}

func TestBinaryROCAUCMatchesPairCount(t *testing.T) {
	// A fixed pseudo-random sequence with many ties (scores in eighths).
	x := uint32(12345)
	next := func() uint32 { x = x*1664525 + 1013904223; return x >> 16 }
	for n := 2; n <= 40; n += 3 {
		scores := make([]float32, n)
		pos := make([]bool, n)
		for i := range scores {
			scores[i] = float32(next()%8) / 8
			pos[i] = next()%3 == 0
		}
		pos[0], pos[1] = true, false
		got, err := BinaryROCAUC(scores, pos)
		if want := pairAUC(scores, pos); err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("n=%d: BinaryROCAUC = %v, %v; want %v", n, got, err, want)
		}
	}
}

func TestMetricErrors(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name string
		run  func() error
		is   error // when set, errors.Is must hold
	}{
		{"all negative", func() error { _, err := BinaryROCAUC([]float32{1, 2}, []bool{false, false}); return err }, ErrUndefinedAUC},
		{"all positive", func() error { _, err := ROCCurve([]float32{1, 2}, []bool{true, true}); return err }, ErrUndefinedAUC},
		{"NaN score", func() error { _, err := BinaryROCAUC([]float32{nan, 1}, []bool{true, false}); return err }, nil},
		{"length mismatch", func() error { _, err := BinaryROCAUC([]float32{1}, []bool{true, false}); return err }, nil},
		{"ragged matrix", func() error { _, err := Accuracy([]float32{1, 2, 3}, 2, []int{0}); return err }, nil},
		{"label out of range", func() error { _, err := MeanROCAUC([]float32{1, 2, 3, 4}, 2, []int{0, 2}); return err }, nil},
		{"too few labels", func() error { _, err := Accuracy([]float32{1, 2, 3, 4}, 2, []int{0}); return err }, nil},
		{"no samples", func() error { _, err := Accuracy(nil, 2, nil); return err }, nil},
		{"zero classes", func() error { _, err := ArgmaxRows([]float32{1}, 0); return err }, nil},
		{"all-NaN row", func() error { _, err := ArgmaxRows([]float32{nan, nan}, 2); return err }, nil},
		{"negative prediction", func() error { _, err := ConfusionMatrix([]int{0}, []int{-1}, 2); return err }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if err == nil {
				t.Fatal("got no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not match %q", err, tt.is)
			}
		})
	}
}

func TestOneClassErrorNamesClass(t *testing.T) {
	// Class 2 never occurs: its column has no positive sample.
	scores := []float32{0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.5, 0.4, 0.1}
	_, err := ROCAUCPerClass(scores, 3, []int{0, 1, 0})
	var one *OneClassError
	if !errors.As(err, &one) {
		t.Fatalf("error = %v; want a *OneClassError", err)
	}
	if want := (OneClassError{Class: 2, Positives: 0, Samples: 3}); *one != want {
		t.Errorf("error = %+v; want %+v", *one, want)
	}
	if got, want := err.Error(), "train: ROC AUC of class 2 is undefined: 0 of 3 samples are of that class"; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("message = %q; want it to start with %q", got, want)
	}
}

func TestArgmax(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name string
		row  []float32
		want int
	}{
		{"empty", nil, -1},
		{"single", []float32{3}, 0},
		{"last", []float32{1, 2, 3}, 2},
		{"first of ties", []float32{0.5, 0.5, 0.1}, 0},
		{"NaN skipped", []float32{nan, 0.2, 0.1}, 1},
		{"negative", []float32{-3, -1, -2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Argmax(tt.row); got != tt.want {
				t.Errorf("Argmax(%v) = %d; want %d", tt.row, got, tt.want)
			}
		})
	}
}
