package plot

import (
	"fmt"
	"sort"

	"github.com/ppctl/ppctl/torch/train"
)

// series is the epoch records of one fold of one stage, in file order, with
// the horizontal position of each.
type series struct {
	Stage string
	Fold  *int // nil outside k-fold stages
	Recs  []train.Record
	X     []float64 // the position of Recs[i] on the chosen axis
	Steps []float64 // Recs[i].Step, NaN-free only where every record has one
}

// label names the series in a legend: "fold 0", or the stage ("finetune")
// for an unfolded one; with several stages in one file both ("simclr fold 0").
func (s series) label(manyStages bool) string {
	switch {
	case s.Fold == nil && s.Stage == "":
		return "all data"
	case s.Fold == nil:
		return s.Stage
	case manyStages && s.Stage != "":
		return fmt.Sprintf("%s fold %d", s.Stage, *s.Fold)
	}
	return fmt.Sprintf("fold %d", *s.Fold)
}

// value is one field of a record as a curve plots it; ok is false where the
// record lacks it (absent, or null for a diverged run).
type value func(r train.Record) (v float64, ok bool)

var (
	trainLoss value = func(r train.Record) (float64, bool) { return deref(r.TrainLoss) }
	validLoss value = func(r train.Record) (float64, bool) { return deref(r.ValidLoss) }
	accuracy  value = func(r train.Record) (float64, bool) { return deref(r.Accuracy) }
	rocAUC    value = func(r train.Record) (float64, bool) { return deref(r.ROCAUC) }
	learnRate value = func(r train.Record) (float64, bool) { return deref(r.LR) }
)

func deref(p *float64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

// splitSeries groups the epoch records of recs (those with an epoch, other
// than evaluations) by stage and fold, in order of first appearance, and
// places each on axis, resolving AxisAuto. A record whose step is not past
// its series' last one replaces the records it redoes (see dropRedone). It
// returns the axis used.
func splitSeries(recs []train.Record, axis Axis) ([]series, Axis) {
	type key struct {
		stage string
		fold  int // -1: unfolded
	}
	index := map[key]int{}
	var out []series
	allSteps := true
	for _, r := range recs {
		if r.Epoch == nil || r.Phase == "eval" {
			continue
		}
		k := key{r.Stage, -1}
		if r.Fold != nil {
			k.fold = *r.Fold
		}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, series{Stage: r.Stage, Fold: r.Fold})
		}
		out[i].Recs = append(dropRedone(out[i].Recs, r), r)
		allSteps = allSteps && r.Step != nil
	}
	if axis == AxisAuto {
		axis = AxisEpoch
		if allSteps {
			axis = AxisStep
		}
	}
	for i := range out {
		s := &out[i]
		for j, r := range s.Recs {
			x := float64(j + 1)
			if axis == AxisStep {
				x = float64(derefInt(r.Step, j+1))
			}
			s.X = append(s.X, x)
			if allSteps {
				s.Steps = append(s.Steps, float64(*r.Step))
			}
		}
	}
	stageRank := map[string]int{}
	for _, s := range out {
		if _, ok := stageRank[s.Stage]; !ok {
			stageRank[s.Stage] = len(stageRank)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		ra, rb := stageRank[out[a].Stage], stageRank[out[b].Stage]
		if ra != rb {
			return ra < rb
		}
		return foldOrder(out[a]) < foldOrder(out[b])
	})
	return out, axis
}

// dropRedone removes from recs the records that r supersedes: those at or
// after r's step, which a resumed run logged before it went back to an
// earlier checkpoint and trained those steps again.
func dropRedone(recs []train.Record, r train.Record) []train.Record {
	if r.Step == nil {
		return recs
	}
	keep := len(recs)
	for keep > 0 && recs[keep-1].Step != nil && *recs[keep-1].Step >= *r.Step {
		keep--
	}
	return recs[:keep]
}

func derefInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// foldOrder sorts an unfolded series before fold 0, fold 0 before fold 1.
func foldOrder(s series) int {
	if s.Fold == nil {
		return -1
	}
	return *s.Fold
}

// points returns the (x, v) pairs of the records of s that have v.
func (s series) points(v value) (xs, ys []float64) {
	for i, r := range s.Recs {
		if y, ok := v(r); ok {
			xs = append(xs, s.X[i])
			ys = append(ys, y)
		}
	}
	return xs, ys
}

// has reports whether any record of any series has v.
func has(ss []series, v value) bool {
	for _, s := range ss {
		for _, r := range s.Recs {
			if _, ok := v(r); ok {
				return true
			}
		}
	}
	return false
}

// manyStages reports whether ss hold more than one stage.
func manyStages(ss []series) bool {
	for _, s := range ss {
		if s.Stage != ss[0].Stage {
			return true
		}
	}
	return false
}

// phaseSpan is a run of consecutive records of one phase: it ends at End on
// the horizontal axis and began where the previous span ended (or at 0).
type phaseSpan struct {
	Name       string
	Start, End float64
}

// phases returns the phase spans of s in order; records without a phase
// name join the span before them.
func (s series) phases() []phaseSpan {
	var spans []phaseSpan
	start := 0.0
	for i, r := range s.Recs {
		if n := len(spans); n > 0 && (r.Phase == spans[n-1].Name || r.Phase == "") {
			spans[n-1].End = s.X[i]
			continue
		}
		if n := len(spans); n > 0 {
			start = spans[n-1].End
		}
		spans = append(spans, phaseSpan{Name: r.Phase, Start: start, End: s.X[i]})
	}
	return spans
}

// xLabel names axis for a curve's horizontal axis.
func xLabel(axis Axis) string {
	if axis == AxisStep {
		return "training step (batches)"
	}
	return "epoch (cumulative over phases)"
}
