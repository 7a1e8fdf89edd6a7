package dataset

import (
	"encoding/json"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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
// scripts/make_resize_golden.py: never more than one level apart (13-bit
// weights instead of PIL's 22 can tip a rounding that is close to a half),
// and equal for at least 90% of the values.
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
			off := 0
			for i := range got.Pix {
				d := int(got.Pix[i]) - int(want.Pix[i])
				if d != 0 {
					off++
				}
				if d < -1 || d > 1 {
					t.Errorf("pixel (%d,%d) channel %d: got %d, want %d (PIL)", (i/3)%got.W, (i/3)/got.W, i%3, got.Pix[i], want.Pix[i])
				}
			}
			if off*10 > len(got.Pix) {
				t.Errorf("%d of %d values differ from PIL by one level, want at most 10%%", off, len(got.Pix))
			}
		})
	}
}

// TestResampleFixedPathsEqualGeneric checks that the unrolled fixed-width
// passes give exactly what the generic loops give, over random sizes that
// enlarge, shrink by up to 2 (5 taps) and shrink more (generic only).
func TestResampleFixedPathsEqualGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range 300 {
		n, m := 1+rng.IntN(40), 1+rng.IntN(40)
		fast := newResampleCoeffs(n, m)
		slow := genericCoeffs(n, m)
		in := NewImage(n, n)
		for j := range in.Pix {
			in.Pix[j] = uint8(rng.IntN(256))
		}
		packed := make([]uint64, n*n)
		for y := range n {
			packRow(in.Pix[3*n*y:3*n*(y+1)], packed[n*y:n*(y+1)])
		}
		gotRow, wantRow := make([]uint64, m), make([]uint64, m)
		fast.horizontal(packed[:n], gotRow)
		slow.horizontal(packed[:n], wantRow)
		if !slices.Equal(gotRow, wantRow) {
			t.Fatalf("case %d: horizontal %d -> %d: got %v, want %v", i, n, m, gotRow, wantRow)
		}
		var got, want []uint64
		fast.vertical(packed, n, func(_ int, row []uint64) { got = append(got, row...) })
		slow.vertical(packed, n, func(_ int, row []uint64) { want = append(want, row...) })
		if len(got) != n*m || !slices.Equal(got, want) {
			t.Fatalf("case %d: vertical %d -> %d differs", i, n, m)
		}
	}
}

// genericCoeffs is newResampleCoeffs without the fixed-width padding.
func genericCoeffs(n, m int) *resampleCoeffs {
	c := newResampleCoeffs(n, m)
	if !c.fixed {
		return c
	}
	g := &resampleCoeffs{bounds: make([]int, 2*m), k: make([]uint64, len(c.k)), ksize: c.ksize}
	for o := range m {
		lo, k := c.bounds[2*o], c.k[o*c.ksize:(o+1)*c.ksize]
		first, last := 0, len(k)
		for first < last && k[first] == 0 {
			first++
		}
		for last > first && k[last-1] == 0 {
			last--
		}
		g.bounds[2*o], g.bounds[2*o+1] = lo+first, last-first
		copy(g.k[o*c.ksize:], k[first:last])
	}
	return g
}
