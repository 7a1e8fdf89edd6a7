package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/softlabel"
	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/train"
)

func init() { register(pseudolabelCommand) }

func pseudolabelCommand() *cli.Command {
	return &cli.Command{
		Name:  "pseudolabel",
		Usage: "out-of-fold pseudo-labels: k classifiers, each predicting the fold it did not train on",
		Description: "Splits train.csv into stratified folds on its given labels. For each fold, the encoder\n" +
			"(--encoder; without it timm's random initialisation) plus fastai's head is fine_tuned\n" +
			"on the other folds (RandomResizedCrop(--size, min_scale 0.35) + flip, ImageNet\n" +
			"normalization) and predicts the held-out fold (centre crop). Writes\n" +
			"OUT/pseudolabels.csv (image_id,labels,softlabels,p_<class>...: given label, predicted\n" +
			"label, out-of-fold probabilities), OUT/fold<k>/ (metrics.jsonl, oof.csv) and\n" +
			"OUT/manifest.json. Feed pseudolabels.csv to `ppctl finetune --softlabels`.",
		Flags:  append(trainFlags(), foldFlags(softlabel.DefaultPseudoLabelConfig())...),
		Action: pseudolabelAction,
	}
}

// pseudolabelManifest is what manifest.json records as the config.
type pseudolabelManifest struct {
	softlabel.Config
	Data         string `json:"data"`
	BackboneInit string `json:"backbone_init"`
}

func pseudolabelAction(c *cli.Context) error {
	ds, cfg, err := foldSetup(c, softlabel.DefaultPseudoLabelConfig())
	if err != nil {
		return err
	}
	o, err := runtimeFromFlags(c)
	if err != nil {
		return err
	}
	s, err := startSession(c, o, "pseudolabel", pseudolabelManifest{cfg, ds.Dir, cfg.BackboneInit()}, ds, softlabel.Outputs...)
	if err != nil {
		return fmt.Errorf("pseudolabel: %w", err)
	}
	res, err := softlabel.PseudoLabel(c.Context, ds, cfg, foldRuntime(s))
	if err == nil {
		agree := 0
		for _, r := range res.Labels.Rows {
			if r.Pred == r.Label {
				agree++
			}
		}
		n := len(res.Labels.Rows)
		fmt.Fprintf(c.App.Writer, "pseudolabel: %s: %d images over %d folds; the out-of-fold prediction agrees with the given label for %d (%.1f%%), %d disagree\n",
			s.run.Path(softlabel.PseudoLabelsFile), n, cfg.Folds, agree, 100*float64(agree)/float64(n), n-agree)
	}
	return s.finish(err, nil, "")
}

// foldFlags are the flags pseudolabel and finetune share after
// trainFlags(), with def's defaults.
func foldFlags(def softlabel.Config) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "data", Usage: "dataset directory in the Plant Pathology layout (train.csv, images/); required", EnvVars: []string{"PPCTL_DATA"}},
		&cli.StringFlag{Name: "encoder", Usage: "pretrained backbone: a pretraining run directory (its encoder.pth), a .pth or a .safetensors file (default: none, timm's random initialisation)", EnvVars: []string{"PPCTL_ENCODER"}},
		&cli.StringFlag{Name: "arch", Usage: "backbone, e.g. seresnext50_32x4d, seresnext26d_32x4d, seresnext_tiny (default: the encoder's, else " + softlabel.DefaultArch + ")", EnvVars: []string{"PPCTL_ARCH"}},
		&cli.IntFlag{Name: "folds", Value: def.Folds, Usage: "stratified folds, one classifier each (at least 2)", EnvVars: []string{"PPCTL_FOLDS"}},
		&cli.IntFlag{Name: "epochs", Value: def.Schedule.Epochs, Usage: "fine_tune epochs with the body unfrozen", EnvVars: []string{"PPCTL_EPOCHS"}},
		&cli.IntFlag{Name: "freeze-epochs", Value: def.Schedule.FreezeEpochs, Usage: "fine_tune epochs training the head only, before --epochs (0 for none)", EnvVars: []string{"PPCTL_FREEZE_EPOCHS"}},
		&cli.Float64Flag{Name: "lr", Value: def.Schedule.BaseLR, Usage: "fine_tune base_lr: the head's peak learning rate while the body is frozen; unfrozen, the head peaks at lr/2 and the body at lr/200", EnvVars: []string{"PPCTL_LR"}},
		&cli.IntFlag{Name: "bs", Value: def.BatchSize, Usage: "images per batch", EnvVars: []string{"PPCTL_BS"}},
		&cli.IntFlag{Name: "size", Value: def.Size, Usage: "side of the training and evaluation crops, pixels", EnvVars: []string{"PPCTL_SIZE"}},
		&cli.BoolFlag{Name: "single-group", Usage: "one parameter group, nothing frozen, one learning rate: the blog's learners without a splitter (default: fastai's body and head groups)", EnvVars: []string{"PPCTL_SINGLE_GROUP"}},
	}
}

