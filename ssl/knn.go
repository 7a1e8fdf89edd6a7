package ssl

import (
	"fmt"
	"math"
	"sort"
)

// KNNConfig configures the k-nearest-neighbour judge of an encoder.
type KNNConfig struct {
	// K is the number of neighbours that vote (default 20, solo-learn's;
	// zero means the default). Fewer training rows than K means all vote.
	K int
	// Temperature weights each neighbour's vote by exp(similarity /
	// Temperature), as Wu et al. 2018 and solo-learn do (default 0.07;
	// zero means plain majority voting).
	Temperature float64
	// Folds is the number of stratified cross-validation folds (default 5;
	// zero means the default).
	Folds int
	// Seed shuffles the folds (default 42; zero is a seed like any other).
	Seed uint64
}

// DefaultKNNConfig returns k = 20, temperature 0.07, 5 folds, seed 42.
func DefaultKNNConfig() KNNConfig { return KNNConfig{K: 20, Temperature: 0.07, Folds: 5, Seed: 42} }

// KNNAccuracy is the cross-validated accuracy of a k-nearest-neighbour
// classifier on frozen features: for each fold, every held-out row takes
// the K training rows of highest cosine similarity, and the class with the
// largest summed vote weight wins (ties: the lowest class index). A good
// encoder puts images of one class near each other without ever seeing
// labels, so its accuracy is far above a random-init encoder's. Pure Go.
func KNNAccuracy(feats [][]float32, labels []int, cfg KNNConfig) (*CVResult, error) {
	def := DefaultKNNConfig()
	if cfg.K == 0 {
		cfg.K = def.K
	}
	if cfg.Folds == 0 {
		cfg.Folds = def.Folds
	}
	if cfg.K < 0 || cfg.Temperature < 0 || math.IsNaN(cfg.Temperature) {
		return nil, fmt.Errorf("ssl: kNN with k %d and temperature %v: both must be positive (temperature 0 for plain voting)", cfg.K, cfg.Temperature)
	}
	if _, err := checkFeatures(feats, labels); err != nil {
		return nil, err
	}
	unit := normalizeRows(feats)
	classes := 0
	for _, l := range labels {
		classes = max(classes, l+1)
	}
	return crossValidate(labels, cfg.Folds, cfg.Seed, func(tr, te []int) []int {
		return knnPredict(unit, labels, tr, te, cfg, classes)
	})
}

// knnPredict predicts the rows te from the rows tr.
func knnPredict(unit [][]float64, labels, tr, te []int, cfg KNNConfig, classes int) []int {
	pred := make([]int, len(te))
	for j, i := range te {
		pred[j] = knnVote(unit, labels, tr, unit[i], cfg, classes)
	}
	return pred
}

// knnVote predicts the class of q from its nearest rows among tr.
func knnVote(unit [][]float64, labels, tr []int, q []float64, cfg KNNConfig, classes int) int {
	type nb struct {
		sim float64
		row int
	}
	nbs := make([]nb, len(tr))
	for j, r := range tr {
		nbs[j] = nb{dot(unit[r], q), r}
	}
	sort.Slice(nbs, func(a, b int) bool {
		if nbs[a].sim != nbs[b].sim {
			return nbs[a].sim > nbs[b].sim
		}
		return nbs[a].row < nbs[b].row
	})
	votes := make([]float64, classes)
	for _, n := range nbs[:min(cfg.K, len(nbs))] {
		w := 1.0
		if cfg.Temperature > 0 {
			w = math.Exp((n.sim - 1) / cfg.Temperature) // exp(sim/T), scaled by exp(-1/T) to stay finite
		}
		votes[labels[n.row]] += w
	}
	best := 0
	for c := range votes {
		if votes[c] > votes[best] {
			best = c
		}
	}
	return best
}

// normalizeRows returns the rows scaled to unit length, in float64 (a zero
// row stays zero).
func normalizeRows(feats [][]float32) [][]float64 {
	out := make([][]float64, len(feats))
	for i, f := range feats {
		v := make([]float64, len(f))
		var n float64
		for j, x := range f {
			v[j] = float64(x)
			n += v[j] * v[j]
		}
		if n > 0 {
			n = math.Sqrt(n)
			for j := range v {
				v[j] /= n
			}
		}
		out[i] = v
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
