package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// SynthConfig describes a synthetic dataset for Synthesize. Start from
// DefaultSynthConfig and change what you need.
type SynthConfig struct {
	// Train is the number of training images, Train_0 ... Train_<Train-1>.
	// Default 400; it must be at least 1.
	Train int
	// Test is the number of test images, Test_0 ... Default 200; zero writes
	// test.csv, test_truth.csv and sample_submission.csv with headers only.
	Test int
	// Size is the width and height of every image in pixels. Default 128;
	// zero means 128; otherwise 16 to 4096.
	Size int
	// Noise is the probability that a label of train.csv is replaced by one
	// of the other classes, chosen uniformly; truth.csv keeps the clean
	// labels. Default 0.2; zero means clean labels; at most 1.
	Noise float64
	// Imbalance draws the classes of both splits in the competition's
	// proportions, 516:91:622:592 (multiple_diseases is 5%). Default true;
	// false gives balanced classes.
	Imbalance bool
	// Seed makes the dataset reproducible: the same config gives the same
	// bytes. Default 0.
	Seed int64
	// Quality is the JPEG quality, 1 to 100. Default 90; zero means 90.
	Quality int
	// Workers is the number of goroutines rendering and encoding images; the
	// output does not depend on it. Default 0, which means GOMAXPROCS.
	Workers int
	// Force allows writing into a directory that is not empty: the CSV files
	// and images/{Train,Test}_*.jpg from an earlier run are replaced or
	// removed, other files are left alone. Default false: a non-empty
	// directory is an error.
	Force bool
}

// DefaultSynthConfig returns the configuration of a quick demo dataset: 400
// training and 200 test images of 128x128 pixels, 20% label noise, the
// competition's class proportions, seed 0.
func DefaultSynthConfig() SynthConfig {
	return SynthConfig{Train: 400, Test: 200, Size: 128, Noise: 0.2, Imbalance: true, Quality: 90}
}

// SynthSummary reports what Synthesize wrote.
type SynthSummary struct {
	Dir         string        // the dataset directory
	Classes     []string      // the class columns, in order
	Size        int           // width and height of the images, pixels
	TrainCounts []int         // clean (truth.csv) class counts of the training split
	TestCounts  []int         // class counts of the test split
	Relabeled   int           // rows whose train.csv label differs from truth.csv
	Elapsed     time.Duration // wall-clock time taken
}

// Train returns the number of training images.
func (s *SynthSummary) Train() int { return synthSum(s.TrainCounts) }

// Test returns the number of test images.
func (s *SynthSummary) Test() int { return synthSum(s.TestCounts) }

func synthSum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// Validate reports the first setting that Synthesize would refuse.
func (cfg SynthConfig) Validate() error {
	switch {
	case cfg.Train < 1:
		return fmt.Errorf("dataset: synth: %d training images: need at least 1", cfg.Train)
	case cfg.Test < 0:
		return fmt.Errorf("dataset: synth: %d test images: need 0 or more", cfg.Test)
	case cfg.Size != 0 && (cfg.Size < 16 || cfg.Size > 4096):
		return fmt.Errorf("dataset: synth: image size %d px: choose 16 to 4096", cfg.Size)
	case !(cfg.Noise >= 0 && cfg.Noise <= 1):
		return fmt.Errorf("dataset: synth: label noise %v: choose a probability from 0 to 1", cfg.Noise)
	case cfg.Quality < 0 || cfg.Quality > 100:
		return fmt.Errorf("dataset: synth: JPEG quality %d: choose 1 to 100", cfg.Quality)
	case cfg.Workers < 0:
		return fmt.Errorf("dataset: synth: %d workers: need 0 (all cores) or more", cfg.Workers)
	}
	return nil
}

