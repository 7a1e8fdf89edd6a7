package ssl

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

// Rotations is the number of RotNet classes: k x 90 degrees, k in 0..3.
const Rotations = 4

// RotNet is the rotation pretext's network (Gidaris et al. 2018, as the
// blog builds it): an SE-ResNeXt body and fastai's create_head(nf, 4),
// whose output says by how many quarter turns the input was rotated. It is
// a 4-class models.Classifier, so its state names are "encoder.<timm key>"
// and "head.<index>.<name>" and its parameter groups body and head.
type RotNet struct {
	*models.Classifier
}

// NewRotNet builds the RotNet of arch with timm's and fastai's
// initialisation (wrap it in models.Seeded for reproducible weights).
func NewRotNet(arch string) (*RotNet, error) {
	c, err := models.NewClassifier(models.ClassifierConfig{Arch: arch, Classes: Rotations, Head: models.DefaultHeadConfig()})
	if err != nil {
		return nil, fmt.Errorf("ssl: RotNet: %w", err)
	}
	return &RotNet{Classifier: c}, nil
}

// body returns the encoder.
func (r *RotNet) body() *models.SEResNeXt { return r.Encoder }

// RotNetConfig is the RotNet pretext's configuration (DESIGN section 2,
// step 1). DefaultRotNetConfig returns the blog's.
type RotNetConfig struct {
	PretrainConfig
	// Size is the side every image is squash-resized (or, with CropScale,
	// cropped and resized) to before rotating (default 256; zero means the
	// default).
	Size int
	// CropScale, FlipP and Jitter augment each image before it is rotated
	// (dataset.RotNetAugment's fields of the same names: a RandomResizedCrop
	// with this area range instead of the squash, a horizontal flip with
	// probability FlipP, colour jitter). Default zero: none of them, as the
	// blog; dataset.AugmentedRotNet is the measured recipe (--augment).
	CropScale [2]float64
	FlipP     float64
	Jitter    dataset.ColorJitter
	// AllRotations feeds every image in all four rotations in the same
	// batch (Gidaris et al.'s training), so a batch of B images is 4B rows
	// and an epoch costs four times as much. Default false: one random
	// rotation per image, as the blog.
	AllRotations bool
}

// DefaultRotNetConfig returns the blog's RotNet: seresnext50_32x4d, all
// images sorted by name with the first 80% training and the rest
// validating, squash 256, no normalization, no augmentation, one rotation
// per image, batches of 64 (fastai's), cross-entropy, fit_one_cycle(25,
// 1e-4), seed 42.
func DefaultRotNetConfig() RotNetConfig {
	return RotNetConfig{PretrainConfig: defaultPretrain(64), Size: 256}
}

// Pipeline returns the dataset pipeline of c's inputs.
func (c RotNetConfig) Pipeline() dataset.RotNetAugment {
	return dataset.RotNetAugment{Size: c.Size, CropScale: c.CropScale, FlipP: c.FlipP, Jitter: c.Jitter}
}

// PretrainRotNet trains the RotNet pretext on every image of ds (train and
// test ids) and returns its encoder, written with the whole model to
// cfg.Out (see PretrainConfig). It stops within one batch when ctx is
// cancelled, returning ctx.Err().
func PretrainRotNet(ctx context.Context, ds *dataset.Dataset, cfg RotNetConfig) (*Result, error) {
	if cfg.Size == 0 {
		cfg.Size = 256
	}
	pipe := cfg.Pipeline()
	if err := pipe.Check(); err != nil {
		return nil, fmt.Errorf("ssl: RotNet inputs: %w", err)
	}
	p, err := cfg.PretrainConfig.filled(64, cfg.Size)
	if err != nil {
		return nil, err
	}
	if res, err := p.resumed(); res != nil || err != nil {
		return res, err
	}
	trainP, validP := split(ds.AllImages(), p.ValidPct, true, p.Seed)
	data, err := p.loaders(trainP, validP, pipe, pipe)
	if err != nil {
		return nil, err
	}
	net, err := models.Seeded(p.Seed, func() (*RotNet, error) { return NewRotNet(p.Arch) })
	if err != nil {
		return nil, err
	}
	meta := checkpoint.Meta{ImageSize: cfg.Size, Extra: cfg.describe()}
	if cfg.AllRotations {
		return p.fit(ctx, "rotnet", allRotations{net}, AllRotationsTask{}, data, meta)
	}
	return p.fit(ctx, "rotnet", net, train.CrossEntropy{NumClasses: Rotations}, data, meta)
}

// describe returns the sidecar entries of the options that differ from the
// blog's (none for the default).
func (c RotNetConfig) describe() map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	m := map[string]string{}
	if c.CropScale != [2]float64{} {
		m["crop_scale"] = f(c.CropScale[0]) + "," + f(c.CropScale[1])
	}
	if c.FlipP != 0 {
		m["flip_p"] = f(c.FlipP)
	}
	if j := c.Jitter; j != (dataset.ColorJitter{}) {
		m["jitter"] = f(j.Brightness) + "," + f(j.Contrast) + "," + f(j.Saturation) + "," + f(j.Hue)
	}
	if c.AllRotations {
		m["all_rotations"] = "true"
	}
	return m
}

// allRotations is a RotNet that sees each input in all four rotations.
type allRotations struct{ *RotNet }

// Forward turns the batch by 0, 1, 2 and 3 more quarter turns (the same
// direction as dataset.Rot90) and classifies all of them: block j of the
// output holds the rows turned j more.
func (r allRotations) Forward(x torch.Tensor) torch.Tensor {
	turns := make([]torch.Tensor, Rotations)
	for j := range turns {
		turns[j] = torch.Rot90(x, int64(j), 2, 3) // (N, 3, H, W), turned j more (square images)
	}
	return r.RotNet.Forward(torch.Cat(turns, 0)) // (4N, 4)
}

// AllRotationsTask is RotNet's cross-entropy when each batch row was fed in
// all four rotations: out has 4N rows, block j (rows jN..jN+N-1) the
// batch's images turned j quarter turns more, so row jN+i's label is
// (b.Labels[i] + j) mod 4.
type AllRotationsTask struct{}

// Loss returns the mean cross-entropy over the 4N rows.
func (t AllRotationsTask) Loss(out torch.Tensor, b *dataset.Batch, _ bool) torch.Tensor {
	return train.LabelCrossEntropy(out, t.RowLabels(b), Rotations)
}

// Classes returns the number of rotation classes, so that validation
// reports RotNet's accuracy.
func (AllRotationsTask) Classes() int { return Rotations }

// RowLabels returns the label of each of the 4N output rows (see
// AllRotationLabels): validation scores every rotation of every image.
func (AllRotationsTask) RowLabels(b *dataset.Batch) []int {
	l := AllRotationLabels(b.Labels)
	out := make([]int, len(l))
	for i, v := range l {
		out[i] = int(v)
	}
	return out
}

// AllRotationLabels returns the labels of the four blocks of an
// all-rotations forward: block j holds (labels[i] + j) mod 4. It panics on
// a negative label (an unlabelled row), which no RotNet pipeline makes.
func AllRotationLabels(labels []int) []int64 {
	out := make([]int64, 0, Rotations*len(labels))
	for j := range Rotations {
		for i, l := range labels {
			if l < 0 {
				panic(fmt.Sprintf("ssl: row %d of the RotNet batch has no rotation label", i))
			}
			out = append(out, int64((l+j)%Rotations))
		}
	}
	return out
}
