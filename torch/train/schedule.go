package train

import (
	"errors"
	"fmt"
	"math"
)

// OneCycle is fastai's fit_one_cycle schedule of the learning rate and of
// Adam's beta1 (fastai's "mom"). Over the first PctStart of all steps each
// group's rate rises from LRMax/Div to LRMax along half a cosine while beta1
// falls from Moms[0] to Moms[1]; over the rest the rate falls to
// LRMax/DivFinal and beta1 climbs back to Moms[2], again along half a cosine.
//
// The position of step i of a fit is i/TotalSteps, as fastai's pct_train is
// train_iter/(n_epoch*n_iter): the first step runs at the starting values and
// the last at one step short of the end values. TotalSteps counts every
// training batch of the fit (epochs x batches per epoch), whether or not a
// batch ends in an optimizer step under gradient accumulation.
type OneCycle struct {
	// LRMax is the peak learning rate of each parameter group, in group order
	// (body first, head last). There is no default; it must not be empty and
	// no rate may be negative.
	LRMax []float64
	// Div divides LRMax to give the starting rates. Default 25 (fastai's
	// div); it must be positive.
	Div float64
	// DivFinal divides LRMax to give the final rates. Default 1e5 (fastai's
	// div_final); it must be positive.
	DivFinal float64
	// PctStart is the fraction of the steps spent warming up. Default 0.25;
	// zero means no warm-up (the rates start at LRMax and only fall), 1 means
	// no annealing (they only rise).
	PctStart float64
	// Moms are beta1 at the start, at the peak and at the end. Default
	// {0.95, 0.85, 0.95}; each must lie in [0, 1), so zero means a beta1 of 0.
	Moms [3]float64
	// TotalSteps is the number of training batches of the whole fit. No
	// default; it must be at least 1.
	TotalSteps int
}

// DefaultMoms are fastai's default beta1 values at the start, peak and end of
// a one-cycle fit.
var DefaultMoms = [3]float64{0.95, 0.85, 0.95}

// DefaultOneCycle returns fit_one_cycle's defaults (div 25, div_final 1e5,
// pct_start 0.25, moms 0.95/0.85/0.95) for the given peak rate of each
// parameter group and number of steps. lrMax is copied.
func DefaultOneCycle(lrMax []float64, totalSteps int) OneCycle {
	return OneCycle{
		LRMax:      append([]float64(nil), lrMax...),
		Div:        25,
		DivFinal:   1e5,
		PctStart:   0.25,
		Moms:       DefaultMoms,
		TotalSteps: totalSteps,
	}
}

// Validate reports the first setting of s that cannot make a schedule.
func (s OneCycle) Validate() error {
	switch {
	case len(s.LRMax) == 0:
		return errors.New("train: one-cycle: no learning rate; give one peak rate per parameter group")
	case !(s.Div > 0) || !(s.DivFinal > 0):
		return fmt.Errorf("train: one-cycle: div %g and div_final %g must both be positive (fit_one_cycle defaults: 25 and 1e5)",
			s.Div, s.DivFinal)
	case !(s.PctStart >= 0 && s.PctStart <= 1):
		return fmt.Errorf("train: one-cycle: pct_start %g is outside [0, 1] (default 0.25)", s.PctStart)
	case s.TotalSteps < 1:
		return fmt.Errorf("train: one-cycle: %d steps; a fit needs at least one batch", s.TotalSteps)
	}
	for i, lr := range s.LRMax {
		if !(lr >= 0) || math.IsInf(lr, 1) {
			return fmt.Errorf("train: one-cycle: learning rate %g of group %d is not a finite rate >= 0", lr, i)
		}
	}
	for i, m := range s.Moms {
		if !(m >= 0 && m < 1) {
			return fmt.Errorf("train: one-cycle: momentum %g (moms[%d]) is outside [0, 1) (defaults 0.95, 0.85, 0.95)", m, i)
		}
	}
	return nil
}

// At returns each group's learning rate and beta1 for training step step of
// the fit, counted from 0. Step TotalSteps, one past the last, gives the end
// values (LRMax/DivFinal and Moms[2]). It panics if step is outside
// [0, TotalSteps], a caller's bug.
func (s OneCycle) At(step int) (lrs []float64, beta1 float64) {
	if step < 0 || step > s.TotalSteps {
		panic(fmt.Sprintf("train: OneCycle.At(%d) outside the fit's steps [0, %d]", step, s.TotalSteps))
	}
	return s.AtPos(float64(step) / float64(s.TotalSteps))
}

