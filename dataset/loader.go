package dataset

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Batch is one step's input as plain Go values. Rows are ordered view-major:
// with B images and V views, row v*B+i holds view v of image i, so for
// SimCLR rows i and i+B are the positive pair.
type Batch struct {
	X       []float32 // Shape[0]*Shape[1]*Shape[2]*Shape[3] floats, NCHW
	Shape   [4]int    // N (rows = V*B), C (3), H, W
	Views   int       // views per image, V
	Labels  []int     // per row: the pipeline's label (RotNet's k) or the image's class; NoLabel when neither exists
	Targets []float32 // per row, K soft targets (N*K floats); nil when the source has none
	K       int       // targets per row; 0 when Targets is nil
	Index   []int     // per row: the image's index in the Source
	Epoch   int       // the epoch this batch belongs to
	Step    int       // the batch's position within its epoch, from 0

	loader *Loader // whose pool X returns to on Release
}

// Images is B, the number of distinct images in the batch.
func (b *Batch) Images() int { return b.Shape[0] / b.Views }

// Release hands X's memory back to the Loader that made b, for a later
// batch, and sets X to nil; call it once X has been copied (into a tensor,
// say) and is not needed any more. It is optional: without it the garbage
// collector frees X, but a SimCLR batch of 32 views of 128 pixels is 6 MB
// that the next batch would allocate and zero again. Release is safe to
// call twice, and leaves a Batch not made by a Loader alone.
func (b *Batch) Release() {
	if b.loader == nil || b.X == nil {
		return
	}
	x := b.X[:cap(b.X)]
	b.loader.xs.Put(&x)
	b.X = nil
}

// Source is what a Loader reads: images numbered 0..Len()-1. Load may be
// called from several goroutines at once and must not return an image that
// anyone modifies afterwards (the pipelines only read it).
type Source interface {
	Len() int
	Load(i int) (*Image, error)
}

// LabeledSource is a Source that knows each image's class index (or
// NoLabel).
type LabeledSource interface {
	Source
	Label(i int) int
}

// TargetSource is a Source with soft targets: TargetWidth() floats per image
// (0 means none).
type TargetSource interface {
	Source
	TargetWidth() int
	Target(i int) []float32
}

// LoaderConfig sets how a Loader batches, orders and parallelises.
type LoaderConfig struct {
	BatchSize int    // images per batch (a SimCLR batch has twice as many rows); default 32; zero means the default
	Workers   int    // goroutines decoding and augmenting; default runtime.GOMAXPROCS(0); zero means the default
	Prefetch  int    // batches prepared ahead of the consumer; default 4; zero means the default
	Shuffle   bool   // a fresh order each epoch, drawn from Seed and the epoch; default true; false keeps the source order
	DropLast  bool   // drop the final batch when it is short; default false
	Seed      uint64 // seeds the order and every image's augmentation; default 0
}

// DefaultLoaderConfig returns batches of 32, one worker per core, 4 batches
// of prefetch, shuffling, the last short batch kept, seed 0.
func DefaultLoaderConfig() LoaderConfig {
	return LoaderConfig{BatchSize: 32, Workers: runtime.GOMAXPROCS(0), Prefetch: 4, Shuffle: true}
}

// Loader turns a Source into batches through a Pipeline, decoding and
// augmenting on a pool of goroutines ahead of the consumer.
//
// Batches are a pure function of (Seed, epoch, step): the order comes from
// (Seed, epoch) and each image's random stream from (Seed, epoch, index),
// never from which worker ran it, so any number of workers gives
// bit-identical batches, and an epoch can be resumed at any step.
type Loader struct {
	src  Source
	pipe Pipeline
	cfg  LoaderConfig
	xs   sync.Pool // *[]float32 released by Batch.Release
}

