package torch

// #include "ppctl.h"
import "C"

import (
	"fmt"
	"runtime"
)

// ParamGroup is a set of parameters sharing hyper-parameters. A schedule may
// change LR, Beta1 (and the others) before any Step.
type ParamGroup struct {
	Name        string   // for logs and checkpoints, e.g. "body" or "head"
	Params      []Tensor // leaf tensors that require gradients
	LR          float64  // learning rate
	Beta1       float64  // first-moment decay (fastai: 0.9, or the momentum schedule)
	Beta2       float64  // second-moment decay (fastai: 0.99)
	Eps         float64  // added to the denominator (fastai: 1e-5)
	WeightDecay float64  // decoupled: p -= lr*wd*p before the Adam update (fastai: 0.01)
}

// AdamW is Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled
// Weight Decay Regularization", 2019), which is also fastai's Adam with its
// defaults. Unlike gotorch's Adam it keeps per-group learning rates,
// betas, eps and weight decay that may change at every step, and its state
// can be read back for checkpoints.
//
// The update of a parameter p with gradient g at step t is
//
//	p ← p·(1 − lr·wd)
//	m ← β1·m + (1 − β1)·g
//	v ← β2·v + (1 − β2)·g²
//	p ← p − lr/(1 − β1ᵗ) · m / (√(v/(1 − β2ᵗ)) + ε)
type AdamW struct {
	Groups []ParamGroup
	step   int64
	m, v   [][]Tensor // per group, per parameter
}

// NewAdamW returns an optimizer over groups with zeroed moment buffers, which
// are allocated here, once, and updated in place afterwards.
func NewAdamW(groups []ParamGroup) *AdamW {
	o := &AdamW{Groups: groups}
	for _, g := range groups {
		ms := make([]Tensor, len(g.Params))
		vs := make([]Tensor, len(g.Params))
		for i, p := range g.Params {
			ms[i] = ZerosLike(Detach(p))
			vs[i] = ZerosLike(Detach(p))
		}
		o.m = append(o.m, ms)
		o.v = append(o.v, vs)
	}
	return o
}

// Steps returns the number of updates taken so far.
func (o *AdamW) Steps() int64 { return o.step }

// Step applies one update to every parameter that has a gradient.
func (o *AdamW) Step() {
	defer runtime.KeepAlive(o)
	o.step++
	for gi, g := range o.Groups {
		if len(g.Params) == 0 {
			continue
		}
		if len(g.Params) != len(o.m[gi]) {
			panic(fmt.Sprintf("AdamW: group %q changed from %d to %d parameters after NewAdamW", g.Name, len(o.m[gi]), len(g.Params)))
		}
		ps, ms, vs := handles(g.Params), handles(o.m[gi]), handles(o.v[gi])
		check(C.ppctl_adamw_step(first(ps), first(ms), first(vs), C.int64_t(len(ps)),
			C.double(g.LR), C.double(g.Beta1), C.double(g.Beta2), C.double(g.Eps),
			C.double(g.WeightDecay), C.int64_t(o.step)))
	}
}

// ZeroGrad drops every parameter's gradient (PyTorch's set_to_none).
func (o *AdamW) ZeroGrad() {
	for _, g := range o.Groups {
		ZeroGrad(g.Params)
	}
}

// State returns the moment buffers keyed "<group>.<i>.exp_avg" and
// "<group>.<i>.exp_avg_sq", plus the step count, for a checkpoint.
func (o *AdamW) State() (tensors map[string]Tensor, step int64) {
	tensors = map[string]Tensor{}
	for gi := range o.Groups {
		for i := range o.m[gi] {
			tensors[fmt.Sprintf("%d.%d.exp_avg", gi, i)] = o.m[gi][i]
			tensors[fmt.Sprintf("%d.%d.exp_avg_sq", gi, i)] = o.v[gi][i]
		}
	}
	return tensors, o.step
}

// LoadState restores what State returned.
func (o *AdamW) LoadState(tensors map[string]Tensor, step int64) error {
	for gi := range o.Groups {
		for i := range o.m[gi] {
			for suffix, dst := range map[string]Tensor{"exp_avg": o.m[gi][i], "exp_avg_sq": o.v[gi][i]} {
				key := fmt.Sprintf("%d.%d.%s", gi, i, suffix)
				src, ok := tensors[key]
				if !ok {
					return fmt.Errorf("optimizer state lacks %q: the checkpoint is from another model or optimizer", key)
				}
				if err := Try(func() { CopyInto(dst, src) }); err != nil {
					return fmt.Errorf("optimizer state %q: %w", key, err)
				}
			}
		}
	}
	o.step = step
	return nil
}

// ZeroGrad drops the gradients of params.
func ZeroGrad(params []Tensor) {
	defer runtime.KeepAlive(params)
	if len(params) == 0 {
		return
	}
	hs := handles(params)
	check(C.ppctl_zero_grad(first(hs), C.int64_t(len(hs))))
}

// ClipGradNorm scales the gradients of params so that their joint L2 norm is
// at most maxNorm (torch.nn.utils.clip_grad_norm_) and returns the norm
// before clipping. maxNorm <= 0 only measures.
func ClipGradNorm(params []Tensor, maxNorm float64) float64 {
	defer runtime.KeepAlive(params)
	if len(params) == 0 {
		return 0
	}
	hs := handles(params)
	var total C.double
	check(C.ppctl_clip_grad_norm(first(hs), C.int64_t(len(hs)), C.double(maxNorm), &total))
	return float64(total)
}
