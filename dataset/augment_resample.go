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

// resampleCoeffs holds, for every output position, the first input index
// and the number of taps (bounds), and the fixed-point weights, ksize per
// output position.
type resampleCoeffs struct {
	bounds []int
	k      []int32
	ksize  int
}

// newResampleCoeffs computes PIL's bilinear coefficients for resizing n
// input samples to m output samples.
func newResampleCoeffs(n, m int) *resampleCoeffs {
	scale := float64(n) / float64(m)
	fscale := max(scale, 1)
	support := fscale // bilinear support 1, widened when shrinking
	ksize := int(math.Ceil(support))*2 + 1
	c := &resampleCoeffs{bounds: make([]int, 2*m), k: make([]int32, m*ksize), ksize: ksize}
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
		for i := range hi {
			if sum != 0 {
				w[i] /= sum
			}
			c.k[o*ksize+i] = int32(w[i]*(1<<resamplePrecision) + 0.5)
		}
		c.bounds[2*o], c.bounds[2*o+1] = lo, hi
	}
	return c
}

// horizontal resamples one packed RGB row in into out.
func (c *resampleCoeffs) horizontal(in, out []uint8) {
	const half = 1 << (resamplePrecision - 1)
	for o := 0; o < len(out)/3; o++ {
		lo, n := c.bounds[2*o], c.bounds[2*o+1]
		k := c.k[o*c.ksize : o*c.ksize+n]
		s := in[3*lo : 3*(lo+n)]
		r, g, b := int32(half), int32(half), int32(half)
		for i, wt := range k {
			p := s[3*i : 3*i+3 : 3*i+3]
			r += int32(p[0]) * wt
			g += int32(p[1]) * wt
			b += int32(p[2]) * wt
		}
		out[3*o], out[3*o+1], out[3*o+2] = clipShift(r), clipShift(g), clipShift(b)
	}
}

// vertical resamples the columns of in into out, whose height is the
// number of output positions.
func (c *resampleCoeffs) vertical(in, out *Image) {
	const half = 1 << (resamplePrecision - 1)
	stride := 3 * in.W
	acc := make([]int32, stride)
	for o := range out.H {
		lo, n := c.bounds[2*o], c.bounds[2*o+1]
		for i := range acc {
			acc[i] = half
		}
		for i, wt := range c.k[o*c.ksize : o*c.ksize+n] {
			row := in.Pix[(lo+i)*stride : (lo+i+1)*stride]
			acc := acc[:len(row)]
			for j, v := range row {
				acc[j] += int32(v) * wt
			}
		}
		dst := out.Pix[o*stride : (o+1)*stride]
		for j, a := range acc {
			dst[j] = clipShift(a)
		}
	}
}

// clipShift drops the fixed-point fraction and clamps to 0..255.
func clipShift(v int32) uint8 {
	v >>= resamplePrecision
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}
