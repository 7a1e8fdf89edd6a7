package dataset

import "math/rand/v2"

// ColorJitter randomly changes brightness, contrast, saturation and hue with
// torchvision's semantics: each enabled adjustment gets a factor drawn
// uniformly from [max(0, 1-x), 1+x] (hue: a shift drawn from [-Hue, Hue]),
// and the four are applied in a random order. A zero field disables its
// adjustment; the zero ColorJitter changes nothing.
//
// The SimCLR pipeline uses ColorJitter(0.8s, 0.8s, 0.8s, 0.2s) with s = 0.6,
// applied to every view: the blog's get_aug_pipe builds it with
// kornia.augmentation.ColorJitter, whose default p is 1.0. (kornia 0.4's
// brightness is additive and its contrast a plain multiplication; ppctl
// follows torchvision, as the SimCLR paper's reference code does.)
type ColorJitter struct {
	Brightness float64 // brightness factor in [max(0,1-x), 1+x]; 0 disables
	Contrast   float64 // contrast factor in [max(0,1-x), 1+x]; 0 disables
	Saturation float64 // saturation factor in [max(0,1-x), 1+x]; 0 disables
	Hue        float64 // hue shift in [-x, x] turns, x <= 0.5; 0 disables
}

// SimCLRColorJitter returns the jitter of the SimCLR recipe for strength s:
// ColorJitter(0.8s, 0.8s, 0.8s, 0.2s). The blog's s is 0.6.
func SimCLRColorJitter(s float64) ColorJitter {
	return ColorJitter{Brightness: 0.8 * s, Contrast: 0.8 * s, Saturation: 0.8 * s, Hue: 0.2 * s}
}

// JitterParams are the factors and the order one ColorJitter draw chose.
// A factor of 1 (hue 0) means that adjustment is disabled.
type JitterParams struct {
	Order                            [4]int // 0 brightness, 1 contrast, 2 saturation, 3 hue
	Brightness, Contrast, Saturation float64
	Hue                              float64
}

// Params draws an order and the factors from rng. It always draws the order
// (a permutation of four) and then one number per enabled adjustment, in the
// order brightness, contrast, saturation, hue, as torchvision's get_params.
func (j ColorJitter) Params(rng *rand.Rand) JitterParams {
	p := JitterParams{Brightness: 1, Contrast: 1, Saturation: 1}
	copy(p.Order[:], rng.Perm(4))
	factor := func(x float64) float64 {
		if x <= 0 {
			return 1
		}
		return randUniform(rng, max(0, 1-x), 1+x)
	}
	p.Brightness = factor(j.Brightness)
	p.Contrast = factor(j.Contrast)
	p.Saturation = factor(j.Saturation)
	if h := min(j.Hue, 0.5); h > 0 {
		p.Hue = randUniform(rng, -h, h)
	}
	return p
}

// Apply draws parameters from rng and returns the jittered copy of m.
func (j ColorJitter) Apply(rng *rand.Rand, m *Image) *Image {
	out := m.Clone()
	j.Params(rng).applyInPlace(out)
	return out
}

// Apply returns m adjusted with these fixed parameters.
func (p JitterParams) Apply(m *Image) *Image {
	out := m.Clone()
	p.applyInPlace(out)
	return out
}

// applyInPlace runs the enabled adjustments on m in p.Order.
func (p JitterParams) applyInPlace(m *Image) {
	for _, op := range p.Order {
		switch {
		case op == 0 && p.Brightness != 1:
			adjustBrightness(m, float32(p.Brightness))
		case op == 1 && p.Contrast != 1:
			adjustContrast(m, float32(p.Contrast))
		case op == 2 && p.Saturation != 1:
			adjustSaturation(m, float32(p.Saturation))
		case op == 3 && p.Hue != 0:
			adjustHue(m, float32(p.Hue))
		}
	}
}

// uniform draws from [lo, hi).
func randUniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*rng.Float64()
}
