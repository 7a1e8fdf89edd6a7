package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/torch/train/plot"
)

func init() { register(plotCommand) }

func plotCommand() *cli.Command {
	def := plot.DefaultOptions()
	return &cli.Command{
		Name:      "plot",
		Usage:     "draw the PNG pictures of runs again, overlay several runs, or picture a submission's scores",
		ArgsUsage: "RUN...",
		Description: "For each run directory writes loss.png, lr.png and metrics.png from metrics.jsonl, and\n" +
			"confusion.png and roc.png from pseudolabels.csv or fold<k>/valid_predictions.csv when the\n" +
			"run has them. With two or more runs it also writes compare_loss.png and\n" +
			"compare_metrics.png, one colour per run (e.g. given labels vs soft labels).\n" +
			"--truth FILE --pred submission.csv draws <pred>_confusion.png and <pred>_roc.png of a\n" +
			"submission scored against clean labels (e.g. a synthetic dataset's test_truth.csv).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "directory for the pictures (default: each run's own directory; with several runs " +
				"each run's go to OUT/<run name>/ and the comparisons to OUT, else to the runs' common parent)", EnvVars: []string{"PPCTL_OUT"}},
			&cli.StringFlag{Name: "truth", Usage: "labels file in train.csv's format to score --pred against (default none)", EnvVars: []string{"PPCTL_TRUTH"}},
			&cli.StringFlag{Name: "pred", Usage: "predictions in sample_submission.csv's format, scored against --truth; " +
				"pictures go to --out or next to this file (default none)", EnvVars: []string{"PPCTL_PRED"}},
			&cli.StringFlag{Name: "x-axis", Value: def.X.String(), Usage: "horizontal axis of the curves: step (training batches), " +
				"epoch (cumulative over phases) or auto (steps when every record has one)", EnvVars: []string{"PPCTL_X_AXIS"}},
			&cli.IntFlag{Name: "width", Value: def.Width, Usage: "width of each picture, pixels (200 to 8000)", EnvVars: []string{"PPCTL_WIDTH"}},
			&cli.IntFlag{Name: "height", Value: def.Height, Usage: "height of each picture, pixels (200 to 8000)", EnvVars: []string{"PPCTL_HEIGHT"}},
			&cli.IntFlag{Name: "dpi", Value: def.DPI, Usage: "dots per inch: larger makes the text larger in the same picture (24 to 1200)", EnvVars: []string{"PPCTL_DPI"}},
		},
		Action: plotAction,
	}
}

func plotAction(c *cli.Context) error {
	runs := c.Args().Slice()
	truth, pred := c.String("truth"), c.String("pred")
	switch {
	case (truth == "") != (pred == ""):
		return usageError("plot: --truth and --pred go together: give both files or neither")
	case len(runs) == 0 && truth == "":
		return usageError("plot: give at least one run directory (ppctl plot RUN...), or --truth FILE --pred FILE")
	}
	axis, err := plot.ParseAxis(c.String("x-axis"))
	if err != nil {
		return usageError("plot: --x-axis: %v", err)
	}
	o := plot.Options{Width: c.Int("width"), Height: c.Int("height"), DPI: c.Int("dpi"), X: axis}
	if err := o.Validate(); err != nil {
		return usageError("plot: %v (flags --width, --height, --dpi)", err)
	}
	out := c.String("out")
	var written []string
	names := plot.RunNames(runs)
	for i, run := range runs {
		ro := o
		ro.Out = out
		if out != "" && len(runs) > 1 {
			ro.Out = filepath.Join(out, filepath.FromSlash(names[i]))
		}
		files, err := plot.Run(run, ro)
		written = append(written, files...)
		if err != nil {
			return printWritten(c, written, err)
		}
	}
	if len(runs) > 1 {
		co := o
		co.Out = out
		files, err := plot.Compare(runs, co)
		written = append(written, files...)
		if err != nil {
			return printWritten(c, written, err)
		}
	}
	if truth != "" {
		files, err := plotScores(truth, pred, out, o)
		written = append(written, files...)
		if err != nil {
			return printWritten(c, written, err)
		}
	}
	return printWritten(c, written, nil)
}

// plotScores draws the confusion matrix and ROC curves of pred against
// truth into out, or next to pred, named after pred.
func plotScores(truth, pred, out string, o plot.Options) ([]string, error) {
	s, err := plot.ReadTruthPred(truth, pred)
	if err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Dir(pred)
	}
	prefix := strings.TrimSuffix(filepath.Base(pred), filepath.Ext(pred)) + "_"
	return plot.WriteScores(out, prefix, s, o)
}

// printWritten lists the files written, one per line, and passes err on.
func printWritten(c *cli.Context, files []string, err error) error {
	for _, f := range files {
		fmt.Fprintf(c.App.Writer, "wrote %s\n", f)
	}
	return err
}
