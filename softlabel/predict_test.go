package softlabel

import (
	"context"
	"encoding/csv"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
)

func TestPredict(t *testing.T) {
	ds := tinyData(t, 24, 6)
	run, res := fineTuned(t, ds)
	ctx := context.Background()
	rt := tinyRuntime("")

	paths, err := ModelPaths(run)
	if err != nil || !reflect.DeepEqual(paths, res.Checkpoints()) {
		t.Fatalf("ModelPaths(run) = %v, %v; want the folds' best.pth %v", paths, err, res.Checkpoints())
	}
	if one, err := ModelPaths(paths[1]); err != nil || !reflect.DeepEqual(one, paths[1:]) {
		t.Errorf("ModelPaths(file) = %v, %v; want the file itself", one, err)
	}

	probs, err := Predict(ctx, ds, paths, DefaultPredictConfig(), rt)
	if err != nil {
		t.Fatalf("Predict: %v", err)
	}
	t.Run("rows sum to 1", func(t *testing.T) {
		if len(probs) != len(ds.Test) {
			t.Fatalf("%d rows; want one per test image, %d", len(probs), len(ds.Test))
		}
		for i, row := range probs {
			if s := rowSum(row); !near(s, 1, 1e-9) {
				t.Errorf("row %d sums to %.12g; want 1", i, s)
			}
		}
	})

	t.Run("the average of the folds", func(t *testing.T) {
		var per [][][]float64
		for _, p := range paths {
			got, err := Predict(ctx, ds, []string{p}, DefaultPredictConfig(), rt)
			if err != nil {
				t.Fatal(err)
			}
			per = append(per, got)
		}
		for i := range probs {
			for c := range probs[i] {
				if want := (per[0][i][c] + per[1][i][c]) / 2; !near(probs[i][c], want, 1e-6) {
					t.Fatalf("image %d class %d: %g; want the folds' mean %g", i, c, probs[i][c], want)
				}
			}
		}
	})

	t.Run("flip TTA averages the image and its mirror", func(t *testing.T) {
		tta := DefaultPredictConfig()
		tta.TTA = 2
		both, err := Predict(ctx, ds, paths, tta, rt)
		if err != nil {
			t.Fatal(err)
		}
		mirrored, err := Predict(ctx, mirroredTest(t, ds), paths, DefaultPredictConfig(), rt)
		if err != nil {
			t.Fatal(err)
		}
		moved := 0.0
		for i := range both {
			for c := range both[i] {
				moved = max(moved, abs(mirrored[i][c]-probs[i][c]))
				if want := (probs[i][c] + mirrored[i][c]) / 2; !near(both[i][c], want, 1e-5) {
					t.Fatalf("image %d class %d: TTA 2 gives %g; want the mean of plain and mirrored, %g", i, c, both[i][c], want)
				}
			}
		}
		if moved < 1e-4 {
			t.Errorf("mirroring changes no probability by more than %g: the test cannot tell TTA from none", moved)
		}
	})

	t.Run("submission follows sample_submission's columns", func(t *testing.T) {
		cols := []string{"scab", "healthy", "rust", "multiple_diseases"}
		ds2 := *ds
		ds2.SubmissionClasses = cols
		out := filepath.Join(t.TempDir(), "submission.csv")
		if err := ds2.WriteSubmission(out, probs); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if want := append([]string{"image_id"}, cols...); !reflect.DeepEqual(recs[0], want) {
			t.Errorf("header = %v; want %v", recs[0], want)
		}
		pred, err := dataset.ReadPredictions(out)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range pred.Probs {
			if s := rowSum(row); !near(s, 1, 1e-9) {
				t.Errorf("written row %d sums to %.12g; want 1", i, s)
			}
			if pred.IDs[i] != ds.Test[i].ID || row[0] != probs[i][indexOf(ds.Classes, "scab")] {
				t.Errorf("row %d = %s %v; want %s with scab's probability first", i, pred.IDs[i], row, ds.Test[i].ID)
			}
		}
	})
}

// mirroredTest returns ds with every test image replaced by its mirror
// image, stored losslessly as PNG in a copy of the dataset.
func mirroredTest(t *testing.T, ds *dataset.Dataset) *dataset.Dataset {
	t.Helper()
	out := *ds
	out.Test = append([]dataset.Item(nil), ds.Test...)
	dir := t.TempDir()
	for i, it := range out.Test {
		m, err := dataset.DecodeFile(it.Path, dataset.DefaultDecodeOptions())
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, it.ID+".png")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, dataset.FlipHorizontal(m)); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out.Test[i].Path = p
	}
	return &out
}

func TestPredictErrors(t *testing.T) {
	ds := tinyData(t, 8, 2)
	dir := t.TempDir()
	encoder := filepath.Join(dir, "enc")
	os.Mkdir(encoder, 0o755)
	savedEncoder(t, encoder, 1)
	tests := []struct {
		name  string
		paths []string
		cfg   PredictConfig
		want  string
	}{
		{"no models", nil, DefaultPredictConfig(), "no models"},
		{"TTA 3", []string{"x.pth"}, PredictConfig{TTA: 3}, "choose 1 (none) or 2"},
		{"an encoder is no classifier", []string{filepath.Join(encoder, "encoder.pth")}, DefaultPredictConfig(), "not a classifier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Predict(context.Background(), ds, tt.paths, tt.cfg, Runtime{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want one mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := ModelPaths(dir); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("no fold<k>/%s", BestFile)) {
		t.Errorf("ModelPaths of a directory without folds: %v; want an error naming fold<k>/best.pth", err)
	}
}

func abs(x float64) float64 { return max(x, -x) }
