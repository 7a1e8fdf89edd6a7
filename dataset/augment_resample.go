package dataset

import (
	"image"
	"math"
)

// resampleRegion is the augmentation pipelines' resize: it crops r of src
// and resizes it to w x h with PIL's antialiased bilinear filter, computed
// the way PIL's Resample.c does (a triangle filter widened by the
// down-scale factor, weights in 22-bit fixed point, a horizontal pass
// rounded to 8 bits, then a vertical pass), so it reproduces PIL's
// crop(...).resize(..., BILINEAR), torchvision's resized_crop on PIL images,
// level for level. It works on packed RGB bytes directly, which makes it
// several times faster than going through x/image/draw, and the SimCLR
// pipeline resizes four times per image. Only pixels inside r contribute;
// r must lie within src and w, h must be positive.
func resampleRegion(src *Image, r image.Rectangle, w, h int) *Image {
	if r.Dx() == w && r.Dy() == h {
		return cropCopy(src, r)
	}
	kv := newResampleCoeffs(r.Dy(), h)
	first, last := kv.bounds[0], kv.bounds[2*(h-1)]+kv.bounds[2*(h-1)+1]
	// Horizontal pass over the rows the vertical pass reads.
	rows := image.Rect(r.Min.X, r.Min.Y+first, r.Max.X, r.Min.Y+last)
	var tmp *Image
	if w != r.Dx() {
		kh := newResampleCoeffs(r.Dx(), w)
		tmp = NewImage(w, rows.Dy())
		for y := range rows.Dy() {
			in := src.Pix[src.Offset(rows.Min.X, rows.Min.Y+y):src.Offset(rows.Max.X, rows.Min.Y+y)]
			kh.horizontal(in, tmp.Pix[tmp.Offset(0, y):tmp.Offset(0, y+1)])
		}
	} else {
		tmp = cropCopy(src, rows)
	}
	if h == r.Dy() {
		return tmp
	}
	for i := 0; i < len(kv.bounds); i += 2 {
		kv.bounds[i] -= first
	}
	out := NewImage(w, h)
	kv.vertical(tmp, out)
	return out
}

// cropCopy copies the rectangle r (inside src) into a new image.
func cropCopy(src *Image, r image.Rectangle) *Image {
	dst := NewImage(r.Dx(), r.Dy())
	for y := range r.Dy() {
		copy(dst.Pix[dst.Offset(0, y):dst.Offset(0, y+1)], src.Pix[src.Offset(r.Min.X, r.Min.Y+y):src.Offset(r.Max.X, r.Min.Y+y)])
	}
	return dst
}

// resamplePrecision is PIL's PRECISION_BITS for 8-bit images.
const resamplePrecision = 32 - 8 - 2

// resampleCoeffs holds, for every output position o, the first input index
// and the number of taps (bounds[2o], bounds[2o+1]) and the fixed-point
// weights k[o*ksize:]. When the input has at least ksize samples every
// window is widened to exactly ksize taps (shifted inside the input, the
// extra weights zero, so sums are unchanged), which lets the passes run
// unrolled loops of a fixed length.
type resampleCoeffs struct {
	bounds []int
	k      []int32
	ksize  int
	fixed  bool // every window has exactly ksize taps
}

// newResampleCoeffs computes PIL's bilinear coefficients for resizing n
// input samples to m output samples.
func newResampleCoeffs(n, m int) *resampleCoeffs {
	scale := float64(n) / float64(m)
	fscale := max(scale, 1)
	support := fscale // bilinear support 1, widened when shrinking
	ksize := int(math.Ceil(support))*2 + 1
	c := &resampleCoeffs{bounds: make([]int, 2*m), k: make([]int32, m*ksize), ksize: ksize, fixed: n >= ksize}
	w := make([]float64, ksize)
	for o := range m {
		center := (float64(o) + 0.5) * scale
		lo := max(int(center-support+0.5), 0)
		hi := min(int(center+support+0.5), n) - lo
		var sum float64
		for i := range hi {
			t := math.Abs((float64(i+lo) - center + 0.5) / fscale)
			w[i] = max(1-t, 0)
			sum += w[i]
		}
		shift := 0
		if c.fixed {
			shift = max(lo+ksize-n, 0)
		}
		for i := range hi {
			if sum != 0 {
				w[i] /= sum
			}
			c.k[o*ksize+shift+i] = int32(w[i]*(1<<resamplePrecision) + 0.5)
		}
		c.bounds[2*o], c.bounds[2*o+1] = lo-shift, hi+shift
		if c.fixed {
			c.bounds[2*o+1] = ksize
		}
	}
	return c
}

// horizontal resamples one packed RGB row in into out.
func (c *resampleCoeffs) horizontal(in, out []uint8) {
	const half = 1 << (resamplePrecision - 1)
	if c.fixed && c.ksize == 3 {
		c.horizontal3(in, out)
		return
	}
	if c.fixed && c.ksize == 5 {
		c.horizontal5(in, out)
		return
	}
	for o := 0; o+2 < len(out); o += 3 {
		lo, n := c.bounds[2*(o/3)], c.bounds[2*(o/3)+1]
		k := c.k[(o/3)*c.ksize : (o/3)*c.ksize+n]
		s := in[3*lo : 3*(lo+n)]
		r, g, b := int32(half), int32(half), int32(half)
		for len(k) > 0 && len(s) >= 3 {
			wt := k[0]
			r += int32(s[0]) * wt
			g += int32(s[1]) * wt
			b += int32(s[2]) * wt
			k, s = k[1:], s[3:]
		}
		p := out[o : o+3 : o+3]
		p[0], p[1], p[2] = clipShift(r), clipShift(g), clipShift(b)
	}
}

