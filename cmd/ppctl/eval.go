package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/ssl"
)

func init() { register(evalCommand) }

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:  "eval",
		Usage: "judge an encoder without fine-tuning it: knn or linear",
		Description: "Embeds train.csv's images with the encoder (frozen) and cross-validates a classifier\n" +
			"on the features against the labels; the last line is the figure, e.g.\n" +
			"knn_accuracy 0.8125. Compare with --encoder random --arch A, the untrained baseline.",
		Subcommands: []*cli.Command{evalKNNCommand(), evalLinearCommand()},
	}
}

// evalFlags are the flags both judges share.
func evalFlags() []cli.Flag {
	return append(encoderFlags(),
		&cli.StringFlag{Name: "labels", Usage: "CSV of labels in train.csv's format (default DATA/train.csv; ppctl synth's truth.csv holds the clean ones)", EnvVars: []string{"PPCTL_LABELS"}},
		&cli.IntFlag{Name: "folds", Value: ssl.DefaultKNNConfig().Folds, Usage: "stratified cross-validation folds (2 or more)", EnvVars: []string{"PPCTL_FOLDS"}},
	)
}

func evalKNNCommand() *cli.Command {
	def := ssl.DefaultKNNConfig()
	return &cli.Command{
		Name:  "knn",
		Usage: "cross-validated k-nearest-neighbour accuracy on cosine similarity",
		Flags: append(evalFlags(),
			&cli.IntFlag{Name: "k", Value: def.K, Usage: "neighbours that vote", EnvVars: []string{"PPCTL_K"}},
			&cli.Float64Flag{Name: "temperature", Value: def.Temperature, Usage: "votes weigh exp(similarity/temperature); 0 for plain majority", EnvVars: []string{"PPCTL_TEMPERATURE"}},
		),
		Action: func(c *cli.Context) error {
			cfg := ssl.KNNConfig{K: c.Int("k"), Temperature: c.Float64("temperature"), Folds: c.Int("folds"), Seed: c.Uint64("seed")}
			if cfg.K < 1 || cfg.Temperature < 0 {
				return usageError("eval knn: --k must be positive and --temperature 0 or more")
			}
			return runEval(c, "knn_accuracy", func(f [][]float32, l []int) (*ssl.CVResult, error) { return ssl.KNNAccuracy(f, l, cfg) })
		},
	}
}

func evalLinearCommand() *cli.Command {
	def := ssl.DefaultLinearConfig()
	return &cli.Command{
		Name:  "linear",
		Usage: "cross-validated accuracy of a linear probe (logistic regression on frozen features)",
		Flags: append(evalFlags(),
			&cli.IntFlag{Name: "steps", Value: def.Steps, Usage: "full-batch Adam steps per fold", EnvVars: []string{"PPCTL_STEPS"}},
			&cli.Float64Flag{Name: "lr", Value: def.LR, Usage: "Adam's learning rate", EnvVars: []string{"PPCTL_LR"}},
			&cli.Float64Flag{Name: "l2", Value: def.L2, Usage: "L2 penalty on the weights (0 for none)", EnvVars: []string{"PPCTL_L2"}},
		),
		Action: func(c *cli.Context) error {
			cfg := ssl.LinearConfig{Steps: c.Int("steps"), LR: c.Float64("lr"), L2: c.Float64("l2"), Folds: c.Int("folds"), Seed: c.Uint64("seed")}
			if cfg.Steps < 1 || !(cfg.LR > 0) || cfg.L2 < 0 {
				return usageError("eval linear: --steps and --lr must be positive, --l2 0 or more")
			}
			return runEval(c, "linear_accuracy", func(f [][]float32, l []int) (*ssl.CVResult, error) { return ssl.LinearProbe(f, l, cfg) })
		},
	}
}

// runEval embeds the labelled images, runs judge and prints its figure.
func runEval(c *cli.Context, metric string, judge func([][]float32, []int) (*ssl.CVResult, error)) error {
	name := c.Command.FullName()
	if c.Int("folds") < 2 {
		return usageError("%s: --folds %d: use 2 or more", name, c.Int("folds"))
	}
	in, err := readEncoderInput(c)
	if err != nil {
		return err
	}
	paths, labels, err := labelledImages(in.ds, c.String("labels"))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	feats, err := ssl.Embed(c.Context, in.enc, paths, in.embed)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	res, err := judge(feats, labels)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(map[string]any{
			"metric": metric, "value": res.Accuracy, "fold_values": res.FoldAccuracy, "images": len(labels),
			"dim": len(feats[0]), "encoder": c.String("encoder"), "arch": in.enc.Arch(), "size": in.embed.Size})
	}
	for f, a := range res.FoldAccuracy {
		fmt.Fprintf(c.App.Writer, "fold %d  %.4f\n", f, a)
	}
	fmt.Fprintf(c.App.Writer, "%s %.4f\n", metric, res.Accuracy)
	return nil
}

// labelledImages returns the training images and their class indices,
// from train.csv or from labelsFile (same format, same ids).
func labelledImages(ds *dataset.Dataset, labelsFile string) ([]string, []int, error) {
	items := ds.Train
	if labelsFile != "" {
		classes, rows, err := dataset.ReadLabels(labelsFile)
		if err != nil {
			return nil, nil, err
		}
		if !slices.Equal(classes, ds.Classes) {
			return nil, nil, fmt.Errorf("%s has the classes %v, %s %v: give labels of the same classes in the same order",
				labelsFile, classes, filepath.Join(ds.Dir, dataset.TrainFile), ds.Classes)
		}
		byID := make(map[string]string, len(ds.Train))
		for _, it := range ds.Train {
			byID[it.ID] = it.Path
		}
		items = nil
		for _, r := range rows {
			p, ok := byID[r.ID]
			if !ok {
				return nil, nil, fmt.Errorf("%s line %d: image %q is not in the dataset's train.csv", labelsFile, r.Line, r.ID)
			}
			r.Path = p
			items = append(items, r)
		}
	}
	paths := make([]string, len(items))
	labels := make([]int, len(items))
	for i, it := range items {
		paths[i], labels[i] = it.Path, it.Label
	}
	return paths, labels, nil
}
