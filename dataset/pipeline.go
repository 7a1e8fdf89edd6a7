package dataset

import (
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
)

// Pipeline turns one decoded image into the float32 tensors of one training
// example. Implementations are settings structs (SimCLRAugment,
// RotNetAugment, TrainAugment, EvalAugment) whose Apply is deterministic
// given rng and never modifies src, which may be shared through the Cache.
type Pipeline interface {
	// Views is the number of tensors made from one image: 2 for SimCLR, 1
	// otherwise.
	Views() int
	// ViewSize is the side of every (square) view in pixels; each view holds
	// 3*ViewSize*ViewSize floats, channels first.
	ViewSize() int
	// Check reports settings that cannot work, in words a user can act on.
	Check() error
	// Apply augments src with rng and writes view v into views[v] (each of
	// length 3*ViewSize*ViewSize), every value of it: a Loader reuses the
	// memory of released batches without zeroing it. It returns the label
	// the pipeline assigns (the RotNet rotation k), or -1 when the image's
	// own label stands.
	Apply(rng *rand.Rand, src *Image, views [][]float32) int
}

// NoLabel is what Pipeline.Apply returns when the pipeline assigns no label
// of its own, and what a Batch holds for rows of unlabelled images.
const NoLabel = -1

// SimCLRAugment makes the two views of the SimCLR pretext (DESIGN section 2,
// the blog's get_aug_pipe): the image is first resized to Resize with
// fastai's Resize crop (a random square in training, the centred one
// otherwise), then each view independently gets a RandomResizedCrop to Size,
// a horizontal flip and, with Color, ColorJitter(0.8s, 0.8s, 0.8s, 0.2s)
// applied to every view (kornia's ColorJitter defaults to p = 1) followed by
// RandomGrayscale.
type SimCLRAugment struct {
	Resize   int               // side after fastai's Resize crop; default 256; zero means the default
	Train    bool              // random square crop (training) or centred (validation); default true; zero (false) is the validation crop
	Crop     RandomResizedCrop // per-view crop; default Size 128, Scale {0.2, 1}, Ratio {3/4, 4/3}; zero Size means 128, zero Scale or Ratio RandomResizedCrop's own defaults
	FlipP    float64           // probability of a horizontal flip per view; default 0.5; zero never flips
	Color    bool              // add colour jitter and random grayscale; default false (the blog ran with color=False)
	Strength float64           // jitter strength s of ColorJitter(0.8s, 0.8s, 0.8s, 0.2s); default 0.6; used only with Color
	GrayP    float64           // probability of grayscale per view; default 0.2; used only with Color
	Norm     Normalization     // applied to each view; default none (stats=None)
}

// DefaultSimCLRAugment returns the blog's SimCLR settings: Resize 256 (train
// crop), views of 128 with scale (0.2, 1) and ratio (3/4, 4/3), flip 0.5,
// colour off (s = 0.6 and grayscale 0.2 when switched on), no
// normalization.
func DefaultSimCLRAugment() SimCLRAugment {
	return SimCLRAugment{
		Resize:   256,
		Train:    true,
		Crop:     RandomResizedCrop{Size: 128, Scale: [2]float64{0.2, 1}, Ratio: [2]float64{3.0 / 4, 4.0 / 3}},
		FlipP:    0.5,
		Strength: 0.6,
		GrayP:    0.2,
	}
}

// Views is 2: row i and row i+B of a batch are the two views of image i.
func (a SimCLRAugment) Views() int { return 2 }

// ViewSize is the side of each view (Crop.Size, 128 by default).
func (a SimCLRAugment) ViewSize() int { return orDefault(a.Crop.Size, 128) }

// Check reports impossible settings.
func (a SimCLRAugment) Check() error {
	return errors.Join(
		checkSide("SimCLR resize", a.Resize),
		checkSide("SimCLR view size", a.Crop.Size),
		checkProb("SimCLR flip probability", a.FlipP),
		checkProb("SimCLR grayscale probability", a.GrayP),
		checkRanges("SimCLR crop", a.Crop),
	)
}

// Apply writes the two views of src. Every random choice is drawn first,
// in the order of the plain composition (per view: crop, flip, then with
// Color the jitter and the grayscale draw). Only the part of the square
// crop that the two views cover is packed for resizing (a quarter of it is
// left out on average), once for both views (when src's shorter side
// already equals Resize, as with a cache whose Side is Resize, no resize
// happens before the views), and without colour each view is resized
// straight into its tensor, the flip folded into the write. These
// shortcuts give exactly the values of the plain composition of the
// exported transforms.
func (a SimCLRAugment) Apply(rng *rand.Rand, src *Image, views [][]float32) int {
	size := orDefault(a.Resize, 256)
	px, py := 0.5, 0.5
	if a.Train {
		px, py = rng.Float64(), rng.Float64()
	}
	sq := SquareCropRect(src.W, src.H, px, py)
	crop := a.Crop
	crop.Size = a.ViewSize()
	jitter := SimCLRColorJitter(a.Strength)
	var draws [2]simCLRDraw
	for v := range draws {
		d := &draws[v]
		d.crop = crop.Params(rng, size, size)
		d.mirror = rng.Float64() < a.FlipP
		if a.Color {
			d.jitter = jitter.Params(rng)
			d.gray = rng.Float64() < a.GrayP
		}
	}
	cover := draws[0].crop.Union(draws[1].crop)
	var base *packedImage
	if sq.Dx() == size {
		base = packImage(src, cover.Add(sq.Min))
	} else {
		base = packImage(resampleRegion(src, sq, size, size), cover)
	}
	defer base.release()
	for v, d := range draws {
		r := d.crop.Sub(cover.Min)
		if !a.Color {
			base.resizeToCHW(r, crop.Size, views[v], a.Norm, d.mirror)
			continue
		}
		m := base.resizeToImage(r, crop.Size, crop.Size)
		// Colour operations act per pixel (contrast's mean is the same for a
		// mirrored image), so mirroring last changes nothing.
		d.jitter.applyInPlace(m)
		if d.gray {
			grayscale(m)
		}
		toCHW(m, views[v], a.Norm, d.mirror)
	}
	return NoLabel
}

// simCLRDraw holds the random choices of one SimCLR view.
type simCLRDraw struct {
	crop   image.Rectangle
	mirror bool
	jitter JitterParams
	gray   bool
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func checkSide(what string, v int) error {
	if v < 0 {
		return fmt.Errorf("dataset: %s is %d pixels; give a positive size (or 0 for the default)", what, v)
	}
	return nil
}

func checkProb(what string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("dataset: %s is %g; give a probability between 0 and 1", what, p)
	}
	return nil
}

func checkRanges(what string, c RandomResizedCrop) error {
	scale, ratio := c.ranges()
	if !(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1) {
		return fmt.Errorf("dataset: %s scale %v must satisfy 0 < min <= max <= 1", what, scale)
	}
	if !(ratio[0] > 0 && ratio[0] <= ratio[1]) {
		return fmt.Errorf("dataset: %s ratio %v must satisfy 0 < min <= max", what, ratio)
	}
	return nil
}
