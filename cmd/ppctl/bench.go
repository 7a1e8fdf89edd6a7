package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
)

func init() { register(benchCommand) }

// benchSubcommands holds the `ppctl bench` subcommands. Each lives in its
// own file and adds itself from an init function with registerBench, so
// `bench model` can join `bench data` without touching this file.
var benchSubcommands = []func() *cli.Command{benchDataCommand}

// registerBench adds a `ppctl bench` subcommand.
func registerBench(c func() *cli.Command) { benchSubcommands = append(benchSubcommands, c) }

func benchCommand() *cli.Command {
	subs := make([]*cli.Command, 0, len(benchSubcommands))
	for _, c := range benchSubcommands {
		subs = append(subs, c())
	}
	return &cli.Command{
		Name:  "bench",
		Usage: "measure the throughput of ppctl's parts",
		Description: "Each subcommand prints one line per measurement, or with --json one JSON\n" +
			"object per line (fields bench, size, bs, mode, ... img_per_s), so runs can\n" +
			"be compared with scripts/bench-vs-pytorch.sh.",
		Subcommands: subs,
	}
}

func benchDataCommand() *cli.Command {
	def := dataset.DefaultBenchDataConfig("")
	return &cli.Command{
		Name:  "data",
		Usage: "images/s of the SimCLR input pipeline (decode, two views, CHW float32 batches), cold and warm",
		Description: "Runs one epoch with an empty decode cache (cold: every JPEG is decoded) and then\n" +
			"--warm-epochs epochs served from the cache (warm: augmentation only). Use\n" +
			"full-resolution photographs, e.g. `ppctl synth --size 2048`.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "dataset directory (its images/ folder) or a folder of .jpg/.png files (required)", EnvVars: []string{"PPCTL_DATA"}},
			&cli.IntFlag{Name: "size", Value: def.Size, Usage: "side of each view, pixels", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.IntFlag{Name: "resize", Value: def.Resize, Usage: "side of fastai's Resize crop and the cache's shorter side, pixels", EnvVars: []string{"PPCTL_RESIZE"}},
			&cli.IntFlag{Name: "bs", Value: def.BatchSize, Usage: "images per batch", EnvVars: []string{"PPCTL_BS"}},
			&cli.IntFlag{Name: "workers", Usage: "loader goroutines; 0 means one per core", EnvVars: []string{"PPCTL_WORKERS"}},
			&cli.BoolFlag{Name: "color", Usage: "add colour jitter and random grayscale to the views (the blog ran without)", EnvVars: []string{"PPCTL_COLOR"}},
			&cli.IntFlag{Name: "limit", Usage: "use only the first N images by name; 0 means all", EnvVars: []string{"PPCTL_LIMIT"}},
			&cli.IntFlag{Name: "warm-epochs", Value: def.WarmEpochs, Usage: fmt.Sprintf("cached epochs averaged for the warm figure; 0 means enough for %d images (at least 2)", dataset.MinWarmImages), EnvVars: []string{"PPCTL_WARM_EPOCHS"}},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per measurement instead of a line of text", EnvVars: []string{"PPCTL_JSON"}},
		},
		Action: benchDataAction,
	}
}

func benchDataAction(c *cli.Context) error {
	cfg := dataset.BenchDataConfig{
		Dir: c.String("data"), Size: c.Int("size"), Resize: c.Int("resize"), BatchSize: c.Int("bs"),
		Workers: c.Int("workers"), Color: c.Bool("color"), Limit: c.Int("limit"), WarmEpochs: c.Int("warm-epochs"),
	}
	switch {
	case cfg.Dir == "":
		return usageError("bench data: --data is required (a dataset directory or a folder of JPEGs)")
	case cfg.Size <= 0 || cfg.Resize <= 0 || cfg.BatchSize <= 0:
		return usageError("bench data: --size, --resize and --bs must be positive")
	case cfg.Workers < 0 || cfg.Limit < 0 || cfg.WarmEpochs < 0:
		return usageError("bench data: --workers, --limit and --warm-epochs must not be negative")
	}
	results, err := dataset.BenchData(c.Context, cfg)
	if err != nil {
		return fmt.Errorf("bench data: %w", err)
	}
	return printBench(c.App.Writer, results, c.Bool("json"))
}

// printBench writes one line per result, as JSON or as a readable line.
func printBench(w io.Writer, results []dataset.BenchResult, asJSON bool) error {
	enc := json.NewEncoder(w)
	for _, r := range results {
		if asJSON {
			if err := enc.Encode(r); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%s %-4s  size %d  bs %d  workers %d  %d images  %9.1f img/s  %9.1f img per CPU-second\n",
			r.Bench, r.Mode, r.Size, r.BS, r.Workers, r.Images, r.ImgPerS, r.CPUImgPerS)
	}
	return nil
}
