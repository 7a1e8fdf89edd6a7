package softlabel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ppctl/ppctl/torch/train"
)

// Files a fold writes into fold<k>/ of the run directory, besides
// metrics.jsonl and (fine-tuning) best.pth.
const (
	// CompleteFile marks a fold as finished; Runtime.Resume skips folds
	// that have it. It holds the fold's summary (FoldResult) as JSON.
	CompleteFile = "complete.json"
	// OOFFile holds a pseudo-labelling fold's out-of-fold predictions, in
	// pseudolabels.csv's format, for the held-out images only.
	OOFFile = "oof.csv"
	// BestFile is a fine-tuning fold's best classifier.
	BestFile = "best.pth"
)

// Outputs are the base names of the per-fold files this package writes
// that train's run directories do not already know; a command passes them
// to train.RunOptions.Outputs so that --force clears them.
var Outputs = []string{CompleteFile, OOFFile}

// FoldResult summarises one fold of PseudoLabel or FineTune.
type FoldResult struct {
	Fold  int `json:"fold"`
	Train int `json:"train"` // images trained on
	Valid int `json:"valid"` // held-out images
	// Best is the epoch of lowest validation loss (FineTune: the one kept
	// as best.pth); Last the final epoch (PseudoLabel predicts with it).
	Best *train.Record `json:"best,omitempty"`
	Last *train.Record `json:"last,omitempty"`
	// Checkpoint is the fold's best.pth (FineTune only).
	Checkpoint string `json:"checkpoint,omitempty"`
	// Resumed is set when the fold was complete in the run directory and
	// was read back instead of trained.
	Resumed bool `json:"-"`
}

// foldDir is fold k's directory in the run, "" without a run directory.
type foldDir string

func newFoldDir(rt Runtime, k int) (foldDir, error) {
	if rt.Dir == "" {
		return "", nil
	}
	p := filepath.Join(rt.Dir, fmt.Sprintf("fold%d", k))
	if err := os.MkdirAll(p, 0o755); err != nil {
		return "", fmt.Errorf("softlabel: create %s: %w", p, err)
	}
	return foldDir(p), nil
}

// path is the fold's file name, "" without a run directory.
func (d foldDir) path(name string) string {
	if d == "" {
		return ""
	}
	return filepath.Join(string(d), name)
}

// completed returns the summary of a finished fold, or nil when the fold
// must run: without Resume, without a run directory, or when the marker or
// one of the files needed is missing.
func (d foldDir) completed(rt Runtime, needs ...string) (*FoldResult, error) {
	if d == "" || !rt.Resume {
		return nil, nil
	}
	for _, n := range append([]string{CompleteFile}, needs...) {
		if _, err := os.Stat(d.path(n)); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	b, err := os.ReadFile(d.path(CompleteFile))
	if err != nil {
		return nil, fmt.Errorf("softlabel: resume: %w", err)
	}
	var r FoldResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("softlabel: resume: %s: %v (delete it to train the fold again)", d.path(CompleteFile), err)
	}
	r.Resumed = true
	return &r, nil
}

// complete writes the fold's marker last, once its results are on disk.
func (d foldDir) complete(r FoldResult) error {
	if d == "" {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("softlabel: fold %d summary: %w", r.Fold, err)
	}
	return train.WriteFileAtomic(d.path(CompleteFile), append(b, '\n'))
}

// metricsLog returns the callback writing each epoch of the fold to
// fold<k>/metrics.jsonl, started afresh (a fold always trains from its
// first epoch), and the function that closes it. Without a run directory
// both do nothing.
func (d foldDir) metricsLog() (train.Callback, func(), error) {
	if d == "" {
		return train.CallbackFunc(func(context.Context, train.Record) error { return nil }), func() {}, nil
	}
	path := d.path(train.MetricsFile)
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("softlabel: %w", err)
	}
	log := func(_ context.Context, r train.Record) error {
		if r.Time.IsZero() {
			r.Time = time.Now().Truncate(time.Millisecond)
		}
		b, err := r.MarshalJSON()
		if err == nil {
			_, err = f.Write(append(b, '\n'))
		}
		if err != nil {
			return fmt.Errorf("softlabel: write %s: %w", path, err)
		}
		return nil
	}
	return train.CallbackFunc(log), func() { f.Close() }, nil
}

// lastRecord returns the last record of res, nil when there is none.
func lastRecord(res *train.Result) *train.Record {
	if res == nil || len(res.Records) == 0 {
		return nil
	}
	r := res.Records[len(res.Records)-1]
	return &r
}
