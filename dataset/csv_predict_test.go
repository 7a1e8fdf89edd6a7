package dataset

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestPredictionsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "submission.csv")
	want := &Predictions{
		Classes: []string{"b", "a"},
		IDs:     []string{"x", "y,with comma"},
		Probs:   [][]float64{{0.1, 0.9}, {1, 1e-7}},
	}
	if err := WritePredictions(path, want); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if got, wantText := string(b), "image_id,b,a\nx,0.1,0.9\n\"y,with comma\",1,1e-07\n"; got != wantText {
		t.Errorf("file =\n%s\nwant\n%s", got, wantText)
	}
	got, err := ReadPredictions(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
}

func TestWriteSubmissionFollowsSampleOrder(t *testing.T) {
	dir := writeDataset(t, goodFiles(), goodImages)
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "submission.csv")
	// Columns in d.Classes order (leafy, spotty); the sample is spotty,leafy.
	if err := d.WriteSubmission(out, [][]float64{{0.75, 0.25}, {0, 1}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if got, want := string(b), "image_id,spotty,leafy\nTest_0,0.25,0.75\nTest_1,1,0\n"; got != want {
		t.Errorf("submission =\n%s\nwant\n%s", got, want)
	}
	if err := d.WriteSubmission(out, [][]float64{{0.75, 0.25}}); err == nil {
		t.Error("WriteSubmission with one row for two test images succeeded")
	}
}

func TestWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "submission.csv")
	good := &Predictions{Classes: []string{"a", "b"}, IDs: []string{"x"}, Probs: [][]float64{{0.5, 0.5}}}
	if err := WritePredictions(path, good); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := []struct {
		name string
		pred *Predictions
	}{
		{"NaN", &Predictions{Classes: []string{"a", "b"}, IDs: []string{"x", "y"}, Probs: [][]float64{{0.5, 0.5}, {math.NaN(), 0}}}},
		{"above one", &Predictions{Classes: []string{"a", "b"}, IDs: []string{"x"}, Probs: [][]float64{{2, 0}}}},
		{"short row", &Predictions{Classes: []string{"a", "b"}, IDs: []string{"x"}, Probs: [][]float64{{1}}}},
		{"rows and ids differ", &Predictions{Classes: []string{"a", "b"}, IDs: []string{"x", "y"}, Probs: [][]float64{{1, 0}}}},
	}
	for _, tt := range bad {
		if err := WritePredictions(path, tt.pred); err == nil {
			t.Errorf("%s: WritePredictions succeeded, want an error", tt.name)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Errorf("%s: a failed write changed the file to %q", tt.name, after)
		}
	}
	if err := WritePredictions(filepath.Join(dir, "no", "such", "dir.csv"), good); err == nil {
		t.Error("write into a missing folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after the writes, want only submission.csv (no temp files)", len(entries))
	}
}

func TestPseudoLabelsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pseudolabels.csv")
	want := &PseudoLabels{
		Classes: []string{"healthy", "rust", "scab"},
		Rows: []PseudoLabel{
			{ID: "Train_0", Label: 0, Pred: 0, Probs: []float64{0.8, 0.15, 0.05}},
			{ID: "Train_1", Label: 2, Pred: 1, Probs: []float64{0.1, 0.6, 0.3}},
		},
	}
	if err := WritePseudoLabels(path, want); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	wantText := "image_id,labels,softlabels,p_healthy,p_rust,p_scab\nTrain_0,healthy,healthy,0.8,0.15,0.05\nTrain_1,scab,rust,0.1,0.6,0.3\n"
	if string(b) != wantText {
		t.Errorf("file =\n%s\nwant\n%s", b, wantText)
	}
	got, err := ReadPseudoLabels(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	bad := &PseudoLabels{Classes: want.Classes, Rows: []PseudoLabel{{ID: "x", Label: 3, Pred: 0, Probs: []float64{1, 0, 0}}}}
	if err := WritePseudoLabels(path, bad); err == nil {
		t.Error("WritePseudoLabels with label 3 of 3 classes succeeded")
	}
}

func TestReadPseudoLabelsBad(t *testing.T) {
	const header = "image_id,labels,softlabels,p_a,p_b\n"
	tests := []struct {
		name  string
		body  string
		is    error
		line  int
		image string
	}{
		{"empty", "", ErrEmptyFile, 0, ""},
		{"unknown given label", header + "x,a,a,1,0\ny,c,a,1,0\n", ErrUnknownClass, 3, "y"},
		{"unknown predicted label", header + "x,a,zz,1,0\n", ErrUnknownClass, 2, "x"},
		{"probability column without prefix", "image_id,labels,softlabels,a,b\nx,a,a,1,0\n", ErrHeader, 1, ""},
		{"softlabels column missing", "image_id,labels,p_a,p_b\nx,a,1,0\n", ErrHeader, 1, ""},
		{"no probability columns", "image_id,labels,softlabels\nx,a,a\n", ErrHeader, 1, ""},
		{"probability not a number", header + "x,a,a,high,0\n", ErrBadValue, 2, "x"},
		{"negative probability", header + "x,a,a,-0.1,0\n", ErrBadValue, 2, "x"},
		{"duplicate id", header + "x,a,a,1,0\nx,b,b,0,1\n", ErrDuplicateID, 3, "x"},
		{"wrong column count", header + "x,a,a,1\n", ErrColumnCount, 2, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pseudolabels.csv")
			if err := os.WriteFile(path, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadPseudoLabels(path)
			if !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want one wrapping %v", err, tt.is)
			}
			if fe := findProblem(err, tt.is); fe.File != path || fe.Line != tt.line || fe.Image != tt.image {
				t.Errorf("problem at %s line %d image %q, want %s line %d image %q", fe.File, fe.Line, fe.Image, path, tt.line, tt.image)
			}
		})
	}
}

func TestCheckClasses(t *testing.T) {
	train := []string{"healthy", "rust"}
	tests := []struct {
		name string
		got  []string
		is   error // nil: no error
	}{
		{"same", []string{"healthy", "rust"}, nil},
		{"other order", []string{"rust", "healthy"}, nil},
		{"extra column", []string{"healthy", "rust", "mildew"}, ErrUnknownClass},
		{"missing column", []string{"rust"}, ErrHeader},
	}
	for _, tt := range tests {
		err := CheckClasses("pseudolabels.csv", tt.got, train)
		if tt.is == nil && err != nil || tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: CheckClasses(%v) = %v, want %v", tt.name, tt.got, err, tt.is)
		}
	}
}
