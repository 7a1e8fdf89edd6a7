package dataset

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The tests below check that RenderLeaf's classes and orientation are
// visible to deliberately simple predictors, which stand in for what a
// network has to learn.

// isRustColour: bright orange to orange-yellow (red high, green 35-80% of
// red, hardly any blue).
func isRustColour(r, g, b float64) bool {
	return r > 128 && g >= 0.35*r && g <= 0.8*r && b < 0.35*g
}

// isScabColour: dark olive-brown (red about equal to green, little blue).
func isScabColour(r, g, b float64) bool {
	return r >= 25 && r <= 120 && r >= 0.9*g && r <= 1.25*g && b < 0.6*g
}

// lesionFractions returns the fractions of interior pixels that are rust- and
// scab-coloured together with their four neighbours (requiring the
// neighbours ignores one-pixel mixtures along the leaf's edge, where green
// over red-brown soil blends to olive).
func lesionFractions(m *Image) (rust, scab float64) {
	test := func(x, y int, is func(r, g, b float64) bool) bool {
		for _, d := range [5][2]int{{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			r, g, b := m.RGB(x+d[0], y+d[1])
			if !is(float64(r), float64(g), float64(b)) {
				return false
			}
		}
		return true
	}
	n := 0
	for y := 1; y+1 < m.H; y++ {
		for x := 1; x+1 < m.W; x++ {
			n++
			if test(x, y, isRustColour) {
				rust++
			}
			if test(x, y, isScabColour) {
				scab++
			}
		}
	}
	return rust / float64(n), scab / float64(n)
}

// classifyByColour is a four-way classifier with no training: any rust pixel
// means rust, any scab pixel scab, both multiple_diseases, none healthy.
func classifyByColour(m *Image) SynthClass {
	rust, scab := lesionFractions(m)
	switch {
	case rust > 0 && scab > 0:
		return SynthMultipleDiseases
	case rust > 0:
		return SynthRust
	case scab > 0:
		return SynthScab
	}
	return SynthHealthy
}

// rotateCCW returns m rotated by k x 90 degrees counter-clockwise: pixel
// (x, y) of a quarter turn lands at (y, W-1-x), so the top edge becomes the
// left edge.
func rotateCCW(m *Image, k int) *Image {
	for range k % 4 {
		out := NewImage(m.H, m.W)
		for y := range m.H {
			for x := range m.W {
				r, g, b := m.RGB(x, y)
				out.SetRGB(y, m.W-1-x, r, g, b)
			}
		}
		m = out
	}
	return m
}

// predictRotation guesses k of rotateCCW(leaf, k) from where the light comes
// from: the brightest quarter-wide band along the top, left, bottom or right
// edge is where the top of the picture went.
func predictRotation(m *Image) int {
	var sums [4]float64 // top, left, bottom, right
	for y := range m.H {
		for x := range m.W {
			r, g, b := m.RGB(x, y)
			l := float64(r) + float64(g) + float64(b)
			if y < m.H/4 {
				sums[0] += l
			}
			if x < m.W/4 {
				sums[1] += l
			}
			if y >= m.H-m.H/4 {
				sums[2] += l
			}
			if x >= m.W-m.W/4 {
				sums[3] += l
			}
		}
	}
	best := 0
	for k := range sums {
		if sums[k] > sums[best] {
			best = k
		}
	}
	return best
}

func TestRenderLeafClassesSeparable(t *testing.T) {
	for _, size := range []int{48, 64} {
		const perClass = 15
		var confusion [4][4]int
		correct := 0
		for c := range SynthClass(numSynthClasses) {
			for i := range perClass {
				m := RenderLeaf(size, c, rand.New(rand.NewPCG(uint64(i), uint64(c))))
				got := classifyByColour(m)
				confusion[c][got]++
				if got == c {
					correct++
				}
			}
		}
		acc := float64(correct) / (4 * perClass)
		t.Logf("size %d: colour classifier accuracy %.3f", size, acc)
		// Chance is 25%.
		if acc < 0.85 {
			t.Errorf("size %d: colour classifier accuracy %.2f, want >= 0.85; confusion (rows truth, columns predicted %v): %v",
				size, acc, synthClassNames, confusion)
		}
	}
}

func TestRenderLeafOrientation(t *testing.T) {
	const n = 96
	correct := 0
	var wrong []int
	for i := range n {
		k := i % 4
		m := RenderLeaf(48, SynthClass(i/4%4), rand.New(rand.NewPCG(uint64(i), 99)))
		if got := predictRotation(rotateCCW(m, k)); got == k {
			correct++
		} else {
			wrong = append(wrong, i)
		}
	}
	acc := float64(correct) / n
	t.Logf("rotation predictor accuracy %.3f", acc)
	// Chance is 25%. The light is only one of the orientation cues (the
	// stalk at the bottom, the tip and the veins pointing up are others),
	// deliberately soft and up to 34 degrees off vertical so that RotNet
	// has to look further than one brightness gradient, on a leaf that
	// fills most of the frame; this predictor reads the light alone and is
	// sometimes fooled by a bright leaf edge. 0.55 of 96 is far above chance.
	if acc < 0.55 {
		t.Errorf("rotation predicted for %d of %d images (%.2f), want >= 0.55; wrong: %v", correct, n, acc, wrong)
	}
}

func TestRotateCCW(t *testing.T) {
	m := NewImage(3, 2)
	m.SetRGB(2, 0, 255, 0, 0) // top right
	tests := []struct {
		k          int
		w, h, x, y int
	}{
		{0, 3, 2, 2, 0},
		{1, 2, 3, 0, 0}, // top right -> top left
		{2, 3, 2, 0, 1}, // -> bottom left
		{3, 2, 3, 1, 2}, // -> bottom right
	}
	for _, tc := range tests {
		r := rotateCCW(m, tc.k)
		if r.W != tc.w || r.H != tc.h {
			t.Fatalf("k=%d: size %dx%d, want %dx%d", tc.k, r.W, r.H, tc.w, tc.h)
		}
		if red, _, _ := r.RGB(tc.x, tc.y); red != 255 {
			t.Errorf("k=%d: the red pixel is not at (%d, %d)", tc.k, tc.x, tc.y)
		}
	}
}

func TestRenderLeafDeterministic(t *testing.T) {
	tests := []struct {
		name string
		size int
		c    SynthClass
	}{
		{"tiny healthy", 16, SynthHealthy},
		{"odd-sized rust", 33, SynthRust},
		{"multiple diseases", 64, SynthMultipleDiseases},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := RenderLeaf(tc.size, tc.c, rand.New(rand.NewPCG(5, 6)))
			b := RenderLeaf(tc.size, tc.c, rand.New(rand.NewPCG(5, 6)))
			c := RenderLeaf(tc.size, tc.c, rand.New(rand.NewPCG(5, 7)))
			if a.W != tc.size || a.H != tc.size || len(a.Pix) != 3*tc.size*tc.size {
				t.Fatalf("got a %dx%d image with %d bytes, want %dx%d", a.W, a.H, len(a.Pix), tc.size, tc.size)
			}
			if !bytes.Equal(a.Pix, b.Pix) {
				t.Errorf("the same generator state gave different pictures")
			}
			if bytes.Equal(a.Pix, c.Pix) {
				t.Errorf("different generator states gave the same picture")
			}
		})
	}
}

func TestRenderLeafPanicsOnBadArguments(t *testing.T) {
	tests := []struct {
		name string
		size int
		c    SynthClass
	}{
		{"zero size", 0, SynthHealthy},
		{"unknown class", 16, SynthClass(4)},
		{"negative class", 16, SynthClass(-1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("RenderLeaf(%d, %d) did not panic", tc.size, int(tc.c))
				}
			}()
			RenderLeaf(tc.size, tc.c, rand.New(rand.NewPCG(1, 1)))
		})
	}
}
