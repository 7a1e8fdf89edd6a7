package dataset

import (
	"math"
	"math/rand/v2"
	"testing"
)

// hueRoundTrip is torchvision's adjust_hue of one pixel in float64: RGB to
// HSV, the hue shifted by shift turns (mod 1), back to RGB, unrounded
// levels.
func hueRoundTrip(r, g, b uint8, shift float64) [3]float64 {
	rf, gf, bf := float64(r)/255, float64(g)/255, float64(b)/255
	maxc, minc := max(rf, gf, bf), min(rf, gf, bf)
	if maxc == minc {
		return [3]float64{float64(r), float64(g), float64(b)}
	}
	c := maxc - minc
	s := c / maxc
	rc, gc, bc := (maxc-rf)/c, (maxc-gf)/c, (maxc-bf)/c
	var h float64
	switch {
	case maxc == rf:
		h = bc - gc
	case maxc == gf:
		h = 2 + rc - bc
	default:
		h = 4 + gc - rc
	}
	h = math.Mod(h/6+shift+2, 1)
	i := math.Floor(h * 6)
	f := h*6 - i
	v := maxc
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	var out [3]float64
	switch int(i) % 6 {
	case 0:
		out = [3]float64{v, t, p}
	case 1:
		out = [3]float64{q, v, p}
	case 2:
		out = [3]float64{p, v, t}
	case 3:
		out = [3]float64{p, q, v}
	case 4:
		out = [3]float64{t, p, v}
	default:
		out = [3]float64{v, p, q}
	}
	for k := range out {
		out[k] *= 255
	}
	return out
}

// TestAdjustHueEqualsHSVRoundTrip checks the 8-bit hue rotation against
// the HSV round trip in float64 over random pixels, grays, primaries and
// ties of the largest channel, for shifts across the whole range: every
// level must be the rounding of the exact one (within float slack).
func TestAdjustHueEqualsHSVRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	special := []uint8{0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 10, 10, 200, 200, 200, 10, 200, 1, 0, 0, 128, 127, 127}
	m := NewImage(4000, 1)
	copy(m.Pix, special)
	for i := len(special); i < len(m.Pix); i++ {
		m.Pix[i] = uint8(rng.IntN(256))
	}
	for _, shift := range []float64{-0.5, -0.31, -0.12, -0.001, 0.001, 0.05, 1.0 / 6, 0.25, 0.4999, 0.5} {
		got := AdjustHue(m, shift)
		for i := 0; i < len(m.Pix); i += 3 {
			want := hueRoundTrip(m.Pix[i], m.Pix[i+1], m.Pix[i+2], shift)
			for k := range 3 {
				if d := math.Abs(float64(got.Pix[i+k]) - want[k]); d > 0.5+1e-3 {
					t.Fatalf("shift %v, pixel %v: channel %d got %d, want %.4f", shift, m.Pix[i:i+3], k, got.Pix[i+k], want[k])
				}
			}
		}
	}
}
