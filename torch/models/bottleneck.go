package models

import (
	"math"

	"github.com/ppctl/ppctl/torch"
)

// Expansion is the ratio of a bottleneck's output channels to its planes.
const Expansion = 4

// BlockConfig describes one bottleneck block.
type BlockConfig struct {
	// InPlanes is the number of input channels.
	InPlanes int64
	// Planes sets the widths: the output has Planes*Expansion channels.
	Planes int64
	// Stride is the 3x3 convolution's stride (1 or 2).
	Stride int64
	// Cardinality is the number of groups of the 3x3 convolution (32 in
	// seresnext50_32x4d).
	Cardinality int64
	// BaseWidth is the width of each group per 64 planes (4 in 32x4d).
	BaseWidth int64
	// SE sizes the squeeze-excite gate.
	SE SEConfig
	// AvgDown makes the shortcut projection average-pool then convolve
	// (the "d" variants) instead of a strided 1x1 convolution.
	AvgDown bool
}

// Width returns the grouped convolution's channels, timm's
// floor(planes * base_width / 64) * cardinality.
func (c BlockConfig) Width() int64 {
	return int64(math.Floor(float64(c.Planes)*(float64(c.BaseWidth)/64))) * c.Cardinality
}

// Bottleneck is timm's ResNeXt bottleneck with a squeeze-excite gate:
// 1x1 conv -> BN -> ReLU -> 3x3 grouped conv (stride here) -> BN -> ReLU ->
// 1x1 conv -> BN -> SE, added to the shortcut, then ReLU. Its state names
// are conv1, bn1, conv2, bn2, conv3, bn3, se.*, downsample.* as in timm.
type Bottleneck struct {
	Conv1, Conv2, Conv3 *Conv2d
	BN1, BN2, BN3       *BatchNorm
	SE                  *SqueezeExcite
	// Downsample projects the shortcut when the shape changes; nil is the
	// identity.
	Downsample *Downsample
}

// NewBottleneck builds a block; withDownsample adds the shortcut projection
// (built first, as timm does, so that seeded initialisation matches).
func NewBottleneck(c BlockConfig, withDownsample bool) *Bottleneck {
	b := &Bottleneck{}
	width, out := c.Width(), c.Planes*Expansion
	if withDownsample {
		b.Downsample = NewDownsample(c.InPlanes, out, c.Stride, c.AvgDown)
	}
	b.Conv1 = NewConv2d(c.InPlanes, width, 1, 1, 0, 1, false)
	b.BN1 = NewBatchNorm(width)
	b.Conv2 = NewConv2d(width, width, 3, c.Stride, 1, c.Cardinality, false)
	b.BN2 = NewBatchNorm(width)
	b.Conv3 = NewConv2d(width, out, 1, 1, 0, 1, false)
	b.BN3 = NewBatchNorm(out)
	b.SE = NewSqueezeExcite(out, c.SE)
	return b
}

// Forward runs the block: (N, in, H, W) -> (N, 4*planes, H/s, W/s).
func (b *Bottleneck) Forward(x torch.Tensor) torch.Tensor {
	y := b.Conv1.Forward(x) // (N, width, H, W)
	y = b.BN1.Forward(y)    // (N, width, H, W)
	y = relu(y)             // (N, width, H, W)
	y = b.Conv2.Forward(y)  // (N, width, H/s, W/s): grouped 3x3
	y = b.BN2.Forward(y)    // (N, width, H/s, W/s)
	y = relu(y)             // (N, width, H/s, W/s)
	y = b.Conv3.Forward(y)  // (N, out, H/s, W/s)
	y = b.BN3.Forward(y)    // (N, out, H/s, W/s)
	y = b.SE.Forward(y)     // (N, out, H/s, W/s)
	shortcut := x           // (N, in, H, W)
	if b.Downsample != nil {
		shortcut = b.Downsample.Forward(x) // (N, out, H/s, W/s)
	}
	return relu(add(y, shortcut)) // (N, out, H/s, W/s)
}

// SetTraining sets the mode of every batch norm of the block.
func (b *Bottleneck) SetTraining(on bool) {
	for _, n := range []*BatchNorm{b.BN1, b.BN2, b.BN3} {
		n.SetTraining(on)
	}
	if b.Downsample != nil {
		b.Downsample.SetTraining(on)
	}
}

// Entries lists the block's tensors in timm's order.
func (b *Bottleneck) Entries(prefix string) []Entry {
	var es []Entry
	es = append(es, b.Conv1.Entries(prefix+"conv1.")...)
	es = append(es, b.BN1.Entries(prefix+"bn1.")...)
	es = append(es, b.Conv2.Entries(prefix+"conv2.")...)
	es = append(es, b.BN2.Entries(prefix+"bn2.")...)
	es = append(es, b.Conv3.Entries(prefix+"conv3.")...)
	es = append(es, b.BN3.Entries(prefix+"bn3.")...)
	es = append(es, b.SE.Entries(prefix+"se.")...)
	if b.Downsample != nil {
		es = append(es, b.Downsample.Entries(prefix+"downsample.")...)
	}
	return es
}

// Downsample is a bottleneck's shortcut projection, timm's downsample_conv
// (a strided 1x1 conv and a BN: names 0, 1) or, with AvgPool, downsample_avg
// (a 2x2 average pool with ceil_mode and count_include_pad=False when the
// stride is 2, a 1x1 conv and a BN: names 1, 2; slot 0 is the pool).
type Downsample struct {
	AvgPool bool
	Stride  int64
	Conv    *Conv2d
	BN      *BatchNorm
}

// NewDownsample returns the projection from in to out channels.
func NewDownsample(in, out, stride int64, avgPool bool) *Downsample {
	d := &Downsample{AvgPool: avgPool, Stride: stride}
	convStride := stride
	if avgPool {
		convStride = 1
	}
	d.Conv = NewConv2d(in, out, 1, convStride, 0, 1, false)
	d.BN = NewBatchNorm(out)
	return d
}

// Forward projects x: (N, in, H, W) -> (N, out, ceil(H/s), ceil(W/s)).
func (d *Downsample) Forward(x torch.Tensor) torch.Tensor {
	if d.AvgPool && d.Stride != 1 {
		x = avgPool2d(x, 2, d.Stride, 0, true, false) // (N, in, ceil(H/2), ceil(W/2))
	}
	x = d.Conv.Forward(x)  // (N, out, H/s, W/s)
	return d.BN.Forward(x) // (N, out, H/s, W/s)
}

// SetTraining sets the batch norm's mode.
func (d *Downsample) SetTraining(on bool) { d.BN.SetTraining(on) }

// Entries lists conv then BN under their Sequential indices.
func (d *Downsample) Entries(prefix string) []Entry {
	first := 0
	if d.AvgPool {
		first = 1
	}
	return append(d.Conv.Entries(index(prefix, first)), d.BN.Entries(index(prefix, first+1))...)
}
