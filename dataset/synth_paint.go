package dataset

import (
	"math"
	"math/rand/v2"
)

// This file holds the drawing primitives of the synthetic generator: a
// floating-point RGB canvas, alpha blending, anti-aliased discs and strokes,
// and smooth value noise. The scene itself is composed in synth_render.go.

// synthRGB is a colour with channels in [0, 1].
type synthRGB [3]float32

// synthCanvas is an RGB picture with float32 channels in [0, 1] (values outside
// are clamped when it becomes an Image).
type synthCanvas struct {
	w, h int
	pix  []float32 // 3 floats a pixel, row-major
}

func newSynthCanvas(w, h int) *synthCanvas {
	return &synthCanvas{w: w, h: h, pix: make([]float32, 3*w*h)}
}

// blend mixes col into pixel (x, y) with opacity a in [0, 1]. Pixels outside
// the canvas are ignored.
func (c *synthCanvas) blend(x, y int, col synthRGB, a float32) {
	if a <= 0 || x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	if a > 1 {
		a = 1
	}
	i := 3 * (y*c.w + x)
	for k := range 3 {
		c.pix[i+k] += (col[k] - c.pix[i+k]) * a
	}
}

// scale multiplies the colour of pixel (x, y) by f.
func (c *synthCanvas) scale(x, y int, f float32) {
	i := 3 * (y*c.w + x)
	c.pix[i] *= f
	c.pix[i+1] *= f
	c.pix[i+2] *= f
}

// image quantizes the canvas to 8 bits, adding noise of standard deviation
// sigma (in 0..1 units) drawn from rng; sigma 0 adds none. The noise is
// triangular, the centred sum of two 8-bit uniform numbers, so that one
// 64-bit draw serves four values.
func (c *synthCanvas) image(sigma float64, rng *rand.Rand) *Image {
	m := NewImage(c.w, c.h)
	scale := float32(sigma * math.Sqrt(6) / 256) // U(0,1)+U(0,1) has variance 1/6
	var bits uint64
	for i, v := range c.pix {
		if sigma > 0 {
			if i%4 == 0 {
				bits = rng.Uint64()
			}
			s := bits&0xff + bits>>8&0xff
			bits >>= 16
			v += (float32(s) - 255) * scale
		}
		m.Pix[i] = uint8(min(max(v, 0), 1)*255 + 0.5)
	}
	return m
}

// synthClip returns the integer pixel range [lo, hi) covering [a, b], cut to [0, n).
func synthClip(a, b float64, n int) (lo, hi int) {
	lo, hi = int(math.Floor(a)), int(math.Ceil(b))+1
	return max(lo, 0), min(hi, n)
}

// synthCoverage turns a signed distance to an edge (positive inside, in pixels)
// into an anti-aliased opacity: 1 well inside, 0 well outside.
func synthCoverage(d float64) float32 { return float32(synthClamp(d + 0.5)) }

func synthClamp(f float64) float64 { return min(max(f, 0), 1) }

// stroke draws a segment from (x0, y0) to (x1, y1) of the given width with
// round caps, anti-aliased.
func (c *synthCanvas) stroke(x0, y0, x1, y1, width float64, col synthRGB, a float32) {
	r := width / 2
	xa, xb := synthClip(min(x0, x1)-r-1, max(x0, x1)+r+1, c.w)
	ya, yb := synthClip(min(y0, y1)-r-1, max(y0, y1)+r+1, c.h)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := ya; y < yb; y++ {
		for x := xa; x < xb; x++ {
			px, py := float64(x)+0.5-x0, float64(y)+0.5-y0
			t := 0.0
			if l2 > 0 {
				t = synthClamp((px*dx + py*dy) / l2)
			}
			ex, ey := px-t*dx, py-t*dy
			c.blend(x, y, col, a*synthCoverage(r-math.Sqrt(ex*ex+ey*ey)))
		}
	}
}

// synthNoise is smooth random noise in [0, 1]: random values on an n x n
// lattice over the unit square, interpolated with a smoothstep.
type synthNoise struct {
	n int
	v []float32 // (n+1) x (n+1) lattice values
}

func newSynthNoise(n int, rng *rand.Rand) *synthNoise {
	g := &synthNoise{n: n, v: make([]float32, (n+1)*(n+1))}
	for i := range g.v {
		g.v[i] = rng.Float32()
	}
	return g
}

// at returns the noise at (fx, fy) in the unit square.
func (g *synthNoise) at(fx, fy float64) float64 {
	fx, fy = synthClamp(fx)*float64(g.n), synthClamp(fy)*float64(g.n)
	ix, iy := min(int(fx), g.n-1), min(int(fy), g.n-1)
	tx, ty := synthSmooth(fx-float64(ix)), synthSmooth(fy-float64(iy))
	row := g.n + 1
	v00, v10 := float64(g.v[iy*row+ix]), float64(g.v[iy*row+ix+1])
	v01, v11 := float64(g.v[(iy+1)*row+ix]), float64(g.v[(iy+1)*row+ix+1])
	top := v00 + (v10-v00)*tx
	bottom := v01 + (v11-v01)*tx
	return top + (bottom-top)*ty
}

// row fills out[x] with the noise at ((x+0.5)/len(out), fy), the same values
// as at but with the work along y done once (the lattice rows are blended
// into lat, which must hold n+1 values).
func (g *synthNoise) row(fy float64, out []float32, lat []float32) {
	fy = synthClamp(fy) * float64(g.n)
	iy := min(int(fy), g.n-1)
	ty := float32(synthSmooth(fy - float64(iy)))
	n := g.n + 1
	for i := range n {
		a, b := g.v[iy*n+i], g.v[(iy+1)*n+i]
		lat[i] = a + (b-a)*ty
	}
	w := float64(len(out))
	for x := range out {
		fx := (float64(x) + 0.5) / w * float64(g.n)
		ix := min(int(fx), g.n-1)
		tx := float32(synthSmooth(fx - float64(ix)))
		out[x] = lat[ix] + (lat[ix+1]-lat[ix])*tx
	}
}

func synthSmooth(t float64) float64 { return t * t * (3 - 2*t) }

// synthUniform returns a number drawn uniformly from [lo, hi).
func synthUniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// synthJitter returns col with each channel moved by up to +-d, the same way for
// all channels by half of it and independently by the other half.
func synthJitter(rng *rand.Rand, col synthRGB, d float64) synthRGB {
	common := synthUniform(rng, -d/2, d/2)
	for k := range col {
		col[k] = float32(synthClamp(float64(col[k]) + common + synthUniform(rng, -d/2, d/2)))
	}
	return col
}