// AtPos is At for a position in [0, 1] of the fit, the fraction of its steps
// already done. It panics if pos is outside [0, 1].
func (s OneCycle) AtPos(pos float64) (lrs []float64, beta1 float64) {
	if !(pos >= 0 && pos <= 1) {
		panic(fmt.Sprintf("train: OneCycle.AtPos(%g) outside [0, 1]", pos))
	}
	lrs = make([]float64, len(s.LRMax))
	for i, peak := range s.LRMax {
		lrs[i] = combinedCos(s.PctStart, peak/s.Div, peak, peak/s.DivFinal, pos)
	}
	return lrs, combinedCos(s.PctStart, s.Moms[0], s.Moms[1], s.Moms[2], pos)
}

// combinedCos is fastai's combined_cos: a half cosine from start to middle
// over positions [0, pct), then one from middle to end over [pct, 1]. With
// pct 1 the whole fit is the first half.
func combinedCos(pct, start, middle, end, pos float64) float64 {
	if pos < pct || pct >= 1 {
		return cosAnneal(start, middle, pos/pct)
	}
	return cosAnneal(middle, end, (pos-pct)/(1-pct))
}

// cosAnneal goes from start (t = 0) to end (t = 1) along half a cosine, flat
// at both ends (fastai's SchedCos). Written as a weighted mean, it returns
// start and end exactly at the ends, which fastai's start + w*(end-start)
// misses by rounding (1e-11 relative for a final rate of LRMax/1e5).
func cosAnneal(start, end, t float64) float64 {
	w := (1 + math.Cos(math.Pi*(1-t))) / 2
	return (1-w)*start + w*end
}

// EvenMults returns n rates spread geometrically from start to stop (fastai's
// even_mults): start*q^i for i in [0, n) with q = (stop/start)^(1/(n-1)).
// A single rate is stop. It returns nil for n < 1.
func EvenMults(start, stop float64, n int) []float64 {
	switch {
	case n < 1:
		return nil
	case n == 1:
		return []float64{stop}
	}
	q := math.Pow(stop/start, 1/float64(n-1))
	out := make([]float64, n)
	for i := range out {
		out[i] = start * math.Pow(q, float64(i))
	}
	return out
}

// SliceLRs spreads a fastai slice(start, stop) over nGroups parameter groups
// as fastai's optimizer does: with start 0 (slice(stop)) the last group gets
// stop and every earlier one stop/10; otherwise EvenMults(start, stop,
// nGroups). A lone group gets stop either way, which is why the blog's
// single-group learners trained at one rate.
func SliceLRs(start, stop float64, nGroups int) []float64 {
	if start != 0 {
		return EvenMults(start, stop, nGroups)
	}
	if nGroups < 1 {
		return nil
	}
	out := make([]float64, nGroups)
	for i := range out {
		out[i] = stop / 10
	}
	out[nGroups-1] = stop
	return out
}

// FineTune is fastai's fine_tune as a plan of one-cycle phases. Phase
// "freeze" trains only the last parameter group (the head; the frozen body's
// BatchNorm layers keep training) with fit_one_cycle(FreezeEpochs,
// slice(BaseLR), pct_start=0.99) at fastai's default div 25. Then BaseLR is
// halved and phase "unfreeze" trains every group with
// fit_one_cycle(Epochs, slice(BaseLR/LRMult, BaseLR), PctStart, Div), the
// rates spread geometrically from the first group to the last.
type FineTune struct {
	// Epochs is the length of the unfrozen phase. Default 1 (fastai has no
	// default; the blog uses 15 for pseudo-labels and 25 for soft labels);
	// zero means no unfrozen phase.
	Epochs int
	// BaseLR is the head's peak rate in the frozen phase; the unfrozen phase
	// peaks at BaseLR/2. Default 2e-3; it must be positive.
	BaseLR float64
	// FreezeEpochs is the length of the frozen phase. Default 1; zero means
	// no frozen phase (BaseLR is still halved for the unfrozen one, as in
	// fastai).
	FreezeEpochs int
	// LRMult is how many times the head's rate exceeds the first group's in
	// the unfrozen phase. Default 100; it must be positive.
	LRMult float64
	// PctStart is the unfrozen phase's warm-up fraction. Default 0.3; zero
	// means no warm-up. The frozen phase always uses 0.99.
	PctStart float64
	// Div divides the unfrozen phase's peak rates to give its starting ones.
	// Default 5; it must be positive. The frozen phase always uses 25.
	Div float64
	// DivFinal divides each phase's peak rates to give its final ones.
	// Default 1e5; it must be positive.
	DivFinal float64
	// Moms are beta1 at the start, peak and end of each phase. Default
	// {0.95, 0.85, 0.95}; each must lie in [0, 1).
	Moms [3]float64
}

