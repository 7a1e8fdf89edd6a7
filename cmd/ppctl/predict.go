package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/softlabel"
	"github.com/ppctl/ppctl/torch"
)

func init() { register(predictCommand) }

func predictCommand() *cli.Command {
	def := softlabel.DefaultPredictConfig()
	return &cli.Command{
		Name:  "predict",
		Usage: "submission.csv from the fold models: their averaged probabilities on test.csv's images",
		Description: "Loads every fold<k>/best.pth of a `ppctl finetune` run (or one .pth), runs each on the\n" +
			"test.csv images of --data (centre crop at the model's image size, its normalization),\n" +
			"averages their softmax probabilities, and with --tta 2 also over each image's mirror.\n" +
			"Writes --out in sample_submission.csv's column order; every row sums to 1.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "dataset directory (test.csv, images/, sample_submission.csv); required", EnvVars: []string{"PPCTL_DATA"}},
			&cli.StringFlag{Name: "models", Usage: "a ppctl finetune run directory (every fold<k>/best.pth) or one classifier .pth; required", EnvVars: []string{"PPCTL_MODELS"}},
			&cli.StringFlag{Name: "out", Value: "submission.csv", Usage: "submission file to write", EnvVars: []string{"PPCTL_OUT"}},
			&cli.IntFlag{Name: "tta", Value: def.TTA, Usage: "views averaged per image: 1 (the image) or 2 (also its horizontal mirror)", EnvVars: []string{"PPCTL_TTA"}},
			&cli.IntFlag{Name: "bs", Value: def.BatchSize, Usage: "images per forward pass", EnvVars: []string{"PPCTL_BS"}},
			&cli.StringFlag{Name: "device", Value: "auto", Usage: "cpu, cuda, cuda:N or auto (a GPU when there is one)", EnvVars: []string{"PPCTL_DEVICE"}},
			&cli.StringFlag{Name: "precision", Value: "auto", Usage: "auto, fp32, bf16 or fp16 (auto: bf16 on CPUs with native bf16, fp16 on CUDA, else fp32)", EnvVars: []string{"PPCTL_PRECISION"}},
			&cli.IntFlag{Name: "threads", Usage: "libtorch CPU threads (default: every core)", EnvVars: []string{"PPCTL_THREADS"}},
			&cli.IntFlag{Name: "workers", Usage: "data-loading goroutines (default: every core)", EnvVars: []string{"PPCTL_WORKERS"}},
			&cli.BoolFlag{Name: "force", Usage: "replace an existing --out file", EnvVars: []string{"PPCTL_FORCE"}},
		},
		Action: predictAction,
	}
}

func predictAction(c *cli.Context) error {
	cfg := softlabel.PredictConfig{TTA: c.Int("tta"), BatchSize: c.Int("bs")}
	rt, err := predictRuntime(c)
	if err != nil {
		return err
	}
	out := c.String("out")
	if _, err := os.Stat(out); err == nil && !c.Bool("force") {
		return usageError("predict: %s exists; pass --force to replace it, or another --out", out)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("predict: --out: %w", err)
	}
	ds, err := dataset.Open(c.String("data"))
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	paths, err := softlabel.ModelPaths(c.String("models"))
	if err != nil {
		return fmt.Errorf("predict: --models: %w", err)
	}
	probs, err := softlabel.Predict(c.Context, ds, paths, cfg, rt)
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	if err := ds.WriteSubmission(out, probs); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	fmt.Fprintf(c.App.Writer, "predict: %s: %d test images, the mean of %d models x %d views\n", out, len(probs), len(paths), cfg.TTA)
	return nil
}

// predictRuntime checks predict's flags and resolves its device and
// precision.
func predictRuntime(c *cli.Context) (softlabel.Runtime, error) {
	switch {
	case c.NArg() > 0:
		return softlabel.Runtime{}, usageError("predict: unexpected argument %q (every setting is a flag; see --help)", c.Args().First())
	case c.String("data") == "":
		return softlabel.Runtime{}, usageError("predict: --data DIR is required: the dataset with test.csv")
	case c.String("models") == "":
		return softlabel.Runtime{}, usageError("predict: --models is required: a ppctl finetune run directory or a .pth")
	case c.Int("tta") != 1 && c.Int("tta") != 2:
		return softlabel.Runtime{}, usageError("predict: --tta %d: choose 1 (no augmentation) or 2 (with the mirror image)", c.Int("tta"))
	case c.Int("bs") < 1 || c.Int("threads") < 0 || c.Int("workers") < 0:
		return softlabel.Runtime{}, usageError("predict: --bs must be positive, --threads and --workers 0 or more")
	case c.String("out") == "":
		return softlabel.Runtime{}, usageError("predict: --out must name the submission file")
	}
	dev, err := torch.ParseDevice(c.String("device"))
	if err != nil {
		return softlabel.Runtime{}, usageError("predict: --device: %v", err)
	}
	p, err := torch.ParsePrecision(c.String("precision"))
	if err != nil {
		return softlabel.Runtime{}, usageError("predict: --precision: %v", err)
	}
	_, autocast, err := p.Resolve(dev)
	if err != nil {
		return softlabel.Runtime{}, usageError("predict: --precision: %v", err)
	}
	torch.SetThreads(c.Int("threads"))
	return softlabel.Runtime{Device: dev, Autocast: autocast, Workers: c.Int("workers")}, nil
}
