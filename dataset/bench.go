package dataset

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// BenchDataConfig sets up BenchData, the measurement behind `ppctl bench
// data`: the SimCLR input pipeline (decode through a Cache, two views,
// channels-first float32 batches) over a folder of photographs.
type BenchDataConfig struct {
	Dir        string // dataset directory (its images/ folder is used) or a folder of .jpg/.png files; required
	Size       int    // side of each view in pixels; default 128; zero means the default
	Resize     int    // side of fastai's Resize crop, and the cache's shorter side; default 256; zero means the default
	BatchSize  int    // images per batch; default 32; zero means the default
	Workers    int    // loader goroutines; default GOMAXPROCS; zero means the default
	Color      bool   // add colour jitter and random grayscale to the views; default false, as the blog ran
	Limit      int    // use only the first Limit images (sorted by name); default 0: all
	WarmEpochs int    // cached epochs averaged for the warm figure; default 0: enough for MinWarmImages images and at least 2
}

// DefaultBenchDataConfig returns the SimCLR defaults: views of 128 from a
// 256 crop, batches of 32, one worker per core, colour off, all images, as
// many warm epochs as MinWarmImages needs.
func DefaultBenchDataConfig(dir string) BenchDataConfig {
	return BenchDataConfig{Dir: dir, Size: 128, Resize: 256, BatchSize: 32}
}

// MinWarmImages is how many images the warm figure covers at least when
// BenchDataConfig.WarmEpochs is zero: a warm epoch of a few dozen images
// lasts tens of milliseconds, too short to time on a busy machine, and its
// first batches still pay for the cold epoch's garbage.
const MinWarmImages = 1024

// warmEpochs is the number of warm epochs for n images per epoch.
func warmEpochs(set, n int) int {
	if set > 0 {
		return set
	}
	return max(2, (MinWarmImages+n-1)/max(n, 1))
}

// BenchResult is one measurement; its JSON form is the line `ppctl bench
// data --json` prints (DESIGN section 5's benchmark fields that apply).
type BenchResult struct {
	Bench      string  `json:"bench"`         // "data"
	Size       int     `json:"size"`          // view side in pixels
	BS         int     `json:"bs"`            // images per batch
	Mode       string  `json:"mode"`          // "cold" (first epoch, empty cache) or "warm" (cached)
	Workers    int     `json:"workers"`       // loader goroutines
	Threads    int     `json:"threads"`       // GOMAXPROCS, the cores Go may use
	Color      bool    `json:"color"`         // colour augmentations on
	Images     int     `json:"images"`        // images per epoch
	Seconds    float64 `json:"seconds"`       // wall time per epoch
	ImgPerS    float64 `json:"img_per_s"`     // images per wall-clock second
	CPUImgPerS float64 `json:"cpu_img_per_s"` // images per CPU-second of this process: the per-core rate, robust on a busy machine
}

// BenchData measures the SimCLR input pipeline on cfg.Dir: one cold epoch
// with an empty cache, then cfg.WarmEpochs epochs served from memory.
func BenchData(ctx context.Context, cfg BenchDataConfig) ([]BenchResult, error) {
	def := DefaultBenchDataConfig(cfg.Dir)
	cfg.Size, cfg.Resize = orDefault(cfg.Size, def.Size), orDefault(cfg.Resize, def.Resize)
	cfg.BatchSize = orDefault(cfg.BatchSize, def.BatchSize)
	paths, err := benchImages(cfg.Dir, cfg.Limit)
	if err != nil {
		return nil, err
	}
	cfg.WarmEpochs = warmEpochs(cfg.WarmEpochs, len(paths))
	aug := DefaultSimCLRAugment()
	aug.Resize, aug.Crop.Size, aug.Color = cfg.Resize, cfg.Size, cfg.Color
	cache := NewCache(CacheConfig{Side: cfg.Resize})
	src := &Files{Paths: paths, Open: cache.Load}
	l, err := NewLoader(src, aug, LoaderConfig{BatchSize: cfg.BatchSize, Workers: cfg.Workers, Shuffle: true, Seed: 1})
	if err != nil {
		return nil, err
	}
	res := BenchResult{Bench: "data", Size: cfg.Size, BS: cfg.BatchSize, Workers: l.Config().Workers,
		Threads: runtime.GOMAXPROCS(0), Color: cfg.Color, Images: len(paths)}
	cold, err := benchEpochs(ctx, l, 0, 1)
	if err != nil {
		return nil, err
	}
	warm, err := benchEpochs(ctx, l, 1, cfg.WarmEpochs)
	if err != nil {
		return nil, err
	}
	c, w := res, res
	c.Mode, w.Mode = "cold", "warm"
	c.fill(cold, 1)
	w.fill(warm, cfg.WarmEpochs)
	return []BenchResult{c, w}, nil
}

// benchTimes is what one timed run of epochs took.
type benchTimes struct{ wall, cpu time.Duration }

func (r *BenchResult) fill(t benchTimes, epochs int) {
	n := float64(r.Images * epochs)
	r.Seconds = t.wall.Seconds() / float64(epochs)
	r.ImgPerS = round3(n / t.wall.Seconds())
	if t.cpu > 0 {
		r.CPUImgPerS = round3(n / t.cpu.Seconds())
	}
}

// round3 keeps three decimals, enough for a rate.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// benchEpochs runs epochs first .. first+n-1 and times them.
func benchEpochs(ctx context.Context, l *Loader, first, n int) (benchTimes, error) {
	wall0, cpu0 := time.Now(), processCPU()
	rows := 0
	for e := first; e < first+n; e++ {
		for b, err := range l.Epoch(ctx, e) {
			if err != nil {
				return benchTimes{}, err
			}
			rows += b.Shape[0]
			b.Release() // as a trainer does once X is a tensor
		}
	}
	if rows == 0 {
		return benchTimes{}, fmt.Errorf("dataset: bench: no batches were made")
	}
	return benchTimes{wall: time.Since(wall0), cpu: processCPU() - cpu0}, nil
}

// benchImages lists the .jpg, .jpeg and .png files of dir/images, or of dir
// when it has no images folder, sorted by name; limit > 0 keeps the first
// limit of them.
func benchImages(dir string, limit int) ([]string, error) {
	if dir == "" {
		return nil, fmt.Errorf("dataset: bench: no data directory given; pass a dataset directory or a folder of JPEGs")
	}
	folder := filepath.Join(dir, "images")
	if fi, err := os.Stat(folder); err != nil || !fi.IsDir() {
		folder = dir
	}
	entries, err := os.ReadDir(folder)
	if err != nil {
		return nil, fmt.Errorf("dataset: bench: %w", err)
	}
	var paths []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png":
			paths = append(paths, filepath.Join(folder, e.Name()))
		}
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("dataset: bench: no .jpg or .png files in %s; make some with `ppctl synth --size 2048` or scripts/bench_data_pil.py --make-jpegs", folder)
	}
	if limit > 0 && limit < len(paths) {
		paths = paths[:limit]
	}
	return paths, nil
}
