package dataset

import (
	"encoding/json"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func augReadPNG(t *testing.T, name string) *Image {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "resize", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return FromImage(m)
}

// TestResampleMatchesPIL checks resampleRegion against PIL's
// crop(box).resize((w, h), BILINEAR), the cases of
// scripts/make_resize_golden.py: equal level for level.
func TestResampleMatchesPIL(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "resize", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name string
		Box  []int
		W, H int
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	src := augReadPNG(t, "src.png")
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			r := src.Bounds()
			if c.Box != nil {
				r = image.Rect(c.Box[0], c.Box[1], c.Box[2], c.Box[3])
			}
			got := resampleRegion(src, r, c.W, c.H)
			want := augReadPNG(t, c.Name+".png")
			if got.W != want.W || got.H != want.H {
				t.Fatalf("size: got %dx%d, want %dx%d", got.W, got.H, want.W, want.H)
			}
			for i := range got.Pix {
				if got.Pix[i] != want.Pix[i] {
					t.Errorf("pixel (%d,%d) channel %d: got %d, want %d (PIL)", (i/3)%got.W, (i/3)/got.W, i%3, got.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

// TestResampleAgreesWithResizeRegion compares the fast path with
// ResizeRegion on random crops: both are antialiased bilinear filters and
// may differ only by rounding.
func TestResampleAgreesWithResizeRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	src := NewImage(40, 30)
	for i := range src.Pix {
		src.Pix[i] = uint8(rng.IntN(256))
	}
	src = Blur(src, 3, 1)
	for i := range 30 {
		r := DefaultRandomResizedCrop(1).Params(rng, src.W, src.H)
		w, h := 1+rng.IntN(45), 1+rng.IntN(45)
		got, want := resampleRegion(src, r, w, h), ResizeRegion(src, r, w, h)
		worst := 0
		for j := range got.Pix {
			worst = max(worst, int(got.Pix[j])-int(want.Pix[j]), int(want.Pix[j])-int(got.Pix[j]))
		}
		if worst > 2 {
			t.Errorf("case %d: crop %v to %dx%d differs from ResizeRegion by %d levels", i, r, w, h, worst)
		}
	}
}
