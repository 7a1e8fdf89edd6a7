package softlabel

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train/plot"
)

// fakePseudo returns pseudo-labels for ds whose prediction is the next
// class after the given one and whose probabilities put 0.7 there and 0.1
// elsewhere.
func fakePseudo(ds *dataset.Dataset) *dataset.PseudoLabels {
	n := len(ds.Classes)
	pl := &dataset.PseudoLabels{Classes: ds.Classes}
	for _, it := range ds.Train {
		pred := (it.Label + 1) % n
		probs := make([]float64, n)
		for c := range probs {
			probs[c] = 0.1
		}
		probs[pred] = 0.7
		pl.Rows = append(pl.Rows, dataset.PseudoLabel{ID: it.ID, Label: it.Label, Pred: pred, Probs: probs})
	}
	return pl
}

// fineTuned runs a tiny FineTune and returns its run directory.
func fineTuned(t *testing.T, ds *dataset.Dataset) (string, *FineTuneResult) {
	t.Helper()
	run := t.TempDir()
	cfg := FineTuneConfig{Config: tinyConfig(), Blend: DefaultBlend()}
	res, err := FineTune(context.Background(), ds, fakePseudo(ds), cfg, tinyRuntime(run))
	if err != nil {
		t.Fatalf("FineTune: %v", err)
	}
	return run, res
}

func TestFineTune(t *testing.T) {
	ds := tinyData(t, 24, 4)
	run, res := fineTuned(t, ds)
	if len(res.Folds) != 2 {
		t.Fatalf("%d folds; want 2", len(res.Folds))
	}
	for k, f := range res.Folds {
		path := filepath.Join(run, fmt.Sprintf("fold%d", k), BestFile)
		if f.Checkpoint != path || f.Best == nil || f.Best.ValidLoss == nil || f.Best.Accuracy == nil {
			t.Errorf("fold %d = %+v; want best.pth at %s and a best record with loss and accuracy", k, f, path)
		}
		meta, err := checkpoint.ReadMeta(path)
		if err != nil || meta == nil {
			t.Fatalf("fold %d sidecar: %v, %v", k, meta, err)
		}
		if meta.Kind != "classifier" || meta.Arch != "seresnext_tiny" || meta.ImageSize != 32 ||
			strings.Join(meta.Classes, ",") != strings.Join(ds.Classes, ",") || meta.Normalization == nil {
			t.Errorf("fold %d sidecar = %+v; want a seresnext_tiny classifier of train.csv's classes at 32 px, normalised", k, meta)
		}
		clf, err := models.NewClassifier(models.ClassifierConfig{Arch: "seresnext_tiny", Classes: 4})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := models.LoadCheckpoint(path, clf, models.LoadOptions{}); err != nil {
			t.Errorf("fold %d: best.pth does not load back into a classifier: %v", k, err)
		}
		if _, err := os.Stat(filepath.Join(run, fmt.Sprintf("fold%d", k), CompleteFile)); err != nil {
			t.Errorf("fold %d has no completion marker: %v", k, err)
		}
		// The best model's held-out predictions, for plots: one row per
		// validation image, given label, probabilities summing to 1.
		vp, err := dataset.ReadPseudoLabels(filepath.Join(run, fmt.Sprintf("fold%d", k), plot.ValidPredictionsFile))
		if err != nil {
			t.Fatalf("fold %d: %v", k, err)
		}
		if len(vp.Rows) != f.Valid {
			t.Errorf("fold %d: %d validation predictions for %d held-out images", k, len(vp.Rows), f.Valid)
		}
	}

	t.Run("resume skips complete folds", func(t *testing.T) {
		os.Remove(filepath.Join(run, "fold1", CompleteFile)) // fold 1 "was interrupted"
		rt := tinyRuntime(run)
		rt.Resume = true
		cfg := FineTuneConfig{Config: tinyConfig(), Blend: DefaultBlend()}
		again, err := FineTune(context.Background(), ds, fakePseudo(ds), cfg, rt)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Folds[0].Resumed || again.Folds[1].Resumed {
			t.Errorf("resumed = %v, %v; want fold 0 skipped and fold 1 trained again",
				again.Folds[0].Resumed, again.Folds[1].Resumed)
		}
		if *again.Folds[0].Best.ValidLoss != *res.Folds[0].Best.ValidLoss {
			t.Errorf("fold 0's summary read back as %+v; want %+v", again.Folds[0].Best, res.Folds[0].Best)
		}
	})

	t.Run("no run directory", func(t *testing.T) {
		_, err := FineTune(context.Background(), ds, nil, DefaultFineTuneSettings(), Runtime{})
		if err == nil || !strings.Contains(err.Error(), "run directory") {
			t.Errorf("error = %v; want one asking for a run directory", err)
		}
	})
}

