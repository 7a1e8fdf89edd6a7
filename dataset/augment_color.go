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
	for i, v := range m.Pix {
		m.Pix[i] = fromUnit(f * toUnit(v))
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
	for i, v := range m.Pix {
		m.Pix[i] = fromUnit(f*toUnit(v) + base)
	}
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
	p := m.Pix
	for i := 0; i < len(p); i += 3 {
		g := (1 - f) * luma(p[i], p[i+1], p[i+2])
		p[i] = fromUnit(f*toUnit(p[i]) + g)
		p[i+1] = fromUnit(f*toUnit(p[i+1]) + g)
		p[i+2] = fromUnit(f*toUnit(p[i+2]) + g)
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

func adjustHue(m *Image, shift float32) {
	p := m.Pix
	for i := 0; i < len(p); i += 3 {
		h, s, v := rgbToHSV(toUnit(p[i]), toUnit(p[i+1]), toUnit(p[i+2]))
		h += shift + 1 // in (0.5, 2): truncation is the floor
		h -= float32(int(h))
		r, g, b := hsvToRGB(h, s, v)
		p[i], p[i+1], p[i+2] = fromUnit(r), fromUnit(g), fromUnit(b)
	}
}

// rgbToHSV converts a colour in [0, 1] to hue (turns, in [0, 1)),
// saturation and value; grays get hue and saturation 0.
func rgbToHSV(r, g, b float32) (h, s, v float32) {
	maxc := max(r, g, b)
	minc := min(r, g, b)
	if maxc == minc {
		return 0, 0, maxc
	}
	cr := maxc - minc
	s = cr / maxc
	rc, gc, bc := (maxc-r)/cr, (maxc-g)/cr, (maxc-b)/cr
	switch {
	case maxc == r:
		h = bc - gc
	case maxc == g:
		h = 2 + rc - bc
	default:
		h = 4 + gc - rc
	}
	h = h/6 + 1 // in (0, 2): truncation is the floor
	h -= float32(int(h))
	return h, s, maxc
}

// hsvToRGB is the inverse of rgbToHSV.
func hsvToRGB(h, s, v float32) (r, g, b float32) {
	i := float32(int(h * 6)) // h >= 0: truncation is the floor
	f := h*6 - i
	p := clampUnit(v * (1 - s))
	q := clampUnit(v * (1 - s*f))
	t := clampUnit(v * (1 - s*(1-f)))
	switch int(i) % 6 {
	case 0:
		return v, t, p
	case 1:
		return q, v, p
	case 2:
		return p, v, t
	case 3:
		return p, q, v
	case 4:
		return t, p, v
	default:
		return v, p, q
	}
}

func clampUnit(f float32) float32 { return min(max(f, 0), 1) }

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
