package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"
)

func init() { register(demoCommand) }

// demoConfig sizes the demo; the defaults finish in about ten minutes on
// two CPU cores.
type demoConfig struct {
	Out            string
	Arch           string
	Size           int
	N, NTest       int
	Noise          float64
	Epochs         int    // pretraining epochs (RotNet and SimCLR)
	FinetuneEpochs int    // unfrozen epochs of finetune
	PseudoFolds    int    // folds of pseudolabel
	PseudoEpochs   int    // unfrozen epochs of pseudolabel
	Soft           string // hard or probs: the pseudo side of the soft targets
	BS             int
	LR             float64 // pretraining peak rate
	Seed           uint64
	Force          bool
	Shared         []string // --precision, --device, --threads, --workers, --progress for every stage
}

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run the whole pipeline on built-in synthetic data and print a report",
		Description: "No download needed. The demo is a script of ordinary ppctl commands, each\n" +
			"printed before it runs so you can rerun or change it:\n\n" +
			"  synth -> pretrain rotnet, pretrain simclr -> eval knn (random, RotNet, SimCLR)\n" +
			"  -> pseudolabel (3 folds, SimCLR encoder) -> finetune with soft labels (w=0.5)\n" +
			"  and with the given labels only (w=1), same budget -> predict -> score -> plot\n\n" +
			"The defaults (tiny backbone, 64 px, a few epochs) take about ten minutes on\n" +
			"two CPU cores; --arch, --size, --epochs and --n scale it up.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Value: "ppctl-demo", Usage: "folder for the data and every run", EnvVars: []string{"PPCTL_OUT"}},
			&cli.StringFlag{Name: "arch", Value: "seresnext_tiny", Usage: "backbone", EnvVars: []string{"PPCTL_ARCH"}},
			&cli.IntFlag{Name: "size", Value: 64, Usage: "image side, pixels (synthetic images and every crop)", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.IntFlag{Name: "n", Value: 400, Usage: "training images", EnvVars: []string{"PPCTL_N"}},
			&cli.IntFlag{Name: "ntest", Value: 200, Usage: "test images", EnvVars: []string{"PPCTL_NTEST"}},
			&cli.Float64Flag{Name: "noise", Value: 0.2, Usage: "fraction of training labels replaced by another class", EnvVars: []string{"PPCTL_NOISE"}},
			&cli.IntFlag{Name: "epochs", Value: 10, Usage: "pretraining epochs of RotNet and SimCLR", EnvVars: []string{"PPCTL_EPOCHS"}},
			&cli.IntFlag{Name: "finetune-epochs", Value: 6, Usage: "unfrozen fine_tune epochs of finetune", EnvVars: []string{"PPCTL_FINETUNE_EPOCHS"}},
			&cli.IntFlag{Name: "pseudo-folds", Value: 3, Usage: "folds of pseudolabel (the blog's 2 leave each model half the images, too few here for pseudo-labels better than the given ones)", EnvVars: []string{"PPCTL_PSEUDO_FOLDS"}},
			&cli.IntFlag{Name: "pseudo-epochs", Value: 12, Usage: "unfrozen fine_tune epochs of pseudolabel", EnvVars: []string{"PPCTL_PSEUDO_EPOCHS"}},
			&cli.StringFlag{Name: "soft", Value: "hard", Usage: "pseudo side of the soft targets: hard (predicted class, the blog) or probs (out-of-fold probabilities)", EnvVars: []string{"PPCTL_SOFT"}},
			&cli.IntFlag{Name: "bs", Value: 32, Usage: "images per batch", EnvVars: []string{"PPCTL_BS"}},
			&cli.Float64Flag{Name: "lr", Value: 1e-3, Usage: "pretraining peak learning rate (the blog's 1e-4 is for 25 epochs of 1,821 photos)", EnvVars: []string{"PPCTL_LR"}},
			&cli.Uint64Flag{Name: "seed", Value: 42, Usage: "seed of the data and of every stage", EnvVars: []string{"PPCTL_SEED"}},
			&cli.BoolFlag{Name: "force", Usage: "replace a previous demo in --out", EnvVars: []string{"PPCTL_FORCE"}},
			&cli.StringFlag{Name: "precision", Value: "auto", Usage: "auto, fp32, bf16 or fp16, for every stage", EnvVars: []string{"PPCTL_PRECISION"}},
			&cli.StringFlag{Name: "device", Value: "auto", Usage: "cpu, cuda, cuda:N or auto, for every stage", EnvVars: []string{"PPCTL_DEVICE"}},
			&cli.IntFlag{Name: "threads", Usage: "libtorch CPU threads (default: every core)", EnvVars: []string{"PPCTL_THREADS"}},
			&cli.IntFlag{Name: "workers", Usage: "data-loading goroutines (default: every core)", EnvVars: []string{"PPCTL_WORKERS"}},
			&cli.StringFlag{Name: "progress", Value: "quiet", Usage: "progress of each stage: auto, bar, plain, quiet or json", EnvVars: []string{"PPCTL_PROGRESS"}},
		},
		Action: demoAction,
	}
}

