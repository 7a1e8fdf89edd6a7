package softlabel

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/ppctl/ppctl/dataset"
)

// tinyData writes a balanced synthetic dataset of n training and nTest test
// images of 32 pixels (6 per class for n = 24) and opens it.
func tinyData(t *testing.T, n, nTest int) *dataset.Dataset {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	cfg := dataset.DefaultSynthConfig()
	cfg.Train, cfg.Test, cfg.Size, cfg.Noise, cfg.Imbalance, cfg.Seed = n, nTest, 32, 0.25, false, 3
	if _, err := dataset.Synthesize(context.Background(), dir, cfg); err != nil {
		t.Fatalf("Synthesize: %v", err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return ds
}

// tinyConfig is the smallest run that still exercises every step: the tiny
// backbone, 32-pixel crops, 2 folds, one unfrozen epoch.
func tinyConfig() Config {
	c := DefaultPseudoLabelConfig()
	c.Arch, c.Size, c.BatchSize, c.Folds = "seresnext_tiny", 32, 6, 2
	c.Schedule.Epochs, c.Schedule.FreezeEpochs = 1, 0
	return c
}

// tinyRuntime writes into dir with two loader goroutines.
func tinyRuntime(dir string) Runtime { return Runtime{Dir: dir, Workers: 2} }

// rowSum returns the sum of row.
func rowSum(row []float64) float64 {
	var s float64
	for _, v := range row {
		s += v
	}
	return s
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
