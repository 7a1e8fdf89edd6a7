package dataset

import (
	"math"
	"math/rand/v2"
)

// synthLeaf is the geometry and colouring of the one leaf of a synthetic
// picture. Leaf coordinates: u runs along the midrib from -1 at the base
// (where the stalk joins) to +1 at the tip; v is the signed distance in
// pixels across the midrib.
type synthLeaf struct {
	cx, cy float64  // centre of the blade, pixels
	half   float64  // half the blade's length, pixels
	width  float64  // scale of the half-width profile, pixels
	ax, ay float64  // unit vector from base to tip (ay < 0: the tip is up)
	teeth  float64  // angular frequency of the serrations along u
	veins  int      // lateral veins per side
	color  synthRGB // the blade's base colour

	profile []float64 // outline tabulated over u in [-1, 1], see tabulate
}

// newSynthLeaf draws a leaf for a size x size picture, framed as the Plant
// Pathology photographs are, close up: length 95-125% of the picture, width
// 54-66% of the length, so that the blade covers about half of the frame or
// more and its tip or base may leave it; centre near the middle; tilt up to 0.55
// rad (31 degrees) either way, upright on average.
func newSynthLeaf(size int, rng *rand.Rand) *synthLeaf {
	s := float64(size)
	length := s * synthUniform(rng, 0.95, 1.25)
	tilt := synthUniform(rng, -0.55, 0.55)
	// Greens from dark to yellowish: mix a deep and a light leaf colour.
	t := float32(rng.Float64())
	deep, light := synthRGB{0.16, 0.36, 0.10}, synthRGB{0.36, 0.56, 0.16}
	col := synthRGB{deep[0] + (light[0]-deep[0])*t, deep[1] + (light[1]-deep[1])*t, deep[2] + (light[2]-deep[2])*t}
	l := &synthLeaf{
		cx:    s * synthUniform(rng, 0.42, 0.58),
		cy:    s * synthUniform(rng, 0.42, 0.54),
		half:  length / 2,
		width: length * synthUniform(rng, 0.27, 0.33),
		ax:    math.Sin(tilt),
		ay:    -math.Cos(tilt),
		teeth: synthUniform(rng, 40, 70),
		veins: 5 + rng.IntN(4),
		color: synthJitter(rng, col, 0.04),
	}
	l.tabulate()
	return l
}

// local maps an image point to leaf coordinates.
func (l *synthLeaf) local(x, y float64) (u, v float64) {
	dx, dy := x-l.cx, y-l.cy
	return (dx*l.ax + dy*l.ay) / l.half, dy*l.ax - dx*l.ay
}

// toImage maps leaf coordinates to an image point.
func (l *synthLeaf) toImage(u, v float64) (x, y float64) {
	return l.cx + u*l.half*l.ax - v*l.ay, l.cy + u*l.half*l.ay + v*l.ax
}

// profileSamples is the resolution of the tabulated half-width profile.
const profileSamples = 1024

// outline returns the blade's half-width in pixels at u in (-1, 1): an ovate
// outline, rounded at the base and drawn to a point at the tip, with small
// teeth.
func (l *synthLeaf) outline(u float64) float64 {
	tip := max(u, 0)
	p := math.Pow(max(1-u*u, 0), 0.5+0.6*tip*tip) * (1 - 0.12*u)
	return l.width * p * (1 - 0.04*math.Abs(math.Sin(u*l.teeth)))
}

// tabulate samples outline at profileSamples+1 points, which halfWidth
// interpolates (the painting loops would otherwise spend most of their time
// in math.Pow and math.Sin).
func (l *synthLeaf) tabulate() {
	l.profile = make([]float64, profileSamples+1)
	for i := range l.profile {
		l.profile[i] = l.outline(-1 + 2*float64(i)/profileSamples)
	}
}

// halfWidth is the blade's half-width in pixels at u, interpolated from the
// table of outline. Beyond the base and the tip it is minus the distance to
// them, so that inside is negative there too.
func (l *synthLeaf) halfWidth(u float64) float64 {
	if u <= -1 || u >= 1 {
		return -(math.Abs(u) - 1) * l.half
	}
	f := (u + 1) / 2 * profileSamples
	i := min(int(f), profileSamples-1)
	t := f - float64(i)
	return l.profile[i] + (l.profile[i+1]-l.profile[i])*t
}

// inside returns how far (x, y) lies inside the outline, in pixels across
// the midrib (negative outside).
func (l *synthLeaf) inside(x, y float64) float64 {
	u, v := l.local(x, y)
	return l.halfWidth(u) - math.Abs(v)
}

