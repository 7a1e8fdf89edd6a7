package dataset

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// augGolden is dataset/testdata/augment/golden.json, written by
// scripts/gen_augment_golden.py from torchvision 0.14 and PIL.
type augGolden struct {
	W, H   int
	Src    []uint8
	Colour []struct {
		Op     string
		Factor float64
		Out    []float64 // HWC on the 0..255 scale, unrounded
	}
	Blur []struct {
		Kernel int
		Sigma  float64
		Out    []float64 // HWC on the 0..255 scale, unrounded
	}
	Gray  []uint8
	Rot90 []struct {
		K, W, H int
		Pix     []uint8
	}
	ImagenetCHW []float32 `json:"imagenet_chw"`
	PlainCHW    []float32 `json:"plain_chw"`
}

func loadAugGolden(t *testing.T) (augGolden, *Image) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "augment", "golden.json"))
	if err != nil {
		t.Fatalf("reading golden file (regenerate with /usr/bin/python3 scripts/gen_augment_golden.py): %v", err)
	}
	var g augGolden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("parsing golden file: %v", err)
	}
	src := &Image{W: g.W, H: g.H, Pix: g.Src}
	if len(g.Src) != 3*g.W*g.H {
		t.Fatalf("golden src has %d bytes, want %d", len(g.Src), 3*g.W*g.H)
	}
	return g, src
}

// checkRounded demands that every 8-bit level of got is the rounding of the
// unrounded reference want (within half a level plus float slack).
func checkRounded(t *testing.T, got *Image, want []float64) {
	t.Helper()
	if len(got.Pix) != len(want) {
		t.Fatalf("got %d values, want %d", len(got.Pix), len(want))
	}
	for i, v := range got.Pix {
		if d := math.Abs(float64(v) - want[i]); d > 0.5+1e-3 {
			x, y, c := (i/3)%got.W, (i/3)/got.W, i%3
			t.Errorf("pixel (%d,%d) channel %d: got %d, want %.4f (torchvision)", x, y, c, v, want[i])
		}
	}
}

func TestColourAdjustmentsMatchTorchvision(t *testing.T) {
	g, src := loadAugGolden(t)
	ops := map[string]func(*Image, float64) *Image{
		"brightness": AdjustBrightness,
		"contrast":   AdjustContrast,
		"saturation": AdjustSaturation,
		"hue":        AdjustHue,
	}
	if len(g.Colour) == 0 {
		t.Fatal("golden file has no colour cases")
	}
	for _, c := range g.Colour {
		t.Run(c.Op+"_"+ftoa(c.Factor), func(t *testing.T) {
			before := src.Clone()
			checkRounded(t, ops[c.Op](src, c.Factor), c.Out)
			if string(before.Pix) != string(src.Pix) {
				t.Errorf("%s modified its input", c.Op)
			}
		})
	}
}

func TestBlurMatchesTorchvision(t *testing.T) {
	g, src := loadAugGolden(t)
	for _, c := range g.Blur {
		t.Run("k"+ftoa(float64(c.Kernel))+"_s"+ftoa(c.Sigma), func(t *testing.T) {
			checkRounded(t, Blur(src, c.Kernel, c.Sigma), c.Out)
		})
	}
}

func TestGrayscaleMatchesPIL(t *testing.T) {
	g, src := loadAugGolden(t)
	got := Grayscale(src)
	for i, l := range g.Gray {
		for c := range 3 {
			if v := got.Pix[3*i+c]; v != l {
				t.Errorf("pixel (%d,%d) channel %d: got %d, want %d (PIL L)", i%g.W, i/g.W, c, v, l)
			}
		}
	}
}

func TestRot90MatchesTorch(t *testing.T) {
	g, src := loadAugGolden(t)
	for _, c := range g.Rot90 {
		t.Run("k"+ftoa(float64(c.K)), func(t *testing.T) {
			got := Rot90(src, c.K)
			if got.W != c.W || got.H != c.H {
				t.Fatalf("size: got %dx%d, want %dx%d", got.W, got.H, c.W, c.H)
			}
			if string(got.Pix) != string(c.Pix) {
				t.Errorf("pixels: got %v, want %v (torch.rot90)", got.Pix, c.Pix)
			}
		})
	}
}

func TestToCHWMatchesTorchvision(t *testing.T) {
	g, src := loadAugGolden(t)
	cases := []struct {
		name string
		norm Normalization
		want []float32
	}{
		{"plain", Normalization{}, g.PlainCHW},
		{"imagenet", ImageNet, g.ImagenetCHW},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := make([]float32, 3*src.W*src.H)
			ToCHW(src, got, c.norm)
			for i := range got {
				if d := math.Abs(float64(got[i] - c.want[i])); d > 1e-5 {
					t.Errorf("value %d: got %v, want %v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func ftoa(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
