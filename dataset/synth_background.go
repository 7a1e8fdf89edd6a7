package dataset

import (
	"math"
	"math/rand/v2"
)

// This file holds the backgrounds of the synthetic photographs: the margin
// around the leaf, drawn independently of its class.

// paintBackground fills the canvas with one of four surfaces: the orchard's
// foliage (five pictures in eight), soil, grass or a grey surface (one in
// eight each).
func (c *synthCanvas) paintBackground(rng *rand.Rand) {
	switch rng.IntN(8) {
	case 0:
		c.paintSoil(rng)
	case 1:
		c.paintGrass(rng)
	case 2:
		c.paintSurface(rng)
	default:
		c.paintFoliage(rng)
	}
}

// paintFoliage draws the tree behind the leaf, out of focus: a dark green
// ground under a dozen soft-edged elliptical leaves of lighter and darker
// greens (red at most 0.7 times green, so it never reads as a lesion).
func (c *synthCanvas) paintFoliage(rng *rand.Rand) {
	base := synthJitter(rng, synthRGB{0.10, 0.20, 0.07}, 0.03)
	c.paintTextured(base, 0.1, rng)
	s := float64(c.w)
	for range 10 + rng.IntN(6) {
		f := float32(synthUniform(rng, 0.9, 2.4))
		col := synthRGB{min(0.13, base[0]) * f, base[1] * f, base[2] * f}
		a := s * synthUniform(rng, 0.12, 0.3)
		b := a * synthUniform(rng, 0.35, 0.6)
		angle := synthUniform(rng, 0, math.Pi)
		c.softEllipse(synthUniform(rng, 0, s), synthUniform(rng, 0, float64(c.h)), a, b, angle, max(1, 0.3*b), col)
	}
}

// softEllipse blends col into an ellipse of semi-axes a and b (pixels),
// major axis at angle radians from the x axis, centred on (x, y), with an
// edge blurred over soft pixels.
func (c *synthCanvas) softEllipse(x, y, a, b, angle, soft float64, col synthRGB) {
	cs, sn := math.Cos(angle), math.Sin(angle)
	xa, xb := synthClip(x-a-soft, x+a+soft, c.w)
	ya, yb := synthClip(y-a-soft, y+a+soft, c.h)
	for py := ya; py < yb; py++ {
		for px := xa; px < xb; px++ {
			dx, dy := float64(px)+0.5-x, float64(py)+0.5-y
			u, v := (dx*cs+dy*sn)/a, (dy*cs-dx*sn)/b
			d := (1 - math.Sqrt(u*u+v*v)) * b // about the distance inside, pixels
			c.blend(px, py, col, float32(synthClamp(0.5+d/soft)))
		}
	}
}

// paintTextured fills the canvas with base modulated by two octaves of value
// noise: coarse patches of +-amp and a finer grain of +-amp/2.
func (c *synthCanvas) paintTextured(base synthRGB, amp float64, rng *rand.Rand) {
	coarse, fine := newSynthNoise(4, rng), newSynthNoise(16, rng)
	cr, fr := make([]float32, c.w), make([]float32, c.w)
	lat := make([]float32, 17)
	a := float32(amp)
	for y := range c.h {
		fy := (float64(y) + 0.5) / float64(c.h)
		coarse.row(fy, cr, lat)
		fine.row(fy, fr, lat)
		for x := range c.w {
			f := 1 + a*(2*cr[x]-1) + a/2*(2*fr[x]-1)
			i := 3 * (y*c.w + x)
			c.pix[i], c.pix[i+1], c.pix[i+2] = base[0]*f, base[1]*f, base[2]*f
		}
	}
}

// paintSoil draws reddish-brown earth with pebbles. The shade varies by
// ratios, not offsets: red is 1.5-1.75 times green, so the soil never reads as
// an olive scab blotch, and blue at least 0.6 times green, so it never reads
// as an orange rust spot.
func (c *synthCanvas) paintSoil(rng *rand.Rand) {
	red := 0.52 * synthUniform(rng, 0.8, 1.15)
	green := red / synthUniform(rng, 1.5, 1.75)
	base := synthRGB{float32(red), float32(green), float32(green * synthUniform(rng, 0.6, 0.75))}
	c.paintTextured(base, 0.12, rng)
	s := float64(c.w)
	for range 70 { // pebbles grow with the picture, so their number stays fixed
		f := float32(synthUniform(rng, 0.75, 1.3))
		col := synthRGB{base[0] * f, base[1] * f, base[2] * f}
		x, y := synthUniform(rng, 0, s), synthUniform(rng, 0, float64(c.h))
		c.stroke(x, y, x, y, max(0.8, s*synthUniform(rng, 0.006, 0.02)), col, 0.9)
	}
}

// paintGrass draws a dark green lawn covered in thin, mostly upright blades;
// its red stays below 0.7 times its green.
func (c *synthCanvas) paintGrass(rng *rand.Rand) {
	base := synthJitter(rng, synthRGB{0.14, 0.30, 0.10}, 0.03)
	c.paintTextured(base, 0.1, rng)
	s := float64(c.w)
	for range 400 { // blades grow with the picture, so their number stays fixed
		f := float32(synthUniform(rng, 0.7, 1.5))
		col := synthRGB{base[0] * f, base[1] * f * 1.05, base[2] * f}
		x, y := synthUniform(rng, 0, s), synthUniform(rng, 0, float64(c.h))
		angle, length := synthUniform(rng, -0.5, 0.5), s*synthUniform(rng, 0.04, 0.12)
		c.stroke(x, y, x+length*math.Sin(angle), y-length*math.Cos(angle), max(0.6, s*0.006), col, 0.8)
	}
}

// paintSurface draws a grey table or paper, faintly tinted, with a slight
// left-right gradient.
func (c *synthCanvas) paintSurface(rng *rand.Rand) {
	g := synthUniform(rng, 0.45, 0.75)
	base := synthJitter(rng, synthRGB{float32(g), float32(g), float32(g)}, 0.04)
	c.paintTextured(base, 0.05, rng)
	tilt := synthUniform(rng, -0.06, 0.06)
	for y := range c.h {
		for x := range c.w {
			c.scale(x, y, float32(1+tilt*((float64(x)+0.5)/float64(c.w)-0.5)))
		}
	}
}
