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

// TestResampleFixedPathsEqualGeneric checks that the trimmed, unrolled
// fixed-width passes give exactly what the generic loops give over PIL's
// untrimmed windows, over random sizes that enlarge, shrink by up to 3
// (the unrolled widths) and shrink more (generic only).
func TestResampleFixedPathsEqualGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	widths := map[int]bool{}
	for i := range 400 {
		n, m := 1+rng.IntN(90), 1+rng.IntN(40)
		fast, slow := newResampleCoeffs(n, m), pilCoeffs(n, m)
		if fast.fixed {
			widths[fast.ksize] = true
		}
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
		if n > 1 {
			got0, got1, want1 := make([]uint64, m), make([]uint64, m), make([]uint64, m)
			fast.horizontal2(packed[:n], packed[n:2*n], got0, got1)
			slow.horizontal(packed[n:2*n], want1)
			if !slices.Equal(got0, wantRow) || !slices.Equal(got1, want1) {
				t.Fatalf("case %d: horizontal2 %d -> %d differs from two rows done one by one", i, n, m)
			}
		}
		var got, want []uint64
		fast.vertical(packed, 0, n, func(_ int, row []uint64) { got = append(got, row...) })
		slow.vertical(packed, 0, n, func(_ int, row []uint64) { want = append(want, row...) })
		if len(got) != n*m || !slices.Equal(got, want) {
			t.Fatalf("case %d: vertical %d -> %d differs", i, n, m)
		}
	}
	for k := 2; k <= 6; k++ {
		if !widths[k] {
			t.Errorf("no case exercised the unrolled %d-tap loops", k)
		}
	}
}

// TestResampleCoeffsTrimmed checks the window widths the trimming leaves
// for the pipelines' usual ratios, and that trimming drops only zero
// weights (each window's weights still sum to PIL's).
func TestResampleCoeffsTrimmed(t *testing.T) {
	tests := []struct {
		name  string
		n, m  int
		ksize int
	}{
		{"enlarge 114 to 128", 114, 128, 2},
		{"shrink 180 to 128", 180, 128, 3},
		{"shrink 256 to 128", 256, 128, 4},
		{"shrink 330 to 128", 330, 128, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fast, pil := newResampleCoeffs(tc.n, tc.m), pilCoeffs(tc.n, tc.m)
			if fast.ksize != tc.ksize || !fast.fixed {
				t.Fatalf("ksize %d (fixed %v), want %d fixed; PIL's window is %d", fast.ksize, fast.fixed, tc.ksize, pil.ksize)
			}
			for o := range tc.m {
				var a, b uint64
				for _, v := range fast.k[o*fast.ksize : (o+1)*fast.ksize] {
					a += v
				}
				for _, v := range pil.k[o*pil.ksize : o*pil.ksize+pil.bounds[2*o+1]] {
					b += v
				}
				if a != b {
					t.Fatalf("output %d: weights sum to %d, PIL's to %d", o, a, b)
				}
			}
		})
	}
}
