package ssl

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
)

// SimCLR is the contrastive pretext's network (Chen et al. 2020, as the
// blog builds it with self_supervised): an SE-ResNeXt body followed by the
// projection MLP of NewProjection. Its state names are "encoder.<timm
// key>" and "projection.<index>.<name>"; its parameter groups are the body
// and the projection ("head").
type SimCLR struct {
	Encoder    *models.SEResNeXt
	Projection *models.Sequential
}

// NewSimCLR builds the SimCLR network of arch with timm's initialisation
// for the body and fastai's for the projection, in that order (wrap it in
// models.Seeded for reproducible weights).
func NewSimCLR(arch string, proj ProjectionConfig) (*SimCLR, error) {
	enc, err := models.New(models.Config{Arch: arch})
	if err != nil {
		return nil, fmt.Errorf("ssl: SimCLR: %w", err)
	}
	p, err := NewProjection(enc.FeatureDim(), proj)
	if err != nil {
		return nil, err
	}
	return &SimCLR{Encoder: enc, Projection: p}, nil
}

// Forward maps the 2B views of a batch to their projections:
// (2B, 3, H, W) -> (2B, Out).
func (s *SimCLR) Forward(x torch.Tensor) torch.Tensor {
	f := s.Encoder.Features(x)     // (2B, C, H/32, W/32)
	return s.Projection.Forward(f) // (2B, Out)
}

// SetTraining sets the mode of body and projection.
func (s *SimCLR) SetTraining(on bool) {
	s.Encoder.SetTraining(on)
	s.Projection.SetTraining(on)
}

// Entries lists encoder.* then projection.*.
func (s *SimCLR) Entries(prefix string) []models.Entry {
	return append(s.Encoder.Entries(prefix+"encoder."), s.Projection.Entries(prefix+"projection.")...)
}

// ParamGroups returns the body, then the projection as the head.
func (s *SimCLR) ParamGroups() []models.ParamGroup {
	return []models.ParamGroup{
		{Name: "body", Params: trainable(s.Encoder.Entries("encoder."))},
		{Name: "head", Params: trainable(s.Projection.Entries("projection."))},
	}
}

// body returns the encoder.
func (s *SimCLR) body() *models.SEResNeXt { return s.Encoder }

// SimCLRConfig is the SimCLR pretext's configuration (DESIGN section 2,
// step 2). DefaultSimCLRConfig returns the blog's.
type SimCLRConfig struct {
	PretrainConfig
	// Augment makes the two views (default dataset.DefaultSimCLRAugment():
	// Resize 256, RandomResizedCrop 128 with scale 0.2..1, flip, colour
	// off, no normalization). Its Train field is set per loader: random
	// square crop for training, centred for validation.
	Augment dataset.SimCLRAugment
	// Temperature is NT-Xent's τ (default 0.5; zero means the default).
	Temperature float64
	// Projection shapes the MLP (default 256 hidden, 128 out).
	Projection ProjectionConfig
}

// DefaultSimCLRConfig returns the blog's SimCLR: seresnext50_32x4d on
// train.csv's images with a seeded random 80/20 split, batches of 32
// images (64 views), the views above, NT-Xent at temperature 0.5,
// fit_one_cycle(25, 1e-4), seed 42.
func DefaultSimCLRConfig() SimCLRConfig {
	return SimCLRConfig{PretrainConfig: defaultPretrain(32), Augment: dataset.DefaultSimCLRAugment(),
		Temperature: DefaultTemperature, Projection: DefaultProjectionConfig()}
}

// PretrainSimCLR trains the SimCLR pretext on ds's training images and
// returns its encoder, written with the whole model to cfg.Out (see
// PretrainConfig). It stops within one batch when ctx is cancelled,
// returning ctx.Err().
func PretrainSimCLR(ctx context.Context, ds *dataset.Dataset, cfg SimCLRConfig) (*Result, error) {
	if cfg.Temperature == 0 {
		cfg.Temperature = DefaultTemperature
	}
	if !(cfg.Temperature > 0) || math.IsInf(cfg.Temperature, 0) {
		return nil, fmt.Errorf("ssl: SimCLR temperature %v: give a positive number such as 0.5", cfg.Temperature)
	}
	aug := cfg.Augment
	if aug.Resize == 0 {
		aug.Resize = dataset.DefaultSimCLRAugment().Resize
	}
	p, err := cfg.PretrainConfig.filled(32, aug.Resize)
	if err != nil {
		return nil, err
	}
	if res, err := p.resumed(); res != nil || err != nil {
		return res, err
	}
	paths := make([]string, len(ds.Train))
	for i, it := range ds.Train {
		paths[i] = it.Path
	}
	trainP, validP := split(paths, p.ValidPct, false, p.Seed)
	trainAug, validAug := aug, aug
	trainAug.Train, validAug.Train = true, false
	data, err := p.loaders(trainP, validP, trainAug, validAug)
	if err != nil {
		return nil, err
	}
	net, err := models.Seeded(p.Seed, func() (*SimCLR, error) { return NewSimCLR(p.Arch, cfg.Projection) })
	if err != nil {
		return nil, err
	}
	meta := checkpoint.Meta{ImageSize: aug.ViewSize(),
		Extra: map[string]string{"temperature": strconv.FormatFloat(cfg.Temperature, 'g', -1, 64)}}
	return p.fit(ctx, "simclr", net, ContrastiveTask{Temperature: cfg.Temperature}, data, meta)
}
