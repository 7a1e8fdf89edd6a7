package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// goodFiles is a valid two-class dataset with unusual class names (nothing
// may assume the competition's four) and a submission in another order.
func goodFiles() map[string]string {
	return map[string]string{
		"train.csv":             "image_id,leafy,spotty\nTrain_0,1,0\nTrain_1,0,1\nTrain_2,0,1\n",
		"test.csv":              "image_id\nTest_0\nTest_1\n",
		"sample_submission.csv": "image_id,spotty,leafy\nTest_0,0.5,0.5\nTest_1,0.5,0.5\n",
	}
}

// goodImages are the image files goodFiles needs.
var goodImages = []string{"Train_0.jpg", "Train_1.png", "Train_2.jpg", "Test_0.png", "Test_1.jpg"}

// writeDataset makes a dataset folder with the given CSV contents (a nil
// entry is left out) and 2x2 image files of the given names.
func writeDataset(t *testing.T, files map[string]string, images []string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if images == nil {
		return dir
	}
	if err := os.Mkdir(filepath.Join(dir, ImagesDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range images {
		f, err := os.Create(filepath.Join(dir, ImagesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		// Open only lists images; PNG bytes under a .jpg name are fine here.
		if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return dir
}

func TestOpenGood(t *testing.T) {
	dir := writeDataset(t, goodFiles(), append(goodImages, "Train_0.png", "notes.txt"))
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"leafy", "spotty"}; !reflect.DeepEqual(d.Classes, want) {
		t.Errorf("Classes = %v, want %v", d.Classes, want)
	}
	if want := []string{"spotty", "leafy"}; !reflect.DeepEqual(d.SubmissionClasses, want) {
		t.Errorf("SubmissionClasses = %v, want %v", d.SubmissionClasses, want)
	}
	img := func(name string) string { return filepath.Join(dir, ImagesDir, name) }
	wantTrain := []Item{
		{ID: "Train_0", Path: img("Train_0.jpg"), Label: 0, Line: 2}, // .jpg preferred over .png
		{ID: "Train_1", Path: img("Train_1.png"), Label: 1, Line: 3},
		{ID: "Train_2", Path: img("Train_2.jpg"), Label: 1, Line: 4},
	}
	if !reflect.DeepEqual(d.Train, wantTrain) {
		t.Errorf("Train = %+v\nwant %+v", d.Train, wantTrain)
	}
	wantTest := []Item{
		{ID: "Test_0", Path: img("Test_0.png"), Label: -1, Line: 2},
		{ID: "Test_1", Path: img("Test_1.jpg"), Label: -1, Line: 3},
	}
	if !reflect.DeepEqual(d.Test, wantTest) {
		t.Errorf("Test = %+v\nwant %+v", d.Test, wantTest)
	}
	if got, want := d.ClassCounts(), []int{1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("ClassCounts = %v, want %v", got, want)
	}
	wantAll := []string{img("Test_0.png"), img("Test_1.jpg"), img("Train_0.jpg"), img("Train_1.png"), img("Train_2.jpg")}
	if got := d.AllImages(); !reflect.DeepEqual(got, wantAll) {
		t.Errorf("AllImages = %v, want %v", got, wantAll)
	}
}

func TestOpenOptionalFiles(t *testing.T) {
	files := goodFiles()
	delete(files, "test.csv")
	delete(files, "sample_submission.csv")
	d, err := Open(writeDataset(t, files, goodImages))
	if err != nil {
		t.Fatal(err)
	}
	if d.Test != nil || d.SubmissionClasses != nil {
		t.Errorf("Test = %v, SubmissionClasses = %v, want both nil", d.Test, d.SubmissionClasses)
	}
}

func TestOpenBadFiles(t *testing.T) {
	tests := []struct {
		name   string
		file   string // which CSV to replace ("" for none)
		body   string // its new contents; "-" removes it
		images []string
		is     error
		where  string // the CSV the problem is in
		line   int
		image  string
	}{
		{"missing image", "", "", []string{"Train_0.jpg", "Train_2.jpg", "Test_0.png", "Test_1.jpg"}, ErrMissingImage, "train.csv", 3, "Train_1"},
		{"missing test image", "", "", []string{"Train_0.jpg", "Train_1.png", "Train_2.jpg", "Test_0.png"}, ErrMissingImage, "test.csv", 3, "Test_1"},
		{"no images folder", "", "", nil, ErrMissingImage, "images", 0, ""},
		{"two ones", "train.csv", "image_id,leafy,spotty\nTrain_0,1,0\nTrain_1,1,1\n", goodImages, ErrNotOneHot, "train.csv", 3, "Train_1"},
		{"all zero", "train.csv", "image_id,leafy,spotty\nTrain_0,0,0\n", goodImages, ErrNotOneHot, "train.csv", 2, "Train_0"},
		{"soft value", "train.csv", "image_id,leafy,spotty\nTrain_0,0.5,0.5\n", goodImages, ErrNotOneHot, "train.csv", 2, "Train_0"},
		{"not a number", "train.csv", "image_id,leafy,spotty\nTrain_0,yes,0\n", goodImages, ErrNotOneHot, "train.csv", 2, "Train_0"},
		{"duplicate train id", "train.csv", "image_id,leafy,spotty\nTrain_0,1,0\nTrain_1,0,1\nTrain_0,0,1\n", goodImages, ErrDuplicateID, "train.csv", 4, "Train_0"},
		{"duplicate test id", "test.csv", "image_id\nTest_0\nTest_0\n", goodImages, ErrDuplicateID, "test.csv", 3, "Test_0"},
		{"test id also in train", "test.csv", "image_id\nTest_0\nTrain_2\n", goodImages, ErrDuplicateID, "test.csv", 3, "Train_2"},
		{"short row", "train.csv", "image_id,leafy,spotty\nTrain_0,1,0\nTrain_1,0\n", goodImages, ErrColumnCount, "train.csv", 3, "Train_1"},
		{"long row", "train.csv", "image_id,leafy,spotty\nTrain_0,1,0,0\n", goodImages, ErrColumnCount, "train.csv", 2, "Train_0"},
		{"line after a blank line", "train.csv", "image_id,leafy,spotty\n\nTrain_0,1,1\n", goodImages, ErrNotOneHot, "train.csv", 3, "Train_0"},
		{"line after a quoted newline", "train.csv", "image_id,leafy,spotty\n\"Train\n0\",1,0\nTrain_1,1,1\n", goodImages, ErrNotOneHot, "train.csv", 4, "Train_1"},
		{"empty train", "train.csv", "", goodImages, ErrEmptyFile, "train.csv", 0, ""},
		{"empty test", "test.csv", "", goodImages, ErrEmptyFile, "test.csv", 0, ""},
		{"empty submission", "sample_submission.csv", "", goodImages, ErrEmptyFile, "sample_submission.csv", 0, ""},
		{"missing train", "train.csv", "-", goodImages, fs.ErrNotExist, "train.csv", 0, ""},
		{"empty id", "train.csv", "image_id,leafy,spotty\n,1,0\n", goodImages, ErrBadValue, "train.csv", 2, ""},
		{"first column not image_id", "train.csv", "id,leafy,spotty\nTrain_0,1,0\n", goodImages, ErrHeader, "train.csv", 1, ""},
		{"one class", "train.csv", "image_id,leafy\nTrain_0,1\n", goodImages, ErrHeader, "train.csv", 1, ""},
		{"repeated class", "train.csv", "image_id,leafy,leafy\nTrain_0,1,0\n", goodImages, ErrHeader, "train.csv", 1, ""},
		{"test with a class column", "test.csv", "image_id,leafy\nTest_0,1\n", goodImages, ErrHeader, "test.csv", 1, ""},
		{"unknown submission class", "sample_submission.csv", "image_id,spotty,mouldy\nTest_0,0.5,0.5\n", goodImages, ErrUnknownClass, "sample_submission.csv", 1, ""},
		{"missing submission class", "sample_submission.csv", "image_id,spotty\nTest_0,0.5\n", goodImages, ErrHeader, "sample_submission.csv", 1, ""},
		{"submission value not a probability", "sample_submission.csv", "image_id,spotty,leafy\nTest_0,1.5,0\n", goodImages, ErrBadValue, "sample_submission.csv", 2, "Test_0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := goodFiles()
			if tt.body == "-" {
				delete(files, tt.file)
			} else if tt.file != "" {
				files[tt.file] = tt.body
			}
			dir := writeDataset(t, files, tt.images)
			d, err := Open(dir)
			if err == nil {
				t.Fatalf("Open succeeded, want %v", tt.is)
			}
			if d != nil {
				t.Errorf("Open returned a Dataset with an error")
			}
			if !errors.Is(err, tt.is) {
				t.Fatalf("error %q, want one wrapping %q", err, tt.is)
			}
			fe := findProblem(err, tt.is)
			wantFile := filepath.Join(dir, tt.where)
			if fe.File != wantFile || fe.Line != tt.line || fe.Image != tt.image {
				t.Errorf("problem at %s line %d image %q, want %s line %d image %q", fe.File, fe.Line, fe.Image, wantFile, tt.line, tt.image)
			}
			if !strings.Contains(err.Error(), tt.where) {
				t.Errorf("message %q does not name %s", err, tt.where)
			}
		})
	}
}

// findProblem returns the first FileError in err that wraps target.
func findProblem(err error, target error) *FileError {
	var v *ValidationError
	if errors.As(err, &v) {
		for _, p := range v.Problems {
			if errors.Is(p, target) {
				return p
			}
		}
	}
	return &FileError{Err: err}
}

func TestOpenReportsEveryProblem(t *testing.T) {
	files := goodFiles()
	files["train.csv"] = "image_id,leafy,spotty\nTrain_0,1,1\nTrain_1,0\nTrain_2,0,1\nTrain_2,1,0\n"
	dir := writeDataset(t, files, []string{"Train_0.jpg", "Train_1.jpg", "Test_0.jpg", "Test_1.jpg"})
	d, err := Validate(dir)
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v, want a *ValidationError", err)
	}
	want := []struct {
		is   error
		line int
	}{{ErrColumnCount, 3}, {ErrDuplicateID, 5}, {ErrNotOneHot, 2}, {ErrMissingImage, 4}}
	if len(v.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(v.Problems), len(want), err)
	}
	for i, w := range want {
		if p := v.Problems[i]; !errors.Is(p, w.is) || p.Line != w.line {
			t.Errorf("problem %d = %v, want %v on line %d", i, p, w.is, w.line)
		}
	}
	if d == nil || len(d.Test) != 2 || len(d.Train) != 0 {
		t.Errorf("Validate kept %+v, want the 2 good test rows and no train rows", d)
	}
}

func TestFileErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *FileError
		want string
	}{
		{"full", &FileError{File: "train.csv", Line: 12, Image: "Train_5", Err: ErrNotOneHot}, "train.csv line 12 (image Train_5): row is not exactly one-hot"},
		{"whole file", &FileError{File: "test.csv", Err: ErrEmptyFile}, "test.csv: file is empty"},
		{"no image", &FileError{File: "a.csv", Line: 1, Err: ErrHeader}, "a.csv line 1: bad header"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s: Error() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReadLabelsSyntaxError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "train.csv")
	if err := os.WriteFile(path, []byte("image_id,a,b\nTrain_0,1,0\nTrain_\"1,0,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := ReadLabels(path)
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v, want a *csv.ParseError inside", err)
	}
	if fe := findProblem(err, pe); fe.Line != 3 {
		t.Errorf("syntax error reported on line %d, want 3", fe.Line)
	}
}

func TestOpenCountsProblemsBeyondTheList(t *testing.T) {
	var train strings.Builder
	train.WriteString("image_id,a,b\n")
	const rows = maxProblemsPerFile + 20
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&train, "Train_%d,1,1\n", i)
	}
	dir := writeDataset(t, map[string]string{"train.csv": train.String()}, []string{})
	_, err := Open(dir)
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v, want a *ValidationError", err)
	}
	if len(v.Problems) != maxProblemsPerFile || v.Omitted != rows-maxProblemsPerFile {
		t.Errorf("%d listed and %d omitted, want %d and %d", len(v.Problems), v.Omitted, maxProblemsPerFile, rows-maxProblemsPerFile)
	}
	if want := fmt.Sprintf("dataset: %d problems", rows); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message starts %q, want %q", err.Error()[:40], want)
	}
}
