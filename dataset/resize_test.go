package dataset

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// pilCase is one entry of testdata/resize/cases.json, written by
// scripts/make_resize_golden.py.
type pilCase struct {
	Name string `json:"name"`
	Box  []int  `json:"box"` // left, top, right, bottom; nil for the whole image
	W    int    `json:"w"`
	H    int    `json:"h"`
}

// loadPNG reads a PNG from testdata as an *Image.
func loadPNG(t testing.TB, path string) *Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return FromImage(m)
}

// loadPILCases returns the source image and the cases made by PIL.
func loadPILCases(t testing.TB) (*Image, []pilCase) {
	t.Helper()
	dir := filepath.Join("testdata", "resize")
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []pilCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return loadPNG(t, filepath.Join(dir, "src.png")), cases
}

// region returns the rectangle a case crops.
func (c pilCase) region(src *Image) image.Rectangle {
	if c.Box == nil {
		return src.Bounds()
	}
	return image.Rect(c.Box[0], c.Box[1], c.Box[2], c.Box[3])
}

// diff returns the largest and the mean absolute difference of two images of
// the same size.
func diff(t testing.TB, got, want *Image) (maxAbs int, mean float64) {
	t.Helper()
	if got.W != want.W || got.H != want.H {
		t.Fatalf("size %dx%d, want %dx%d", got.W, got.H, want.W, want.H)
	}
	sum := 0
	for i := range got.Pix {
		d := int(got.Pix[i]) - int(want.Pix[i])
		if d < 0 {
			d = -d
		}
		sum += d
		maxAbs = max(maxAbs, d)
	}
	return maxAbs, float64(sum) / float64(len(got.Pix))
}

func TestResizeMatchesPIL(t *testing.T) {
	// PIL computes in fixed point with its own rounding, so a level or two of
	// difference is expected; a wrong kernel, a missing antialias or an
	// off-by-half-pixel grid gives tens of levels.
	const maxAllowed, meanAllowed = 3, 0.75
	src, cases := loadPILCases(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want := loadPNG(t, filepath.Join("testdata", "resize", c.Name+".png"))
			got := ResizeRegion(src, c.region(src), c.W, c.H)
			m, mean := diff(t, got, want)
			if m > maxAllowed || mean > meanAllowed {
				t.Errorf("differs from PIL: max %d (allowed %d), mean %.3f (allowed %.2f)", m, maxAllowed, mean, meanAllowed)
			}
		})
	}
}

// solid returns a w x h image of one colour.
func solid(w, h int, r, g, b uint8) *Image {
	m := NewImage(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetRGB(x, y, r, g, b)
		}
	}
	return m
}

func TestResizeProperties(t *testing.T) {
	tests := []struct {
		name       string
		src        *Image
		r          image.Rectangle
		w, h       int
		x, y       int // a pixel of the result to check
		wr, wg, wb uint8
	}{
		{"solid stays solid down", solid(16, 16, 10, 200, 30), image.Rect(0, 0, 16, 16), 3, 5, 2, 4, 10, 200, 30},
		{"solid stays solid up", solid(2, 2, 10, 200, 30), image.Rect(0, 0, 2, 2), 7, 9, 6, 8, 10, 200, 30},
		{"same size is a copy", gradient(4, 3), image.Rect(0, 0, 4, 3), 4, 3, 3, 2, 3 * 40, 2 * 40, 7},
		{"region at same size is a crop", gradient(4, 3), image.Rect(1, 1, 3, 3), 2, 2, 1, 0, 2 * 40, 1 * 40, 7},
		{"region outside the image is black", solid(4, 4, 255, 255, 255), image.Rect(4, 4, 8, 8), 2, 2, 0, 0, 0, 0, 0},
		{"region half outside is white then black", solid(4, 4, 255, 255, 255), image.Rect(0, 0, 8, 4), 8, 4, 0, 0, 255, 255, 255},
		{"region half outside, far side black", solid(4, 4, 255, 255, 255), image.Rect(0, 0, 8, 4), 8, 4, 7, 0, 0, 0, 0},
		// PIL's BILINEAR gives 125 and 130 here (the tent is cut at the edge);
		// a sampling resizer would give 0 or 255.
		{"16x down-scale averages", stripes(32, 2), image.Rect(0, 0, 32, 2), 2, 1, 0, 0, 125, 125, 125},
		{"16x down-scale averages, right", stripes(32, 2), image.Rect(0, 0, 32, 2), 2, 1, 1, 0, 130, 130, 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ResizeRegion(tt.src, tt.r, tt.w, tt.h)
			if got.W != tt.w || got.H != tt.h {
				t.Fatalf("size %dx%d, want %dx%d", got.W, got.H, tt.w, tt.h)
			}
			r, g, b := got.RGB(tt.x, tt.y)
			if !near(r, tt.wr) || !near(g, tt.wg) || !near(b, tt.wb) {
				t.Errorf("pixel (%d,%d) = %d,%d,%d, want %d,%d,%d (+-1)", tt.x, tt.y, r, g, b, tt.wr, tt.wg, tt.wb)
			}
		})
	}
}

// gradient returns a w x h image whose pixel (x, y) is (40x, 40y, 7).
func gradient(w, h int) *Image {
	m := NewImage(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetRGB(x, y, uint8(40*x), uint8(40*y), 7)
		}
	}
	return m
}

// stripes returns a w x h image of one-pixel vertical stripes, black on even
// columns and white on odd ones: the worst case for a sampling resizer, which
// would return pure black or pure white instead of the mean grey.
func stripes(w, h int) *Image {
	m := NewImage(w, h)
	for y := 0; y < h; y++ {
		for x := 1; x < w; x += 2 {
			m.SetRGB(x, y, 255, 255, 255)
		}
	}
	return m
}

// near reports whether two levels differ by at most one.
func near(a, b uint8) bool { return a-b <= 1 || b-a <= 1 }

func TestResizeDoesNotAlias(t *testing.T) {
	src := gradient(4, 3)
	got := Resize(src, 4, 3)
	got.Pix[0] = 99
	if src.Pix[0] == 99 {
		t.Fatal("Resize at the same size returned its input, want a copy")
	}
}

func TestResizePanics(t *testing.T) {
	tests := []struct {
		name string
		r    image.Rectangle
		w, h int
	}{
		{"zero width", image.Rect(0, 0, 4, 4), 0, 4},
		{"negative height", image.Rect(0, 0, 4, 4), 4, -1},
		{"empty region", image.Rect(2, 2, 2, 4), 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("ResizeRegion(%v, %d, %d) did not panic", tt.r, tt.w, tt.h)
				}
			}()
			ResizeRegion(solid(4, 4, 1, 2, 3), tt.r, tt.w, tt.h)
		})
	}
}
