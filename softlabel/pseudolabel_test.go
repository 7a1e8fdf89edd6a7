package softlabel

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/train"
)

func TestPseudoLabel(t *testing.T) {
	ds := tinyData(t, 24, 4)
	run := t.TempDir()
	cfg := tinyConfig()
	res, err := PseudoLabel(context.Background(), ds, cfg, tinyRuntime(run))
	if err != nil {
		t.Fatalf("PseudoLabel: %v", err)
	}

	t.Run("csv format", func(t *testing.T) {
		f, err := os.Open(filepath.Join(run, PseudoLabelsFile))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"image_id", "labels", "softlabels", "p_healthy", "p_multiple_diseases", "p_rust", "p_scab"}
		if !reflect.DeepEqual(recs[0], want) {
			t.Errorf("header = %v; want %v", recs[0], want)
		}
		if got := len(recs) - 1; got != len(ds.Train) {
			t.Fatalf("%d rows; want one per training image, %d", got, len(ds.Train))
		}
		for i, rec := range recs[1:] {
			it := ds.Train[i]
			if rec[0] != it.ID || rec[1] != ds.Classes[it.Label] {
				t.Errorf("row %d = %v; want image %s with its given label %s", i, rec[:2], it.ID, ds.Classes[it.Label])
			}
		}
		pl, err := dataset.ReadPseudoLabels(filepath.Join(run, PseudoLabelsFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range pl.Rows {
			if s := rowSum(r.Probs); !near(s, 1, 1e-5) {
				t.Errorf("image %s: probabilities sum to %g; want 1", r.ID, s)
			}
			p32 := make([]float32, len(r.Probs))
			for c, v := range r.Probs {
				p32[c] = float32(v)
			}
			if want := train.Argmax(p32); r.Pred != want {
				t.Errorf("image %s: softlabels %d; want the argmax of its probabilities, %d", r.ID, r.Pred, want)
			}
		}
	})

	t.Run("out-of-fold coverage", func(t *testing.T) {
		folds, err := StratifiedKFold(labelsOf(ds.Train), cfg.Folds, cfg.Seed)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for k := range folds {
			oof, err := dataset.ReadPseudoLabels(filepath.Join(run, fmt.Sprintf("fold%d", k), OOFFile))
			if err != nil {
				t.Fatal(err)
			}
			trained := map[string]bool{}
			for _, i := range folds[k].Train {
				trained[ds.Train[i].ID] = true
			}
			for _, r := range oof.Rows {
				seen[r.ID]++
				if trained[r.ID] {
					t.Errorf("image %s was predicted by fold %d, which trained on it", r.ID, k)
				}
			}
			if len(oof.Rows) != len(folds[k].Valid) {
				t.Errorf("fold %d predicted %d images; want its %d held-out ones", k, len(oof.Rows), len(folds[k].Valid))
			}
		}
		for i, it := range ds.Train {
			if seen[it.ID] != 1 {
				t.Errorf("image %s predicted %d times; want exactly once", it.ID, seen[it.ID])
			}
			if k := res.Fold[i]; !contains(folds[k].Valid, i) {
				t.Errorf("Fold[%d] = %d, but fold %d does not hold image %d out", i, k, k, i)
			}
			got := res.Labels.Rows[i]
			if got.ID != it.ID || got.Label != it.Label {
				t.Errorf("Labels.Rows[%d] = %s/%d; want %s/%d", i, got.ID, got.Label, it.ID, it.Label)
			}
		}
	})

	t.Run("fold metrics", func(t *testing.T) {
		for k := range cfg.Folds {
			recs, err := train.ReadMetrics(filepath.Join(run, fmt.Sprintf("fold%d", k), train.MetricsFile))
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 || recs[0].Fold == nil || *recs[0].Fold != k || recs[0].ValidLoss == nil {
				t.Errorf("fold %d metrics = %+v; want one epoch record of fold %d with a validation loss", k, recs, k)
			}
		}
	})

	t.Run("resume reads the folds back", func(t *testing.T) {
		rt := tinyRuntime(run)
		rt.Resume = true
		again, err := PseudoLabel(context.Background(), ds, cfg, rt)
		if err != nil {
			t.Fatalf("resumed PseudoLabel: %v", err)
		}
		for _, f := range again.Folds {
			if !f.Resumed {
				t.Errorf("fold %d trained again; want it read back", f.Fold)
			}
		}
		for i := range ds.Train {
			a, b := res.Labels.Rows[i], again.Labels.Rows[i]
			if a.Pred != b.Pred || !near(a.Probs[0], b.Probs[0], 1e-6) {
				t.Errorf("row %d: resumed %+v; want %+v", i, b, a)
			}
		}
	})
}

func TestPseudoLabelErrors(t *testing.T) {
	ds := tinyData(t, 8, 0) // 2 images a class
	tests := []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"more folds than a class has", func(c *Config) { c.Folds = 3 }, "fewer than the 3 folds"},
		{"one fold", func(c *Config) { c.Folds = 1 }, "at least 2"},
		{"unknown arch", func(c *Config) { c.Arch = "resnet9000" }, "resnet9000"},
		{"missing encoder", func(c *Config) { c.Encoder = filepath.Join(t.TempDir(), "none") }, "does not exist"},
		{"no batch", func(c *Config) { c.BatchSize = 0 }, "batch size 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tinyConfig()
			tt.edit(&cfg)
			_, err := PseudoLabel(context.Background(), ds, cfg, Runtime{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want one mentioning %q", err, tt.want)
			}
		})
	}
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
