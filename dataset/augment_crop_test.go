package dataset

import (
	"image"
	"math/rand/v2"
	"testing"
)

func TestRandomResizedCropParams(t *testing.T) {
	cases := []struct {
		name  string
		t     RandomResizedCrop
		w, h  int
		want  image.Rectangle // exact when not empty
		exact bool
	}{
		// Scale and ratio pinned to 1: the only crop that fits is the whole image.
		{"whole square", RandomResizedCrop{Size: 4, Scale: [2]float64{1, 1}, Ratio: [2]float64{1, 1}}, 8, 8, image.Rect(0, 0, 8, 8), true},
		// Ratio 10 never fits a square: fallback to the full width and
		// h = round(8/10) = 1, centred: y = (8-1)/2 = 3.
		{"fallback wide", RandomResizedCrop{Size: 4, Scale: [2]float64{0.5, 1}, Ratio: [2]float64{10, 10}}, 8, 8, image.Rect(0, 3, 8, 4), true},
		// Aspect 1/4 at area >= 0.9 of a 16x4 image needs h >= 15: never
		// fits. The image's own aspect 4 is above the range, so the fallback
		// keeps the height, w = round(4*0.25) = 1, x = (16-1)/2 = 7.
		{"fallback tall", RandomResizedCrop{Size: 4, Scale: [2]float64{0.9, 1}, Ratio: [2]float64{0.25, 0.25}}, 16, 4, image.Rect(7, 0, 8, 4), true},
		// A 16x4 image with ratio range (3/4, 4/3) and scale 1 cannot fit
		// (a full-area crop would need aspect 4): fallback w = round(4*4/3) = 5,
		// x = (16-5)/2 = 5.
		{"fallback ratio clamp", RandomResizedCrop{Size: 4, Scale: [2]float64{1, 1}}, 16, 4, image.Rect(5, 0, 10, 4), true},
		{"defaults", RandomResizedCrop{Size: 4}, 16, 12, image.Rectangle{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(50) {
				rng := rand.New(rand.NewPCG(seed, 9))
				got := c.t.Params(rng, c.w, c.h)
				if c.exact && got != c.want {
					t.Fatalf("seed %d: got %v, want %v", seed, got, c.want)
				}
				if !got.In(image.Rect(0, 0, c.w, c.h)) || got.Empty() {
					t.Fatalf("seed %d: crop %v is empty or outside %dx%d", seed, got, c.w, c.h)
				}
			}
		})
	}
}

func TestRandomResizedCropSampling(t *testing.T) {
	// On a big image the first attempt almost always fits, so area fractions
	// and aspect ratios stay within the ranges (up to rounding).
	rrc := RandomResizedCrop{Size: 8, Scale: [2]float64{0.2, 1}, Ratio: [2]float64{3.0 / 4, 4.0 / 3}}
	const w, h = 400, 300
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[image.Point]bool{}
	var minA, maxA = 1.0, 0.0
	for range 2000 {
		r := rrc.Params(rng, w, h)
		a := float64(r.Dx()*r.Dy()) / (w * h)
		ar := float64(r.Dx()) / float64(r.Dy())
		if a < 0.2-0.01 || a > 1+1e-9 {
			t.Fatalf("crop %v: area fraction %.3f outside [0.2, 1]", r, a)
		}
		if ar < 0.75-0.02 || ar > 4.0/3+0.02 {
			t.Fatalf("crop %v: aspect %.3f outside [3/4, 4/3]", r, ar)
		}
		minA, maxA = min(minA, a), max(maxA, a)
		seen[r.Min] = true
	}
	if minA > 0.25 || maxA < 0.9 {
		t.Errorf("area fractions span [%.3f, %.3f], want close to [0.2, 1]", minA, maxA)
	}
	if len(seen) < 1000 {
		t.Errorf("only %d distinct crop positions in 2000 draws", len(seen))
	}
}

func TestRandomResizedCropApply(t *testing.T) {
	src := augDistinct(8, 8)
	rrc := RandomResizedCrop{Size: 8, Scale: [2]float64{1, 1}, Ratio: [2]float64{1, 1}}
	got := rrc.Apply(rand.New(rand.NewPCG(1, 1)), src)
	if string(got.Pix) != string(src.Pix) {
		t.Errorf("whole-image crop to the same size changed pixels")
	}
	got = RandomResizedCrop{Size: 5}.Apply(rand.New(rand.NewPCG(1, 1)), src)
	if got.W != 5 || got.H != 5 {
		t.Errorf("size: got %dx%d, want 5x5", got.W, got.H)
	}
	a := DefaultRandomResizedCrop(5).Apply(rand.New(rand.NewPCG(7, 7)), src)
	b := DefaultRandomResizedCrop(5).Apply(rand.New(rand.NewPCG(7, 7)), src)
	if string(a.Pix) != string(b.Pix) {
		t.Errorf("same seed gave different crops")
	}
}

func TestSquareCropRect(t *testing.T) {
	cases := []struct {
		name   string
		w, h   int
		px, py float64
		want   image.Rectangle
	}{
		{"landscape centre", 10, 4, 0.5, 0.5, image.Rect(3, 0, 7, 4)},
		{"landscape left", 10, 4, 0, 0.7, image.Rect(0, 0, 4, 4)},
		{"landscape right", 10, 4, 1, 0, image.Rect(6, 0, 10, 4)},
		{"landscape truncates", 10, 4, 0.99, 0, image.Rect(5, 0, 9, 4)},
		{"portrait centre", 3, 8, 0.5, 0.5, image.Rect(0, 2, 3, 5)},
		{"square", 5, 5, 0.3, 0.9, image.Rect(0, 0, 5, 5)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := SquareCropRect(c.w, c.h, c.px, c.py); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestResizeCropAndCenterCrop(t *testing.T) {
	src := augDistinct(6, 3) // centred square: x 1..3
	center := resampleRegion(src, image.Rect(1, 0, 4, 3), 3, 3)
	cases := []struct {
		name string
		got  *Image
		want *Image
	}{
		{"valid is centred", ResizeCrop(nil, src, 3, false), center},
		{"eval is centred", CenterCropResize(src, 3), center},
		{"squash", SquashResize(src, 3), resampleRegion(src, src.Bounds(), 3, 3)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got.W != c.want.W || c.got.H != c.want.H || string(c.got.Pix) != string(c.want.Pix) {
				t.Errorf("got %dx%d %v, want %dx%d %v", c.got.W, c.got.H, c.got.Pix, c.want.W, c.want.H, c.want.Pix)
			}
		})
	}
	t.Run("train crops a random square of the short side", func(t *testing.T) {
		positions := map[uint8]bool{}
		for seed := range uint64(40) {
			got := ResizeCrop(rand.New(rand.NewPCG(seed, 0)), src, 3, true)
			// No resampling (3x3 from a 3-tall image): the output is an exact
			// window; its top-left pixel names the offset (blue = 200+x).
			_, _, b := got.RGB(0, 0)
			x := int(b) - 200
			want := ResizeRegion(src, image.Rect(x, 0, x+3, 3), 3, 3)
			if string(got.Pix) != string(want.Pix) {
				t.Fatalf("seed %d: output is not the window at x=%d", seed, x)
			}
			positions[b] = true
		}
		// fastai truncates pct*(6-3) with pct in [0, 1): offsets 0, 1, 2.
		if len(positions) != 3 {
			t.Errorf("saw %d distinct offsets in 40 seeds, want the 3 possible ones", len(positions))
		}
	})
}
