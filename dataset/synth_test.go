package dataset

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// tinySynth is a configuration small enough for a unit test.
func tinySynth() SynthConfig {
	cfg := DefaultSynthConfig()
	cfg.Train, cfg.Test, cfg.Size = 12, 5, 16
	return cfg
}

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestSynthesizeWritesTheLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // created by Synthesize
	cfg := tinySynth()
	cfg.Noise = 0.5
	sum, err := Synthesize(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	header := "image_id,healthy,multiple_diseases,rust,scab"
	tests := []struct {
		file, header, idPrefix string
		rows                   int
	}{
		{"train.csv", header, "Train_", 12},
		{"truth.csv", header, "Train_", 12},
		{"test.csv", "image_id", "Test_", 5},
		{"test_truth.csv", header, "Test_", 5},
		{"sample_submission.csv", header, "Test_", 5},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			rows := readCSV(t, filepath.Join(dir, tc.file))
			if got := strings.Join(rows[0], ","); got != tc.header {
				t.Errorf("header %q, want %q", got, tc.header)
			}
			if len(rows)-1 != tc.rows {
				t.Fatalf("%d rows, want %d", len(rows)-1, tc.rows)
			}
			for i, row := range rows[1:] {
				if want := tc.idPrefix + strconv.Itoa(i); row[0] != want {
					t.Errorf("row %d: image_id %q, want %q", i+1, row[0], want)
				}
				values := strings.Join(row[1:], ",")
				switch {
				case tc.file == "sample_submission.csv":
					if values != "0.25,0.25,0.25,0.25" {
						t.Errorf("row %d: %q, want 0.25 for each class", i+1, values)
					}
				case len(row) == 5:
					if n := strings.Count(values, "1"); n != 1 || strings.Count(values, "0") != 3 {
						t.Errorf("row %d: %q is not one-hot", i+1, values)
					}
				}
			}
		})
	}
	// The package's own validator accepts the folder.
	d, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	if len(d.Train) != 12 || len(d.Test) != 5 || !slices.Equal(d.Classes, SynthClasses()) {
		t.Errorf("Open: %d train, %d test rows, classes %v; want 12, 5, %v", len(d.Train), len(d.Test), d.Classes, SynthClasses())
	}
	// Every image is a 16x16 JPEG.
	for _, id := range append(column(readCSV(t, filepath.Join(dir, "train.csv"))), column(readCSV(t, filepath.Join(dir, "test.csv")))...) {
		b, err := os.ReadFile(filepath.Join(dir, "images", id+".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := jpeg.DecodeConfig(bytes.NewReader(b))
		if err != nil || c.Width != 16 || c.Height != 16 {
			t.Errorf("%s.jpg: %dx%d, %v; want a 16x16 JPEG", id, c.Width, c.Height, err)
		}
	}
	// The summary agrees with the files.
	_, noisy, _ := ReadLabels(filepath.Join(dir, "train.csv"))
	_, clean, _ := ReadLabels(filepath.Join(dir, "truth.csv"))
	differ := 0
	counts := make([]int, 4)
	for i := range clean {
		counts[clean[i].Label]++
		if clean[i].Label != noisy[i].Label {
			differ++
		}
	}
	if sum.Relabeled != differ || !slices.Equal(sum.TrainCounts, counts) || sum.Train() != 12 || sum.Test() != 5 {
		t.Errorf("summary: relabeled %d, train counts %v, %d+%d images; files: %d differ, counts %v, 12+5",
			sum.Relabeled, sum.TrainCounts, sum.Train(), sum.Test(), differ, counts)
	}
	// 12 rows in the competition's proportions: 12*516/1821 = 3.4, 0.6,
	// 4.1, 3.9 -> 3, 1, 4, 4.
	if want := []int{3, 1, 4, 4}; !slices.Equal(counts, want) {
		t.Errorf("truth.csv class counts %v, want %v", counts, want)
	}
}

// column returns the first column of rows without the header.
func column(rows [][]string) []string {
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

// readTree returns the contents of every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestSynthesizeDeterministic(t *testing.T) {
	synth := func(seed int64, workers int) map[string][]byte {
		cfg := tinySynth()
		cfg.Seed, cfg.Workers = seed, workers
		dir := t.TempDir()
		if _, err := Synthesize(context.Background(), dir, cfg); err != nil {
			t.Fatal(err)
		}
		return readTree(t, dir)
	}
	a, b, c := synth(3, 1), synth(3, 4), synth(4, 2)
	if len(a) != 5+12+5 {
		t.Fatalf("%d files, want 5 CSV files and 17 images", len(a))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between 1 and 4 workers with the same seed", name)
		}
	}
	for _, name := range []string{"train.csv", "images/Train_0.jpg", "images/Test_0.jpg"} {
		if bytes.Equal(a[name], c[name]) {
			t.Errorf("%s is the same for seeds 3 and 4", name)
		}
	}
}

