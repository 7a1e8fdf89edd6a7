package dataset

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// augViews runs p on src with a PCG seeded by seed and returns its views.
func augViews(p Pipeline, src *Image, seed uint64) ([][]float32, int) {
	n := 3 * p.ViewSize() * p.ViewSize()
	views := make([][]float32, p.Views())
	for v := range views {
		views[v] = make([]float32, n)
	}
	label := p.Apply(rand.New(rand.NewPCG(seed, 77)), src, views)
	return views, label
}

func augTensor(m *Image, norm Normalization) []float32 {
	out := make([]float32, 3*m.W*m.H)
	ToCHW(m, out, norm)
	return out
}

func augEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSimCLRAugment(t *testing.T) {
	src := augDistinct(8, 8)
	identity := SimCLRAugment{Resize: 8, Train: true, Crop: RandomResizedCrop{Size: 8, Scale: [2]float64{1, 1}, Ratio: [2]float64{1, 1}}}
	flipAll := identity
	flipAll.FlipP = 1
	grayAll := identity
	grayAll.Color, grayAll.GrayP, grayAll.Strength = true, 1, 0
	cases := []struct {
		name string
		a    SimCLRAugment
		want []float32 // both views
	}{
		{"whole image, no flip", identity, augTensor(src, Normalization{})},
		{"whole image, flip p=1", flipAll, augTensor(FlipHorizontal(src), Normalization{})},
		{"colour with s=0 and grayscale p=1", grayAll, augTensor(Grayscale(src), Normalization{})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(5) {
				views, label := augViews(c.a, src, seed)
				if label != NoLabel {
					t.Errorf("label: got %d, want NoLabel", label)
				}
				for v := range views {
					if !augEqual(views[v], c.want) {
						t.Fatalf("seed %d view %d differs from the expected image", seed, v)
					}
				}
			}
		})
	}
	t.Run("defaults", func(t *testing.T) {
		a := DefaultSimCLRAugment()
		a.Color = true
		big := augDistinct(24, 16)
		big = Resize(big, 300, 260)
		v1, _ := augViews(a, big, 3)
		v2, _ := augViews(a, big, 3)
		if a.Views() != 2 || a.ViewSize() != 128 || len(v1[0]) != 3*128*128 {
			t.Fatalf("got %d views of side %d, want 2 of 128", a.Views(), a.ViewSize())
		}
		if !augEqual(v1[0], v2[0]) || !augEqual(v1[1], v2[1]) {
			t.Errorf("same seed gave different views")
		}
		if augEqual(v1[0], v1[1]) {
			t.Errorf("the two views of one image are identical")
		}
		for _, x := range append(v1[0], v1[1]...) {
			if x < 0 || x > 1 {
				t.Fatalf("value %v outside [0, 1] without normalization", x)
			}
		}
	})
}

func TestRotNetAugment(t *testing.T) {
	src := augDistinct(6, 4)
	a := RotNetAugment{Size: 5}
	seen := map[int]bool{}
	for seed := range uint64(40) {
		views, k := augViews(a, src, seed)
		if k < 0 || k > 3 {
			t.Fatalf("seed %d: label %d outside 0..3", seed, k)
		}
		seen[k] = true
		if want := augTensor(Rot90(resampleRegion(src, src.Bounds(), 5, 5), k), Normalization{}); !augEqual(views[0], want) {
			t.Fatalf("seed %d: view is not the squashed image rotated by %d x 90", seed, k)
		}
	}
	if len(seen) != 4 {
		t.Errorf("saw rotations %v in 40 seeds, want all four", seen)
	}
	if d := DefaultRotNetAugment(); d.ViewSize() != 256 || d.Views() != 1 || d.Norm.Enabled() {
		t.Errorf("defaults: got size %d, %d views, norm %v; want 256, 1, none", d.ViewSize(), d.Views(), d.Norm)
	}
}

