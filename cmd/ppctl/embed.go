package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/ssl"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

func init() { register(embedCommand) }

// randomEncoder is the --encoder value that asks for a random-init body.
const randomEncoder = "random"

// encoderFlags are the flags of every command that reads an encoder and
// embeds images with it.
func encoderFlags() []cli.Flag {
	def := ssl.DefaultEmbedConfig()
	return []cli.Flag{
		&cli.StringFlag{Name: "encoder", Usage: "pretraining run directory, .pth or .safetensors body (timm keys), or \"random\" for a random-init baseline; required", EnvVars: []string{"PPCTL_ENCODER"}},
		&cli.StringFlag{Name: "arch", Usage: "backbone the encoder must be (default: what its sidecar records; required with --encoder random)", EnvVars: []string{"PPCTL_ARCH"}},
		&cli.StringFlag{Name: "data", Usage: "dataset directory (train.csv, images/); required", EnvVars: []string{"PPCTL_DATA"}},
		&cli.IntFlag{Name: "size", Usage: "side of the centre crop fed to the encoder, pixels (default: the sidecar's image size, else 128)", EnvVars: []string{"PPCTL_SIZE"}},
		&cli.StringFlag{Name: "pool", Value: "avg", Usage: "avg (C features) or concat (max and mean, 2C)", EnvVars: []string{"PPCTL_POOL"}},
		&cli.IntFlag{Name: "bs", Value: def.BatchSize, Usage: "images per forward pass", EnvVars: []string{"PPCTL_BS"}},
		&cli.Uint64Flag{Name: "seed", Value: 42, Usage: "seed of --encoder random's weights and of the folds", EnvVars: []string{"PPCTL_SEED"}},
		&cli.IntFlag{Name: "threads", Usage: "libtorch CPU threads (default: every core)", EnvVars: []string{"PPCTL_THREADS"}},
		&cli.IntFlag{Name: "workers", Usage: "data-loading goroutines (default: every core)", EnvVars: []string{"PPCTL_WORKERS"}},
		&cli.BoolFlag{Name: "json", Usage: "print the result as one JSON object", EnvVars: []string{"PPCTL_JSON"}},
	}
}

// encoderInput is what encoderFlags resolve to.
type encoderInput struct {
	enc   *models.SEResNeXt
	meta  *checkpoint.Meta
	ds    *dataset.Dataset
	embed ssl.EmbedConfig
}

// readEncoderInput checks the encoder flags, loads the encoder (or builds
// a random one) and opens the dataset.
func readEncoderInput(c *cli.Context) (*encoderInput, error) {
	name := c.Command.FullName()
	if c.NArg() > 0 {
		return nil, usageError("%s: unexpected argument %q (every setting is a flag)", name, c.Args().First())
	}
	e, data := c.String("encoder"), c.String("data")
	if e == "" || data == "" {
		return nil, usageError("%s: --encoder and --data are required (a pretraining run directory or checkpoint, and a dataset folder)", name)
	}
	pool, err := ssl.ParsePool(c.String("pool"))
	if err != nil {
		return nil, usageError("%s: --pool: %v", name, err)
	}
	if c.Int("size") < 0 || c.Int("bs") < 1 || c.Int("threads") < 0 || c.Int("workers") < 0 {
		return nil, usageError("%s: --size, --bs, --threads and --workers must be positive", name)
	}
	torch.SetThreads(c.Int("threads"))
	in := &encoderInput{}
	if e == randomEncoder {
		if _, err := models.LookupVariant(c.String("arch")); err != nil {
			return nil, usageError("%s: --encoder random needs --arch: %v", name, err)
		}
		in.enc, err = models.Seeded(c.Uint64("seed"), func() (*models.SEResNeXt, error) { return models.New(models.Config{Arch: c.String("arch")}) })
	} else {
		in.enc, in.meta, err = models.LoadEncoder(e, c.String("arch"))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if in.ds, err = dataset.Open(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	in.embed = ssl.DefaultEmbedConfig().ForEncoder(in.meta)
	if s := c.Int("size"); s > 0 {
		in.embed.Size = s
	}
	in.embed.Pool, in.embed.BatchSize, in.embed.Workers = pool, c.Int("bs"), c.Int("workers")
	return in, nil
}

func embedCommand() *cli.Command {
	return &cli.Command{
		Name:  "embed",
		Usage: "write an encoder's pooled features of every image to a CSV",
		Description: "Each image is resized (shorter side) and centre-cropped to --size, run through the\n" +
			"encoder in evaluation mode and pooled; the CSV has image_id then f0..fN, one row\n" +
			"per image of --split.",
		Flags: append(encoderFlags(),
			&cli.StringFlag{Name: "out", Usage: "CSV file to write; required", EnvVars: []string{"PPCTL_OUT"}},
			&cli.StringFlag{Name: "split", Value: "all", Usage: "train, test or all (train.csv's rows, then test.csv's)", EnvVars: []string{"PPCTL_SPLIT"}},
		),
		Action: embedAction,
	}
}

func embedAction(c *cli.Context) error {
	out := c.String("out")
	if out == "" {
		return usageError("embed: --out FILE is required: the CSV to write")
	}
	split := c.String("split")
	if split != "all" && split != "train" && split != "test" {
		return usageError("embed: --split %q: use train, test or all", split)
	}
	in, err := readEncoderInput(c)
	if err != nil {
		return err
	}
	var items []dataset.Item
	if split != "test" {
		items = append(items, in.ds.Train...)
	}
	if split != "train" {
		items = append(items, in.ds.Test...)
	}
	paths := make([]string, len(items))
	for i, it := range items {
		paths[i] = it.Path
	}
	feats, err := ssl.Embed(c.Context, in.enc, paths, in.embed)
	if err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	if err := writeEmbeddings(out, items, feats); err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(map[string]any{"out": out, "images": len(feats), "dim": len(feats[0]), "size": in.embed.Size, "pool": in.embed.Pool.String()})
	}
	fmt.Fprintf(c.App.Writer, "wrote %s: %d images x %d features\n", out, len(feats), len(feats[0]))
	return nil
}

// writeEmbeddings writes image_id,f0..fN rows atomically.
func writeEmbeddings(path string, items []dataset.Item, feats [][]float32) error {
	f, err := train.CreateAtomic(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("image_id")
	for j := range feats[0] {
		fmt.Fprintf(w, ",f%d", j)
	}
	w.WriteString("\n")
	for i, it := range items {
		w.WriteString(it.ID)
		for _, v := range feats[i] {
			w.WriteByte(',')
			w.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
		w.WriteString("\n")
	}
	if err := w.Flush(); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}
