package dataset

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// resizePILCase is one entry of testdata/resize/cases.json, written by
// scripts/make_resize_golden.py.
type resizePILCase struct {
	Name string `json:"name"`
	Box  []int  `json:"box"` // left, top, right, bottom; nil for the whole image
	W    int    `json:"w"`
	H    int    `json:"h"`
}

// readPNGFixture reads a PNG from testdata as an *Image.
func readPNGFixture(t testing.TB, path string) *Image {
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

// readResizeCases returns the source image and the cases made by PIL.
func readResizeCases(t testing.TB) (*Image, []resizePILCase) {
	t.Helper()
	dir := filepath.Join("testdata", "resize")
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []resizePILCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return readPNGFixture(t, filepath.Join(dir, "src.png")), cases
}

// region returns the rectangle a case crops.
func (c resizePILCase) region(src *Image) image.Rectangle {
	if c.Box == nil {
		return src.Bounds()
	}
	return image.Rect(c.Box[0], c.Box[1], c.Box[2], c.Box[3])
}

// imageDiff returns the largest and the mean absolute difference of two images of
// the same size.
func imageDiff(t testing.TB, got, want *Image) (maxAbs int, mean float64) {
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
	src, cases := readResizeCases(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want := readPNGFixture(t, filepath.Join("testdata", "resize", c.Name+".png"))
			got := ResizeRegion(src, c.region(src), c.W, c.H)
			m, mean := imageDiff(t, got, want)
			if m > maxAllowed || mean > meanAllowed {
				t.Errorf("differs from PIL: max %d (allowed %d), mean %.3f (allowed %.2f)", m, maxAllowed, mean, meanAllowed)
			}
		})
	}
}

// resizeSolid returns a w x h image of one colour.
func resizeSolid(w, h int, r, g, b uint8) *Image {
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
		{"resizeSolid stays resizeSolid down", resizeSolid(16, 16, 10, 200, 30), image.Rect(0, 0, 16, 16), 3, 5, 2, 4, 10, 200, 30},
		{"resizeSolid stays resizeSolid up", resizeSolid(2, 2, 10, 200, 30), image.Rect(0, 0, 2, 2), 7, 9, 6, 8, 10, 200, 30},
		{"same size is a copy", resizeGradient(4, 3), image.Rect(0, 0, 4, 3), 4, 3, 3, 2, 3 * 40, 2 * 40, 7},
		{"region at same size is a crop", resizeGradient(4, 3), image.Rect(1, 1, 3, 3), 2, 2, 1, 0, 2 * 40, 1 * 40, 7},
		{"region outside the image is black", resizeSolid(4, 4, 255, 255, 255), image.Rect(4, 4, 8, 8), 2, 2, 0, 0, 0, 0, 0},
		{"region half outside is white then black", resizeSolid(4, 4, 255, 255, 255), image.Rect(0, 0, 8, 4), 8, 4, 0, 0, 255, 255, 255},
		{"region half outside, far side black", resizeSolid(4, 4, 255, 255, 255), image.Rect(0, 0, 8, 4), 8, 4, 7, 0, 0, 0, 0},
		// PIL's BILINEAR gives 125 and 130 here (the tent is cut at the edge);
		// a sampling resizer would give 0 or 255.
		{"16x down-scale averages", resizeStripes(32, 2), image.Rect(0, 0, 32, 2), 2, 1, 0, 0, 125, 125, 125},
		{"16x down-scale averages, right", resizeStripes(32, 2), image.Rect(0, 0, 32, 2), 2, 1, 1, 0, 130, 130, 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ResizeRegion(tt.src, tt.r, tt.w, tt.h)
			if got.W != tt.w || got.H != tt.h {
				t.Fatalf("size %dx%d, want %dx%d", got.W, got.H, tt.w, tt.h)
			}
			r, g, b := got.RGB(tt.x, tt.y)
			if !levelsNear(r, tt.wr) || !levelsNear(g, tt.wg) || !levelsNear(b, tt.wb) {
				t.Errorf("pixel (%d,%d) = %d,%d,%d, want %d,%d,%d (+-1)", tt.x, tt.y, r, g, b, tt.wr, tt.wg, tt.wb)
			}
		})
	}
}

// resizeGradient returns a w x h image whose pixel (x, y) is (40x, 40y, 7).
func resizeGradient(w, h int) *Image {
	m := NewImage(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetRGB(x, y, uint8(40*x), uint8(40*y), 7)
		}
	}
	return m
}

// resizeStripes returns a w x h image of one-pixel vertical resizeStripes, black on even
// columns and white on odd ones: the worst case for a sampling resizer, which
// would return pure black or pure white instead of the mean grey.
func resizeStripes(w, h int) *Image {
	m := NewImage(w, h)
	for y := 0; y < h; y++ {
		for x := 1; x < w; x += 2 {
			m.SetRGB(x, y, 255, 255, 255)
		}
	}
	return m
}

// levelsNear reports whether two levels differ by at most one.
func levelsNear(a, b uint8) bool { return a-b <= 1 || b-a <= 1 }

func TestResizeDoesNotAlias(t *testing.T) {
	src := resizeGradient(4, 3)
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
			ResizeRegion(resizeSolid(4, 4, 1, 2, 3), tt.r, tt.w, tt.h)
		})
	}
}
