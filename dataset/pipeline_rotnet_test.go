package dataset

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// rotnetSource returns, for output pixel (ox, oy) of an n x n image
// mirrored left to right when mirror is set and then turned k quarter
// turns counter-clockwise, the source pixel it comes from. Written out by
// hand from the definitions (a counter-clockwise turn moves the top row to
// the left column, read bottom to top), not from Rot90's code.
func rotnetSource(k, ox, oy, n int, mirror bool) (int, int) {
	var x, y int
	switch k {
	case 0:
		x, y = ox, oy
	case 1: // the left column, top to bottom, was the top row right to left
		x, y = n-1-oy, ox
	case 2:
		x, y = n-1-ox, n-1-oy
	case 3: // the left column, top to bottom, was the bottom row left to right
		x, y = oy, n-1-ox
	}
	if mirror {
		x = n - 1 - x
	}
	return x, y
}

// TestRotNetAugmentZeroOptionsKeepTheBlogOutput: the zero value of every
// new field gives the squash-and-rotate of before, and draws from rng only
// the rotation.
func TestRotNetAugmentZeroOptionsKeepTheBlogOutput(t *testing.T) {
	src := augDistinct(7, 5)
	cases := []struct {
		name string
		a    RotNetAugment
	}{
		{"size only", RotNetAugment{Size: 5}},
		{"explicit zeros", RotNetAugment{Size: 5, CropScale: [2]float64{}, FlipP: 0, Jitter: ColorJitter{}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(20) {
				rng := rand.New(rand.NewPCG(seed, 77))
				view := make([]float32, 3*5*5)
				got := tc.a.Apply(rng, src, [][]float32{view})
				ref := rand.New(rand.NewPCG(seed, 77))
				k := ref.IntN(4) // the blog's pipeline draws the rotation and nothing else
				if got != k {
					t.Fatalf("seed %d: label %d, want %d", seed, got, k)
				}
				if want := augTensor(Rot90(SquashResize(src, 5), k), Normalization{}); !augEqual(view, want) {
					t.Fatalf("seed %d: view is not the squashed image turned %d times", seed, k)
				}
				if g, w := rng.Uint64(), ref.Uint64(); g != w {
					t.Fatalf("seed %d: the next draw is %d, want %d: Apply drew more than the rotation", seed, g, w)
				}
			}
		})
	}
}

// TestRotNetAugmentRotatesAndMirrors checks each output pixel on a 4x4
// image whose pixels all differ, with a crop of the whole image (scale 1
// of a square picture: the identity resample) and flips of probability 0
// and 1: the label is k and the picture is the (mirrored) source turned k
// times.
func TestRotNetAugmentRotatesAndMirrors(t *testing.T) {
	const n = 4
	src := augDistinct(n, n)
	cases := []struct {
		name   string
		a      RotNetAugment
		mirror bool
	}{
		{"squash, no flip", RotNetAugment{Size: n}, false},
		{"whole crop, flip p=0", RotNetAugment{Size: n, CropScale: [2]float64{1, 1}}, false},
		{"whole crop, flip p=1", RotNetAugment{Size: n, CropScale: [2]float64{1, 1}, FlipP: 1}, true},
		{"squash, flip p=1", RotNetAugment{Size: n, FlipP: 1}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[int]bool{}
			for seed := range uint64(24) {
				views, k := augViews(tc.a, src, seed)
				if k < 0 || k > 3 {
					t.Fatalf("seed %d: label %d outside 0..3", seed, k)
				}
				seen[k] = true
				for c := range 3 {
					for oy := range n {
						for ox := range n {
							x, y := rotnetSource(k, ox, oy, n, tc.mirror)
							want := float32(src.Pix[src.Offset(x, y)+c]) / 255
							if got := views[0][c*n*n+oy*n+ox]; got != want {
								t.Fatalf("seed %d, k %d, channel %d, pixel (%d,%d): got %v, want source pixel (%d,%d) = %v", seed, k, c, ox, oy, got, x, y, want)
							}
						}
					}
				}
			}
			if len(seen) != 4 {
				t.Errorf("saw rotations %v in 24 seeds, want all four", seen)
			}
		})
	}
}

