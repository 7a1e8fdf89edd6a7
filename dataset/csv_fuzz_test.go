package dataset

import (
	"bytes"
	"encoding/csv"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// The fuzz targets prove that the CSV readers never panic on any input and
// that everything they accept is consistent (and, for the files ppctl
// writes, survives a write and a read unchanged). Their seed corpora are
// under testdata/fuzz/<target>/; go test runs them as ordinary tests.
// Fuzz with e.g. go test -run NONE -fuzz FuzzReadLabels -fuzztime 30s ./dataset/

var sentinels = []error{ErrEmptyFile, ErrHeader, ErrColumnCount, ErrNotOneHot, ErrDuplicateID, ErrMissingImage, ErrUnknownClass, ErrBadValue}

// checkProblems fails unless every problem names the file and wraps a
// sentinel or an encoding/csv syntax error.
func checkProblems(t *testing.T, p *problems, file string) {
	t.Helper()
	for _, fe := range p.list {
		var pe *csv.ParseError
		known := errors.As(fe, &pe)
		for _, s := range sentinels {
			known = known || errors.Is(fe, s)
		}
		if fe.File != file || !known {
			t.Fatalf("problem %v: want file %s and a known error", fe, file)
		}
		_ = fe.Error()
	}
}

// checkIDs fails unless ids are non-empty plain names without repeats.
func checkIDs(t *testing.T, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || !plainFileName(id) || seen[id] {
			t.Fatalf("accepted bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

func FuzzReadLabels(f *testing.F) {
	f.Add([]byte("image_id,healthy,multiple_diseases,rust,scab\nTrain_0,0,0,0,1\nTrain_1,0,1,0,0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p problems
		classes, items := readLabels(bytes.NewReader(data), "train.csv", &p)
		checkProblems(t, &p, "train.csv")
		if p.err() != nil {
			return
		}
		if len(classes) < 2 {
			t.Fatalf("accepted %d classes", len(classes))
		}
		ids := make([]string, len(items))
		for i, it := range items {
			if it.Label < 0 || it.Label >= len(classes) || it.Line < 2 {
				t.Fatalf("item %+v out of range for %d classes", it, len(classes))
			}
			ids[i] = it.ID
		}
		checkIDs(t, ids)
	})
}

func FuzzReadIDs(f *testing.F) {
	f.Add([]byte("image_id\nTest_0\nTest_1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p problems
		items := readIDs(bytes.NewReader(data), "test.csv", &p)
		checkProblems(t, &p, "test.csv")
		if p.err() != nil {
			return
		}
		ids := make([]string, len(items))
		for i, it := range items {
			if it.Label != -1 {
				t.Fatalf("test item %+v has a label", it)
			}
			ids[i] = it.ID
		}
		checkIDs(t, ids)
	})
}

func FuzzReadPredictions(f *testing.F) {
	f.Add([]byte("image_id,healthy,multiple_diseases,rust,scab\nTest_0,0.25,0.25,0.25,0.25\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p problems
		pred := readPredictions(bytes.NewReader(data), "submission.csv", &p)
		checkProblems(t, &p, "submission.csv")
		if p.err() != nil {
			return
		}
		checkIDs(t, pred.IDs)
		path := filepath.Join(t.TempDir(), "submission.csv")
		if err := WritePredictions(path, pred); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		again, err := ReadPredictions(path)
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		if !reflect.DeepEqual(again, pred) {
			t.Fatalf("round trip changed %+v to %+v", pred, again)
		}
	})
}

func FuzzReadPseudoLabels(f *testing.F) {
	f.Add([]byte("image_id,labels,softlabels,p_healthy,p_rust\nTrain_0,rust,healthy,0.7,0.3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p problems
		pl := readPseudoLabels(bytes.NewReader(data), "pseudolabels.csv", &p)
		checkProblems(t, &p, "pseudolabels.csv")
		if p.err() != nil {
			return
		}
		ids := make([]string, len(pl.Rows))
		for i, r := range pl.Rows {
			ids[i] = r.ID
		}
		checkIDs(t, ids)
		path := filepath.Join(t.TempDir(), "pseudolabels.csv")
		if err := WritePseudoLabels(path, pl); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		again, err := ReadPseudoLabels(path)
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		if !reflect.DeepEqual(again, pl) {
			t.Fatalf("round trip changed %+v to %+v", pl, again)
		}
	})
}
