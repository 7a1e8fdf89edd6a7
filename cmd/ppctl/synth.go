package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
)

func init() { register(synthCommand) }

func synthCommand() *cli.Command {
	def := dataset.DefaultSynthConfig()
	return &cli.Command{
		Name:  "synth",
		Usage: "write a synthetic Plant Pathology dataset of leaf pictures",
		Description: "Writes train.csv (labels with noise), truth.csv (the clean labels), test.csv,\n" +
			"test_truth.csv, sample_submission.csv and images/Train_<i>.jpg, Test_<i>.jpg to --out.\n" +
			"Rust leaves carry orange-yellow spots, scab leaves dark olive-brown blotches,\n" +
			"multiple_diseases both, healthy none; every leaf has its stalk at the bottom and is\n" +
			"lit from above. The same flags give the same bytes.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "dataset directory to write (required; created if missing)", EnvVars: []string{"PPCTL_OUT"}},
			&cli.IntFlag{Name: "n", Value: def.Train, Usage: "number of training images", EnvVars: []string{"PPCTL_N"}},
			&cli.IntFlag{Name: "ntest", Value: def.Test, Usage: "number of test images", EnvVars: []string{"PPCTL_NTEST"}},
			&cli.IntFlag{Name: "size", Value: def.Size, Usage: "width and height of each image, pixels (16 to 4096)", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.Float64Flag{Name: "noise", Value: def.Noise, Usage: "probability that a train.csv label is replaced by another class (0 to 1)", EnvVars: []string{"PPCTL_NOISE"}},
			&cli.BoolFlag{Name: "imbalance", Value: def.Imbalance, Usage: "use the competition's class proportions (multiple_diseases 5%); --imbalance=false balances the classes", EnvVars: []string{"PPCTL_IMBALANCE"}},
			&cli.Int64Flag{Name: "seed", Value: def.Seed, Usage: "random seed", EnvVars: []string{"PPCTL_SEED"}},
			&cli.IntFlag{Name: "quality", Value: def.Quality, Usage: "JPEG quality (1 to 100)", EnvVars: []string{"PPCTL_QUALITY"}},
			&cli.IntFlag{Name: "workers", Usage: "goroutines rendering images; 0 means one per core (the output does not depend on it)", EnvVars: []string{"PPCTL_WORKERS"}},
			&cli.BoolFlag{Name: "force", Usage: "write into a non-empty directory, replacing an earlier synthetic dataset there", EnvVars: []string{"PPCTL_FORCE"}},
		},
		Action: synthAction,
	}
}

func synthAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError("synth: unexpected argument %q (the directory goes in --out)", c.Args().First())
	}
	dir := c.String("out")
	if dir == "" {
		return usageError("synth: --out DIR is required")
	}
	cfg := dataset.SynthConfig{
		Train: c.Int("n"), Test: c.Int("ntest"), Size: c.Int("size"), Noise: c.Float64("noise"),
		Imbalance: c.Bool("imbalance"), Seed: c.Int64("seed"), Quality: c.Int("quality"),
		Workers: c.Int("workers"), Force: c.Bool("force"),
	}
	if err := checkSynthFlags(cfg); err != nil {
		return err
	}
	sum, err := dataset.Synthesize(c.Context, dir, cfg)
	if errors.Is(err, dataset.ErrDirNotEmpty) {
		return usageError("synth: %v", err)
	}
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	fmt.Fprintln(c.App.Writer, synthReport(sum))
	return nil
}

// checkSynthFlags reports a flag value that Synthesize would refuse, naming
// the flag.
func checkSynthFlags(cfg dataset.SynthConfig) error {
	switch {
	case cfg.Train < 1:
		return usageError("synth: --n %d: need at least 1 training image", cfg.Train)
	case cfg.Test < 0:
		return usageError("synth: --ntest %d: need 0 or more test images", cfg.Test)
	case cfg.Size < 16 || cfg.Size > 4096:
		return usageError("synth: --size %d: choose 16 to 4096 pixels", cfg.Size)
	case !(cfg.Noise >= 0 && cfg.Noise <= 1):
		return usageError("synth: --noise %v: the label noise is a probability, choose 0 to 1", cfg.Noise)
	case cfg.Quality < 1 || cfg.Quality > 100:
		return usageError("synth: --quality %d: choose 1 to 100", cfg.Quality)
	case cfg.Workers < 0:
		return usageError("synth: --workers %d: choose 0 (one per core) or more", cfg.Workers)
	}
	if err := cfg.Validate(); err != nil {
		return usageError("synth: %v", err)
	}
	return nil
}

// synthReport is the one line `ppctl synth` prints.
func synthReport(s *dataset.SynthSummary) string {
	var counts []string
	for i, name := range s.Classes {
		counts = append(counts, fmt.Sprintf("%s %d", name, s.TrainCounts[i]))
	}
	return fmt.Sprintf("wrote %s: %d training images (%s; %d labels in train.csv replaced by noise), %d test images, %dx%d px, in %s",
		s.Dir, s.Train(), strings.Join(counts, ", "), s.Relabeled, s.Test(), s.Size, s.Size, s.Elapsed.Round(time.Millisecond))
}