// TestRotNetAugmentJitter uses a uniform grey picture: contrast jitter
// blends towards the picture's own mean and so changes nothing, brightness
// jitter scales every pixel by one factor drawn from [1-x, 1+x].
func TestRotNetAugmentJitter(t *testing.T) {
	const n, grey = 4, 100
	src := NewImage(n, n)
	for i := range src.Pix {
		src.Pix[i] = grey
	}
	plain := augTensor(src, Normalization{})
	cases := []struct {
		name     string
		jitter   ColorJitter
		lo, hi   float32 // range of the output value, in 0..255
		constant bool    // the same value for every seed
	}{
		{"none", ColorJitter{}, grey, grey, true},
		{"contrast", ColorJitter{Contrast: 0.8}, grey, grey, true},
		{"brightness", ColorJitter{Brightness: 0.5}, 0.5*grey - 1, 1.5*grey + 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := RotNetAugment{Size: n, Jitter: tc.jitter}
			values := map[float32]bool{}
			for seed := range uint64(16) {
				views, _ := augViews(a, src, seed)
				v := views[0][0]
				for i, x := range views[0] {
					if x != v {
						t.Fatalf("seed %d: value %d is %v, value 0 %v: a uniform picture stays uniform", seed, i, x, v)
					}
				}
				if v*255 < tc.lo-0.01 || v*255 > tc.hi+0.01 {
					t.Errorf("seed %d: value %v (x255 %v), want within [%v, %v]", seed, v, v*255, tc.lo, tc.hi)
				}
				values[v] = true
			}
			if tc.constant && (len(values) != 1 || !values[plain[0]]) {
				t.Errorf("values %v over 16 seeds, want only the source's %v", values, plain[0])
			}
			if !tc.constant && len(values) < 4 {
				t.Errorf("values %v over 16 seeds, want them to vary", values)
			}
		})
	}
}

// TestRotNetAugmentIsSeeded: the augmented pipeline gives the same view
// for the same seed and different views for different seeds.
func TestRotNetAugmentIsSeeded(t *testing.T) {
	src := augDistinct(12, 9)
	a := AugmentedRotNet(8)
	first, k1 := augViews(a, src, 5)
	again, k2 := augViews(a, src, 5)
	if k1 != k2 || !augEqual(first[0], again[0]) {
		t.Errorf("seed 5 twice: labels %d and %d, equal views %v; want the same output", k1, k2, augEqual(first[0], again[0]))
	}
	differ := 0
	for seed := range uint64(8) {
		v, _ := augViews(a, src, 100+seed)
		if !augEqual(v[0], first[0]) {
			differ++
		}
	}
	if differ < 7 {
		t.Errorf("%d of 8 other seeds gave a different view, want at least 7", differ)
	}
}

func TestAugmentedRotNet(t *testing.T) {
	a := AugmentedRotNet(96)
	want := RotNetAugment{Size: 96, CropScale: [2]float64{0.7, 1}}
	if a != want {
		t.Errorf("got %+v, want %+v", a, want)
	}
	if err := a.Check(); err != nil {
		t.Errorf("the recipe fails its own check: %v", err)
	}
	if a.Norm.Enabled() || a.Views() != 1 || a.ViewSize() != 96 {
		t.Errorf("norm %v, %d views, size %d; want none, 1, 96", a.Norm, a.Views(), a.ViewSize())
	}
}

func TestRotNetAugmentCheck(t *testing.T) {
	cases := []struct {
		name string
		a    RotNetAugment
		want string // substring of the error; "" for none
	}{
		{"zero value", RotNetAugment{}, ""},
		{"default", DefaultRotNetAugment(), ""},
		{"negative size", RotNetAugment{Size: -3}, "RotNet size"},
		{"flip above 1", RotNetAugment{FlipP: 1.5}, "flip probability"},
		{"crop min above max", RotNetAugment{CropScale: [2]float64{0.5, 0.2}}, "crop scale"},
		{"crop above 1", RotNetAugment{CropScale: [2]float64{0.5, 1.2}}, "crop scale"},
		{"negative brightness", RotNetAugment{Jitter: ColorJitter{Brightness: -0.1}}, "jitter"},
		{"hue beyond half a turn", RotNetAugment{Jitter: ColorJitter{Hue: 0.7}}, "jitter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Check()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
