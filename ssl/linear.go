package ssl

import (
	"fmt"
	"math"
)

// LinearConfig configures the linear probe.
type LinearConfig struct {
	// Steps is the number of full-batch Adam steps (default 300; zero
	// means the default).
	Steps int
	// LR is Adam's learning rate (default 0.05; zero means the default).
	LR float64
	// L2 is the penalty λ/2·|W|² on the weights, not the biases (default
	// 1e-3; zero means none).
	L2 float64
	// Folds is the number of stratified cross-validation folds (default 5;
	// zero means the default).
	Folds int
	// Seed shuffles the folds (default 42; zero is a seed like any other).
	Seed uint64
}

// DefaultLinearConfig returns 300 Adam steps at 0.05 with L2 1e-3 over 5
// folds, seed 42.
func DefaultLinearConfig() LinearConfig {
	return LinearConfig{Steps: 300, LR: 0.05, L2: 1e-3, Folds: 5, Seed: 42}
}

// LinearProbe is the cross-validated accuracy of a linear classifier on
// frozen features, the standard judge of self-supervised encoders: for
// each fold, the features are standardized with the training rows' mean
// and deviation and a multinomial logistic regression (softmax,
// cross-entropy, L2 on the weights) is fitted by full-batch Adam, then
// predicts the held-out rows. Pure Go, deterministic.
func LinearProbe(feats [][]float32, labels []int, cfg LinearConfig) (*CVResult, error) {
	def := DefaultLinearConfig()
	if cfg.Steps == 0 {
		cfg.Steps = def.Steps
	}
	if cfg.LR == 0 {
		cfg.LR = def.LR
	}
	if cfg.Folds == 0 {
		cfg.Folds = def.Folds
	}
	if cfg.Steps < 0 || !(cfg.LR > 0) || !(cfg.L2 >= 0) {
		return nil, fmt.Errorf("ssl: linear probe with %d steps, rate %v, L2 %v: give positive steps and rate, L2 of 0 or more", cfg.Steps, cfg.LR, cfg.L2)
	}
	d, err := checkFeatures(feats, labels)
	if err != nil {
		return nil, err
	}
	classes := 0
	for _, l := range labels {
		classes = max(classes, l+1)
	}
	return crossValidate(labels, cfg.Folds, cfg.Seed, func(tr, te []int) []int {
		return linearPredict(feats, labels, tr, te, d, classes, cfg)
	})
}

// linearPredict fits the probe on the rows tr and predicts the rows te.
func linearPredict(feats [][]float32, labels, tr, te []int, d, classes int, cfg LinearConfig) []int {
	mean, std := standardizer(feats, tr, d)
	x := func(i int) []float64 { return standardized(feats[i], mean, std) }
	trX := make([][]float64, len(tr))
	trY := make([]int, len(tr))
	for j, i := range tr {
		trX[j], trY[j] = x(i), labels[i]
	}
	m := fitSoftmax(trX, trY, classes, cfg)
	pred := make([]int, len(te))
	for j, i := range te {
		pred[j] = argmax(m.logits(x(i)))
	}
	return pred
}

// standardizer returns the per-column mean and standard deviation of the
// rows (a constant column gets deviation 1).
func standardizer(feats [][]float32, rows []int, d int) (mean, std []float64) {
	mean, std = make([]float64, d), make([]float64, d)
	for _, i := range rows {
		for c, v := range feats[i] {
			mean[c] += float64(v)
		}
	}
	for c := range mean {
		mean[c] /= float64(len(rows))
	}
	for _, i := range rows {
		for c, v := range feats[i] {
			dv := float64(v) - mean[c]
			std[c] += dv * dv
		}
	}
	for c := range std {
		std[c] = math.Sqrt(std[c] / float64(len(rows)))
		if std[c] < 1e-12 {
			std[c] = 1
		}
	}
	return mean, std
}

func standardized(f []float32, mean, std []float64) []float64 {
	out := make([]float64, len(f))
	for c, v := range f {
		out[c] = (float64(v) - mean[c]) / std[c]
	}
	return out
}

// softmaxModel is W (classes x d) and b (classes), flat in one parameter
// vector: W row-major, then b.
type softmaxModel struct {
	classes, d int
	p          []float64
}

func (m *softmaxModel) logits(x []float64) []float64 {
	out := make([]float64, m.classes)
	for c := range out {
		out[c] = dot(m.p[c*m.d:(c+1)*m.d], x) + m.p[m.classes*m.d+c]
	}
	return out
}

// fitSoftmax fits the model by full-batch Adam on the mean cross-entropy
// plus L2/2·|W|².
func fitSoftmax(x [][]float64, y []int, classes int, cfg LinearConfig) *softmaxModel {
	d := len(x[0])
	m := &softmaxModel{classes: classes, d: d, p: make([]float64, classes*d+classes)}
	mom, vel, g := make([]float64, len(m.p)), make([]float64, len(m.p)), make([]float64, len(m.p))
	const b1, b2, eps = 0.9, 0.999, 1e-8
	for t := 1; t <= cfg.Steps; t++ {
		clear(g)
		for i, xi := range x {
			pr := softmax(m.logits(xi))
			pr[y[i]]--
			for c, e := range pr {
				e /= float64(len(x))
				row := g[c*d : (c+1)*d]
				for k, v := range xi {
					row[k] += e * v
				}
				g[classes*d+c] += e
			}
		}
		for k := 0; k < classes*d; k++ {
			g[k] += cfg.L2 * m.p[k]
		}
		c1, c2 := 1-math.Pow(b1, float64(t)), 1-math.Pow(b2, float64(t))
		for k := range m.p {
			mom[k] = b1*mom[k] + (1-b1)*g[k]
			vel[k] = b2*vel[k] + (1-b2)*g[k]*g[k]
			m.p[k] -= cfg.LR * (mom[k] / c1) / (math.Sqrt(vel[k]/c2) + eps)
		}
	}
	return m
}

func softmax(z []float64) []float64 {
	mx := z[argmax(z)]
	var s float64
	out := make([]float64, len(z))
	for i, v := range z {
		out[i] = math.Exp(v - mx)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// argmax returns the index of the largest value (the first on ties).
func argmax(v []float64) int {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}
