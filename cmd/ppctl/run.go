package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
)

func init() { register(runCommand) }

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run the blog's whole pipeline on a real dataset and write submission.csv",
		ArgsUsage: " ",
		Description: "The same script as `ppctl demo`, with the blog's defaults, on a dataset in the\n" +
			"Plant Pathology layout (train.csv, test.csv, sample_submission.csv, images/):\n\n" +
			"  pretrain rotnet (all images, 256 px) and simclr (train images, 128 px views),\n" +
			"  25 epochs each at 1e-4 -> pseudolabel (2 folds, SimCLR encoder, 15 epochs,\n" +
			"  228 px) -> finetune (3 folds, w=0.5, 25 epochs after 2 frozen, lr 1e-3)\n" +
			"  -> predict (fold ensemble) -> plot\n\n" +
			"Each stage is an ordinary ppctl command, printed before it runs; --resume\n" +
			"skips the stages a previous run finished.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "dataset directory; required", EnvVars: []string{"PPCTL_DATA"}},
			&cli.StringFlag{Name: "out", Value: "ppctl-run", Usage: "folder for every stage's run directory and submission.csv", EnvVars: []string{"PPCTL_OUT"}},
			&cli.StringFlag{Name: "arch", Value: "seresnext50_32x4d", Usage: "backbone", EnvVars: []string{"PPCTL_ARCH"}},
			&cli.IntFlag{Name: "epochs", Value: 25, Usage: "pretraining epochs of RotNet and SimCLR", EnvVars: []string{"PPCTL_EPOCHS"}},
			&cli.IntFlag{Name: "pseudo-epochs", Value: 15, Usage: "unfrozen epochs of pseudolabel", EnvVars: []string{"PPCTL_PSEUDO_EPOCHS"}},
			&cli.IntFlag{Name: "finetune-epochs", Value: 25, Usage: "unfrozen epochs of finetune", EnvVars: []string{"PPCTL_FINETUNE_EPOCHS"}},
			&cli.IntFlag{Name: "size", Usage: "one image side for every stage, pixels (default: the blog's 256 RotNet, 128 SimCLR views of 256, 228 fine-tuning)", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.IntFlag{Name: "bs", Usage: "images per batch for every stage (default: each stage's own)", EnvVars: []string{"PPCTL_BS"}},
			&cli.Float64Flag{Name: "y-true-weight", Value: 0.5, Usage: "w, the given label's share of each training target", EnvVars: []string{"PPCTL_Y_TRUE_WEIGHT"}},
			&cli.Uint64Flag{Name: "seed", Value: 42, Usage: "seed of every stage", EnvVars: []string{"PPCTL_SEED"}},
			&cli.BoolFlag{Name: "resume", Usage: "continue a previous run in --out, skipping finished stages", EnvVars: []string{"PPCTL_RESUME"}},
			&cli.BoolFlag{Name: "force", Usage: "replace a previous run in --out", EnvVars: []string{"PPCTL_FORCE"}},
			&cli.StringFlag{Name: "precision", Value: "auto", Usage: "auto, fp32, bf16 or fp16, for every stage", EnvVars: []string{"PPCTL_PRECISION"}},
			&cli.StringFlag{Name: "device", Value: "auto", Usage: "cpu, cuda, cuda:N or auto, for every stage", EnvVars: []string{"PPCTL_DEVICE"}},
			&cli.IntFlag{Name: "threads", Usage: "libtorch CPU threads (default: every core)", EnvVars: []string{"PPCTL_THREADS"}},
			&cli.IntFlag{Name: "workers", Usage: "data-loading goroutines (default: every core)", EnvVars: []string{"PPCTL_WORKERS"}},
			&cli.StringFlag{Name: "progress", Value: "auto", Usage: "progress of each stage: auto, bar, plain, quiet or json", EnvVars: []string{"PPCTL_PROGRESS"}},
		},
		Action: runAction,
	}
}

func runAction(c *cli.Context) error {
	dataDir := c.String("data")
	if dataDir == "" {
		return usageError("run: --data DIR is required: a dataset in the Plant Pathology layout")
	}
	if c.Bool("resume") && c.Bool("force") {
		return usageError("run: --resume and --force contradict each other; pick one")
	}
	if _, err := dataset.Open(dataDir); err != nil {
		return err
	}
	cfg := demoConfig{Out: c.String("out"), Arch: c.String("arch"), Epochs: c.Int("epochs"), Seed: c.Uint64("seed"),
		Force: c.Bool("force")}
	if entries, err := os.ReadDir(cfg.Out); err == nil && len(entries) > 0 && !cfg.Force && !c.Bool("resume") {
		return usageError("run: %s already holds files; pass --resume to continue that run or --force to replace it", cfg.Out)
	}
	cfg.Shared = []string{"--precision", c.String("precision"), "--device", c.String("device"),
		"--threads", strconv.Itoa(c.Int("threads")), "--workers", strconv.Itoa(c.Int("workers")), "--progress", c.String("progress")}
	if c.Bool("resume") {
		cfg.Shared = append(cfg.Shared, "--resume")
	}
	s := &script{cfg: cfg, c: c, start: time.Now()}
	it := strconv.Itoa
	steps := [][]string{
		{"pretrain", "rotnet", "--out", s.path("rotnet"), "--data", dataDir, "--arch", cfg.Arch, "--epochs", it(cfg.Epochs), "--lr", "1e-4"},
		{"pretrain", "simclr", "--out", s.path("simclr"), "--data", dataDir, "--arch", cfg.Arch, "--epochs", it(cfg.Epochs), "--lr", "1e-4"},
		{"pseudolabel", "--out", s.path("pseudo"), "--data", dataDir, "--encoder", s.path("simclr"), "--arch", cfg.Arch,
			"--folds", "2", "--epochs", it(c.Int("pseudo-epochs"))},
		{"finetune", "--out", s.path("finetune"), "--data", dataDir, "--encoder", s.path("simclr"), "--arch", cfg.Arch,
			"--softlabels", s.path("pseudo", "pseudolabels.csv"), "--folds", "3", "--epochs", it(c.Int("finetune-epochs")),
			"--y-true-weight", strconv.FormatFloat(c.Float64("y-true-weight"), 'g', -1, 64)},
	}
	for i, st := range steps {
		if n := c.Int("size"); n > 0 {
			st = append(st, "--size", it(n))
			if i == 1 {
				st = append(st, "--resize", it(n))
			}
		}
		if n := c.Int("bs"); n > 0 {
			st = append(st, "--bs", it(n))
		}
		if _, err := s.train(st...); err != nil {
			return err
		}
	}
	sub := s.path("submission.csv")
	if _, err := s.ppctl("predict", "--data", dataDir, "--models", s.path("finetune"), "--out", sub, "--force"); err != nil {
		return err
	}
	if _, err := s.ppctl("plot", s.path("rotnet"), s.path("simclr"), s.path("pseudo"), s.path("finetune")); err != nil {
		return err
	}
	_, err := fmt.Fprintf(c.App.Writer, "\nppctl run: done in %s; submission: %s; runs and plots under %s\n",
		time.Since(s.start).Round(time.Second), sub, cfg.Out)
	return err
}
