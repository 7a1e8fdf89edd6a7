package models

import (
	"fmt"

	"github.com/ppctl/ppctl/torch"
)

// ConcatPool is fastai's AdaptiveConcatPool2d: the global maximum and the
// global mean of each channel, concatenated in that order,
// (N, C, H, W) -> (N, 2C, 1, 1). It has no tensors.
type ConcatPool struct{}

// Forward pools x.
func (ConcatPool) Forward(x torch.Tensor) torch.Tensor {
	mustNCHW("concat pool", x)
	mx := adaptiveMaxPool2d(x, 1, 1)      // (N, C, 1, 1)
	av := adaptiveAvgPool2d(x, 1, 1)      // (N, C, 1, 1)
	return cat([]torch.Tensor{mx, av}, 1) // (N, 2C, 1, 1)
}

// SetTraining does nothing.
func (ConcatPool) SetTraining(bool) {}

// Entries is empty.
func (ConcatPool) Entries(string) []Entry { return nil }

// Flatten keeps the batch dimension and flattens the rest, (N, ...) ->
// (N, prod(...)), as fastai's Flatten.
type Flatten struct{}

// Forward flattens x.
func (Flatten) Forward(x torch.Tensor) torch.Tensor {
	return reshape(x, x.Shape()[0], -1) // (N, C*H*W)
}

// SetTraining does nothing.
func (Flatten) SetTraining(bool) {}

// Entries is empty.
func (Flatten) Entries(string) []Entry { return nil }

// ReLU is max(x, 0), element-wise.
type ReLU struct{}

// Forward applies the ReLU.
func (ReLU) Forward(x torch.Tensor) torch.Tensor { return relu(x) }

// SetTraining does nothing.
func (ReLU) SetTraining(bool) {}

// Entries is empty.
func (ReLU) Entries(string) []Entry { return nil }

// Dropout zeroes each element with probability P in training mode and
// scales the survivors by 1/(1-P); in evaluation mode it is the identity.
type Dropout struct {
	P        float64
	training bool
}

// NewDropout returns a dropout layer in training mode.
func NewDropout(p float64) *Dropout { return &Dropout{P: p, training: true} }

// Forward applies dropout: same shape as x.
func (d *Dropout) Forward(x torch.Tensor) torch.Tensor { return dropout(x, d.P, d.training) }

// SetTraining turns dropping on or off.
func (d *Dropout) SetTraining(on bool) { d.training = on }

// Entries is empty.
func (d *Dropout) Entries(string) []Entry { return nil }

// LinBnDrop returns fastai's LinBnDrop block as a flat list of layers:
// BatchNorm1d(in) when bn, Dropout(p) unless p is 0, Linear(in, out) with a
// bias only when there is no batch norm, and a ReLU when act. The batch
// norm starts at weight 1, bias 1e-3, as fastai's BatchNorm does.
func LinBnDrop(in, out int64, bn bool, p float64, act bool) []Layer {
	var ls []Layer
	if bn {
		n := NewBatchNorm(in)
		fill(n.Bias(), 1e-3)
		ls = append(ls, n)
	}
	if p != 0 {
		ls = append(ls, NewDropout(p))
	}
	ls = append(ls, NewLinear(in, out, !bn))
	if act {
		ls = append(ls, ReLU{})
	}
	return ls
}

// HeadConfig shapes fastai's create_head.
type HeadConfig struct {
	// Hidden lists the widths of the hidden linear layers (default [512],
	// fastai's lin_ftrs=None). Nil means the default; an empty non-nil
	// slice means no hidden layer.
	Hidden []int64
	// Dropout lists one probability per linear layer; a single value p
	// expands to p/2 for each hidden layer and p for the last, as fastai's
	// ps does (default [0.5]: 0.25 then 0.5). Nil means the default; 0
	// leaves that Dropout layer out (and shifts the indices after it).
	Dropout []float64
}

// DefaultHeadConfig returns fastai's defaults: one hidden layer of 512,
// dropout 0.25 and 0.5.
func DefaultHeadConfig() HeadConfig { return HeadConfig{Hidden: []int64{512}, Dropout: []float64{0.5}} }

// NewHead returns fastai's create_head(nf, nOut) for a body with nf output
// channels: ConcatPool -> Flatten -> [BatchNorm1d -> Dropout -> Linear (no
// bias) -> ReLU] per hidden layer -> BatchNorm1d -> Dropout -> Linear (no
// bias), one flat Sequential whose indices are fastai's (the first batch
// norm is "2", the first linear "4" with the defaults). The linear weights
// are initialised as fastai's create_cnn_model does (see initHead).
func NewHead(nf, nOut int64, cfg HeadConfig) (*Sequential, error) {
	if nf <= 0 || nOut <= 0 {
		return nil, fmt.Errorf("models: head for %d features and %d outputs: both must be positive", nf, nOut)
	}
	if cfg.Hidden == nil {
		cfg.Hidden = DefaultHeadConfig().Hidden
	}
	if cfg.Dropout == nil {
		cfg.Dropout = DefaultHeadConfig().Dropout
	}
	ftrs := append(append([]int64{2 * nf}, cfg.Hidden...), nOut)
	ps := cfg.Dropout
	if len(ps) == 1 {
		ps = make([]float64, len(ftrs)-1)
		for i := range ps {
			ps[i] = cfg.Dropout[0] / 2
		}
		ps[len(ps)-1] = cfg.Dropout[0]
	}
	if len(ps) != len(ftrs)-1 {
		return nil, fmt.Errorf("models: head has %d linear layers but %d dropout probabilities: give one or %d",
			len(ftrs)-1, len(ps), len(ftrs)-1)
	}
	head := &Sequential{Layers: []Layer{ConcatPool{}, Flatten{}}}
	for i := 0; i < len(ftrs)-1; i++ {
		if ftrs[i+1] <= 0 || ps[i] < 0 || ps[i] >= 1 {
			return nil, fmt.Errorf("models: head layer %d: width %d, dropout %g: widths must be positive, dropout in [0, 1)",
				i, ftrs[i+1], ps[i])
		}
		head.Layers = append(head.Layers, LinBnDrop(ftrs[i], ftrs[i+1], true, ps[i], i < len(ftrs)-2)...)
	}
	initHead(head)
	return head, nil
}
