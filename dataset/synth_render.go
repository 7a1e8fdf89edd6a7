package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RenderLeaf draws one synthetic Plant Pathology photograph, size x size
// pixels, of a leaf of class c, with every random choice drawn from rng (the
// same generator state gives the same picture).
//
// The scene: a background of soil, grass or a grey surface; one leaf, tilted
// at most 17 degrees from upright, with its tip up and its stalk at the
// bottom, a midrib, lateral veins and a serrated margin, casting a soft
// shadow down and to the side; light from above, so that the top of the
// picture is brighter than the bottom. Rust puts orange-yellow spots with a
// pale halo on the leaf, scab dark olive-brown blotches, multiple_diseases
// both, healthy none. Size, shade, position and tilt of the leaf, the number
// and size of lesions, the lighting and the sensor noise all vary.
//
// RenderLeaf panics if size < 1 or c is not one of the four classes.
func RenderLeaf(size int, c SynthClass, rng *rand.Rand) *Image {
	if size < 1 || c < 0 || int(c) >= numSynthClasses {
		panic(fmt.Sprintf("dataset: RenderLeaf(%d, %v): size must be positive and the class one of %v", size, c, synthClassNames))
	}
	cv := newSynthCanvas(size, size)
	cv.paintBackground(rng)
	leaf := newSynthLeaf(size, rng)
	leaf.paintShadow(cv, rng)
	leaf.paintStalk(cv, rng)
	mask := leaf.paint(cv, rng)
	// Scab first: the small rust spots stay visible on top of the blotches.
	if c.hasScab() {
		lo, hi := 3, 9
		if c == SynthMultipleDiseases {
			lo, hi = 3, 7
		}
		for range lo + rng.IntN(hi-lo) {
			x, y := leaf.randomPoint(rng)
			r := max(2.5, leaf.half*2*synthUniform(rng, 0.05, 0.09))
			cv.paintScabBlotch(mask, x, y, r, rng)
		}
	}
	if c.hasRust() {
		lo, hi := 4, 13
		if c == SynthMultipleDiseases {
			lo, hi = 3, 8
		}
		for range lo + rng.IntN(hi-lo) {
			x, y := leaf.randomPoint(rng)
			r := max(2, leaf.half*2*synthUniform(rng, 0.025, 0.045))
			cv.paintRustSpot(mask, x, y, r, rng)
		}
	}
	cv.lightFromAbove(synthUniform(rng, 0.25, 0.45))
	return cv.image(synthUniform(rng, 0.004, 0.018), rng)
}

// paintBackground fills the canvas with one of three surfaces.
func (c *synthCanvas) paintBackground(rng *rand.Rand) {
	switch rng.IntN(3) {
	case 0:
		c.paintSoil(rng)
	case 1:
		c.paintGrass(rng)
	default:
		c.paintSurface(rng)
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

// lightFromAbove multiplies each row by 1 + strength*(1/2 - y/h): the top of
// the picture is brighter than the bottom, the orientation cue that makes
// rotation prediction learnable.
func (c *synthCanvas) lightFromAbove(strength float64) {
	for y := range c.h {
		f := float32(1 + strength*(0.5-(float64(y)+0.5)/float64(c.h)))
		for x := range c.w {
			c.scale(x, y, f)
		}
	}
}

// paintRustSpot draws a rust lesion of radius r at (x, y): an orange rim
// around a yellow-orange centre, inside a faint pale-yellow halo. mask (the
// leaf's coverage per pixel) keeps it on the leaf.
func (c *synthCanvas) paintRustSpot(mask []float32, x, y, r float64, rng *rand.Rand) {
	centre := synthJitter(rng, synthRGB{0.96, 0.64, 0.12}, 0.05)
	rim := synthJitter(rng, synthRGB{0.86, 0.42, 0.08}, 0.05)
	halo := synthRGB{0.78, 0.74, 0.22}
	hr := 1.35 * r
	xa, xb := synthClip(x-hr, x+hr, c.w)
	ya, yb := synthClip(y-hr, y+hr, c.h)
	for py := ya; py < yb; py++ {
		for px := xa; px < xb; px++ {
			m := mask[py*c.w+px]
			if m == 0 {
				continue
			}
			d := math.Hypot(float64(px)+0.5-x, float64(py)+0.5-y)
			c.blend(px, py, halo, 0.35*m*synthCoverage(hr-d))
			t := float32(synthClamp(d / r))
			col := synthRGB{centre[0] + (rim[0]-centre[0])*t, centre[1] + (rim[1]-centre[1])*t, centre[2] + (rim[2]-centre[2])*t}
			c.blend(px, py, col, m*synthCoverage(r-d))
		}
	}
}

// paintScabBlotch draws a scab lesion of about radius r at (x, y): a few
// overlapping lobes with wavy outlines, dark olive-brown, darker at the core
// and feathered at the edge. mask keeps it on the leaf.
func (c *synthCanvas) paintScabBlotch(mask []float32, x, y, r float64, rng *rand.Rand) {
	col := synthJitter(rng, synthRGB{0.31, 0.28, 0.12}, 0.05)
	// Each lobe's outline is r(θ) = r * (1 + wave*sin(3θ + phase)), computed
	// from cos θ and sin θ with the triple-angle formulas.
	type lobe struct{ x, y, r, cos, sin float64 }
	lobes := make([]lobe, 2+rng.IntN(3))
	for i := range lobes {
		phase, wave := synthUniform(rng, 0, 2*math.Pi), synthUniform(rng, 0.1, 0.25)
		lobes[i] = lobe{x + synthUniform(rng, -0.5, 0.5)*r, y + synthUniform(rng, -0.5, 0.5)*r,
			r * synthUniform(rng, 0.65, 1), wave * math.Cos(phase), wave * math.Sin(phase)}
	}
	xa, xb := synthClip(x-1.5*r, x+1.5*r, c.w)
	ya, yb := synthClip(y-1.5*r, y+1.5*r, c.h)
	for py := ya; py < yb; py++ {
		for px := xa; px < xb; px++ {
			m := mask[py*c.w+px]
			if m == 0 {
				continue
			}
			inside := math.Inf(-1) // signed distance to the nearest lobe's outline, pixels
			for _, l := range lobes {
				dx, dy := float64(px)+0.5-l.x, float64(py)+0.5-l.y
				d := math.Sqrt(dx*dx + dy*dy)
				cs, sn := 1.0, 0.0
				if d > 0 {
					cs, sn = dx/d, dy/d
				}
				sin3, cos3 := sn*(3-4*sn*sn), cs*(4*cs*cs-3)
				inside = max(inside, l.r*(1+sin3*l.cos+cos3*l.sin)-d)
			}
			if inside <= -1 {
				continue
			}
			core := float32(1 - 0.2*synthClamp(inside/r))
			feather := float32(synthClamp((inside + 0.5) / max(1, 0.25*r)))
			c.blend(px, py, synthRGB{col[0] * core, col[1] * core, col[2] * core}, m*feather)
		}
	}
}
