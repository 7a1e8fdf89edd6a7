package dataset

import (
	"fmt"
	"image"
	"math"
	"sync"
	"sync/atomic"
)

// resampleRegion is the augmentation pipelines' resize: it crops r of src
// and resizes it to w x h with PIL's antialiased bilinear filter, computed
// the way PIL's Resample.c does (a triangle filter widened by the
// down-scale factor, a horizontal pass rounded to 8 bits, then a vertical
// pass), so it reproduces PIL's crop(...).resize(..., BILINEAR), which is
// torchvision's resized_crop on PIL images. Only pixels inside r
// contribute; r must lie within src and w, h must be positive.
//
// Speed: the three channels of a pixel travel packed in one uint64, 21 bits
// a lane, so every tap is one multiply-add instead of three. That needs
// weights of 13 bits instead of PIL's 22, which moves a few percent of the
// values by one level, where PIL's exact result is within a hair of a half
// (the golden test bounds both); in exchange the SimCLR views cost half as
// much. Resizing is the pipeline's hot loop.
func resampleRegion(src *Image, r image.Rectangle, w, h int) *Image {
	if r.Dx() == w && r.Dy() == h {
		return cropCopy(src, r)
	}
	out := NewImage(w, h)
	resample(imageRows(src, r), r.Dx(), r.Dy(), w, h, func(y int, row []uint64) {
		unpackRow(row, out.Pix[3*w*y:3*w*(y+1)])
	})
	return out
}

// rowsFunc returns row y of a region as packed pixels, using buf (of the
// region's width) if it has to build the row.
type rowsFunc func(y int, buf []uint64) []uint64

// imageRows reads the rectangle r of src, packing rows on demand.
func imageRows(src *Image, r image.Rectangle) rowsFunc {
	return func(y int, buf []uint64) []uint64 {
		packRow(src.Pix[src.Offset(r.Min.X, r.Min.Y+y):src.Offset(r.Max.X, r.Min.Y+y)], buf)
		return buf
	}
}

// packedImage is an image whose pixels are packed once, for regions that
// are resized more than once (the two SimCLR views of one image).
type packedImage struct {
	w, h int
	pix  []uint64
}

// packImage packs the rectangle r of src into a buffer from the scratch
// pool; release hands it back.
func packImage(src *Image, r image.Rectangle) *packedImage {
	p := &packedImage{w: r.Dx(), h: r.Dy(), pix: getScratch(r.Dx() * r.Dy())}
	for y := range p.h {
		packRow(src.Pix[src.Offset(r.Min.X, r.Min.Y+y):src.Offset(r.Max.X, r.Min.Y+y)], p.pix[y*p.w:(y+1)*p.w])
	}
	return p
}

func (p *packedImage) release() { putScratch(p.pix) }

// rows reads the rectangle r of p.
func (p *packedImage) rows(r image.Rectangle) rowsFunc {
	return func(y int, _ []uint64) []uint64 {
		i := (r.Min.Y+y)*p.w + r.Min.X
		return p.pix[i : i+r.Dx()]
	}
}

// resizeToImage resizes the rectangle r of p to a w x h image.
func (p *packedImage) resizeToImage(r image.Rectangle, w, h int) *Image {
	out := NewImage(w, h)
	resample(p.rows(r), r.Dx(), r.Dy(), w, h, func(y int, row []uint64) {
		unpackRow(row, out.Pix[3*w*y:3*w*(y+1)])
	})
	return out
}

// resizeToCHW resizes the rectangle r of p to size x size and writes it
// straight into dst as ToCHW would (mirrored when mirror is set), without
// an intermediate image.
func (p *packedImage) resizeToCHW(r image.Rectangle, size int, dst []float32, norm Normalization, mirror bool) {
	lut, plane := norm.table(), size*size
	if len(dst) != 3*plane {
		panic(fmt.Sprintf("dataset: a %dx%d view needs %d floats, got %d", size, size, 3*plane, len(dst)))
	}
	resample(p.rows(r), r.Dx(), r.Dy(), size, size, func(y int, row []uint64) {
		row = row[:size]
		rd := dst[y*size:][:size]
		gd := dst[plane+y*size:][:size]
		bd := dst[2*plane+y*size:][:size]
		if !mirror {
			for x, v := range row {
				rd[x], gd[x], bd[x] = lut[0][uint8(v)], lut[1][uint8(v>>laneBits)], lut[2][uint8(v>>(2*laneBits))]
			}
			return
		}
		for x, v := range row {
			d := size - 1 - x
			rd[d], gd[d], bd[d] = lut[0][uint8(v)], lut[1][uint8(v>>laneBits)], lut[2][uint8(v>>(2*laneBits))]
		}
	})
}