func demoAction(c *cli.Context) error {
	cfg := demoConfig{Out: c.String("out"), Arch: c.String("arch"), Size: c.Int("size"), N: c.Int("n"), NTest: c.Int("ntest"),
		Noise: c.Float64("noise"), Epochs: c.Int("epochs"), FinetuneEpochs: c.Int("finetune-epochs"), BS: c.Int("bs"),
		PseudoFolds: c.Int("pseudo-folds"), PseudoEpochs: c.Int("pseudo-epochs"), Soft: c.String("soft"),
		LR: c.Float64("lr"), Seed: c.Uint64("seed"), Force: c.Bool("force")}
	switch {
	case c.NArg() > 0:
		return usageError("demo: unexpected argument %q (flags only; see ppctl demo --help)", c.Args().First())
	case cfg.Size < 32 || cfg.N < 40 || cfg.NTest < 20 || cfg.Epochs < 1 || cfg.FinetuneEpochs < 1 || cfg.PseudoEpochs < 1 || cfg.PseudoFolds < 2 || cfg.BS < 2:
		return usageError("demo: need --size >= 32, --n >= 40, --ntest >= 20 (every class in the test set), --epochs, --finetune-epochs and --pseudo-epochs >= 1, --pseudo-folds >= 2, --bs >= 2")
	}
	if entries, err := os.ReadDir(cfg.Out); err == nil && len(entries) > 0 && !cfg.Force {
		return usageError("demo: %s already holds files; pass --force to replace the previous demo, or choose another --out", cfg.Out)
	}
	cfg.Shared = []string{"--precision", c.String("precision"), "--device", c.String("device"),
		"--threads", strconv.Itoa(c.Int("threads")), "--workers", strconv.Itoa(c.Int("workers")), "--progress", c.String("progress")}
	d := &script{cfg: cfg, c: c, start: time.Now()}
	rep, err := d.run()
	if err != nil {
		return err
	}
	rep.write(c.App.Writer, cfg, time.Since(d.start))
	return nil
}

// script runs the steps of a pipeline as ppctl commands in this process,
// printing each before it runs (the demo and `ppctl run` are scripts).
type script struct {
	cfg   demoConfig
	c     *cli.Context
	start time.Time
	step  int
}

// path returns a path inside the output folder.
func (d *script) path(parts ...string) string {
	return filepath.Join(append([]string{d.cfg.Out}, parts...)...)
}

// ppctl prints and runs one command, returning what it wrote to stdout.
func (d *script) ppctl(args ...string) (string, error) {
	d.step++
	fmt.Fprintf(d.c.App.Writer, "[%d] %s  (%s)\n", d.step, "ppctl "+strings.Join(args, " "), time.Since(d.start).Round(time.Second))
	var out bytes.Buffer
	err := newApp(&out, d.c.App.ErrWriter).RunContext(d.c.Context, append([]string{"ppctl"}, args...))
	if err != nil {
		return "", fmt.Errorf("step %d (ppctl %s): %w", d.step, args[0], err)
	}
	return out.String(), nil
}

// train runs a training command with the shared flags (and --force when the
// script replaces a previous run).
func (d *script) train(args ...string) (string, error) {
	args = append(args, d.cfg.Shared...)
	args = append(args, "--seed", strconv.FormatUint(d.cfg.Seed, 10))
	if d.cfg.Force {
		args = append(args, "--force")
	}
	return d.ppctl(args...)
}

// demoReport is what the demo found.
type demoReport struct {
	KNN         [3]float64 // random, RotNet, SimCLR
	Given, Soft demoScore
	Artifacts   [][2]string
}

type demoScore struct {
	Accuracy   float64 `json:"accuracy"`
	MeanROCAUC float64 `json:"mean_roc_auc"`
}

