package dataset

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestColorJitterParams(t *testing.T) {
	cases := []struct {
		name   string
		j      ColorJitter
		lo, hi [4]float64 // brightness, contrast, saturation, hue bounds
	}{
		{"zero disables all", ColorJitter{}, [4]float64{1, 1, 1, 0}, [4]float64{1, 1, 1, 0}},
		{"simclr s=0.6", SimCLRColorJitter(0.6), [4]float64{0.52, 0.52, 0.52, -0.12}, [4]float64{1.48, 1.48, 1.48, 0.12}},
		{"factor floor at 0", ColorJitter{Brightness: 1.5}, [4]float64{0, 1, 1, 0}, [4]float64{2.5, 1, 1, 0}},
		{"hue capped at 0.5", ColorJitter{Hue: 0.9}, [4]float64{1, 1, 1, -0.5}, [4]float64{1, 1, 1, 0.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			orders := map[[4]int]bool{}
			for range 500 {
				p := c.j.Params(rng)
				got := [4]float64{p.Brightness, p.Contrast, p.Saturation, p.Hue}
				for i := range got {
					if got[i] < c.lo[i] || got[i] > c.hi[i] {
						t.Fatalf("factor %d = %v outside [%v, %v]", i, got[i], c.lo[i], c.hi[i])
					}
				}
				sorted := p.Order
				slices.Sort(sorted[:])
				if sorted != [4]int{0, 1, 2, 3} {
					t.Fatalf("order %v is not a permutation of 0..3", p.Order)
				}
				orders[p.Order] = true
			}
			if len(orders) != 24 {
				t.Errorf("saw %d of the 24 orders in 500 draws", len(orders))
			}
		})
	}
}

func TestColorJitterApply(t *testing.T) {
	src := augDistinct(4, 3)
	single := []struct {
		name   string
		j      ColorJitter
		factor func(JitterParams) float64
		adjust func(*Image, float64) *Image
	}{
		{"brightness", ColorJitter{Brightness: 0.5}, func(p JitterParams) float64 { return p.Brightness }, AdjustBrightness},
		{"contrast", ColorJitter{Contrast: 0.5}, func(p JitterParams) float64 { return p.Contrast }, AdjustContrast},
		{"saturation", ColorJitter{Saturation: 0.5}, func(p JitterParams) float64 { return p.Saturation }, AdjustSaturation},
		{"hue", ColorJitter{Hue: 0.3}, func(p JitterParams) float64 { return p.Hue }, AdjustHue},
	}
	for _, c := range single {
		t.Run("only "+c.name, func(t *testing.T) {
			p := c.j.Params(rand.New(rand.NewPCG(11, 0)))
			got := c.j.Apply(rand.New(rand.NewPCG(11, 0)), src)
			want := c.adjust(src, c.factor(p))
			if string(got.Pix) != string(want.Pix) {
				t.Errorf("got %v, want %s(%v) = %v", got.Pix, c.name, c.factor(p), want.Pix)
			}
		})
	}
	t.Run("zero jitter is the identity", func(t *testing.T) {
		got := ColorJitter{}.Apply(rand.New(rand.NewPCG(1, 0)), src)
		if string(got.Pix) != string(src.Pix) {
			t.Errorf("got %v, want the input %v", got.Pix, src.Pix)
		}
	})
	t.Run("order matters and is followed", func(t *testing.T) {
		p := JitterParams{Order: [4]int{1, 0, 2, 3}, Brightness: 1.4, Contrast: 0.3, Saturation: 1, Hue: 0}
		got := p.Apply(src)
		want := AdjustBrightness(AdjustContrast(src, 0.3), 1.4)
		if string(got.Pix) != string(want.Pix) {
			t.Errorf("contrast then brightness: got %v, want %v", got.Pix, want.Pix)
		}
		p.Order = [4]int{0, 1, 2, 3}
		other := AdjustContrast(AdjustBrightness(src, 1.4), 0.3)
		if got := p.Apply(src); string(got.Pix) != string(other.Pix) {
			t.Errorf("brightness then contrast: got %v, want %v", got.Pix, other.Pix)
		}
		if string(want.Pix) == string(other.Pix) {
			t.Errorf("test image does not tell the two orders apart")
		}
	})
}

func TestRandomGrayscale(t *testing.T) {
	src := augDistinct(3, 2)
	cases := []struct {
		name string
		p    float64
		want *Image
	}{
		{"p=0", 0, src},
		{"p=1", 1, Grayscale(src)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(20) {
				got := RandomGrayscale(rand.New(rand.NewPCG(seed, 1)), src, c.p)
				if string(got.Pix) != string(c.want.Pix) {
					t.Fatalf("seed %d: got %v, want %v", seed, got.Pix, c.want.Pix)
				}
			}
		})
	}
}

func TestBlurProperties(t *testing.T) {
	flat := NewImage(5, 4)
	for i := range flat.Pix {
		flat.Pix[i] = 77
	}
	if got := Blur(flat, 5, 1.3); string(got.Pix) != string(flat.Pix) {
		t.Errorf("blur of a flat image: got %v, want all 77", got.Pix)
	}
	src := augDistinct(5, 4)
	if got := Blur(src, 1, 2); string(got.Pix) != string(src.Pix) {
		t.Errorf("a one-tap kernel changed the image")
	}
	g := GaussianBlur{Kernel: 3, Sigma: [2]float64{0.9, 0.9}}
	if got, want := g.Apply(rand.New(rand.NewPCG(1, 1)), src), Blur(src, 3, 0.9); string(got.Pix) != string(want.Pix) {
		t.Errorf("GaussianBlur with a fixed sigma differs from Blur")
	}
	wide := Blur(augDistinct(2, 2), 7, 2) // kernel wider than the image
	if wide.W != 2 || wide.H != 2 {
		t.Errorf("wide kernel: got %dx%d, want 2x2", wide.W, wide.H)
	}
}

func TestReflectIndex(t *testing.T) {
	cases := []struct{ i, n, want int }{
		{0, 4, 0}, {3, 4, 3}, {-1, 4, 1}, {-2, 4, 2}, {4, 4, 2}, {5, 4, 1},
		{-3, 4, 3}, {6, 4, 0}, {-4, 2, 0}, {3, 2, 1}, {5, 1, 0},
	}
	for _, c := range cases {
		if got := reflectIndex(c.i, c.n); got != c.want {
			t.Errorf("reflectIndex(%d, %d) = %d, want %d", c.i, c.n, got, c.want)
		}
	}
}

func TestToCHWLayout(t *testing.T) {
	src := augDistinct(3, 2)
	got := make([]float32, 18)
	ToCHW(src, got, Normalization{})
	for y := range 2 {
		for x := range 3 {
			r, g, b := src.RGB(x, y)
			for c, v := range []uint8{r, g, b} {
				if w := float32(v) / 255; got[c*6+y*3+x] != w {
					t.Errorf("channel %d pixel (%d,%d): got %v, want %v", c, x, y, got[c*6+y*3+x], w)
				}
			}
		}
	}
}
