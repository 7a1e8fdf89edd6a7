package models

import (
	"fmt"

	"github.com/ppctl/ppctl/torch"
	F "github.com/wangkuiyi/gotorch/nn/functional"
)

// StemType is the shape of a network's first layers.
type StemType int

const (
	// StemPlain is one 7x7 stride-2 convolution to 64 channels (ResNet-50).
	StemPlain StemType = iota
	// StemDeep is three 3x3 convolutions of widths w, w, 2w, the first with
	// stride 2 (timm "deep", the "c"/"d" variants).
	StemDeep
	// StemDeepTiered is StemDeep with widths 3*(w/4), w, 2w (timm
	// "deep_tiered", the "t" variants: 24, 32, 64).
	StemDeepTiered
)

// String returns timm's name for the stem type.
func (s StemType) String() string {
	switch s {
	case StemPlain:
		return "plain"
	case StemDeep:
		return "deep"
	case StemDeepTiered:
		return "deep_tiered"
	}
	return fmt.Sprintf("StemType(%d)", int(s))
}

// Stem is everything before layer1: the stem convolution(s), bn1, ReLU and
// the 3x3 stride-2 max-pool. State names are conv1.* (conv1.0, .1, .3, .4,
// .6 in a deep stem's Sequential) and bn1.*.
type Stem struct {
	Type StemType
	// Convs holds the one 7x7 convolution, or the deep stem's three 3x3s.
	Convs []*Conv2d
	// Norms holds the deep stem's two inner batch norms (empty when plain).
	Norms []*BatchNorm
	// BN1 normalises the stem's output.
	BN1 *BatchNorm
}

// NewStem returns a stem of the given type; width is timm's stem_width
// (ignored for StemPlain, which always has 64 channels).
func NewStem(t StemType, width int64) *Stem {
	s := &Stem{Type: t}
	if t == StemPlain {
		s.Convs = []*Conv2d{NewConv2d(3, 64, 7, 2, 3, 1, false)}
		s.BN1 = NewBatchNorm(64)
		return s
	}
	c0 := width
	if t == StemDeepTiered {
		c0 = 3 * (width / 4)
	}
	out := 2 * width
	s.Convs = append(s.Convs, NewConv2d(3, c0, 3, 2, 1, 1, false))
	s.Norms = append(s.Norms, NewBatchNorm(c0))
	s.Convs = append(s.Convs, NewConv2d(c0, width, 3, 1, 1, 1, false))
	s.Norms = append(s.Norms, NewBatchNorm(width))
	s.Convs = append(s.Convs, NewConv2d(width, out, 3, 1, 1, 1, false))
	s.BN1 = NewBatchNorm(out)
	return s
}

// OutChannels returns the number of channels the stem hands to layer1.
func (s *Stem) OutChannels() int64 { return s.Convs[len(s.Convs)-1].Weight().Shape()[0] }

// Forward runs the stem: (N, 3, H, W) -> (N, C, H/4, W/4).
func (s *Stem) Forward(x torch.Tensor) torch.Tensor {
	mustNCHW("stem", x)
	if s.Type == StemPlain {
		x = s.Convs[0].Forward(x) // (N, 64, H/2, W/2): 7x7 stride 2
	} else {
		x = s.Convs[0].Forward(x) // (N, c0, H/2, W/2): 3x3 stride 2
		x = s.Norms[0].Forward(x) // (N, c0, H/2, W/2)
		x = relu(x)               // (N, c0, H/2, W/2)
		x = s.Convs[1].Forward(x) // (N, w, H/2, W/2)
		x = s.Norms[1].Forward(x) // (N, w, H/2, W/2)
		x = relu(x)               // (N, w, H/2, W/2)
		x = s.Convs[2].Forward(x) // (N, 2w, H/2, W/2)
	}
	x = s.BN1.Forward(x)                                                                     // (N, C, H/2, W/2)
	x = relu(x)                                                                              // (N, C, H/2, W/2)
	return F.MaxPool2d(x, []int64{3, 3}, []int64{2, 2}, []int64{1, 1}, []int64{1, 1}, false) // (N, C, H/4, W/4)
}

// SetTraining sets the mode of the stem's batch norms.
func (s *Stem) SetTraining(on bool) {
	for _, n := range s.Norms {
		n.SetTraining(on)
	}
	s.BN1.SetTraining(on)
}

// Entries lists conv1.* then bn1.*, as timm names them.
func (s *Stem) Entries(prefix string) []Entry {
	var es []Entry
	if s.Type == StemPlain {
		es = s.Convs[0].Entries(prefix + "conv1.")
	} else {
		// timm's Sequential: 0 conv, 1 bn, 2 relu, 3 conv, 4 bn, 5 relu, 6 conv.
		p := prefix + "conv1."
		es = append(es, s.Convs[0].Entries(index(p, 0))...)
		es = append(es, s.Norms[0].Entries(index(p, 1))...)
		es = append(es, s.Convs[1].Entries(index(p, 3))...)
		es = append(es, s.Norms[1].Entries(index(p, 4))...)
		es = append(es, s.Convs[2].Entries(index(p, 6))...)
	}
	return append(es, s.BN1.Entries(prefix+"bn1.")...)
}
