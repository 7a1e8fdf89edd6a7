package dataset

import "fmt"

// Normalization is the per-channel affine map applied when an image becomes
// a tensor: x = (v/255 - Mean[c]) / Std[c]. The zero value leaves values in
// [0, 1] (the pretexts' stats=None).
type Normalization struct {
	Mean [3]float32 // per-channel mean subtracted, R, G, B; zero value: 0
	Std  [3]float32 // per-channel divisor; an all-zero Std means no normalization at all
}

// ImageNet is the normalization of torchvision's ImageNet models, which the
// supervised fine-tuning and evaluation pipelines use.
var ImageNet = Normalization{
	Mean: [3]float32{0.485, 0.456, 0.406},
	Std:  [3]float32{0.229, 0.224, 0.225},
}

// Enabled reports whether n changes anything, that is whether Std is set.
func (n Normalization) Enabled() bool { return n.Std != [3]float32{} }

// ToCHW writes m into dst as float32 channels-first (C=3, H, W), each value
// v/255 in [0, 1] and then normalised by norm when norm.Enabled(); this is
// torchvision's to_tensor followed by normalize. It panics unless
// len(dst) == 3*m.W*m.H.
func ToCHW(m *Image, dst []float32, norm Normalization) {
	plane := m.W * m.H
	if len(dst) != 3*plane {
		panic(fmt.Sprintf("dataset: ToCHW of a %dx%d image needs %d floats, got %d", m.W, m.H, 3*plane, len(dst)))
	}
	lut := norm.table()
	r, g, b := dst[:plane], dst[plane:2*plane], dst[2*plane:]
	p := m.Pix
	for i := range plane {
		r[i] = lut[0][p[3*i]]
		g[i] = lut[1][p[3*i+1]]
		b[i] = lut[2][p[3*i+2]]
	}
}

// table returns, per channel, the float of every 8-bit level, computed in
// float32 as torchvision does: v/255, then (x - mean)/std.
func (n Normalization) table() *[3][256]float32 {
	var t [3][256]float32
	for c := range 3 {
		for v := range 256 {
			x := float32(v) / 255
			if n.Enabled() {
				x = (x - n.Mean[c]) / n.Std[c]
			}
			t[c][v] = x
		}
	}
	return &t
}