func TestSynthesizeNoiseExtremes(t *testing.T) {
	tests := []struct {
		name     string
		noise    float64
		want     int // rows of train.csv that differ from truth.csv
		balanced bool
	}{
		{"clean labels", 0, 0, false},
		{"every label replaced", 1, 12, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tinySynth()
			cfg.Noise, cfg.Imbalance = tc.noise, !tc.balanced
			dir := t.TempDir()
			sum, err := Synthesize(context.Background(), dir, cfg)
			if err != nil {
				t.Fatal(err)
			}
			given := readCSV(t, filepath.Join(dir, "train.csv"))
			truth := readCSV(t, filepath.Join(dir, "truth.csv"))
			differ := 0
			for i := range given {
				if !slices.Equal(given[i], truth[i]) {
					differ++
				}
			}
			if differ != tc.want || sum.Relabeled != tc.want {
				t.Errorf("%d rows differ (summary %d), want %d", differ, sum.Relabeled, tc.want)
			}
			if tc.balanced && !slices.Equal(sum.TrainCounts, []int{3, 3, 3, 3}) {
				t.Errorf("balanced train counts %v, want 3 each", sum.TrainCounts)
			}
		})
	}
}

func TestSynthesizeRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	cfg := tinySynth()
	if _, err := Synthesize(context.Background(), dir, cfg); err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(own, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Synthesize(context.Background(), dir, cfg)
	if !errors.Is(err, ErrDirNotEmpty) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second run without Force: %v, want ErrDirNotEmpty mentioning --force", err)
	}
	// With Force a smaller dataset replaces the first: no stale image stays,
	// files that Synthesize did not write do.
	cfg.Force, cfg.Train, cfg.Test = true, 4, 1
	if _, err := Synthesize(context.Background(), dir, cfg); err != nil {
		t.Fatalf("with Force: %v", err)
	}
	images, _ := os.ReadDir(filepath.Join(dir, "images"))
	var names []string
	for _, e := range images {
		names = append(names, e.Name())
	}
	want := []string{"Test_0.jpg", "Train_0.jpg", "Train_1.jpg", "Train_2.jpg", "Train_3.jpg"}
	if !slices.Equal(names, want) {
		t.Errorf("images after the forced run %v, want %v", names, want)
	}
	if _, err := os.Stat(own); err != nil {
		t.Errorf("the user's file is gone: %v", err)
	}
}

func TestSynthConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*SynthConfig)
		want   string // "" for valid
	}{
		{"defaults", func(*SynthConfig) {}, ""},
		{"zero size means the default", func(c *SynthConfig) { c.Size = 0 }, ""},
		{"noise 1", func(c *SynthConfig) { c.Noise = 1 }, ""},
		{"no test images", func(c *SynthConfig) { c.Test = 0 }, ""},
		{"no training images", func(c *SynthConfig) { c.Train = 0 }, "training images"},
		{"negative test images", func(c *SynthConfig) { c.Test = -1 }, "test images"},
		{"size too small", func(c *SynthConfig) { c.Size = 8 }, "image size 8"},
		{"size too large", func(c *SynthConfig) { c.Size = 5000 }, "image size 5000"},
		{"noise above 1", func(c *SynthConfig) { c.Noise = 1.5 }, "label noise 1.5"},
		{"negative noise", func(c *SynthConfig) { c.Noise = -0.1 }, "label noise -0.1"},
		{"quality", func(c *SynthConfig) { c.Quality = 101 }, "JPEG quality 101"},
		{"workers", func(c *SynthConfig) { c.Workers = -2 }, "-2 workers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultSynthConfig()
			tc.change(&cfg)
			err := cfg.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := Synthesize(context.Background(), t.TempDir(), SynthConfig{Train: 1, Noise: 2}); err == nil {
		t.Errorf("Synthesize with noise 2 succeeded, want the Validate error")
	}
}

func TestSynthesizeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := Synthesize(ctx, dir, tinySynth()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Synthesize with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "train.csv")); err == nil {
		t.Errorf("train.csv written although the run was cancelled")
	}
}

func TestSynthesizedJPEGsKeepTheClasses(t *testing.T) {
	cfg := tinySynth()
	cfg.Train, cfg.Test, cfg.Size, cfg.Noise = 32, 0, 64, 0
	dir := t.TempDir()
	if _, err := Synthesize(context.Background(), dir, cfg); err != nil {
		t.Fatal(err)
	}
	_, items, err := ReadLabels(filepath.Join(dir, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for _, it := range items {
		f, err := os.Open(filepath.Join(dir, "images", it.ID+".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if classifyByColour(FromImage(m)) == SynthClass(it.Label) {
			correct++
		}
	}
	acc := float64(correct) / float64(len(items))
	t.Logf("colour classifier on the JPEGs: accuracy %.3f", acc)
	if acc < 0.8 { // chance is 25%
		t.Errorf("colour classifier right on %d of %d JPEGs (%.2f), want >= 0.8", correct, len(items), acc)
	}
}
