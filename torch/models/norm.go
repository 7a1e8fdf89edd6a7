package models

import (
	"github.com/ppctl/ppctl/torch"
	"github.com/wangkuiyi/gotorch/nn"
)

// BatchNorm is PyTorch's BatchNorm1d/BatchNorm2d (eps 1e-5, momentum 0.1,
// affine, tracking running statistics) on gotorch's module, plus the
// num_batches_tracked counter that PyTorch keeps and saves. It normalises
// dimension 1 of an (N, C) or (N, C, H, W) input.
//
// In training mode it uses the batch's statistics and updates the running
// mean and (unbiased) variance as (1-0.1)*running + 0.1*batch, and adds one
// to the counter; in evaluation mode it uses the running statistics.
type BatchNorm struct {
	m        *nn.BatchNorm2dModule
	batches  torch.Tensor // int64 scalar: num_batches_tracked
	training bool
}

// NewBatchNorm returns a batch norm over c channels with weight 1, bias 0,
// running mean 0 and running variance 1, in training mode.
func NewBatchNorm(c int64) *BatchNorm {
	return &BatchNorm{m: nn.BatchNorm2d(c, 1e-5, 0.1, true, true), batches: torch.Zeros(torch.Int64), training: true}
}

// Forward normalises x: (N, C, ...) -> same shape.
func (b *BatchNorm) Forward(x torch.Tensor) torch.Tensor {
	if b.training {
		copyInto(b.batches, torch.AddScalar(b.batches, 1))
	}
	return b.m.Forward(x)
}

// SetTraining picks batch statistics (on) or running statistics (off).
func (b *BatchNorm) SetTraining(on bool) {
	b.training = on
	b.m.Train(on)
}

// Entries lists weight, bias, running_mean, running_var and
// num_batches_tracked, PyTorch's order.
func (b *BatchNorm) Entries(prefix string) []Entry {
	return []Entry{
		{Name: prefix + "weight", Tensor: b.m.Weight, Norm: true},
		{Name: prefix + "bias", Tensor: b.m.Bias, Norm: true},
		{Name: prefix + "running_mean", Tensor: b.m.RunningMean, Buffer: true},
		{Name: prefix + "running_var", Tensor: b.m.RunningVar, Buffer: true},
		{Name: prefix + "num_batches_tracked", Tensor: b.batches, Buffer: true},
	}
}

// Weight returns the scale (gamma), one per channel.
func (b *BatchNorm) Weight() torch.Tensor { return b.m.Weight }

// Bias returns the shift (beta), one per channel.
func (b *BatchNorm) Bias() torch.Tensor { return b.m.Bias }
