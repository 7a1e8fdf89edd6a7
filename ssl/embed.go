package ssl

import (
	"context"
	"fmt"
	"runtime"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

// Pool says how Embed reduces the body's (C, h, w) feature map to a vector.
type Pool int

const (
	// PoolAvg is the global average, C values: timm's default pool and
	// what lightly and solo-learn evaluate kNN on.
	PoolAvg Pool = iota
	// PoolConcat is fastai's concat pool, max then mean, 2C values: what
	// the heads of the pretexts and of fine-tuning see.
	PoolConcat
)

// String returns "avg" or "concat".
func (p Pool) String() string {
	switch p {
	case PoolAvg:
		return "avg"
	case PoolConcat:
		return "concat"
	}
	return fmt.Sprintf("Pool(%d)", int(p))
}

// ParsePool reads "avg" or "concat" ("" is avg).
func ParsePool(s string) (Pool, error) {
	switch s {
	case "", "avg":
		return PoolAvg, nil
	case "concat":
		return PoolConcat, nil
	}
	return 0, fmt.Errorf("ssl: pool %q: use avg or concat", s)
}

// EmbedConfig says how Embed prepares images and batches them.
type EmbedConfig struct {
	// Size is the side of the centre crop fed to the encoder, after the
	// shorter side is resized to it (default 128, the SimCLR views'; zero
	// means the default). Use the size the encoder was trained at (its
	// sidecar's image size, see ForEncoder).
	Size int
	// Norm is applied to every image (default none: the pretexts train
	// without normalization).
	Norm dataset.Normalization
	// Pool reduces each feature map (default PoolAvg).
	Pool Pool
	// BatchSize is images per forward pass (default 64; zero means the
	// default).
	BatchSize int
	// Workers is the number of decoding goroutines (default 0: one per
	// core).
	Workers int
	// Cache configures decoding (default: shorter side Size, 1 GiB; a zero
	// Side means that).
	Cache dataset.CacheConfig
}

// DefaultEmbedConfig returns 128-pixel centre crops, no normalization,
// average pooling, batches of 64.
func DefaultEmbedConfig() EmbedConfig { return EmbedConfig{Size: 128, BatchSize: 64} }

// ForEncoder returns cfg with Size and Norm taken from an encoder's sidecar
// (when meta records them).
func (cfg EmbedConfig) ForEncoder(meta *checkpoint.Meta) EmbedConfig {
	if meta == nil {
		return cfg
	}
	if meta.ImageSize > 0 {
		cfg.Size = meta.ImageSize
	}
	if n := meta.Normalization; n != nil && len(n.Mean) == 3 && len(n.Std) == 3 {
		for i := range 3 {
			cfg.Norm.Mean[i], cfg.Norm.Std[i] = float32(n.Mean[i]), float32(n.Std[i])
		}
	}
	return cfg
}

// Embed returns the pooled features of enc for every image in paths, in
// order: one row of FeatureDim (PoolAvg) or 2*FeatureDim (PoolConcat)
// values per image. It runs in evaluation mode without autograd and
// leaves enc in evaluation mode. It stops within one batch when ctx is
// cancelled.
func Embed(ctx context.Context, enc *models.SEResNeXt, paths []string, cfg EmbedConfig) ([][]float32, error) {
	if cfg.Size == 0 {
		cfg.Size = DefaultEmbedConfig().Size
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultEmbedConfig().BatchSize
	}
	if cfg.Cache.Side == 0 {
		cfg.Cache.Side = cfg.Size
		cfg.Cache.BudgetBytes = dataset.DefaultCacheConfig().BudgetBytes
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("ssl: embed: no images")
	}
	cache := dataset.NewCache(cfg.Cache)
	l, err := dataset.NewLoader(&dataset.Files{Paths: paths, Open: cache.Load}, dataset.EvalAugment{Size: cfg.Size, Norm: cfg.Norm},
		dataset.LoaderConfig{BatchSize: cfg.BatchSize, Workers: cfg.Workers, Shuffle: false})
	if err != nil {
		return nil, fmt.Errorf("ssl: embed: %w", err)
	}
	enc.SetTraining(false)
	out := make([][]float32, len(paths))
	for b, err := range l.Epoch(ctx, 0) {
		if err != nil {
			return nil, fmt.Errorf("ssl: embed: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var rows []float32
		err := torch.Scoped(func() { rows = pooled(enc, b, cfg.Pool) })
		if err != nil {
			return nil, fmt.Errorf("ssl: embed batch %d: %w", b.Step, err)
		}
		dim := len(rows) / b.Shape[0]
		for r, idx := range b.Index {
			out[idx] = rows[r*dim : (r+1)*dim]
		}
	}
	return out, nil
}

// pooled runs enc on b without autograd and returns the pooled rows, flat.
func pooled(enc *models.SEResNeXt, b *dataset.Batch, pool Pool) []float32 {
	var rows []float32
	torch.NoGrad(func() {
		x := train.Input(b, torch.CPU, false) // (N, 3, H, W)
		f := enc.Features(x)                  // (N, C, h, w)
		var p torch.Tensor
		if pool == PoolConcat {
			p = models.Flatten{}.Forward(models.ConcatPool{}.Forward(f)) // (N, 2C)
		} else {
			p = torch.MeanDims(f, false, 2, 3) // (N, C)
		}
		pf := torch.To(p, torch.Float32)
		rows = torch.Float32s(pf)
		runtime.KeepAlive([]torch.Tensor{x, f, p, pf})
	})
	return rows
}