// resample resizes an rw x rh region, read through rows, to w x h and hands
// every output row, as packed bytes, to emit (which must not keep it).
func resample(rows rowsFunc, rw, rh, w, h int, emit func(y int, row []uint64)) {
	kv := newResampleCoeffs(rh, h)
	first, last := kv.bounds[0], kv.bounds[2*(h-1)]+kv.bounds[2*(h-1)+1]
	// Horizontal pass over the rows the vertical pass reads.
	tmp := getScratch(w * (last - first))
	defer putScratch(tmp)
	var kh *resampleCoeffs
	if w != rw {
		kh = newResampleCoeffs(rw, w)
	}
	buf := getScratch(2 * rw)
	defer putScratch(buf)
	buf0, buf1 := buf[:rw], buf[rw:]
	n := last - first
	dst := func(y int) []uint64 { return tmp[y*w : (y+1)*w] }
	y := 0
	for ; kh != nil && y+1 < n; y += 2 {
		kh.horizontal2(rows(first+y, buf0), rows(first+y+1, buf1), dst(y), dst(y+1))
	}
	for ; y < n; y++ { // every row when the width stays, else the odd last one
		if kh == nil {
			copy(dst(y), rows(first+y, buf0))
		} else {
			kh.horizontal(rows(first+y, buf0), dst(y))
		}
	}
	if h == rh {
		for y := range h {
			emit(y, tmp[y*w:(y+1)*w])
		}
		return
	}
	kv.vertical(tmp, first, w, emit)
}

// scratch recycles the packed buffers of resampleRegion: they are the
// biggest allocations of an augmentation (8 bytes a pixel), and without
// reuse the garbage collector's work shows up in every profile.
var scratch sync.Pool

// getScratch returns a buffer of n uint64s with arbitrary contents.
func getScratch(n int) []uint64 {
	if b, ok := scratch.Get().(*[]uint64); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]uint64, n)
}

// putScratch hands b back for reuse.
func putScratch(b []uint64) { scratch.Put(&b) }

// cropCopy copies the rectangle r (inside src) into a new image.
func cropCopy(src *Image, r image.Rectangle) *Image {
	dst := NewImage(r.Dx(), r.Dy())
	for y := range r.Dy() {
		copy(dst.Pix[dst.Offset(0, y):dst.Offset(0, y+1)], src.Pix[src.Offset(r.Min.X, r.Min.Y+y):src.Offset(r.Max.X, r.Min.Y+y)])
	}
	return dst
}

// Packed pixels: R in bits 0-20, G in 21-41, B in 42-62. With weights of
// resamplePrecision bits, non-negative and summing to 1<<resamplePrecision
// (plus at most ksize/2 from rounding), 255 times the sum plus the rounding
// half stays below 1<<laneBits, so lanes never carry into each other and
// no clamp is needed.
const (
	resamplePrecision = 13
	laneBits          = 21
	laneOnes          = 1 | 1<<laneBits | 1<<(2*laneBits)
	laneHalf          = (1 << (resamplePrecision - 1)) * laneOnes
	laneByte          = 0xff * laneOnes
)

// packRow packs RGB bytes into one uint64 per pixel.
func packRow(in []uint8, out []uint64) {
	in = in[:3*len(out)]
	for x := range out {
		p := in[3*x : 3*x+3 : 3*x+3]
		out[x] = uint64(p[0]) | uint64(p[1])<<laneBits | uint64(p[2])<<(2*laneBits)
	}
}

// unpackRow writes packed 8-bit lanes back as RGB bytes.
func unpackRow(in []uint64, out []uint8) {
	for x, v := range in {
		p := out[3*x : 3*x+3 : 3*x+3]
		p[0], p[1], p[2] = uint8(v), uint8(v>>laneBits), uint8(v>>(2*laneBits))
	}
}