// bounds returns the pixel box that holds the blade, shifted by (ox, oy) and
// grown by pad pixels, cut to the picture.
func (l *synthLeaf) bounds(c *synthCanvas, ox, oy, pad float64) (x0, x1, y0, y1 int) {
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, u := range []float64{-1, 1} {
		for _, v := range []float64{-1.2 * l.width, 1.2 * l.width} {
			x, y := l.toImage(u, v)
			minX, maxX = min(minX, x), max(maxX, x)
			minY, maxY = min(minY, y), max(maxY, y)
		}
	}
	x0, x1 = synthClip(minX+ox-pad, maxX+ox+pad, c.w)
	y0, y1 = synthClip(minY+oy-pad, maxY+oy+pad, c.h)
	return x0, x1, y0, y1
}

// paintShadow darkens the background under the leaf, offset down (the light
// is above) and a little to one side, with a soft edge.
func (l *synthLeaf) paintShadow(c *synthCanvas, rng *rand.Rand) {
	s := float64(c.w)
	ox, oy := s*synthUniform(rng, -0.03, 0.03), s*synthUniform(rng, 0.02, 0.05)
	soft := max(1, 0.02*s)
	depth := synthUniform(rng, 0.2, 0.4)
	x0, x1, y0, y1 := l.bounds(c, ox, oy, soft)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			d := l.inside(float64(x)+0.5-ox, float64(y)+0.5-oy)
			c.scale(x, y, float32(1-depth*synthClamp(0.5+d/(2*soft))))
		}
	}
}

// paintStalk draws the petiole: a short, slightly curved green stalk leaving
// the base of the blade downwards along the midrib.
func (l *synthLeaf) paintStalk(c *synthCanvas, rng *rand.Rand) {
	length := synthUniform(rng, 0.25, 0.45) // along u
	bend := synthUniform(rng, -0.3, 0.3) * l.width
	width := max(1.2, 0.07*l.width)
	col := synthJitter(rng, synthRGB{0.36, 0.48, 0.18}, 0.04)
	const steps = 4
	for i := range steps {
		u0, u1 := -0.92-length*float64(i)/steps, -0.92-length*float64(i+1)/steps
		v0, v1 := bend*synthSq(float64(i)/steps), bend*synthSq(float64(i+1)/steps)
		x0, y0 := l.toImage(u0, v0)
		x1, y1 := l.toImage(u1, v1)
		c.stroke(x0, y0, x1, y1, width*(1-0.1*float64(i)), col, 1)
	}
}

func synthSq(f float64) float64 { return f * f }

// paint draws the blade with its midrib and veins and returns its coverage
// per pixel (row-major, 0..1), which keeps lesions on the leaf.
func (l *synthLeaf) paint(c *synthCanvas, rng *rand.Rand) []float32 {
	mask := make([]float32, c.w*c.h)
	tex := newSynthNoise(8, rng)
	rib := synthRGB{min(1, l.color[0]*1.3+0.1), min(1, l.color[1]*1.2+0.12), min(1, l.color[2]*1.3+0.05)}
	ribWidth := max(0.5, 0.045*l.width)
	veinWidth := max(0.35, 0.018*l.width)
	spacing := 2 / float64(l.veins) * l.half // pixels between veins along u
	x0, x1, y0, y1 := l.bounds(c, 0, 0, 1)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			u, v := l.local(float64(x)+0.5, float64(y)+0.5)
			hw := l.halfWidth(u)
			a := synthCoverage(hw - math.Abs(v))
			if a == 0 {
				continue
			}
			edge := math.Abs(v) / max(hw, 1e-9) // 0 on the midrib, 1 at the margin
			shade := float32(1 - 0.2*edge*edge + 0.12*(tex.at((u+1)/2, 0.5+v/(4*l.width))-0.5))
			if v > 0 {
				shade *= 0.94 // the two halves of the blade catch the light differently
			}
			col := synthRGB{l.color[0] * shade, l.color[1] * shade, l.color[2] * shade}
			if u > -0.95 && u < 0.92 && edge < 0.9 {
				t := (u+1)/2*float64(l.veins) - 0.5*math.Abs(v)/l.width
				dist := math.Abs(t-math.Round(t)) * spacing
				synthMix(&col, rib, 0.55*float32(1-edge)*synthCoverage(veinWidth-dist))
			}
			synthMix(&col, rib, 0.85*synthCoverage(ribWidth*(1.3-0.5*(u+1)/2)-math.Abs(v)))
			c.blend(x, y, col, a)
			mask[y*c.w+x] = a
		}
	}
	return mask
}

// synthMix moves *dst towards src by a in [0, 1].
func synthMix(dst *synthRGB, src synthRGB, a float32) {
	for k := range dst {
		dst[k] += (src[k] - dst[k]) * a
	}
}

// randomPoint returns an image point drawn over the blade, away from its
// margin, tip and base.
func (l *synthLeaf) randomPoint(rng *rand.Rand) (x, y float64) {
	u := synthUniform(rng, -0.8, 0.8)
	return l.toImage(u, synthUniform(rng, -0.75, 0.75)*l.halfWidth(u))
}
