package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GaussianBlur blurs with a Gaussian of a random standard deviation, as
// torchvision's GaussianBlur: sigma is drawn uniformly from Sigma, the kernel
// has Kernel taps per axis at integer offsets, normalised to sum 1, and the
// image is reflected at its borders (mirror without repeating the edge
// pixel, torch's "reflect" padding).
type GaussianBlur struct {
	Kernel int        // taps per axis, odd and positive; SimCLR uses about a tenth of the image side; must be set
	Sigma  [2]float64 // standard deviation range in pixels; default {0.1, 2}; zero means the default
}

// Apply draws sigma from rng and returns the blurred copy of m. It panics if
// Kernel is not a positive odd number.
func (g GaussianBlur) Apply(rng *rand.Rand, m *Image) *Image {
	s := g.Sigma
	if s == [2]float64{} {
		s = [2]float64{0.1, 2}
	}
	return Blur(m, g.Kernel, randUniform(rng, s[0], s[1]))
}

// Blur returns m blurred with a Gaussian of standard deviation sigma over a
// kernel x kernel window, with reflected borders, rounding to the nearest
// level (torchvision's gaussian_blur on a uint8 tensor). It panics if kernel
// is not a positive odd number or sigma is not positive.
func Blur(m *Image, kernel int, sigma float64) *Image {
	if kernel <= 0 || kernel%2 == 0 {
		panic(fmt.Sprintf("dataset: blur kernel %d must be a positive odd number", kernel))
	}
	if !(sigma > 0) {
		panic(fmt.Sprintf("dataset: blur sigma %g must be positive", sigma))
	}
	k := gaussKernel(kernel, sigma)
	half := kernel / 2
	tmp := make([]float32, len(m.Pix))
	// Horizontal pass: tmp = m * k along x.
	for y := 0; y < m.H; y++ {
		row := m.Pix[m.Offset(0, y):]
		for x := 0; x < m.W; x++ {
			var r, g, b float32
			for i, w := range k {
				s := 3 * reflectIndex(x+i-half, m.W)
				r += w * float32(row[s])
				g += w * float32(row[s+1])
				b += w * float32(row[s+2])
			}
			d := m.Offset(x, y)
			tmp[d], tmp[d+1], tmp[d+2] = r, g, b
		}
	}
	// Vertical pass: out = tmp * k along y.
	out := NewImage(m.W, m.H)
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			var r, g, b float32
			for i, w := range k {
				s := m.Offset(x, reflectIndex(y+i-half, m.H))
				r += w * tmp[s]
				g += w * tmp[s+1]
				b += w * tmp[s+2]
			}
			d := out.Offset(x, y)
			out.Pix[d], out.Pix[d+1], out.Pix[d+2] = roundLevel(r), roundLevel(g), roundLevel(b)
		}
	}
	return out
}

// gaussKernel returns n weights exp(-x²/2σ²) at x = -(n-1)/2 .. (n-1)/2,
// normalised to sum 1.
func gaussKernel(n int, sigma float64) []float32 {
	w := make([]float64, n)
	var sum float64
	for i := range w {
		x := float64(i) - float64(n-1)/2
		w[i] = math.Exp(-0.5 * (x / sigma) * (x / sigma))
		sum += w[i]
	}
	k := make([]float32, n)
	for i := range w {
		k[i] = float32(w[i] / sum)
	}
	return k
}

// reflectIndex maps i into [0, n) by mirroring at the borders without
// repeating the edge: -1 -> 1, n -> n-2. Kernels wider than the image
// mirror repeatedly.
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// roundLevel rounds a 0..255-scale value to the nearest level, clamped.
func roundLevel(f float32) uint8 {
	if f <= 0 {
		return 0
	}
	if f >= 255 {
		return 255
	}
	return uint8(f + 0.5)
}
