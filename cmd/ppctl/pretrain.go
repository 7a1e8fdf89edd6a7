package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/ssl"
	"github.com/ppctl/ppctl/torch/models"
	"github.com/ppctl/ppctl/torch/train"
)

func init() { register(pretrainCommand) }

func pretrainCommand() *cli.Command {
	return &cli.Command{
		Name:  "pretrain",
		Usage: "self-supervised pretraining of a backbone: rotnet or simclr",
		Description: "Trains a pretext task on the dataset's images without their labels and writes\n" +
			"RUN/encoder.pth (the backbone alone, timm key names, loadable by PyTorch and by\n" +
			"every --encoder flag), RUN/model.pth (the whole pretext model), manifest.json and\n" +
			"metrics.jsonl. Judge the encoder with `ppctl eval knn --encoder RUN`.",
		Subcommands: []*cli.Command{pretrainRotNetCommand(), pretrainSimCLRCommand()},
	}
}

// pretrainFlags are the flags both pretexts share, after trainFlags.
func pretrainFlags(bs int) []cli.Flag {
	def := ssl.DefaultRotNetConfig()
	return append(trainFlags(),
		&cli.StringFlag{Name: "data", Usage: "dataset directory (train.csv, test.csv, images/); required", EnvVars: []string{"PPCTL_DATA"}},
		&cli.StringFlag{Name: "arch", Value: def.Arch, Usage: "backbone (seresnext50_32x4d, seresnext26d_32x4d, seresnext26t_32x4d, seresnext_tiny)", EnvVars: []string{"PPCTL_ARCH"}},
		&cli.IntFlag{Name: "epochs", Value: def.Epochs, Usage: "epochs of fit_one_cycle", EnvVars: []string{"PPCTL_EPOCHS"}},
		&cli.Float64Flag{Name: "lr", Value: def.LR, Usage: "peak learning rate of fit_one_cycle", EnvVars: []string{"PPCTL_LR"}},
		&cli.IntFlag{Name: "bs", Value: bs, Usage: "images per batch", EnvVars: []string{"PPCTL_BS"}},
		&cli.Float64Flag{Name: "valid-pct", Value: def.ValidPct, Usage: "fraction of images held out for validation (0 for none)", EnvVars: []string{"PPCTL_VALID_PCT"}},
	)
}

