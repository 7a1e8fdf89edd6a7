package dataset

import "math/rand/v2"

// Colour adjustments follow torchvision's functional ops on float tensors
// (torchvision 0.14, transforms/functional_tensor.py): each pixel is read as
// float32 in [0, 1], adjusted, clamped to [0, 1] and rounded back to 8 bits.
// Rounding is to nearest (torchvision's uint8 path truncates, which darkens
// an image by half a level on average). The grayscale used inside contrast
// and saturation is torchvision's 0.2989 R + 0.587 G + 0.114 B; Grayscale
// itself matches PIL's convert("L"), as torchvision's Grayscale does on PIL
// images. dataset/testdata/augment/golden.json, written by
// scripts/gen_augment_golden.py, holds torchvision's and PIL's answers.
//
// The exported functions return a new image; the ColorJitter pipeline works
// in place on its own copy.

// Luma weights of ITU-R 601-2 as torchvision's rgb_to_grayscale uses them.
const (
	lumaR = 0.2989
	lumaG = 0.587
	lumaB = 0.114
)

// toUnit maps an 8-bit level to [0, 1].
func toUnit(v uint8) float32 { return float32(v) * (1.0 / 255) }

// fromUnit clamps f to [0, 1] and rounds it to the nearest 8-bit level.
func fromUnit(f float32) uint8 {
	if f <= 0 {
		return 0
	}
	if f >= 1 {
		return 255
	}
	return uint8(f*255 + 0.5)
}

// AdjustBrightness multiplies every channel by factor (0 gives black, 1 the
// image unchanged), clamping to white, as torchvision's adjust_brightness.
func AdjustBrightness(m *Image, factor float64) *Image {
	out := m.Clone()
	adjustBrightness(out, float32(factor))
	return out
}

func adjustBrightness(m *Image, f float32) {
	var lut [256]uint8
	for v := range lut {
		lut[v] = fromUnit(f * toUnit(uint8(v)))
	}
	applyLevels(m, &lut)
}

// applyLevels maps every 8-bit value of m through lut: an adjustment whose
// result depends on the value alone costs a lookup per value, however
// many float operations built the table.
func applyLevels(m *Image, lut *[256]uint8) {
	for i, v := range m.Pix {
		m.Pix[i] = lut[v]
	}
}

// AdjustContrast blends m with the mean of its grayscale (one value for the
// whole image): factor 0 gives a uniform gray image, 1 the image unchanged,
// above 1 more contrast, as torchvision's adjust_contrast.
func AdjustContrast(m *Image, factor float64) *Image {
	out := m.Clone()
	adjustContrast(out, float32(factor))
	return out
}

func adjustContrast(m *Image, f float32) {
	if m.W*m.H == 0 {
		return
	}
	var sum float64
	for i := 0; i < len(m.Pix); i += 3 {
		sum += float64(luma(m.Pix[i], m.Pix[i+1], m.Pix[i+2]))
	}
	mean := float32(sum / float64(m.W*m.H))
	base := (1 - f) * mean
	var lut [256]uint8
	for v := range lut {
		lut[v] = fromUnit(f*toUnit(uint8(v)) + base)
	}
	applyLevels(m, &lut)
}

// luma is torchvision's float grayscale of an 8-bit pixel, in [0, 1].
func luma(r, g, b uint8) float32 {
	return lumaR*toUnit(r) + lumaG*toUnit(g) + lumaB*toUnit(b)
}

// AdjustSaturation blends every pixel with its own grayscale value: factor 0
// gives a grayscale image, 1 the image unchanged, 2 doubles the saturation,
// as torchvision's adjust_saturation.
func AdjustSaturation(m *Image, factor float64) *Image {
	out := m.Clone()
	adjustSaturation(out, float32(factor))
	return out
}

func adjustSaturation(m *Image, f float32) {
	var scaled [256]float32 // f times each level, as f*toUnit(v)
	for v := range scaled {
		scaled[v] = f * toUnit(uint8(v))
	}
	p := m.Pix
	for i := 0; i+2 < len(p); i += 3 {
		px := p[i : i+3 : i+3]
		g := (1 - f) * luma(px[0], px[1], px[2])
		px[0] = fromUnit(scaled[px[0]] + g)
		px[1] = fromUnit(scaled[px[1]] + g)
		px[2] = fromUnit(scaled[px[2]] + g)
	}
}