// withDefaults returns cfg with its zero "use the default" fields filled in.
func (cfg SynthConfig) withDefaults() SynthConfig {
	if cfg.Size == 0 {
		cfg.Size = 128
	}
	if cfg.Quality == 0 {
		cfg.Quality = 90
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	return cfg
}

// Synthesize writes a synthetic dataset in the Plant Pathology 2020 layout
// to dir, creating it if needed:
//
//	train.csv              image_id + one-hot class columns, noisy labels
//	truth.csv              the clean training labels, same format
//	test.csv               image_id only
//	test_truth.csv         the test labels, train.csv's format
//	sample_submission.csv  image_id + 0.25 for each class
//	images/<id>.jpg        Train_0.jpg ..., Test_0.jpg ...
//
// Each image is drawn by RenderLeaf with its own generator, derived from
// cfg.Seed and the image's split and index, and the images are rendered in
// parallel, so the output is the same byte for byte whatever cfg.Workers.
// Synthesize stops early, returning ctx.Err(), when ctx is cancelled.
func Synthesize(ctx context.Context, dir string, cfg SynthConfig) (*SynthSummary, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := prepareSynthDir(dir, cfg.Force); err != nil {
		return nil, err
	}
	trainClean, trainGiven := synthLabels(cfg.Train, cfg.Imbalance, cfg.Noise, synthRNG(cfg.Seed, streamTrainLabels))
	testClean, _ := synthLabels(cfg.Test, cfg.Imbalance, 0, synthRNG(cfg.Seed, streamTestLabels))
	if err := writeSynthImages(ctx, filepath.Join(dir, "images"), cfg, trainClean, testClean); err != nil {
		return nil, err
	}
	if err := writeSynthCSVs(dir, trainClean, trainGiven, testClean); err != nil {
		return nil, err
	}
	s := &SynthSummary{Dir: dir, Classes: SynthClasses(), Size: cfg.Size,
		TrainCounts: synthCount(trainClean), TestCounts: synthCount(testClean)}
	for i := range trainClean {
		if trainClean[i] != trainGiven[i] {
			s.Relabeled++
		}
	}
	s.Elapsed = time.Since(start)
	return s, nil
}

func synthCount(labels []SynthClass) []int {
	counts := make([]int, numSynthClasses)
	for _, c := range labels {
		counts[c]++
	}
	return counts
}

// synthJob is one image to render and write.
type synthJob struct {
	id     string
	class  SynthClass
	stream uint64
}

// writeSynthImages renders and encodes every image of both splits on
// cfg.Workers goroutines and writes them to dir as <id>.jpg.
func writeSynthImages(ctx context.Context, dir string, cfg SynthConfig, train, test []SynthClass) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("dataset: synth: %w", err)
	}
	jobs := make([]synthJob, 0, len(train)+len(test))
	for i, c := range train {
		jobs = append(jobs, synthJob{fmt.Sprintf("Train_%d", i), c, imageStream(false, i)})
	}
	for i, c := range test {
		jobs = append(jobs, synthJob{fmt.Sprintf("Test_%d", i), c, imageStream(true, i)})
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan synthJob)
	var wg sync.WaitGroup
	for range min(cfg.Workers, len(jobs)) {
		wg.Go(func() {
			var buf bytes.Buffer
			for job := range next {
				if err := writeSynthImage(&buf, dir, job, cfg); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, job := range jobs {
		select {
		case next <- job:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// writeSynthImage renders one image and writes it as JPEG, using buf as
// scratch space.
func writeSynthImage(buf *bytes.Buffer, dir string, job synthJob, cfg SynthConfig) error {
	m := RenderLeaf(cfg.Size, job.class, synthRNG(cfg.Seed, job.stream))
	buf.Reset()
	if err := jpeg.Encode(buf, synthRGBA(m), &jpeg.Options{Quality: cfg.Quality}); err != nil {
		return fmt.Errorf("dataset: synth: encoding %s: %w", job.id, err)
	}
	path := filepath.Join(dir, job.id+".jpg")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("dataset: synth: %w", err)
	}
	return nil
}

// synthRGBA copies m into an *image.RGBA, the layout image/jpeg encodes
// fastest.
func synthRGBA(m *Image) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, m.W, m.H))
	for i, j := 0, 0; i < len(m.Pix); i, j = i+3, j+4 {
		out.Pix[j], out.Pix[j+1], out.Pix[j+2], out.Pix[j+3] = m.Pix[i], m.Pix[i+1], m.Pix[i+2], 255
	}
	return out
}

// ErrDirNotEmpty is returned, wrapped with the directory's name, when
// Synthesize is asked to write into a directory that holds files and
// SynthConfig.Force is false.
var ErrDirNotEmpty = errors.New("directory is not empty")