func (d *script) run() (*demoReport, error) {
	cfg := d.cfg
	data := d.path("data")
	size, bs, it := strconv.Itoa(cfg.Size), strconv.Itoa(cfg.BS), strconv.Itoa
	synth := []string{"synth", "--out", data, "--n", it(cfg.N), "--ntest", it(cfg.NTest), "--size", size,
		"--noise", strconv.FormatFloat(cfg.Noise, 'g', -1, 64), "--seed", strconv.FormatUint(cfg.Seed, 10)}
	if cfg.Force {
		synth = append(synth, "--force")
	}
	if _, err := d.ppctl(synth...); err != nil {
		return nil, err
	}
	pre := []string{"--data", data, "--arch", cfg.Arch, "--epochs", it(cfg.Epochs), "--bs", bs,
		"--lr", strconv.FormatFloat(cfg.LR, 'g', -1, 64), "--size", size}
	if _, err := d.train(append([]string{"pretrain", "rotnet", "--out", d.path("rotnet")}, pre...)...); err != nil {
		return nil, err
	}
	if _, err := d.train(append([]string{"pretrain", "simclr", "--out", d.path("simclr"), "--resize", size}, pre...)...); err != nil {
		return nil, err
	}
	rep := &demoReport{}
	for i, enc := range []string{"random", d.path("rotnet"), d.path("simclr")} {
		out, err := d.ppctl("eval", "knn", "--encoder", enc, "--arch", cfg.Arch, "--data", data, "--size", size,
			"--labels", filepath.Join(data, "truth.csv"), "--json", "--seed", strconv.FormatUint(cfg.Seed, 10))
		if err != nil {
			return nil, err
		}
		var r struct{ Value float64 }
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			return nil, fmt.Errorf("demo: reading eval knn's result: %w", err)
		}
		rep.KNN[i] = r.Value
	}
	ft := []string{"--data", data, "--encoder", d.path("simclr"), "--arch", cfg.Arch, "--size", size, "--bs", bs}
	if _, err := d.train(append([]string{"pseudolabel", "--out", d.path("pseudo"), "--folds", it(cfg.PseudoFolds),
		"--epochs", it(cfg.PseudoEpochs)}, ft...)...); err != nil {
		return nil, err
	}
	runs := []struct {
		name  string
		extra []string
		score *demoScore
	}{
		{"given", []string{"--y-true-weight", "1"}, &rep.Given},
		{"soft", []string{"--softlabels", d.path("pseudo", "pseudolabels.csv"), "--y-true-weight", "0.5", "--soft", cfg.Soft}, &rep.Soft},
	}
	for _, r := range runs {
		args := append([]string{"finetune", "--out", d.path(r.name), "--folds", "3", "--epochs", it(cfg.FinetuneEpochs)}, ft...)
		if _, err := d.train(append(args, r.extra...)...); err != nil {
			return nil, err
		}
		sub := d.path(r.name, "submission.csv")
		if _, err := d.ppctl("predict", "--data", data, "--models", d.path(r.name), "--out", sub, "--force"); err != nil {
			return nil, err
		}
		out, err := d.ppctl("score", "--truth", filepath.Join(data, "test_truth.csv"), "--pred", sub, "--json")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(out), r.score); err != nil {
			return nil, fmt.Errorf("demo: reading score's result: %w", err)
		}
	}
	if _, err := d.ppctl("plot", d.path("given"), d.path("soft"), d.path("pseudo"), d.path("rotnet"), d.path("simclr")); err != nil {
		return nil, err
	}
	rep.Artifacts = [][2]string{
		{"synthetic data", data},
		{"RotNet encoder", d.path("rotnet", "encoder.pth")},
		{"SimCLR encoder", d.path("simclr", "encoder.pth")},
		{"pseudo-labels", d.path("pseudo", "pseudolabels.csv")},
		{"given-label models", d.path("given", "fold*", "best.pth")},
		{"soft-label models", d.path("soft", "fold*", "best.pth")},
		{"submissions", d.path("{given,soft}", "submission.csv")},
		{"plots", d.path("*", "*.png")},
		{"manifests, metrics", d.path("*", "manifest.json") + ", metrics.jsonl"},
	}
	return rep, nil
}

// write prints the report: three small tables read at a glance.
func (r *demoReport) write(w io.Writer, cfg demoConfig, took time.Duration) {
	fmt.Fprintf(w, "\nppctl demo: %d synthetic leaves (%d%% noisy labels), %d test, %d px, %s, %s\n",
		cfg.N, int(cfg.Noise*100+0.5), cfg.NTest, cfg.Size, cfg.Arch, took.Round(time.Second))
	table := func(title string, rows [][]string) {
		fmt.Fprintf(w, "\n%s\n", title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, row := range rows {
			fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
		}
		tw.Flush()
	}
	table("Encoders: 5-fold kNN accuracy on the clean training labels", [][]string{
		{"random init", fmt.Sprintf("%.3f", r.KNN[0])},
		{"RotNet", fmt.Sprintf("%.3f", r.KNN[1])},
		{"SimCLR", fmt.Sprintf("%.3f", r.KNN[2])},
	})
	table("Fine-tuning the SimCLR encoder, 3 folds, scored on the clean test labels", [][]string{
		{"targets", "accuracy", "mean ROC AUC"},
		{"given labels (w=1)", fmt.Sprintf("%.3f", r.Given.Accuracy), fmt.Sprintf("%.3f", r.Given.MeanROCAUC)},
		{"soft labels (w=0.5, " + cfg.Soft + ")", fmt.Sprintf("%.3f", r.Soft.Accuracy), fmt.Sprintf("%.3f", r.Soft.MeanROCAUC)},
	})
	rows := make([][]string, len(r.Artifacts))
	for i, a := range r.Artifacts {
		rows[i] = []string{a[0], a[1]}
	}
	table("Artifacts", rows)
}
