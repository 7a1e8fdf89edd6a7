package ssl

import (
	"context"
	"fmt"

	"github.com/ppctl/ppctl/dataset"
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
	// Size is the side every image is squash-resized to before rotating
	// (default 256; zero means the default).
	Size int
}

// DefaultRotNetConfig returns the blog's RotNet: seresnext50_32x4d, all
// images sorted by name with the first 80% training and the rest
// validating, squash 256, no normalization, batches of 64 (fastai's),
// cross-entropy, fit_one_cycle(25, 1e-4), seed 42.
func DefaultRotNetConfig() RotNetConfig {
	return RotNetConfig{PretrainConfig: defaultPretrain(64), Size: 256}
}

// PretrainRotNet trains the RotNet pretext on every image of ds (train and
// test ids) and returns its encoder, written with the whole model to
// cfg.Out (see PretrainConfig). It stops within one batch when ctx is
// cancelled, returning ctx.Err().
func PretrainRotNet(ctx context.Context, ds *dataset.Dataset, cfg RotNetConfig) (*Result, error) {
	if cfg.Size == 0 {
		cfg.Size = 256
	}
	p, err := cfg.PretrainConfig.filled(64, cfg.Size)
	if err != nil {
		return nil, err
	}
	if res, err := p.resumed(); res != nil || err != nil {
		return res, err
	}
	trainP, validP := split(ds.AllImages(), p.ValidPct, true, p.Seed)
	pipe := dataset.RotNetAugment{Size: cfg.Size}
	data, err := p.loaders(trainP, validP, pipe, pipe)
	if err != nil {
		return nil, err
	}
	net, err := models.Seeded(p.Seed, func() (*RotNet, error) { return NewRotNet(p.Arch) })
	if err != nil {
		return nil, err
	}
	meta := checkpoint.Meta{ImageSize: cfg.Size}
	return p.fit(ctx, "rotnet", net, train.CrossEntropy{NumClasses: Rotations}, data, meta)
}