func pretrainRotNetCommand() *cli.Command {
	return &cli.Command{
		Name:  "rotnet",
		Usage: "predict which of 4 quarter turns each image got (Gidaris et al. 2018)",
		Description: "All images (train and test ids) sorted by name, the first 80% training and the\n" +
			"rest validating, squash-resized to --size, rotated by k x 90 degrees; the backbone\n" +
			"plus fastai's create_head(nf, 4) learns k with cross-entropy, fit_one_cycle.",
		Flags: append(pretrainFlags(ssl.DefaultRotNetConfig().BatchSize),
			&cli.IntFlag{Name: "size", Value: ssl.DefaultRotNetConfig().Size, Usage: "side images are squash-resized to, pixels", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.BoolFlag{Name: "augment", Usage: "crop before rotating (RandomResizedCrop, scale 0.7..1) instead of the squash, the measured recipe; the flags below override or add parts (default off, as the blog)", EnvVars: []string{"PPCTL_AUGMENT"}},
			&cli.Float64Flag{Name: "crop-scale", Usage: "smallest area fraction of a RandomResizedCrop replacing the squash, 0..1; 0 squashes (default 0, 0.7 with --augment)", EnvVars: []string{"PPCTL_CROP_SCALE"}},
			&cli.Float64Flag{Name: "flip", Usage: "probability of a horizontal flip before rotating (default 0: never, also with --augment)", EnvVars: []string{"PPCTL_FLIP"}},
			&cli.Float64Flag{Name: "brightness", Usage: "brightness jitter x: factor drawn from [1-x, 1+x] (default 0: none, also with --augment)", EnvVars: []string{"PPCTL_BRIGHTNESS"}},
			&cli.Float64Flag{Name: "contrast", Usage: "contrast jitter x: factor drawn from [1-x, 1+x] (default 0: none, also with --augment)", EnvVars: []string{"PPCTL_CONTRAST"}},
			&cli.Float64Flag{Name: "saturation", Usage: "saturation jitter x: factor drawn from [1-x, 1+x] (default 0: none, also with --augment)", EnvVars: []string{"PPCTL_SATURATION"}},
			&cli.BoolFlag{Name: "all-rotations", Usage: "feed each image in all four rotations in one batch (4 x bs rows, 4 x the time per epoch; default off: one random rotation, as the blog)", EnvVars: []string{"PPCTL_ALL_ROTATIONS"}},
		),
		Action: pretrainRotNetAction,
	}
}

func pretrainSimCLRCommand() *cli.Command {
	def := ssl.DefaultSimCLRConfig()
	return &cli.Command{
		Name:  "simclr",
		Usage: "make two random views of an image agree (Chen et al. 2020, NT-Xent)",
		Description: "train.csv's images with a seeded random 80/20 split, each resized to --resize\n" +
			"(random square crop), then two views: RandomResizedCrop to --size (scale 0.2..1),\n" +
			"horizontal flip and, with --color, colour jitter and random grayscale. The backbone\n" +
			"plus a projection MLP learns with NT-Xent at --temp, fit_one_cycle.",
		Flags: append(pretrainFlags(def.BatchSize),
			&cli.IntFlag{Name: "size", Value: def.Augment.Crop.Size, Usage: "side of each view, pixels", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.IntFlag{Name: "resize", Value: def.Augment.Resize, Usage: "side images are resized (square crop) to before the views, pixels", EnvVars: []string{"PPCTL_RESIZE"}},
			&cli.Float64Flag{Name: "temp", Value: def.Temperature, Usage: "NT-Xent temperature", EnvVars: []string{"PPCTL_TEMP"}},
			&cli.BoolFlag{Name: "color", Usage: "add colour jitter (s=0.6) and random grayscale (p=0.2) to the views (default off, as the blog)", EnvVars: []string{"PPCTL_COLOR"}},
		),
		Action: pretrainSimCLRAction,
	}
}

// pretrainCommon reads the shared flags into p and opens the dataset. It
// reports done when --resume finds a finished encoder in --out.
func pretrainCommon(c *cli.Context, p *ssl.PretrainConfig) (o runtimeOpts, ds *dataset.Dataset, done bool, err error) {
	name := c.Command.FullName()
	if c.NArg() > 0 {
		return o, nil, false, usageError("%s: unexpected argument %q (every setting is a flag)", name, c.Args().First())
	}
	if o, err = runtimeFromFlags(c); err != nil {
		return o, nil, false, err
	}
	if c.String("data") == "" {
		return o, nil, false, usageError("%s: --data DIR is required: the dataset folder (see ppctl synth)", name)
	}
	if c.Int("epochs") < 1 || c.Int("bs") < 1 || !(c.Float64("lr") > 0) {
		return o, nil, false, usageError("%s: --epochs, --bs and --lr must be positive", name)
	}
	if v := c.Float64("valid-pct"); !(v >= 0 && v < 1) {
		return o, nil, false, usageError("%s: --valid-pct %v: give 0 (no validation) up to below 1", name, v)
	}
	if _, err := models.LookupVariant(c.String("arch")); err != nil {
		return o, nil, false, usageError("%s: --arch: %v", name, err)
	}
	if o.Resume {
		if _, err := os.Stat(filepath.Join(o.Out, models.EncoderFile)); err == nil {
			fmt.Fprintf(c.App.Writer, "%s: %s already holds %s; nothing to do (--resume)\n", name, o.Out, models.EncoderFile)
			return o, nil, true, nil
		}
	}
	if ds, err = dataset.Open(c.String("data")); err != nil {
		return o, nil, false, fmt.Errorf("%s: %w", name, err)
	}
	p.Arch, p.Epochs, p.LR, p.BatchSize = c.String("arch"), c.Int("epochs"), c.Float64("lr"), c.Int("bs")
	p.ValidPct, p.Seed, p.Workers = c.Float64("valid-pct"), o.Seed, o.Workers
	p.Device, p.Precision = o.Device, o.Precision.String()
	return o, ds, false, nil
}

func pretrainRotNetAction(c *cli.Context) error {
	cfg := ssl.DefaultRotNetConfig()
	o, ds, done, err := pretrainCommon(c, &cfg.PretrainConfig)
	if err != nil || done {
		return err
	}
	if cfg.Size = c.Int("size"); cfg.Size < 1 {
		return usageError("%s: --size %d: give a positive side in pixels", c.Command.FullName(), cfg.Size)
	}
	if err := rotNetAugmentFromFlags(c, &cfg); err != nil {
		return err
	}
	return runPretrain(c, o, "rotnet", &cfg.PretrainConfig, cfg, ds, func() (*ssl.Result, error) {
		return ssl.PretrainRotNet(c.Context, ds, cfg)
	})
}

// rotNetAugmentFromFlags sets cfg's input augmentation: --augment's recipe,
// then each finer flag the user gave.
func rotNetAugmentFromFlags(c *cli.Context, cfg *ssl.RotNetConfig) error {
	if c.Bool("augment") {
		a := dataset.AugmentedRotNet(cfg.Size)
		cfg.CropScale, cfg.FlipP, cfg.Jitter = a.CropScale, a.FlipP, a.Jitter
	}
	if c.IsSet("crop-scale") {
		cfg.CropScale = [2]float64{c.Float64("crop-scale"), 1}
		if cfg.CropScale[0] == 0 {
			cfg.CropScale = [2]float64{}
		}
	}
	set := func(name string, dst *float64) {
		if c.IsSet(name) {
			*dst = c.Float64(name)
		}
	}
	set("flip", &cfg.FlipP)
	set("brightness", &cfg.Jitter.Brightness)
	set("contrast", &cfg.Jitter.Contrast)
	set("saturation", &cfg.Jitter.Saturation)
	cfg.AllRotations = c.Bool("all-rotations")
	if err := cfg.Pipeline().Check(); err != nil {
		return usageError("%s: %v (see --crop-scale, --flip, --brightness, --contrast, --saturation)", c.Command.FullName(), err)
	}
	return nil
}

func pretrainSimCLRAction(c *cli.Context) error {
	cfg := ssl.DefaultSimCLRConfig()
	o, ds, done, err := pretrainCommon(c, &cfg.PretrainConfig)
	if err != nil || done {
		return err
	}
	cfg.Augment.Crop.Size, cfg.Augment.Resize = c.Int("size"), c.Int("resize")
	cfg.Augment.Color, cfg.Temperature = c.Bool("color"), c.Float64("temp")
	if cfg.Augment.Crop.Size < 1 || cfg.Augment.Resize < 1 {
		return usageError("%s: --size and --resize must be positive sides in pixels", c.Command.FullName())
	}
	if !(cfg.Temperature > 0) {
		return usageError("%s: --temp %v: the NT-Xent temperature must be positive (the blog's is 0.5)", c.Command.FullName(), cfg.Temperature)
	}
	return runPretrain(c, o, "simclr", &cfg.PretrainConfig, cfg, ds, func() (*ssl.Result, error) {
		return ssl.PretrainSimCLR(c.Context, ds, cfg)
	})
}

// runPretrain opens the run, wires p to it (p must be part of cfg and is
// read by pretrain through its closure), trains and reports.
func runPretrain(c *cli.Context, o runtimeOpts, stage string, p *ssl.PretrainConfig, cfg any, ds *dataset.Dataset, pretrain func() (*ssl.Result, error)) error {
	s, err := startSession(c, o, stage, cfg, ds)
	if err != nil {
		return err
	}
	p.Run, p.Reporter = s.run, s.reporter
	res, err := pretrain()
	var last *train.Record
	if res != nil && res.Fit != nil && len(res.Fit.Records) > 0 {
		last = &res.Fit.Records[len(res.Fit.Records)-1]
	}
	if err = s.finish(err, last, ""); err != nil {
		return fmt.Errorf("%s: %w", c.Command.FullName(), err)
	}
	fmt.Fprintf(c.App.Writer, "encoder %s\n", res.EncoderPath)
	return nil
}