// horizontal3 is horizontal for windows of exactly 3 taps (enlarging).
func (c *resampleCoeffs) horizontal3(in, out []uint8) {
	const half = 1 << (resamplePrecision - 1)
	for o := range len(out) / 3 {
		k := c.k[3*o : 3*o+3 : 3*o+3]
		lo := 3 * c.bounds[2*o]
		s := in[lo : lo+9 : lo+9]
		p := out[3*o : 3*o+3 : 3*o+3]
		for ch := range 3 {
			p[ch] = uint8((half + int32(s[ch])*k[0] + int32(s[3+ch])*k[1] + int32(s[6+ch])*k[2]) >> resamplePrecision)
		}
	}
}

// horizontal5 is horizontal for windows of exactly 5 taps (shrinking by up
// to 2).
func (c *resampleCoeffs) horizontal5(in, out []uint8) {
	const half = 1 << (resamplePrecision - 1)
	for o := range len(out) / 3 {
		k := c.k[5*o : 5*o+5 : 5*o+5]
		lo := 3 * c.bounds[2*o]
		s := in[lo : lo+15 : lo+15]
		p := out[3*o : 3*o+3 : 3*o+3]
		for ch := range 3 {
			p[ch] = uint8((half + int32(s[ch])*k[0] + int32(s[3+ch])*k[1] + int32(s[6+ch])*k[2] +
				int32(s[9+ch])*k[3] + int32(s[12+ch])*k[4]) >> resamplePrecision)
		}
	}
}

// vertical resamples the columns of in into out, whose height is the
// number of output positions. Every output row has at least one tap.
func (c *resampleCoeffs) vertical(in, out *Image) {
	const half = 1 << (resamplePrecision - 1)
	stride := 3 * in.W
	if c.fixed && (c.ksize == 3 || c.ksize == 5) {
		c.verticalFixed(in, out)
		return
	}
	acc := make([]int32, stride)
	for o := range out.H {
		lo, n := c.bounds[2*o], c.bounds[2*o+1]
		k := c.k[o*c.ksize : o*c.ksize+n]
		row := in.Pix[lo*stride : (lo+1)*stride]
		acc := acc[:len(row)]
		for j, v := range row {
			acc[j] = half + int32(v)*k[0]
		}
		for i, wt := range k[1:] {
			row := in.Pix[(lo+1+i)*stride : (lo+2+i)*stride]
			acc := acc[:len(row)]
			for j, v := range row {
				acc[j] += int32(v) * wt
			}
		}
		dst := out.Pix[o*stride : (o+1)*stride]
		dst = dst[:len(acc)]
		for j, a := range acc {
			dst[j] = clipShift(a)
		}
	}
}

// verticalFixed is vertical for windows of exactly 3 or 5 taps: one fused
// pass per output row. Like the fixed horizontal passes it needs no clamp:
// bilinear weights are non-negative and their fixed-point sum exceeds
// 1<<22 by at most ksize/2, so 255 times it plus the rounding half stays
// below 256<<22.
func (c *resampleCoeffs) verticalFixed(in, out *Image) {
	const half = 1 << (resamplePrecision - 1)
	stride := 3 * in.W
	ks := c.ksize
	for o := range out.H {
		k := c.k[o*ks : o*ks+ks]
		lo := c.bounds[2*o] * stride
		dst := out.Pix[o*stride : (o+1)*stride]
		r0 := in.Pix[lo : lo+stride]
		r1 := in.Pix[lo+stride : lo+2*stride]
		r2 := in.Pix[lo+2*stride : lo+3*stride]
		r1, r2, dst = r1[:len(r0)], r2[:len(r0)], dst[:len(r0)]
		if ks == 3 {
			k0, k1, k2 := k[0], k[1], k[2]
			for j, v := range r0 {
				dst[j] = uint8((half + int32(v)*k0 + int32(r1[j])*k1 + int32(r2[j])*k2) >> resamplePrecision)
			}
			continue
		}
		r3 := in.Pix[lo+3*stride : lo+4*stride]
		r4 := in.Pix[lo+4*stride : lo+5*stride]
		r3, r4 = r3[:len(r0)], r4[:len(r0)]
		k0, k1, k2, k3, k4 := k[0], k[1], k[2], k[3], k[4]
		for j, v := range r0 {
			dst[j] = uint8((half + int32(v)*k0 + int32(r1[j])*k1 + int32(r2[j])*k2 + int32(r3[j])*k3 + int32(r4[j])*k4) >> resamplePrecision)
		}
	}
}

// clipShift drops the fixed-point fraction and clamps to 0..255.
func clipShift(v int32) uint8 {
	return uint8(min(max(v>>resamplePrecision, 0), 255))
}
