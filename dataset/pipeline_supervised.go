package dataset

import (
	"errors"
	"math/rand/v2"
)

// TrainAugment is the supervised fine-tuning transform (DESIGN section 2,
// steps 3 and 4): RandomResizedCrop to Size with scale (MinScale, 1) and
// ratio (3/4, 4/3), a horizontal flip, ImageNet normalization.
type TrainAugment struct {
	Size     int           // output side; default 228; zero means the default
	MinScale float64       // smallest area fraction of the crop; default 0.35; zero means the default
	FlipP    float64       // horizontal flip probability; default 0.5; zero never flips
	Norm     Normalization // default ImageNet; the zero value means none
}

// DefaultTrainAugment returns RandomResizedCrop(228, min_scale=0.35) +
// FlipItem(0.5) + ImageNet normalization, the blog's fine-tuning transform.
func DefaultTrainAugment() TrainAugment {
	return TrainAugment{Size: 228, MinScale: 0.35, FlipP: 0.5, Norm: ImageNet}
}

// Views is 1.
func (a TrainAugment) Views() int { return 1 }

// ViewSize is the output side.
func (a TrainAugment) ViewSize() int { return orDefault(a.Size, 228) }

func (a TrainAugment) crop() RandomResizedCrop {
	ms := a.MinScale
	if ms == 0 {
		ms = 0.35
	}
	return RandomResizedCrop{Size: a.ViewSize(), Scale: [2]float64{ms, 1}, Ratio: [2]float64{3.0 / 4, 4.0 / 3}}
}

// Check reports impossible settings.
func (a TrainAugment) Check() error {
	return errors.Join(
		checkSide("training size", a.Size),
		checkProb("training flip probability", a.FlipP),
		checkRanges("training crop", a.crop()),
	)
}

// Apply writes the augmented image; the image's own label stands.
func (a TrainAugment) Apply(rng *rand.Rand, src *Image, views [][]float32) int {
	m := a.crop().Apply(rng, src)
	m = RandomFlipHorizontal(rng, m, a.FlipP)
	ToCHW(m, views[0], a.Norm)
	return NoLabel
}

// EvalAugment is the evaluation transform (validation, held-out folds,
// test; DESIGN section 3): resize the shorter side to Size, centre crop,
// ImageNet normalization. It uses no randomness.
type EvalAugment struct {
	Size int           // output side; default 228; zero means the default
	Norm Normalization // default ImageNet; the zero value means none
}

// DefaultEvalAugment returns the evaluation transform at 228 with ImageNet
// normalization.
func DefaultEvalAugment() EvalAugment { return EvalAugment{Size: 228, Norm: ImageNet} }

// Views is 1.
func (a EvalAugment) Views() int { return 1 }

// ViewSize is the output side.
func (a EvalAugment) ViewSize() int { return orDefault(a.Size, 228) }

// Check reports impossible settings.
func (a EvalAugment) Check() error { return checkSide("evaluation size", a.Size) }

// Apply writes the centre crop; rng is not used.
func (a EvalAugment) Apply(_ *rand.Rand, src *Image, views [][]float32) int {
	ToCHW(CenterCropResize(src, a.ViewSize()), views[0], a.Norm)
	return NoLabel
}