// NewLoader checks the settings and returns a Loader. Zero fields of cfg
// take their defaults.
func NewLoader(src Source, pipe Pipeline, cfg LoaderConfig) (*Loader, error) {
	def := DefaultLoaderConfig()
	if cfg.BatchSize == 0 {
		cfg.BatchSize = def.BatchSize
	}
	if cfg.Workers == 0 {
		cfg.Workers = def.Workers
	}
	if cfg.Prefetch == 0 {
		cfg.Prefetch = def.Prefetch
	}
	switch {
	case cfg.BatchSize < 0 || cfg.Workers < 0 || cfg.Prefetch < 0:
		return nil, fmt.Errorf("dataset: loader batch size %d, workers %d, prefetch %d: give positive numbers (or 0 for the defaults)",
			cfg.BatchSize, cfg.Workers, cfg.Prefetch)
	case src.Len() == 0:
		return nil, errors.New("dataset: loader: the source has no images; check the data directory")
	}
	if err := pipe.Check(); err != nil {
		return nil, err
	}
	return &Loader{src: src, pipe: pipe, cfg: cfg}, nil
}

// Config returns the settings in use, defaults filled in.
func (l *Loader) Config() LoaderConfig { return l.cfg }

// Len is the number of batches per epoch.
func (l *Loader) Len() int {
	n, b := l.src.Len(), l.cfg.BatchSize
	if l.cfg.DropLast {
		return n / b
	}
	return (n + b - 1) / b
}

// Order returns the source indices of epoch in the order they are batched.
func (l *Loader) Order(epoch int) []int {
	n := l.src.Len()
	if !l.cfg.Shuffle {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		return order
	}
	rng := rand.New(rand.NewPCG(loaderMix(l.cfg.Seed^0x5eed0f0de7), loaderMix(uint64(epoch))))
	return rng.Perm(n)
}

// ItemRNG returns the random stream of image index in epoch, the one its
// augmentation draws from whatever worker runs it.
func (l *Loader) ItemRNG(epoch, index int) *rand.Rand {
	s := loaderMix(l.cfg.Seed + loaderMix(uint64(epoch)+0x9e3779b97f4a7c15))
	return rand.New(rand.NewPCG(s, loaderMix(uint64(index)^0xa0761d6478bd642f)))
}

// loaderMix is the splitmix64 finaliser: it spreads nearby integers over
// the whole 64-bit range.
func loaderMix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Epoch yields the batches of epoch in order. Stopping the loop early, or
// cancelling ctx, stops the workers before Epoch returns; no goroutine
// outlives the loop. An image that fails to load or augment ends the epoch
// with one error, yielded with a nil batch.
//
//	for b, err := range loader.Epoch(ctx, epoch) {
//		if err != nil {
//			return err
//		}
//		step(b)
//	}
func (l *Loader) Epoch(ctx context.Context, epoch int) iter.Seq2[*Batch, error] {
	return l.EpochFrom(ctx, epoch, 0)
}

// EpochFrom is Epoch starting at batch first (0 <= first <= Len()), for
// resuming mid-epoch: the batches are the same as those Epoch yields from
// that step on.
func (l *Loader) EpochFrom(ctx context.Context, epoch, first int) iter.Seq2[*Batch, error] {
	return func(yield func(*Batch, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() { cancel(); wg.Wait() }()
		jobs := make(chan job, l.cfg.Workers)
		ready := make(chan *pending, l.cfg.Prefetch)
		wg.Add(1 + l.cfg.Workers)
		go func() { defer wg.Done(); l.produce(ctx, epoch, max(first, 0), jobs, ready) }()
		for range l.cfg.Workers {
			go func() { defer wg.Done(); l.work(ctx, jobs) }()
		}
		for p := range ready {
			select {
			case <-p.done:
			case <-ctx.Done():
				yield(nil, fmt.Errorf("dataset: loading epoch %d stopped: %w", epoch, ctx.Err()))
				return
			}
			if err := p.error(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(p.batch, nil) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(nil, fmt.Errorf("dataset: loading epoch %d stopped: %w", epoch, err))
		}
	}
}
