package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTinyDataset writes a dataset folder: the CSVs given and, per image
// name, a JPEG or PNG of the given size or, for size 0x0, junk bytes.
func writeTinyDataset(t *testing.T, csvs map[string]string, images map[string][2]int) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range csvs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "images"), 0o755)
	for name, size := range images {
		var buf bytes.Buffer
		m := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
		for i := range m.Pix {
			m.Pix[i] = 200
		}
		m.Set(0, 0, color.RGBA{10, 20, 30, 255})
		switch {
		case size == [2]int{}:
			buf.WriteString("junk, not an image")
		case strings.HasSuffix(name, ".png"):
			png.Encode(&buf, m)
		default:
			jpeg.Encode(&buf, m, nil)
		}
		if err := os.WriteFile(filepath.Join(dir, "images", name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runDataCheck runs `ppctl data check` with args and returns stdout and the
// exit status (0 on success).
func runDataCheck(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errw bytes.Buffer
	err := newApp(&out, &errw).RunContext(context.Background(), append([]string{"ppctl", "data", "check"}, args...))
	if err == nil {
		return out.String(), 0
	}
	return out.String() + err.Error(), exitCode(err)
}

func TestDataCheck(t *testing.T) {
	goodCSV := map[string]string{
		"train.csv":             "image_id,leafy,spotty\nTrain_0,1,0\nTrain_1,0,1\nTrain_2,0,1\n",
		"test.csv":              "image_id\nTest_0\n",
		"sample_submission.csv": "image_id,leafy,spotty\nTest_0,0.5,0.5\n",
	}
	goodImages := map[string][2]int{"Train_0.jpg": {16, 12}, "Train_1.jpg": {12, 16}, "Train_2.png": {16, 12}, "Test_0.jpg": {16, 12}}
	brokenCSV := map[string]string{
		"train.csv": "image_id,leafy,spotty\nTrain_0,1,0\nTrain_1,1,1\nTrain_2,0,1\nTrain_3,1,0\n",
		"test.csv":  "image_id\nTest_0\n",
	}
	brokenImages := map[string][2]int{"Train_0.jpg": {16, 12}, "Train_1.jpg": {16, 12}, "Train_2.jpg": {}, "Test_0.jpg": {16, 12}}
	tests := []struct {
		name     string
		dir      string // "" for no --data flag
		code     int
		contains []string
	}{
		{"good", writeTinyDataset(t, goodCSV, goodImages), 0, []string{
			"classes: 2 (leafy, spotty)",
			"train.csv: 3 rows with images",
			"leafy                     1   33.3%",
			"spotty                    2   66.7%",
			"test.csv: 1 rows with images",
			"sample_submission.csv: columns leafy,spotty",
			"16x12 jpeg                2",
			"12x16 jpeg                1",
			"16x12 png                 1",
			"problems: none",
		}},
		{"broken", writeTinyDataset(t, brokenCSV, brokenImages), 1, []string{
			"problems: 3",
			"train.csv line 3 (image Train_1): row is not exactly one-hot",
			"train.csv line 5 (image Train_3): image file not found",
			"train.csv line 4 (image Train_2): image file cannot be read",
			"test.csv: 1 rows with images",
		}},
		{"empty folder", t.TempDir(), 1, []string{"train.csv: open", "images: image file not found"}},
		{"no flag", "", 2, []string{"--data DIR is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			if tt.dir != "" {
				args = []string{"--data", tt.dir}
			}
			out, code := runDataCheck(t, args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\n%s", code, tt.code, out)
			}
			for _, want := range tt.contains {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
