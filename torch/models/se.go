package models

import (
	"github.com/ppctl/ppctl/torch"
)

// SqueezeExcite is the channel gate of Hu et al., "Squeeze-and-Excitation
// Networks" (2018), in timm's form (layers/squeeze_excite.py SEModule): "the
// squeeze operation ... produces a channel descriptor by aggregating feature
// maps across their spatial dimensions", two 1x1 convolutions with a ReLU
// between map it to one sigmoid gate per channel, and the input is scaled by
// its gates. Its tensors are fc1.weight, fc1.bias, fc2.weight, fc2.bias.
type SqueezeExcite struct {
	FC1, FC2 *Conv2d
}

// SEConfig sizes a SqueezeExcite's bottleneck.
type SEConfig struct {
	// Ratio is the reduction from the channels to the gate's hidden width
	// (default 1/16, timm's rd_ratio). Zero means the default.
	Ratio float64
	// Divisor rounds the hidden width to a multiple of itself (default 8,
	// timm's rd_divisor). Zero means the default.
	Divisor int64
}

// DefaultSEConfig returns timm's SE settings: ratio 1/16, divisor 8.
func DefaultSEConfig() SEConfig { return SEConfig{Ratio: 1.0 / 16, Divisor: 8} }

// ReducedChannels returns the gate's hidden width for c channels.
func (c SEConfig) ReducedChannels(channels int64) int64 {
	d := DefaultSEConfig()
	if c.Ratio == 0 {
		c.Ratio = d.Ratio
	}
	if c.Divisor == 0 {
		c.Divisor = d.Divisor
	}
	return MakeDivisible(float64(channels)*c.Ratio, c.Divisor)
}

// MakeDivisible rounds v to the nearest multiple of divisor, halves rounding
// up, and never below divisor: timm's make_divisible with round_limit 0,
// which its SE layers use (seresnext50's 256 channels give 16).
func MakeDivisible(v float64, divisor int64) int64 {
	n := int64(v+float64(divisor)/2) / divisor * divisor
	return max(n, divisor)
}

// NewSqueezeExcite returns a gate over channels channels.
func NewSqueezeExcite(channels int64, cfg SEConfig) *SqueezeExcite {
	rd := cfg.ReducedChannels(channels)
	return &SqueezeExcite{
		FC1: NewConv2d(channels, rd, 1, 1, 0, 1, true),
		FC2: NewConv2d(rd, channels, 1, 1, 0, 1, true),
	}
}

// Forward gates the channels of x, (N, C, H, W) -> (N, C, H, W).
func (s *SqueezeExcite) Forward(x torch.Tensor) torch.Tensor {
	g := meanDims(x, true, 2, 3) // (N, C, 1, 1): squeeze
	g = s.FC1.Forward(g)         // (N, rd, 1, 1)
	g = relu(g)                  // (N, rd, 1, 1)
	g = s.FC2.Forward(g)         // (N, C, 1, 1)
	g = sigmoid(g)               // (N, C, 1, 1): excitation
	return mul(x, g)             // (N, C, H, W)
}

// SetTraining does nothing: the gate has no mode.
func (s *SqueezeExcite) SetTraining(bool) {}

// Entries lists fc1 then fc2.
func (s *SqueezeExcite) Entries(prefix string) []Entry {
	return append(s.FC1.Entries(prefix+"fc1."), s.FC2.Entries(prefix+"fc2.")...)
}
