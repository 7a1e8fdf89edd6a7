package train

import (
	"context"
	"fmt"
	"math"
)

// Callback runs after every epoch with its record. Returning ErrStop ends
// training cleanly; any other error aborts it.
type Callback interface {
	EpochEnd(ctx context.Context, r Record) error
}

// CallbackFunc adapts a function to Callback.
type CallbackFunc func(ctx context.Context, r Record) error

// EpochEnd calls f.
func (f CallbackFunc) EpochEnd(ctx context.Context, r Record) error { return f(ctx, r) }

// monitored returns the value of the record field named by monitor (NaN
// when the record lacks it).
func monitored(r Record, monitor string) (float64, error) {
	switch monitor {
	case "valid_loss", "train_loss", "accuracy", "roc_auc":
	default:
		return 0, fmt.Errorf("train: cannot monitor %q: use valid_loss, train_loss, accuracy or roc_auc", monitor)
	}
	if v, ok := recordValue(r, monitor); ok {
		return v, nil
	}
	return math.NaN(), nil
}

// lowerIsBetter says which direction improves monitor.
func lowerIsBetter(monitor string) bool { return monitor == "valid_loss" || monitor == "train_loss" }

// SaveBest calls Save whenever the monitored value improves on the best seen
// (fastai's SaveModelCallback): the run keeps the best epoch's weights.
type SaveBest struct {
	Monitor string                    // "valid_loss" (default when empty), "train_loss", "accuracy" or "roc_auc"
	Save    func(r Record) error      // writes the checkpoint
	Best    float64                   // the best value so far; set by the callback
	BestAt  *Record                   // the record of the best epoch
	OnSaved func(r Record, v float64) // optional notification
	seen    bool
}

// EpochEnd saves when r improves on the best.
func (s *SaveBest) EpochEnd(_ context.Context, r Record) error {
	mon := s.Monitor
	if mon == "" {
		mon = "valid_loss"
	}
	v, err := monitored(r, mon)
	if err != nil || math.IsNaN(v) {
		return err
	}
	better := !s.seen || (lowerIsBetter(mon) && v < s.Best) || (!lowerIsBetter(mon) && v > s.Best)
	if !better {
		return nil
	}
	if err := s.Save(r); err != nil {
		return fmt.Errorf("train: saving the best checkpoint (%s %.6f): %w", mon, v, err)
	}
	s.seen, s.Best = true, v
	rr := r
	s.BestAt = &rr
	if s.OnSaved != nil {
		s.OnSaved(r, v)
	}
	return nil
}

// EarlyStop ends training when the monitored value has not improved by more
// than MinDelta for Patience epochs.
type EarlyStop struct {
	Monitor  string  // as SaveBest's; default "valid_loss"
	Patience int     // epochs without improvement tolerated; default 3 when zero
	MinDelta float64 // the smallest change that counts as an improvement
	best     float64
	seen     bool
	wait     int
}

// EpochEnd returns ErrStop once patience runs out.
func (e *EarlyStop) EpochEnd(_ context.Context, r Record) error {
	mon := e.Monitor
	if mon == "" {
		mon = "valid_loss"
	}
	v, err := monitored(r, mon)
	if err != nil || math.IsNaN(v) {
		return err
	}
	improved := !e.seen || (lowerIsBetter(mon) && v < e.best-e.MinDelta) || (!lowerIsBetter(mon) && v > e.best+e.MinDelta)
	if improved {
		e.seen, e.best, e.wait = true, v, 0
		return nil
	}
	e.wait++
	patience := e.Patience
	if patience == 0 {
		patience = 3
	}
	if e.wait >= patience {
		return ErrStop
	}
	return nil
}