// foldSetup reads the shared fold flags over def, opens --data and
// resolves the config (arch from the encoder), refusing bad values with
// exit status 2 before anything is written.
func foldSetup(c *cli.Context, def softlabel.Config) (*dataset.Dataset, softlabel.Config, error) {
	name := c.Command.Name
	cfg := def
	cfg.Arch, cfg.Encoder, cfg.Folds, cfg.Seed = c.String("arch"), c.String("encoder"), c.Int("folds"), c.Uint64("seed")
	cfg.Schedule.Epochs, cfg.Schedule.FreezeEpochs, cfg.Schedule.BaseLR = c.Int("epochs"), c.Int("freeze-epochs"), c.Float64("lr")
	cfg.BatchSize, cfg.Size, cfg.SingleGroup = c.Int("bs"), c.Int("size"), c.Bool("single-group")
	switch {
	case c.NArg() > 0:
		return nil, cfg, usageError("%s: unexpected argument %q (every setting is a flag; see --help)", name, c.Args().First())
	case c.String("data") == "":
		return nil, cfg, usageError("%s: --data DIR is required: the dataset directory (train.csv, images/)", name)
	case cfg.Folds < 2:
		return nil, cfg, usageError("%s: --folds %d: k-fold needs at least 2", name, cfg.Folds)
	case cfg.Schedule.Epochs < 0 || cfg.Schedule.FreezeEpochs < 0 || cfg.Schedule.Epochs+cfg.Schedule.FreezeEpochs == 0:
		return nil, cfg, usageError("%s: --epochs %d and --freeze-epochs %d: give a positive total", name, cfg.Schedule.Epochs, cfg.Schedule.FreezeEpochs)
	case !(cfg.Schedule.BaseLR > 0):
		return nil, cfg, usageError("%s: --lr %v: the learning rate must be positive", name, cfg.Schedule.BaseLR)
	case cfg.BatchSize < 1 || cfg.Size < 1:
		return nil, cfg, usageError("%s: --bs %d and --size %d must be positive", name, cfg.BatchSize, cfg.Size)
	}
	cfg, err := cfg.Resolved()
	if err != nil {
		return nil, cfg, usageError("%s: %v", name, err)
	}
	ds, err := dataset.Open(c.String("data"))
	if err != nil {
		return nil, cfg, fmt.Errorf("%s: %w", name, err)
	}
	return ds, cfg, nil
}

// foldRuntime is the softlabel runtime of a session: its device,
// precision, workers, reporter, metrics log and run directory.
func foldRuntime(s *session) softlabel.Runtime {
	return softlabel.Runtime{
		Device: s.opts.Device, Autocast: s.opts.Autocast, Workers: s.opts.Workers,
		Reporter: s.reporter, Callbacks: []train.Callback{s.logEpochs()},
		Dir: s.run.Dir(), Resume: s.opts.Resume,
		Meta: checkpoint.Meta{Precision: s.opts.Precision.String(), PPCtlVersion: version, LibtorchVersion: torch.LibInfo().Version},
	}
}