// DefaultFineTune returns fine_tune's defaults: 1 epoch after 1 frozen
// epoch, base_lr 2e-3, lr_mult 100, pct_start 0.3, div 5, div_final 1e5 and
// moms 0.95/0.85/0.95.
func DefaultFineTune() FineTune {
	return FineTune{
		Epochs:       1,
		BaseLR:       2e-3,
		FreezeEpochs: 1,
		LRMult:       100,
		PctStart:     0.3,
		Div:          5,
		DivFinal:     1e5,
		Moms:         DefaultMoms,
	}
}

// Phase is one fit_one_cycle call of a fine-tuning plan.
type Phase struct {
	Name   string // "freeze" or "unfreeze", after the fastai call that precedes it
	Epochs int    // epochs of this phase
	// FrozenGroups is how many leading parameter groups keep their weights
	// fixed (BatchNorm layers in them still train): all but the head in the
	// freeze phase, none in the unfreeze phase. A lone group is never
	// frozen: fastai's freeze() then freezes nothing, as in the blog.
	FrozenGroups int
	// FreshOptimizer is true when the phase starts from an empty optimizer
	// state: fastai's freeze() and unfreeze() both clear it.
	FreshOptimizer bool
	// Schedule gives the phase's rates per group and beta1 at each of its
	// steps; its TotalSteps is Epochs x steps per epoch.
	Schedule OneCycle
}

// Phases returns the plan for a model of nGroups parameter groups (2 for
// body and head; 1 reproduces the blog's learners without a splitter) and
// stepsPerEpoch training batches per epoch. Phases of zero epochs are left
// out.
func (f FineTune) Phases(nGroups, stepsPerEpoch int) ([]Phase, error) {
	switch {
	case nGroups < 1:
		return nil, fmt.Errorf("train: fine_tune: %d parameter groups; need at least one", nGroups)
	case stepsPerEpoch < 1:
		return nil, fmt.Errorf("train: fine_tune: %d steps per epoch; the training set yields no batch", stepsPerEpoch)
	case f.Epochs < 0 || f.FreezeEpochs < 0 || f.Epochs+f.FreezeEpochs == 0:
		return nil, fmt.Errorf("train: fine_tune: %d epochs after %d frozen ones; give a positive total",
			f.Epochs, f.FreezeEpochs)
	case !(f.BaseLR > 0) || !(f.LRMult > 0):
		return nil, fmt.Errorf("train: fine_tune: base_lr %g and lr_mult %g must both be positive (defaults 2e-3 and 100)",
			f.BaseLR, f.LRMult)
	}
	var phases []Phase
	if f.FreezeEpochs > 0 {
		s := OneCycle{LRMax: SliceLRs(0, f.BaseLR, nGroups), Div: 25, DivFinal: f.DivFinal,
			PctStart: 0.99, Moms: f.Moms, TotalSteps: f.FreezeEpochs * stepsPerEpoch}
		phases = append(phases, Phase{Name: "freeze", Epochs: f.FreezeEpochs,
			FrozenGroups: nGroups - 1, FreshOptimizer: true, Schedule: s})
	}
	if f.Epochs > 0 {
		lr := f.BaseLR / 2
		s := OneCycle{LRMax: SliceLRs(lr/f.LRMult, lr, nGroups), Div: f.Div, DivFinal: f.DivFinal,
			PctStart: f.PctStart, Moms: f.Moms, TotalSteps: f.Epochs * stepsPerEpoch}
		phases = append(phases, Phase{Name: "unfreeze", Epochs: f.Epochs,
			FrozenGroups: 0, FreshOptimizer: true, Schedule: s})
	}
	for _, p := range phases {
		if err := p.Schedule.Validate(); err != nil {
			return nil, fmt.Errorf("train: fine_tune phase %q: %w", p.Name, err)
		}
	}
	return phases, nil
}