// laneRound drops the fixed-point fraction of each lane, leaving packed bytes.
func laneRound(acc uint64) uint64 { return (acc >> resamplePrecision) & laneByte }

// resampleCoeffs holds, for every output position o, the first input index
// and the number of taps (bounds[2o], bounds[2o+1]) and the fixed-point
// weights k[o*ksize:]. newResampleCoeffs trims the taps whose fixed-point
// weight is zero (PIL's window is ceil(support)*2+1 wide, but a triangle of
// half-width s covers at most ceil(2s) samples with weight: 2 instead of 3
// when enlarging, 3 or 4 instead of 5 when shrinking by up to 2) and, when
// the input has at least ksize samples, widens every window to exactly
// ksize taps (shifted inside the input, the extra weights zero, so sums are
// unchanged). The passes then run unrolled loops of a fixed length over
// only the taps that count, and give exactly the untrimmed result.
type resampleCoeffs struct {
	bounds []int
	k      []uint64
	ksize  int
	fixed  bool // every window has exactly ksize taps
}

// newResampleCoeffs returns PIL's bilinear coefficients for resizing n
// input samples to m output samples, trimmed and widened for the fixed
// loops. They are computed once per (n, m) and shared: callers must not
// modify them.
func newResampleCoeffs(n, m int) *resampleCoeffs {
	key := [2]int{n, m}
	if c, ok := coeffCache.Load(key); ok {
		return c.(*resampleCoeffs)
	}
	c := pilCoeffs(n, m).fitted(n)
	if coeffCached.Load() < maxCachedCoeffs && n <= 4096 && m <= 4096 {
		if _, loaded := coeffCache.LoadOrStore(key, c); !loaded {
			coeffCached.Add(1)
		}
	}
	return c
}

// coeffCache holds the coefficients of the (n, m) pairs met so far: the
// random crops of an epoch repeat a few hundred sizes, and computing the
// weights (floating point, one division per tap) cost as much as a tenth
// of a small resize. maxCachedCoeffs bounds it (to a few megabytes).
var (
	coeffCache  sync.Map // [2]int{n, m} -> *resampleCoeffs
	coeffCached atomic.Int64
)

const maxCachedCoeffs = 2048

// pilCoeffs computes PIL's bilinear windows and weights (in fixed point)
// for resizing n samples to m, untrimmed: window o starts at bounds[2o]
// and has bounds[2o+1] <= ksize taps.
func pilCoeffs(n, m int) *resampleCoeffs {
	scale := float64(n) / float64(m)
	fscale := max(scale, 1)
	support := fscale // bilinear support 1, widened when shrinking
	ksize := int(math.Ceil(support))*2 + 1
	c := &resampleCoeffs{bounds: make([]int, 2*m), k: make([]uint64, m*ksize), ksize: ksize}
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
			c.k[o*ksize+i] = uint64(w[i]*(1<<resamplePrecision) + 0.5)
		}
		c.bounds[2*o], c.bounds[2*o+1] = lo, hi
	}
	return c
}

// fitted returns c with every window's zero weights trimmed from both
// ends, the width ksize shrunk to the widest remaining window and, when
// the n input samples allow it, every window widened to exactly ksize.
func (c *resampleCoeffs) fitted(n int) *resampleCoeffs {
	m := len(c.bounds) / 2
	first, count := make([]int, m), make([]int, m)
	ksize := 1
	for o := range m {
		k := c.k[o*c.ksize : o*c.ksize+c.bounds[2*o+1]]
		a, b := 0, len(k)
		for a < b && k[a] == 0 {
			a++
		}
		for b > a && k[b-1] == 0 {
			b--
		}
		first[o], count[o] = a, b-a
		ksize = max(ksize, b-a)
	}
	f := &resampleCoeffs{bounds: make([]int, 2*m), k: make([]uint64, m*ksize), ksize: ksize, fixed: n >= ksize}
	for o := range m {
		lo := c.bounds[2*o] + first[o]
		shift := 0
		if f.fixed {
			shift = max(lo+ksize-n, 0)
		}
		copy(f.k[o*ksize+shift:], c.k[o*c.ksize+first[o]:o*c.ksize+first[o]+count[o]])
		f.bounds[2*o], f.bounds[2*o+1] = lo-shift, count[o]+shift
		if f.fixed {
			f.bounds[2*o+1] = ksize
		}
	}
	return f
}
