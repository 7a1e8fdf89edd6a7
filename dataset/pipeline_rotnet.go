package dataset

import "math/rand/v2"

// RotNetAugment makes the RotNet pretext's input (DESIGN section 2): the
// image squash-resized to Size x Size, rotated counter-clockwise by k x 90
// degrees with k drawn uniformly from {0, 1, 2, 3}; the label is k.
type RotNetAugment struct {
	Size int           // side of the squashed image; default 256; zero means the default
	Norm Normalization // default none (the blog's RotNet used no normalization)
}

// DefaultRotNetAugment returns the blog's settings: 256, no normalization.
func DefaultRotNetAugment() RotNetAugment { return RotNetAugment{Size: 256} }

// Views is 1.
func (a RotNetAugment) Views() int { return 1 }

// ViewSize is the side of the squashed image.
func (a RotNetAugment) ViewSize() int { return orDefault(a.Size, 256) }

// Check reports impossible settings.
func (a RotNetAugment) Check() error { return checkSide("RotNet size", a.Size) }

// Apply writes the rotated image and returns its rotation k.
func (a RotNetAugment) Apply(rng *rand.Rand, src *Image, views [][]float32) int {
	k := rng.IntN(4)
	ToCHW(Rot90(SquashResize(src, a.ViewSize()), k), views[0], a.Norm)
	return k
}
