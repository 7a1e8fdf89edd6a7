package softlabel

import (
	"errors"
	"fmt"
	"math"
)

// SoftMode says what the pseudo-label side of a blended target is made of.
type SoftMode int

const (
	// Hard blends with the one-hot out-of-fold predicted class, as the blog
	// does: w*onehot(given) + (1-w)*onehot(pseudo).
	Hard SoftMode = iota
	// Probs blends with the out-of-fold probabilities themselves, as the
	// Plant Pathology winner did: w*onehot(given) + (1-w)*probs.
	Probs
)

// String returns the flag spelling of m: "hard" or "probs".
func (m SoftMode) String() string {
	switch m {
	case Hard:
		return "hard"
	case Probs:
		return "probs"
	}
	return fmt.Sprintf("SoftMode(%d)", int(m))
}

// ParseSoftMode reads the --soft flag's values "hard" and "probs".
func ParseSoftMode(s string) (SoftMode, error) {
	switch s {
	case "hard":
		return Hard, nil
	case "probs":
		return Probs, nil
	}
	return 0, fmt.Errorf("softlabel: soft-label mode %q: want hard (one-hot pseudo-labels, the blog) "+
		"or probs (out-of-fold probabilities)", s)
}

// MarshalText writes m as String does, so a manifest records "hard" or
// "probs".
func (m SoftMode) MarshalText() ([]byte, error) {
	if m != Hard && m != Probs {
		return nil, fmt.Errorf("softlabel: cannot write unknown %v", m)
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads what MarshalText writes.
func (m *SoftMode) UnmarshalText(b []byte) error {
	v, err := ParseSoftMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Pseudo holds the out-of-fold predictions for the training samples, in
// sample order. A mode reads only its own field.
type Pseudo struct {
	Labels []int     // predicted class of each sample; read by Hard
	Probs  []float32 // n x classes probabilities, row-major; read by Probs
}

// Blend turns given labels and pseudo-labels into soft training targets.
// Validation targets are OneHot(given) whatever the blend.
type Blend struct {
	// Weight is the share of the given label in each target (the blog's
	// y_true_weight). Default 0.5; 1 trains on the given labels alone, 0 on
	// the pseudo-labels alone. It must lie in [0, 1].
	Weight float64
	// Mode says whether the pseudo side is one-hot (Hard) or the
	// probabilities (Probs). Default Hard, the zero value.
	Mode SoftMode
}

// DefaultBlend returns the blog's blend: weight 0.5 of one-hot pseudo-labels.
func DefaultBlend() Blend { return Blend{Weight: 0.5, Mode: Hard} }

// probSumTolerance is how far a probability row may sum from 1 (rounding in
// a CSV) before it is taken for something that is not probabilities.
const probSumTolerance = 1e-2

// Targets returns the n x nClasses training targets, row-major, for the
// given labels and pseudo-labels of n samples. Every row sums to 1: rows of
// pseudo.Probs are renormalised first, and one summing further than 0.01
// from 1, or holding a negative or NaN value, is an error.
func (b Blend) Targets(given []int, pseudo Pseudo, nClasses int) ([]float32, error) {
	w := b.Weight
	if !(w >= 0 && w <= 1) {
		return nil, fmt.Errorf("softlabel: y-true weight %g is outside [0, 1]; "+
			"1 trains on the given labels only, 0 on the pseudo-labels only", w)
	}
	if nClasses < 1 {
		return nil, fmt.Errorf("softlabel: %d classes; need at least one", nClasses)
	}
	if err := checkLabels(given, nClasses); err != nil {
		return nil, fmt.Errorf("softlabel: given labels: %w", err)
	}
	n := len(given)
	out := make([]float32, n*nClasses)
	for i, g := range given {
		out[i*nClasses+g] = float32(w) // the pseudo side is added below
	}
	switch b.Mode {
	case Hard:
		if len(pseudo.Labels) != n {
			return nil, fmt.Errorf("softlabel: %d pseudo-labels for %d samples; pass one per sample",
				len(pseudo.Labels), n)
		}
		if err := checkLabels(pseudo.Labels, nClasses); err != nil {
			return nil, fmt.Errorf("softlabel: pseudo-labels: %w", err)
		}
		for i, p := range pseudo.Labels {
			out[i*nClasses+p] = float32(blendCell(given[i] == p, 1, w))
		}
	case Probs:
		if len(pseudo.Probs) != n*nClasses {
			return nil, fmt.Errorf("softlabel: %d pseudo-label probabilities for %d samples of %d classes; want %d",
				len(pseudo.Probs), n, nClasses, n*nClasses)
		}
		for i := 0; i < n; i++ {
			row, err := normalised(pseudo.Probs[i*nClasses:(i+1)*nClasses], i)
			if err != nil {
				return nil, err
			}
			for c, p := range row {
				out[i*nClasses+c] = float32(blendCell(given[i] == c, p, w))
			}
		}
	default:
		return nil, fmt.Errorf("softlabel: unknown %v; want Hard or Probs", b.Mode)
	}
	return out, nil
}

// blendCell is one target value: w for the given class plus (1-w) times the
// pseudo side's value p for this class.
func blendCell(isGiven bool, p, w float64) float64 {
	v := (1 - w) * p
	if isGiven {
		v += w
	}
	return v
}

// normalised returns row (sample i's probabilities) divided by its sum, after
// checking that it looks like probabilities.
func normalised(row []float32, i int) ([]float64, error) {
	var sum float64
	for c, p := range row {
		if !(p >= 0) || math.IsInf(float64(p), 1) {
			return nil, fmt.Errorf("softlabel: probability %g of class %d for sample %d is not a probability", p, c, i)
		}
		sum += float64(p)
	}
	if math.Abs(sum-1) > probSumTolerance {
		return nil, fmt.Errorf("softlabel: the probabilities of sample %d sum to %g, not 1; "+
			"pass softmax outputs (the p_<class> columns of pseudolabels.csv), not logits", i, sum)
	}
	out := make([]float64, len(row))
	for c, p := range row {
		out[c] = float64(p) / sum
	}
	return out, nil
}

// OneHot returns the n x nClasses one-hot rows of labels, row-major: the
// validation targets, and the training targets when the weight is 1.
func OneHot(labels []int, nClasses int) ([]float32, error) {
	if nClasses < 1 {
		return nil, fmt.Errorf("softlabel: %d classes; need at least one", nClasses)
	}
	if err := checkLabels(labels, nClasses); err != nil {
		return nil, fmt.Errorf("softlabel: %w", err)
	}
	out := make([]float32, len(labels)*nClasses)
	for i, l := range labels {
		out[i*nClasses+l] = 1
	}
	return out, nil
}

// checkLabels checks that every label is a class index below nClasses.
func checkLabels(labels []int, nClasses int) error {
	if len(labels) == 0 {
		return errors.New("no samples")
	}
	for i, l := range labels {
		if l < 0 || l >= nClasses {
			return fmt.Errorf("label %d of sample %d is outside [0, %d)", l, i, nClasses)
		}
	}
	return nil
}
