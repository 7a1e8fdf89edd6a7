package dataset

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// writeCSVAtomic writes records to path through a temporary file in the same
// folder, renamed over path only once everything is written and synced: a
// crash or a full disk leaves the old file (or none), never half a file.
func writeCSVAtomic(path string, records [][]string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("dataset: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("dataset: write %s: %w", path, err)
		}
	}()
	w := csv.NewWriter(f)
	if err := w.WriteAll(records); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// formatProb writes a probability in the shortest form that reads back to
// the same float64.
func formatProb(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// parseProb reads a probability: a finite number in [0, 1].
func parseProb(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return 0, fmt.Errorf("%w: %q is not a probability in [0, 1]", ErrBadValue, s)
	}
	return v, nil
}

// checkProbs returns an error unless every value is a probability and there
// are n of them; writers call it so they never write what readers reject.
func checkProbs(row []float64, n int) error {
	if len(row) != n {
		return fmt.Errorf("%w: %d probabilities for %d classes", ErrColumnCount, len(row), n)
	}
	for _, v := range row {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("%w: %v is not a probability in [0, 1]", ErrBadValue, v)
		}
	}
	return nil
}
