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
func ToCHW(m *Image, dst []float32, norm Normalization) { toCHW(m, dst, norm, false) }

// toCHW is ToCHW, mirrored left to right when mirror is set (the tensor of
// FlipHorizontal(m) without making the flipped image).
func toCHW(m *Image, dst []float32, norm Normalization, mirror bool) {
	plane := m.W * m.H
	if len(dst) != 3*plane {
		panic(fmt.Sprintf("dataset: ToCHW of a %dx%d image needs %d floats, got %d", m.W, m.H, 3*plane, len(dst)))
	}
	lut := norm.table()
	for y := range m.H {
		src := m.Pix[3*y*m.W : 3*(y+1)*m.W]
		r := dst[y*m.W : (y+1)*m.W]
		g := dst[plane+y*m.W : plane+(y+1)*m.W]
		b := dst[2*plane+y*m.W : 2*plane+(y+1)*m.W]
		for x := range m.W {
			d := x
			if mirror {
				d = m.W - 1 - x
			}
			p := src[3*x : 3*x+3 : 3*x+3]
			r[d], g[d], b[d] = lut[0][p[0]], lut[1][p[1]], lut[2][p[2]]
		}
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
