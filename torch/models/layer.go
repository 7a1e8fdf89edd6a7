package models

import (
	"fmt"

	"github.com/ppctl/ppctl/torch"
)

// Entry is one named tensor of a model's state: a parameter, a running
// statistic or a counter, under the name PyTorch's state_dict gives it.
type Entry struct {
	// Name is the state_dict key, e.g. "layer1.0.se.fc1.bias".
	Name string
	// Tensor is the live tensor: writing into it changes the model.
	Tensor torch.Tensor
	// Buffer marks running statistics and num_batches_tracked: saved and
	// loaded, never trained.
	Buffer bool
	// Norm marks the weight and bias of a normalisation layer, which
	// fastai exempts from weight decay and keeps training in a frozen body.
	Norm bool
}

// NoDecay reports whether fastai's default (wd_bn_bias=False) exempts e
// from weight decay: normalisation parameters and biases.
func (e Entry) NoDecay() bool {
	return e.Norm || hasSuffix(e.Name, ".bias") || e.Name == "bias"
}

// Layer is one step of a network: a convolution, a block, a whole body or a
// head. The models of this package and their parts all implement it.
type Layer interface {
	// Forward runs the layer on x; autograd records it unless the caller
	// is inside torch.NoGrad.
	Forward(x torch.Tensor) torch.Tensor
	// SetTraining switches between training mode (batch statistics,
	// running averages updated, dropout on) and evaluation mode.
	SetTraining(on bool)
	// Entries lists the layer's tensors in PyTorch's state_dict order,
	// each name prefixed by prefix ("" or "layer1.0.", with the dot).
	Entries(prefix string) []Entry
}

// Parameters returns the trainable tensors of l in state_dict order.
func Parameters(l Layer) []torch.Tensor {
	var ps []torch.Tensor
	for _, e := range l.Entries("") {
		if !e.Buffer {
			ps = append(ps, e.Tensor)
		}
	}
	return ps
}

// CountParameters returns the number of trainable elements of l (what
// timm and torchinfo call the parameter count).
func CountParameters(l Layer) int64 {
	var n int64
	for _, e := range l.Entries("") {
		if !e.Buffer {
			n += torch.Numel(e.Tensor)
		}
	}
	return n
}

// Infer runs l on x in evaluation mode without autograd (torch.no_grad)
// and leaves l in evaluation mode.
func Infer(l Layer, x torch.Tensor) torch.Tensor {
	l.SetTraining(false)
	var y torch.Tensor
	torch.NoGrad(func() { y = l.Forward(x) })
	return y
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// index returns prefix + "i." for the i-th child of a PyTorch Sequential.
func index(prefix string, i int) string { return fmt.Sprintf("%s%d.", prefix, i) }

// mustNCHW panics with the shapes when x is not 4-d (N, C, H, W).
func mustNCHW(what string, x torch.Tensor) {
	if s := x.Shape(); len(s) != 4 {
		panic(&torch.Error{Msg: fmt.Sprintf("%s wants an (N, C, H, W) input, got shape %v", what, s)})
	}
}
