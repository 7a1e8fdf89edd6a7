package ssl

import (
	"fmt"
	"math"

	"github.com/wangkuiyi/gotorch/nn/initializer"

	"github.com/ppctl/ppctl/torch/models"
)

// ProjectionConfig shapes SimCLR's projection head.
type ProjectionConfig struct {
	// Hidden is the width of the hidden layer (default 256, the blog's;
	// zero means the default).
	Hidden int64
	// Out is the width of the projections NT-Xent compares (default 128;
	// zero means the default).
	Out int64
}

// DefaultProjectionConfig returns the blog's MLP: 256 hidden, 128 out.
func DefaultProjectionConfig() ProjectionConfig { return ProjectionConfig{Hidden: 256, Out: 128} }

// NewProjection returns SimCLR's projection MLP for a body of nf channels,
// as the blog's self_supervised MLP: concat pool -> flatten ->
// Linear(2nf, Hidden) -> ReLU -> Linear(Hidden, Out), both linears with a
// bias, as one Sequential (state names "2.weight", "2.bias", "4.weight",
// "4.bias"). The linear weights are drawn from N(0, 2/fan_in) and the
// biases zeroed, fastai's apply_init with kaiming_normal_.
func NewProjection(nf int64, cfg ProjectionConfig) (*models.Sequential, error) {
	def := DefaultProjectionConfig()
	if cfg.Hidden == 0 {
		cfg.Hidden = def.Hidden
	}
	if cfg.Out == 0 {
		cfg.Out = def.Out
	}
	if nf <= 0 || cfg.Hidden < 0 || cfg.Out < 0 {
		return nil, fmt.Errorf("ssl: projection for %d features, %d hidden, %d out: all must be positive", nf, cfg.Hidden, cfg.Out)
	}
	l1 := models.NewLinear(2*nf, cfg.Hidden, true)
	l2 := models.NewLinear(cfg.Hidden, cfg.Out, true)
	for _, l := range []*models.Linear{l1, l2} {
		w := l.Weight()
		initializer.Normal(&w, 0, math.Sqrt(2/float64(w.Shape()[1])))
		if b, ok := l.Bias(); ok {
			initializer.Zeros(&b)
		}
	}
	return &models.Sequential{Layers: []models.Layer{
		models.ConcatPool{}, // (N, C, h, w) -> (N, 2C, 1, 1)
		models.Flatten{},    // (N, 2C)
		l1,                  // (N, Hidden)
		models.ReLU{},       // (N, Hidden)
		l2,                  // (N, Out)
	}}, nil
}
