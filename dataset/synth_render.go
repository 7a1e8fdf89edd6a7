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
// The scene is a close-up, as the competition's photographs are: one leaf,
// 95-125% of the picture long, covering most of the frame (its tip or base
// may leave it), tilted at most 31 degrees from upright, with its tip up
// and its stalk at the bottom, a midrib, lateral veins and a serrated
// margin, casting a soft shadow down and to the side; in the margin around
// it the orchard's out-of-focus foliage (five pictures in eight), soil,
// grass or a grey surface; soft light from above, at most 34 degrees off
// vertical, so that the top of the picture is a little brighter than the
// bottom. Rust puts raised orange-yellow pustules with a pale halo on the
// leaf, lit from above; scab dark olive-brown blotches; multiple_diseases
// both, healthy none. Size, shade, position and tilt of the leaf, the
// number and size of lesions, the lighting and the sensor noise all vary.
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
		lo, hi := 4, 10
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
		lo, hi := 6, 16
		if c == SynthMultipleDiseases {
			lo, hi = 4, 10
		}
		for range lo + rng.IntN(hi-lo) {
			x, y := leaf.randomPoint(rng)
			r := max(2, leaf.half*2*synthUniform(rng, 0.025, 0.045))
			cv.paintRustSpot(mask, x, y, r, rng)
		}
	}
	cv.lightFromAbove(synthUniform(rng, 0.1, 0.3), synthUniform(rng, -0.6, 0.6))
	return cv.image(synthUniform(rng, 0.004, 0.018), rng)
}

// lightFromAbove shades the picture as lit from above and to one side: the
// direction of the light is angle radians from straight up (positive: from
// the right), and each pixel is multiplied by 1 + strength*p, where p runs
// from -1/2 to +1/2 across the picture towards the light. The top of the
// picture is brighter than the bottom whenever |angle| < pi/2: one of the
// orientation cues that make rotation prediction learnable.
func (c *synthCanvas) lightFromAbove(strength, angle float64) {
	sx, sy := math.Sin(angle), math.Cos(angle)
	for y := range c.h {
		fy := 0.5 - (float64(y)+0.5)/float64(c.h)
		for x := range c.w {
			fx := (float64(x)+0.5)/float64(c.w) - 0.5
			c.scale(x, y, float32(1+strength*(fx*sx+fy*sy)))
		}
	}
}

// paintRustSpot draws a rust lesion of radius r at (x, y): a raised
// pustule, orange at the rim and yellow-orange at the centre, lit from
// above (brighter on its upper half, darker on its lower half, casting a
// thin shadow below), inside a faint pale-yellow halo. mask (the leaf's
// coverage per pixel) keeps it on the leaf.
func (c *synthCanvas) paintRustSpot(mask []float32, x, y, r float64, rng *rand.Rand) {
	centre := synthJitter(rng, synthRGB{0.96, 0.64, 0.12}, 0.05)
	rim := synthJitter(rng, synthRGB{0.86, 0.42, 0.08}, 0.05)
	halo := synthRGB{0.78, 0.74, 0.22}
	hr := 1.35 * r
	xa, xb := synthClip(x-hr, x+hr, c.w)
	ya, yb := synthClip(y-hr, y+hr+1, c.h)
	for py := ya; py < yb; py++ {
		for px := xa; px < xb; px++ {
			m := mask[py*c.w+px]
			if m == 0 {
				continue
			}
			dx, dy := float64(px)+0.5-x, float64(py)+0.5-y
			d := math.Hypot(dx, dy)
			c.blend(px, py, halo, 0.35*m*synthCoverage(hr-d))
			if below := math.Hypot(dx, dy-0.35*r); d > r-0.5 && dy > 0 {
				c.scale(px, py, 1-0.3*m*synthCoverage(r-below)) // the shadow under the pustule
			}
			t := float32(synthClamp(d / r))
			light := 1 - 0.16*float32(dy/r)*t // +-16% at the rim, upper half brighter
			col := synthRGB{(centre[0] + (rim[0]-centre[0])*t) * light, (centre[1] + (rim[1]-centre[1])*t) * light,
				(centre[2] + (rim[2]-centre[2])*t) * light}
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
