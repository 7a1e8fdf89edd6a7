package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"time"
)

// MetricsFile is the name of a run's metrics log inside its run directory.
const MetricsFile = "metrics.jsonl"

// Record is one line of metrics.jsonl (DESIGN section 5): what one epoch, or
// one evaluation, measured. A nil pointer or an empty string is a field that
// does not apply and is left out of the line; a non-nil pointer is written
// even when it points at 0, so epoch 0 and an accuracy of 0 survive. Go 1.26
// makes the pointers short to fill: rec.Epoch = new(epoch).
//
// A loss or metric that is NaN or infinite (a diverged run) is written as
// JSON null, which JSON readers take as "no value" (ReadMetrics gives nil).
type Record struct {
	// Time is when the record was logged; Run.Log fills it (to the
	// millisecond, local time with its offset) when it is zero.
	Time time.Time `json:"time,omitzero"`
	// Stage is the command that trained: "rotnet", "simclr", "pseudolabel",
	// "finetune", ...; empty leaves it out.
	Stage string `json:"stage,omitempty"`
	// Fold is the cross-validation fold, from 0; nil outside k-fold stages.
	Fold *int `json:"fold,omitempty"`
	// Phase names the part of the stage: "freeze" and "unfreeze" for a
	// fine_tune (as Phase.Name), "eval" for an evaluation; empty leaves it out.
	Phase string `json:"phase,omitempty"`
	// Epoch is the epoch within its phase, from 0 (as fastai counts).
	Epoch *int `json:"epoch,omitempty"`
	// Step is the number of training batches done since the stage began.
	Step *int `json:"step,omitempty"`
	// LR is the learning rate of the last (head) parameter group at the last
	// step of the epoch.
	LR *float64 `json:"lr,omitempty"`
	// TrainLoss is the mean training loss over the epoch's batches.
	TrainLoss *float64 `json:"train_loss,omitempty"`
	// ValidLoss is the mean validation loss.
	ValidLoss *float64 `json:"valid_loss,omitempty"`
	// Accuracy is the validation accuracy in [0, 1].
	Accuracy *float64 `json:"accuracy,omitempty"`
	// ROCAUC is the validation mean column-wise ROC AUC in [0, 1].
	ROCAUC *float64 `json:"roc_auc,omitempty"`
	// ImgPerS is training images per second over the epoch.
	ImgPerS *float64 `json:"img_per_s,omitempty"`
}

// jsonFloat writes a non-finite value as null, which encoding/json refuses.
type jsonFloat float64

// MarshalJSON writes f as encoding/json writes a float64, or null.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// recordJSON is Record as written, field for field in the same order.
type recordJSON struct {
	Time      time.Time  `json:"time,omitzero"`
	Stage     string     `json:"stage,omitempty"`
	Fold      *int       `json:"fold,omitempty"`
	Phase     string     `json:"phase,omitempty"`
	Epoch     *int       `json:"epoch,omitempty"`
	Step      *int       `json:"step,omitempty"`
	LR        *jsonFloat `json:"lr,omitempty"`
	TrainLoss *jsonFloat `json:"train_loss,omitempty"`
	ValidLoss *jsonFloat `json:"valid_loss,omitempty"`
	Accuracy  *jsonFloat `json:"accuracy,omitempty"`
	ROCAUC    *jsonFloat `json:"roc_auc,omitempty"`
	ImgPerS   *jsonFloat `json:"img_per_s,omitempty"`
}

// MarshalJSON writes r as one metrics.jsonl object (without the newline):
// fields in the order of the struct, absent ones left out, non-finite values
// as null.
func (r Record) MarshalJSON() ([]byte, error) {
	return json.Marshal(recordJSON{
		Time: r.Time, Stage: r.Stage, Fold: r.Fold, Phase: r.Phase, Epoch: r.Epoch, Step: r.Step,
		LR:        (*jsonFloat)(r.LR),
		TrainLoss: (*jsonFloat)(r.TrainLoss),
		ValidLoss: (*jsonFloat)(r.ValidLoss),
		Accuracy:  (*jsonFloat)(r.Accuracy),
		ROCAUC:    (*jsonFloat)(r.ROCAUC),
		ImgPerS:   (*jsonFloat)(r.ImgPerS),
	})
}

// appendRecordLine appends r and a newline to buf.
func appendRecordLine(buf []byte, r Record) ([]byte, error) {
	b, err := r.MarshalJSON()
	if err != nil {
		return buf, fmt.Errorf("train: encode metrics record: %w", err)
	}
	return append(append(buf, b...), '\n'), nil
}

// ReadMetrics reads a metrics.jsonl file, one Record per non-blank line.
// Fields it does not know are ignored, so newer files still read. An error
// names the line.
func ReadMetrics(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: read metrics: %w", err)
	}
	defer f.Close()
	recs, err := decodeMetrics(f)
	if err != nil {
		return nil, fmt.Errorf("train: %s: %w", path, err)
	}
	return recs, nil
}

// decodeMetrics reads metrics records, one JSON object per line, from r.
func decodeMetrics(r io.Reader) ([]Record, error) {
	var recs []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("line %d: %v; the file is damaged (an interrupted write?): "+
				"delete that line to read the rest", line, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read metrics lines: %w", err)
	}
	return recs, nil
}

// Log appends rec to the run's metrics.jsonl as one line and syncs the file
// to disk, so a crash loses at most the line being written. A zero rec.Time
// becomes the current time. Log is safe for concurrent use.
func (r *Run) Log(rec Record) error {
	if rec.Time.IsZero() {
		rec.Time = r.now().Truncate(time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.metrics == nil {
		return fmt.Errorf("train: log metrics to %s: the run is closed", r.dir)
	}
	var err error
	r.lineBuf, err = appendRecordLine(r.lineBuf[:0], rec)
	if err != nil {
		return err
	}
	if _, err := r.metrics.Write(r.lineBuf); err != nil {
		return fmt.Errorf("train: log metrics: %w (is the disk full?)", err)
	}
	if err := r.metrics.Sync(); err != nil {
		return fmt.Errorf("train: log metrics: sync %s: %w", r.metrics.Name(), err)
	}
	return nil
}

// openMetrics opens the run's metrics log for appending. When resuming it
// first cuts off a last line that has no newline: the half-written line of a
// run that was killed mid-write, which no reader could parse.
func openMetrics(path string, resume bool) (*os.File, error) {
	if resume {
		if err := dropPartialLine(path); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("train: open metrics log: %w", err)
	}
	return f, nil
}

// dropPartialLine truncates path after its last newline; a missing file is
// fine.
func dropPartialLine(path string) error {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("train: resume metrics log: %w", err)
	}
	if len(b) == 0 || b[len(b)-1] == '\n' {
		return nil
	}
	keep := bytes.LastIndexByte(b, '\n') + 1
	if err := os.Truncate(path, int64(keep)); err != nil {
		return fmt.Errorf("train: resume metrics log: drop its half-written last line: %w", err)
	}
	return nil
}
