package dataset

import (
	"math/rand/v2"
	"testing"
)

// augDistinct returns a w x h image whose pixels are all different: pixel
// (x, y) is (10x+y, 100+y, 200+x), so any misplaced pixel shows.
func augDistinct(w, h int) *Image {
	m := NewImage(w, h)
	for y := range h {
		for x := range w {
			m.SetRGB(x, y, uint8(10*x+y), uint8(100+y), uint8(200+x))
		}
	}
	return m
}

func TestFlipsAndRotationsMovePixels(t *testing.T) {
	const w, h = 3, 2
	src := augDistinct(w, h)
	// where(x, y, W', H') gives the source pixel of output pixel (x, y),
	// written out by hand for each transform.
	cases := []struct {
		name   string
		f      func(*Image) *Image
		ow, oh int
		where  func(x, y int) (int, int)
	}{
		{"hflip", FlipHorizontal, 3, 2, func(x, y int) (int, int) { return w - 1 - x, y }},
		{"vflip", FlipVertical, 3, 2, func(x, y int) (int, int) { return x, h - 1 - y }},
		{"rot0", func(m *Image) *Image { return Rot90(m, 0) }, 3, 2, func(x, y int) (int, int) { return x, y }},
		// Counter-clockwise: the output's top-left is the source's top-right.
		{"rot90", func(m *Image) *Image { return Rot90(m, 1) }, 2, 3, func(x, y int) (int, int) { return w - 1 - y, x }},
		{"rot180", func(m *Image) *Image { return Rot90(m, 2) }, 3, 2, func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }},
		{"rot270", func(m *Image) *Image { return Rot90(m, 3) }, 2, 3, func(x, y int) (int, int) { return y, h - 1 - x }},
		{"rot-90", func(m *Image) *Image { return Rot90(m, -1) }, 2, 3, func(x, y int) (int, int) { return y, h - 1 - x }},
		{"rot450", func(m *Image) *Image { return Rot90(m, 5) }, 2, 3, func(x, y int) (int, int) { return w - 1 - y, x }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.f(src)
			if got.W != c.ow || got.H != c.oh {
				t.Fatalf("size: got %dx%d, want %dx%d", got.W, got.H, c.ow, c.oh)
			}
			for y := range got.H {
				for x := range got.W {
					sx, sy := c.where(x, y)
					r, g, b := got.RGB(x, y)
					wr, wg, wb := src.RGB(sx, sy)
					if r != wr || g != wg || b != wb {
						t.Errorf("pixel (%d,%d): got %v, want source (%d,%d) = %v", x, y, []uint8{r, g, b}, sx, sy, []uint8{wr, wg, wb})
					}
				}
			}
			if want := augDistinct(w, h); string(src.Pix) != string(want.Pix) {
				t.Errorf("%s modified its input", c.name)
			}
		})
	}
}

func TestRandomFlipProbability(t *testing.T) {
	src := augDistinct(3, 2)
	cases := []struct {
		name    string
		f       func(*rand.Rand, *Image, float64) *Image
		flipped *Image
		p       float64
		want    string // "src" or "flipped"
	}{
		{"h p=0", RandomFlipHorizontal, FlipHorizontal(src), 0, "src"},
		{"h p=1", RandomFlipHorizontal, FlipHorizontal(src), 1, "flipped"},
		{"v p=0", RandomFlipVertical, FlipVertical(src), 0, "src"},
		{"v p=1", RandomFlipVertical, FlipVertical(src), 1, "flipped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(20) {
				got := c.f(rand.New(rand.NewPCG(seed, 0)), src, c.p)
				want := src
				if c.want == "flipped" {
					want = c.flipped
				}
				if string(got.Pix) != string(want.Pix) {
					t.Fatalf("seed %d: got %v, want %s %v", seed, got.Pix, c.want, want.Pix)
				}
			}
		})
	}
	t.Run("p=0.5 flips about half", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		flips := 0
		for range 1000 {
			if RandomFlipHorizontal(rng, src, 0.5) != src {
				flips++
			}
		}
		if flips < 430 || flips > 570 {
			t.Errorf("flipped %d of 1000 times, want about 500", flips)
		}
	})
}
