package models

import (
	"github.com/ppctl/ppctl/torch"
	"github.com/wangkuiyi/gotorch/nn"
)

// Conv2d is a square 2-d convolution (PyTorch nn.Conv2d with zero
// padding), built on gotorch's module; its tensors are "weight" and, when it
// has one, "bias".
type Conv2d struct {
	m *nn.Conv2dModule
}

// NewConv2d returns a k x k convolution from in to out channels in groups
// groups, initialised as PyTorch does (Kaiming-uniform with a = sqrt 5).
func NewConv2d(in, out, k, stride, pad, groups int64, bias bool) *Conv2d {
	return &Conv2d{m: nn.Conv2d(in, out, k, stride, pad, 1, groups, bias, "zeros")}
}

// Forward convolves x: (N, in, H, W) -> (N, out, H', W').
func (c *Conv2d) Forward(x torch.Tensor) torch.Tensor { return c.m.Forward(x) }

// SetTraining does nothing: a convolution has no mode.
func (c *Conv2d) SetTraining(bool) {}

// Entries lists weight (out, in/groups, k, k) and bias (out) if any.
func (c *Conv2d) Entries(prefix string) []Entry {
	es := []Entry{{Name: prefix + "weight", Tensor: c.m.Weight}}
	if torch.Defined(c.m.Bias) {
		es = append(es, Entry{Name: prefix + "bias", Tensor: c.m.Bias})
	}
	return es
}

// Weight returns the kernel, (out, in/groups, k, k).
func (c *Conv2d) Weight() torch.Tensor { return c.m.Weight }

// Bias returns the bias and whether the convolution has one.
func (c *Conv2d) Bias() (torch.Tensor, bool) { return c.m.Bias, torch.Defined(c.m.Bias) }

// Linear is a fully connected layer (PyTorch nn.Linear) on gotorch's module:
// "weight" (out, in) and an optional "bias" (out).
type Linear struct {
	m *nn.LinearModule
}

// NewLinear returns an in -> out linear layer, initialised as PyTorch does.
func NewLinear(in, out int64, bias bool) *Linear { return &Linear{m: nn.Linear(in, out, bias)} }

// Forward maps (N, in) to (N, out).
func (l *Linear) Forward(x torch.Tensor) torch.Tensor { return l.m.Forward(x) }

// SetTraining does nothing: a linear layer has no mode.
func (l *Linear) SetTraining(bool) {}

// Entries lists weight and, when present, bias.
func (l *Linear) Entries(prefix string) []Entry {
	es := []Entry{{Name: prefix + "weight", Tensor: l.m.Weight}}
	if torch.Defined(l.m.Bias) {
		es = append(es, Entry{Name: prefix + "bias", Tensor: l.m.Bias})
	}
	return es
}

// Weight returns the (out, in) matrix.
func (l *Linear) Weight() torch.Tensor { return l.m.Weight }

// Bias returns the bias and whether the layer has one.
func (l *Linear) Bias() (torch.Tensor, bool) { return l.m.Bias, torch.Defined(l.m.Bias) }
