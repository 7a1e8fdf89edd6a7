package dataset

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// Crops that end in a resize. Every resize goes through resampleRegion
// (augment_resample.go): PIL's antialiased bilinear filter, level for level,
// reading only the crop's pixels, so a crop and its resize cost one pass.

// RandomResizedCrop crops a random region of random area and aspect ratio and
// resizes it to Size x Size, with torchvision's sampling: up to ten times,
// draw an area fraction uniformly from Scale and an aspect ratio (w/h)
// log-uniformly from Ratio, round the side lengths half to even, and keep the
// first region that fits, at a uniformly drawn position; when none fits, fall
// back to the largest centred region whose aspect ratio lies within Ratio.
type RandomResizedCrop struct {
	Size  int        // output side in pixels; must be positive
	Scale [2]float64 // range of the crop's area over the image's; default {0.08, 1}; zero means the default
	Ratio [2]float64 // range of the crop's width over height; default {3/4, 4/3}; zero means the default
}

// DefaultRandomResizedCrop returns torchvision's RandomResizedCrop(size):
// scale (0.08, 1), ratio (3/4, 4/3).
func DefaultRandomResizedCrop(size int) RandomResizedCrop {
	return RandomResizedCrop{Size: size, Scale: [2]float64{0.08, 1}, Ratio: [2]float64{3.0 / 4, 4.0 / 3}}
}

func (t RandomResizedCrop) ranges() (scale, ratio [2]float64) {
	scale, ratio = t.Scale, t.Ratio
	if scale == [2]float64{} {
		scale = [2]float64{0.08, 1}
	}
	if ratio == [2]float64{} {
		ratio = [2]float64{3.0 / 4, 4.0 / 3}
	}
	return scale, ratio
}

// Params draws the crop rectangle for a w x h image from rng.
func (t RandomResizedCrop) Params(rng *rand.Rand, w, h int) image.Rectangle {
	scale, ratio := t.ranges()
	area := float64(w) * float64(h)
	logLo, logHi := math.Log(ratio[0]), math.Log(ratio[1])
	for range 10 {
		target := area * randUniform(rng, scale[0], scale[1])
		aspect := math.Exp(randUniform(rng, logLo, logHi))
		cw := int(math.RoundToEven(math.Sqrt(target * aspect)))
		ch := int(math.RoundToEven(math.Sqrt(target / aspect)))
		if cw > 0 && cw <= w && ch > 0 && ch <= h {
			x := rng.IntN(w - cw + 1)
			y := rng.IntN(h - ch + 1)
			return image.Rect(x, y, x+cw, y+ch)
		}
	}
	cw, ch := w, h
	lo, hi := min(ratio[0], ratio[1]), max(ratio[0], ratio[1])
	switch in := float64(w) / float64(h); {
	case in < lo:
		ch = int(math.RoundToEven(float64(w) / lo))
	case in > hi:
		cw = int(math.RoundToEven(float64(h) * hi))
	}
	x, y := (w-cw)/2, (h-ch)/2
	return image.Rect(x, y, x+cw, y+ch)
}

// Apply crops and resizes m with a rectangle drawn from rng. It panics if
// Size is not positive.
func (t RandomResizedCrop) Apply(rng *rand.Rand, m *Image) *Image {
	if t.Size <= 0 {
		panic(fmt.Sprintf("dataset: RandomResizedCrop size %d must be positive", t.Size))
	}
	return resampleRegion(m, t.Params(rng, m.W, m.H), t.Size, t.Size)
}

// SquareCropRect returns the largest square inside a w x h image placed at
// fraction (px, py) of the free space (0 left/top, 0.5 centred, 1
// right/bottom), truncated to whole pixels as fastai's Resize does.
func SquareCropRect(w, h int, px, py float64) image.Rectangle {
	side := min(w, h)
	x := int(px * float64(w-side))
	y := int(py * float64(h-side))
	return image.Rect(x, y, x+side, y+side)
}

// ResizeCrop is fastai's Resize(size) with its default method, crop: the
// largest square of the image (side = its shorter side) is cut out and
// resized to size x size. In training (train true) the square's position is
// drawn uniformly from rng (two numbers, as fastai draws two percentages); in
// validation it is centred and rng is not used (it may be nil).
func ResizeCrop(rng *rand.Rand, m *Image, size int, train bool) *Image {
	px, py := 0.5, 0.5
	if train {
		px, py = rng.Float64(), rng.Float64()
	}
	return resampleRegion(m, SquareCropRect(m.W, m.H, px, py), size, size)
}

// SquashResize resizes m to size x size without keeping its aspect ratio
// (fastai's ResizeMethod.Squash, the RotNet pretext's input).
func SquashResize(m *Image, size int) *Image {
	return resampleRegion(m, m.Bounds(), size, size)
}

// CenterCropResize is the evaluation transform: resize the shorter side to
// size and cut the centred size x size square. It is computed in one resize
// of the centred square of the shorter side, which equals torchvision's
// Resize(size) followed by CenterCrop(size) up to the sub-pixel rounding of
// the crop offset.
func CenterCropResize(m *Image, size int) *Image {
	return resampleRegion(m, SquareCropRect(m.W, m.H, 0.5, 0.5), size, size)
}