func TestTrainTargets(t *testing.T) {
	ds := &dataset.Dataset{Classes: []string{"a", "b", "c"}, Train: []dataset.Item{
		{ID: "x", Label: 0}, {ID: "y", Label: 2},
	}}
	// The file lists its classes as c, a, b and its rows in another order.
	soft := &dataset.PseudoLabels{Classes: []string{"c", "a", "b"}, Rows: []dataset.PseudoLabel{
		{ID: "y", Label: 0, Pred: 2, Probs: []float64{0.2, 0.0, 0.8}}, // given c, predicted b
		{ID: "x", Label: 1, Pred: 1, Probs: []float64{0.0, 1.0, 0.0}}, // given a, predicted a
	}}
	tests := []struct {
		name  string
		soft  *dataset.PseudoLabels
		blend Blend
		want  [][]float32 // in a, b, c order
	}{
		{"no pseudo-labels: given labels", nil, DefaultBlend(), [][]float32{{1, 0, 0}, {0, 0, 1}}},
		{"hard", soft, Blend{0.5, Hard}, [][]float32{{1, 0, 0}, {0, 0.5, 0.5}}},
		{"probs", soft, Blend{0.5, Probs}, [][]float32{{1, 0, 0}, {0, 0.4, 0.6}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TrainTargets(ds, tt.soft, tt.blend)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				for c := range tt.want[i] {
					if !near(float64(got[i][c]), float64(tt.want[i][c]), 1e-6) {
						t.Fatalf("targets = %v; want %v", got, tt.want)
					}
				}
			}
		})
	}
}

func TestTrainTargetsErrors(t *testing.T) {
	ds := &dataset.Dataset{Classes: []string{"a", "b"}, Train: []dataset.Item{{ID: "x", Label: 0}, {ID: "y", Label: 1}}}
	row := func(id string, label int) dataset.PseudoLabel {
		return dataset.PseudoLabel{ID: id, Label: label, Pred: label, Probs: []float64{0.5, 0.5}}
	}
	tests := []struct {
		name string
		soft *dataset.PseudoLabels
		want string
	}{
		{"another class set", &dataset.PseudoLabels{Classes: []string{"a", "z"}, Rows: []dataset.PseudoLabel{row("x", 0), row("y", 1)}}, `"z"`},
		{"a missing image", &dataset.PseudoLabels{Classes: []string{"a", "b"}, Rows: []dataset.PseudoLabel{row("x", 0)}}, "cover 1 images, train.csv has 2"},
		{"an unknown image", &dataset.PseudoLabels{Classes: []string{"a", "b"}, Rows: []dataset.PseudoLabel{row("x", 0), row("w", 1)}}, "no row for image y"},
		{"another given label", &dataset.PseudoLabels{Classes: []string{"a", "b"}, Rows: []dataset.PseudoLabel{row("x", 1), row("y", 1)}}, "another train.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TrainTargets(ds, tt.soft, DefaultBlend())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want one mentioning %q", err, tt.want)
			}
		})
	}
}
