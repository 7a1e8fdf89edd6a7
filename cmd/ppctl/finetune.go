package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/softlabel"
	"github.com/ppctl/ppctl/torch/train"
)

func init() { register(finetuneCommand) }

func finetuneCommand() *cli.Command {
	def := softlabel.DefaultFineTuneSettings()
	return &cli.Command{
		Name:  "finetune",
		Usage: "soft-label fine-tuning: one classifier per fold on blended given and pseudo-labels",
		Description: "Splits train.csv into stratified folds. For each fold, the encoder plus fastai's head\n" +
			"is fine_tuned on the other folds with targets w*onehot(given) + (1-w)*onehot(pseudo)\n" +
			"(--soft hard, the blog) or (1-w)*out-of-fold probabilities (--soft probs), w being\n" +
			"--y-true-weight and the pseudo-labels those of --softlabels (ppctl pseudolabel's\n" +
			"pseudolabels.csv); without --softlabels it trains on the given labels alone (w = 1).\n" +
			"Validation is against the given labels, with accuracy and ROC AUC per epoch. The epoch\n" +
			"of lowest validation loss is kept as OUT/fold<k>/best.pth, for `ppctl predict`.",
		Flags: append(append(trainFlags(), foldFlags(def.Config)...),
			&cli.StringFlag{Name: "softlabels", Usage: "pseudo-labels CSV from ppctl pseudolabel (default: none, train on the given labels only)", EnvVars: []string{"PPCTL_SOFTLABELS"}},
			&cli.Float64Flag{Name: "y-true-weight", Value: def.Blend.Weight, Usage: "w, the given label's share of each training target, 0 to 1 (1: given labels only)", EnvVars: []string{"PPCTL_Y_TRUE_WEIGHT"}},
			&cli.StringFlag{Name: "soft", Value: def.Blend.Mode.String(), Usage: "what the pseudo side of a target is: hard (one-hot predicted class) or probs (out-of-fold probabilities)", EnvVars: []string{"PPCTL_SOFT"}},
		),
		Action: finetuneAction,
	}
}

// finetuneManifest is what manifest.json records as the config.
type finetuneManifest struct {
	softlabel.FineTuneConfig
	Data         string `json:"data"`
	SoftLabels   string `json:"softlabels"`
	BackboneInit string `json:"backbone_init"`
	Targets      string `json:"targets"`
}

func finetuneAction(c *cli.Context) error {
	blend, soft, err := blendFlags(c)
	if err != nil {
		return err
	}
	ds, cfg, err := foldSetup(c, softlabel.DefaultFineTuneConfig())
	if err != nil {
		return err
	}
	o, err := runtimeFromFlags(c)
	if err != nil {
		return err
	}
	ft := softlabel.FineTuneConfig{Config: cfg, Blend: blend}
	targets := fmt.Sprintf("%g x given + %g x %s pseudo-labels", blend.Weight, 1-blend.Weight, blend.Mode)
	var pl *dataset.PseudoLabels
	if soft == "" {
		targets = "given labels only (w = 1)"
	} else if pl, err = dataset.ReadPseudoLabels(soft); err != nil {
		return fmt.Errorf("finetune: --softlabels: %w", err)
	}
	man := finetuneManifest{ft, ds.Dir, soft, cfg.BackboneInit(), targets}
	s, err := startSession(c, o, "finetune", man, ds, softlabel.Outputs...)
	if err != nil {
		return fmt.Errorf("finetune: %w", err)
	}
	res, err := softlabel.FineTune(c.Context, ds, pl, ft, foldRuntime(s))
	var best *train.Record
	if res != nil {
		for _, f := range res.Folds {
			fmt.Fprintf(c.App.Writer, "finetune: fold %d: %s -> %s\n", f.Fold, describeBest(f.Best), f.Checkpoint)
			if f.Best != nil && f.Best.ValidLoss != nil && (best == nil || *f.Best.ValidLoss < *best.ValidLoss) {
				best = f.Best
			}
		}
	}
	return s.finish(err, best, "valid_loss")
}

// blendFlags reads --y-true-weight, --soft and --softlabels. Without
// --softlabels the weight is 1, and another explicit weight is an error.
func blendFlags(c *cli.Context) (softlabel.Blend, string, error) {
	w, soft := c.Float64("y-true-weight"), c.String("softlabels")
	mode, err := softlabel.ParseSoftMode(c.String("soft"))
	switch {
	case err != nil:
		return softlabel.Blend{}, "", usageError("finetune: --soft: %v", err)
	case !(w >= 0 && w <= 1):
		return softlabel.Blend{}, "", usageError("finetune: --y-true-weight %v is outside [0, 1]: it is the given label's share of each target", w)
	case soft == "" && c.IsSet("y-true-weight") && w != 1:
		return softlabel.Blend{}, "", usageError("finetune: --y-true-weight %v needs --softlabels (the pseudo-labels to blend with); without them the targets are the given labels", w)
	case soft == "":
		w = 1
	}
	return softlabel.Blend{Weight: w, Mode: mode}, soft, nil
}

// describeBest renders a fold's best epoch for the summary lines.
func describeBest(r *train.Record) string {
	if r == nil || r.ValidLoss == nil {
		return "no best epoch"
	}
	out := fmt.Sprintf("best valid_loss %.4f", *r.ValidLoss)
	if r.Epoch != nil {
		out += fmt.Sprintf(" (%s epoch %d)", r.Phase, *r.Epoch)
	}
	if r.Accuracy != nil {
		out += fmt.Sprintf(", accuracy %.4f", *r.Accuracy)
	}
	if r.ROCAUC != nil {
		out += fmt.Sprintf(", roc_auc %.4f", *r.ROCAUC)
	}
	return out
}
