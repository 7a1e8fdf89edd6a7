package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// The files of a synthetic dataset besides images/.
var synthCSVFiles = []string{"train.csv", "truth.csv", "test.csv", "test_truth.csv", "sample_submission.csv"}

// synthImageName matches the image files Synthesize writes.
var synthImageName = regexp.MustCompile(`^(Train|Test)_[0-9]+\.jpg$`)

// prepareSynthDir makes sure dir exists and is empty, or, with force, removes
// the files an earlier Synthesize wrote there (so that no stale image of a
// larger earlier run survives).
func prepareSynthDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("dataset: synth: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("dataset: synth: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	if !force {
		return fmt.Errorf("dataset: synth: %s: %w; choose a new directory or force overwriting (ppctl synth --force)", dir, ErrDirNotEmpty)
	}
	for _, name := range synthCSVFiles {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("dataset: synth: %w", err)
		}
	}
	images, err := os.ReadDir(filepath.Join(dir, "images"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dataset: synth: %w", err)
	}
	for _, e := range images {
		if !e.IsDir() && synthImageName.MatchString(e.Name()) {
			if err := os.Remove(filepath.Join(dir, "images", e.Name())); err != nil {
				return fmt.Errorf("dataset: synth: %w", err)
			}
		}
	}
	return nil
}

// writeSynthCSVs writes the five CSV files of the dataset.
func writeSynthCSVs(dir string, trainClean, trainGiven, test []SynthClass) error {
	classes := SynthClasses()
	oneHot := func(prefix string, labels []SynthClass) [][]string {
		rows := [][]string{append([]string{"image_id"}, classes...)}
		for i, c := range labels {
			row := []string{prefix + strconv.Itoa(i), "0", "0", "0", "0"}
			row[1+int(c)] = "1"
			rows = append(rows, row)
		}
		return rows
	}
	ids := [][]string{{"image_id"}}
	submission := [][]string{append([]string{"image_id"}, classes...)}
	for i := range test {
		id := "Test_" + strconv.Itoa(i)
		ids = append(ids, []string{id})
		submission = append(submission, []string{id, "0.25", "0.25", "0.25", "0.25"})
	}
	files := map[string][][]string{
		"train.csv":             oneHot("Train_", trainGiven),
		"truth.csv":             oneHot("Train_", trainClean),
		"test.csv":              ids,
		"test_truth.csv":        oneHot("Test_", test),
		"sample_submission.csv": submission,
	}
	for _, name := range synthCSVFiles {
		if err := writeSynthCSV(filepath.Join(dir, name), files[name]); err != nil {
			return err
		}
	}
	return nil
}

// writeSynthCSV writes rows to path with encoding/csv.
func writeSynthCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("dataset: synth: %w", err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("dataset: synth: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("dataset: synth: %w", err)
	}
	return nil
}