// AdjustHue shifts the hue of every pixel by factor turns of the colour
// wheel in HSV space (factor in [-0.5, 0.5]; 0 leaves the image unchanged,
// ±0.5 gives the complementary colours), as torchvision's adjust_hue. Grays
// stay gray. It panics if factor is outside [-0.5, 0.5].
func AdjustHue(m *Image, factor float64) *Image {
	if factor < -0.5 || factor > 0.5 {
		panic("dataset: AdjustHue factor must lie in [-0.5, 0.5]")
	}
	out := m.Clone()
	adjustHue(out, float32(factor))
	return out
}

// adjustHue rotates hues without leaving 8-bit levels: a hue rotation
// keeps every pixel's largest and smallest channel (HSV's value and
// v*(1-s)) and moves only the middle one, to min + c*f or max - c*f, where
// c = max - min and f is the fraction of the new hue's sixth of the wheel;
// which channel gets which depends on that sixth. That is torchvision's
// round trip through HSV (TestAdjustHueEqualsHSVRoundTrip checks it
// against one in float64) without its divisions and clamps.
func adjustHue(m *Image, shift float32) {
	s6 := 6 * shift
	p := m.Pix
	for i := 0; i+2 < len(p); i += 3 {
		px := p[i : i+3 : i+3]
		r, g, b := int32(px[0]), int32(px[1]), int32(px[2])
		hi, lo := max(r, g, b), min(r, g, b)
		c := hi - lo
		if c == 0 {
			continue // gray: no hue
		}
		var h6 float32 // hue in sixths of a turn, in [-1, 5]
		inv := reciprocals[c]
		switch hi {
		case r:
			h6 = float32(g-b) * inv
		case g:
			h6 = 2 + float32(b-r)*inv
		default:
			h6 = 4 + float32(r-g)*inv
		}
		h6 += s6 + 12 // in (8, 20): truncation is the floor
		k := int(h6)
		cf := float32(c) * (h6 - float32(k))
		up, down := uint8(float32(lo)+cf+0.5), uint8(float32(hi)-cf+0.5)
		H, L := uint8(hi), uint8(lo)
		switch k % 6 {
		case 0:
			px[0], px[1], px[2] = H, up, L
		case 1:
			px[0], px[1], px[2] = down, H, L
		case 2:
			px[0], px[1], px[2] = L, H, up
		case 3:
			px[0], px[1], px[2] = L, down, H
		case 4:
			px[0], px[1], px[2] = up, L, H
		default:
			px[0], px[1], px[2] = H, L, down
		}
	}
}

// reciprocals[c] is 1/c, for the hue of a pixel whose channels span c.
var reciprocals = func() (t [256]float32) {
	for c := 1; c < len(t); c++ {
		t[c] = 1 / float32(c)
	}
	return t
}()

// Grayscale returns m converted to gray with PIL's convert("L") arithmetic
// (ITU-R 601-2 luma, L = (19595 R + 38470 G + 7471 B + 2^15) >> 16), the
// value copied to all three channels as torchvision's Grayscale(3) does.
func Grayscale(m *Image) *Image {
	out := m.Clone()
	grayscale(out)
	return out
}

func grayscale(m *Image) {
	p := m.Pix
	for i := 0; i < len(p); i += 3 {
		l := uint8((19595*uint32(p[i]) + 38470*uint32(p[i+1]) + 7471*uint32(p[i+2]) + 1<<15) >> 16)
		p[i], p[i+1], p[i+2] = l, l, l
	}
}

// RandomGrayscale converts m to gray with probability p (torchvision's
// default 0.1; the SimCLR pipeline uses 0.2), drawing one number from rng
// whatever p is. When it does not convert it returns m itself.
func RandomGrayscale(rng *rand.Rand, m *Image, p float64) *Image {
	if rng.Float64() < p {
		return Grayscale(m)
	}
	return m
}
