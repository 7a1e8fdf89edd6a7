package plot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/train"
)

// TestRunWritesPictures renders a synthetic 3-fold run and checks every
// picture: written, a PNG of the requested size, and not blank.
func TestRunWritesPictures(t *testing.T) {
	tests := []struct {
		name         string
		pseudo       bool // write pseudolabels.csv
		foldPreds    bool // write fold<k>/valid_predictions.csv
		schedule     bool // write lr_schedule.csv
		opts         Options
		wantFiles    []string
		wantW, wantH int
	}{
		{name: "curves only", opts: DefaultOptions(),
			wantFiles: []string{LossFile, LRFile, MetricsFile}, wantW: 1000, wantH: 600},
		{name: "pseudo-labels", pseudo: true, schedule: true, opts: Options{Width: 640, Height: 480},
			wantFiles: []string{LossFile, LRFile, MetricsFile, ConfusionFile, ROCFile}, wantW: 640, wantH: 480},
		{name: "fold predictions on epochs", foldPreds: true, opts: Options{X: AxisEpoch, Width: 900, Height: 500},
			wantFiles: []string{LossFile, LRFile, MetricsFile, ConfusionFile, ROCFile}, wantW: 900, wantH: 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := outDir(t)
			writeRun(t, dir, "finetune", synthRecords(t, "finetune", 3, 5, 10, 0))
			if tc.pseudo {
				if err := dataset.WritePseudoLabels(filepath.Join(dir, PseudoLabelsFile), synthPseudoLabels(testCounts)); err != nil {
					t.Fatal(err)
				}
			}
			if tc.foldPreds {
				writeFoldPredictions(t, dir)
			}
			if tc.schedule {
				ft := train.DefaultFineTune()
				ft.Epochs = 4
				phases, err := ft.Phases(2, 10)
				if err != nil {
					t.Fatal(err)
				}
				if err := WriteSchedule(filepath.Join(dir, ScheduleFile), ScheduleOf(phases)); err != nil {
					t.Fatal(err)
				}
			}
			files, err := Run(dir, tc.opts)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := base(files); !slices.Equal(got, tc.wantFiles) {
				t.Fatalf("files = %v, want %v", got, tc.wantFiles)
			}
			for _, f := range files {
				img := decodePNG(t, f)
				if b := img.Bounds(); b.Dx() != tc.wantW || b.Dy() != tc.wantH {
					t.Errorf("%s is %dx%d, want %dx%d", filepath.Base(f), b.Dx(), b.Dy(), tc.wantW, tc.wantH)
				}
				// Text is anti-aliased and the curves are coloured, so a
				// picture with content has hundreds of colours; a blank or
				// axes-only one a handful.
				if n := distinctColors(img); n < 100 {
					t.Errorf("%s has %d distinct colours, want at least 100 (is it blank?)", filepath.Base(f), n)
				}
			}
		})
	}
}

// writeFoldPredictions writes fold0 and fold1 validation predictions that
// together hold testCounts.
func writeFoldPredictions(t *testing.T, dir string) {
	t.Helper()
	pl := synthPseudoLabels(testCounts)
	n := len(pl.Classes)
	for k := range 2 {
		var ids []string
		var labels []int
		var probs []float32
		for i, r := range pl.Rows {
			if i%2 != k {
				continue
			}
			ids = append(ids, r.ID)
			labels = append(labels, r.Label)
			for _, p := range r.Probs {
				probs = append(probs, float32(p))
			}
		}
		path := filepath.Join(dir, "fold"+string(rune('0'+k)), ValidPredictionsFile)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteValidPredictions(path, pl.Classes, ids, labels, probs); err != nil {
			t.Fatal(err)
		}
	}
	s, err := ReadRunScores(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != len(pl.Rows) || len(s.Probs) != len(pl.Rows)*n {
		t.Fatalf("fold predictions read back %d images, %d probabilities; want %d, %d", s.Len(), len(s.Probs), len(pl.Rows), len(pl.Rows)*n)
	}
}

// TestRunErrors checks that a missing or damaged input is an error naming
// the file, and that nothing is half-written.
func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) // prepares dir
		wantErr []string                       // substrings of the error
	}{
		{name: "no such directory", setup: func(t *testing.T, dir string) { os.RemoveAll(dir) },
			wantErr: []string{"no such file"}},
		{name: "not a run", setup: func(t *testing.T, dir string) {},
			wantErr: []string{train.MetricsFile, "no such file", "run directory"}},
		{name: "damaged metrics", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, train.MetricsFile), []byte("{\"epoch\": 0}\n{oops\n"), 0o644)
		}, wantErr: []string{train.MetricsFile, "line 2"}},
		{name: "no epochs yet", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, train.MetricsFile), nil, 0o644)
		}, wantErr: []string{train.MetricsFile, "no epoch records"}},
		{name: "damaged manifest", setup: func(t *testing.T, dir string) {
			writeRun(t, dir, "finetune", synthRecords(t, "finetune", 1, 2, 3, 0))
			os.WriteFile(filepath.Join(dir, train.ManifestFile), []byte("{"), 0o644)
		}, wantErr: []string{train.ManifestFile}},
		{name: "damaged pseudo-labels", setup: func(t *testing.T, dir string) {
			writeRun(t, dir, "pseudolabel", synthRecords(t, "pseudolabel", 2, 2, 3, 0))
			os.WriteFile(filepath.Join(dir, PseudoLabelsFile), []byte("image_id,labels,softlabels,p_a,p_b\nx,a,c,0.5,0.5\n"), 0o644)
		}, wantErr: []string{PseudoLabelsFile, "line 2"}},
		{name: "damaged schedule", setup: func(t *testing.T, dir string) {
			writeRun(t, dir, "finetune", synthRecords(t, "finetune", 1, 2, 3, 0))
			os.WriteFile(filepath.Join(dir, ScheduleFile), []byte("step,lr\n3,fast\n"), 0o644)
		}, wantErr: []string{ScheduleFile, "line 2"}},
		{name: "folds disagree on classes", setup: func(t *testing.T, dir string) {
			writeRun(t, dir, "finetune", synthRecords(t, "finetune", 2, 2, 3, 0))
			os.MkdirAll(filepath.Join(dir, "fold0"), 0o755)
			os.MkdirAll(filepath.Join(dir, "fold1"), 0o755)
			WriteValidPredictions(filepath.Join(dir, "fold0", ValidPredictionsFile), []string{"a", "b"}, []string{"x"}, []int{0}, []float32{1, 0})
			WriteValidPredictions(filepath.Join(dir, "fold1", ValidPredictionsFile), []string{"b", "a"}, []string{"y"}, []int{0}, []float32{1, 0})
		}, wantErr: []string{filepath.Join("fold1", ValidPredictionsFile), "class order"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			tc.setup(t, dir)
			_, err := Run(dir, DefaultOptions())
			if err == nil {
				t.Fatal("Run succeeded, want an error")
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

// TestOptionsRefused checks that out-of-range options are refused before
// anything is read.
func TestOptionsRefused(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"too narrow", Options{Width: 100}, "200 to 8000"},
		{"too tall", Options{Height: 9000}, "200 to 8000"},
		{"negative DPI", Options{DPI: -1}, "DPI"},
		{"unknown axis", Options{X: Axis(7)}, "auto, step or epoch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(t.TempDir(), tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run with %+v: error %v, want one mentioning %q", tc.o, err, tc.want)
			}
		})
	}
}