func TestTrainAndEvalAugment(t *testing.T) {
	src := augDistinct(10, 7)
	noFlip := TrainAugment{Size: 6, MinScale: 0.35, FlipP: 0, Norm: ImageNet}
	flip := noFlip
	flip.FlipP = 1
	for seed := range uint64(10) {
		plain, _ := augViews(noFlip, src, seed)
		flipped, _ := augViews(flip, src, seed)
		// Same draws, so the p=1 view is the mirror of the p=0 one.
		for c := range 3 {
			for y := range 6 {
				for x := range 6 {
					if got, want := flipped[0][c*36+y*6+x], plain[0][c*36+y*6+5-x]; got != want {
						t.Fatalf("seed %d (%d,%d,%d): flipped %v, want mirror %v", seed, c, x, y, got, want)
					}
				}
			}
		}
	}
	e := EvalAugment{Size: 5, Norm: ImageNet}
	got, _ := augViews(e, src, 1)
	if want := augTensor(CenterCropResize(src, 5), ImageNet); !augEqual(got[0], want) {
		t.Errorf("eval view is not the normalised centre crop")
	}
	other, _ := augViews(e, src, 2)
	if !augEqual(got[0], other[0]) {
		t.Errorf("eval view depends on the seed")
	}
	if d := DefaultTrainAugment(); d.ViewSize() != 228 || d.Norm != ImageNet || d.crop().Scale != [2]float64{0.35, 1} {
		t.Errorf("train defaults: got %+v", d)
	}
}

func TestPipelineCheck(t *testing.T) {
	cases := []struct {
		name string
		p    Pipeline
		want string // substring of the error; "" for none
	}{
		{"simclr default", DefaultSimCLRAugment(), ""},
		{"simclr zero value", SimCLRAugment{}, ""},
		{"simclr bad flip", SimCLRAugment{FlipP: 1.5}, "flip probability"},
		{"simclr bad scale", SimCLRAugment{Crop: RandomResizedCrop{Scale: [2]float64{0.5, 0.2}}}, "scale"},
		{"simclr negative resize", SimCLRAugment{Resize: -1}, "resize"},
		{"rotnet negative", RotNetAugment{Size: -3}, "RotNet size"},
		{"train bad ratio", TrainAugment{MinScale: 2}, "scale"},
		{"eval default", DefaultEvalAugment(), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Check()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got error %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

// TestSimCLRAugmentEqualsComposition checks Apply's shortcuts (every draw
// first, only the part of the square both views cover packed, once for
// both, resizing straight into the tensor, the flip folded into the write)
// against the plain composition of the exported transforms drawing from
// the same seed.
func TestSimCLRAugmentEqualsComposition(t *testing.T) {
	cases := []struct {
		name  string
		w, h  int
		color bool
	}{
		{"square needs a resize", 24, 20, false},
		{"square is a pure crop", 16, 21, false},
		{"colour, resize", 24, 20, true},
		{"colour, pure crop", 21, 16, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := NewImage(c.w, c.h)
			fill := rand.New(rand.NewPCG(uint64(c.w), uint64(c.h)))
			for i := range src.Pix {
				src.Pix[i] = uint8(fill.IntN(256))
			}
			a := DefaultSimCLRAugment()
			a.Resize, a.Crop.Size, a.Color, a.Norm = 16, 8, c.color, ImageNet
			for seed := range uint64(10) {
				got, _ := augViews(a, src, seed)
				rng := rand.New(rand.NewPCG(seed, 77))
				base := ResizeCrop(rng, src, 16, true)
				for v := range 2 {
					m := a.Crop.Apply(rng, base)
					m = RandomFlipHorizontal(rng, m, a.FlipP)
					if c.color {
						m = SimCLRColorJitter(a.Strength).Apply(rng, m)
						m = RandomGrayscale(rng, m, a.GrayP)
					}
					if want := augTensor(m, ImageNet); !augEqual(got[v], want) {
						t.Fatalf("seed %d view %d differs from the composition", seed, v)
					}
				}
			}
		})
	}
}
