package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/softlabel"
)

func init() { register(scoreCommand) }

func scoreCommand() *cli.Command {
	return &cli.Command{
		Name:  "score",
		Usage: "accuracy and mean and per-class ROC AUC of a submission against the true labels",
		Description: "Reads --truth in train.csv's format (image_id then one-hot class columns, e.g. ppctl\n" +
			"synth's test_truth.csv) and --pred in sample_submission.csv's (image_id then one\n" +
			"probability column per class, any column order). Both must list the same images.\n" +
			"Accuracy counts images whose most probable class is the true one; the mean ROC AUC\n" +
			"is the competition's metric (mean over classes of the one-vs-rest ROC AUC).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "truth", Usage: "true labels, train.csv's format; required", EnvVars: []string{"PPCTL_TRUTH"}},
			&cli.StringFlag{Name: "pred", Usage: "the submission to score, sample_submission.csv's format; required", EnvVars: []string{"PPCTL_PRED"}},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object (images, classes, accuracy, mean_roc_auc, roc_auc) instead of a table", EnvVars: []string{"PPCTL_JSON"}},
		},
		Action: scoreAction,
	}
}

func scoreAction(c *cli.Context) error {
	switch {
	case c.NArg() > 0:
		return usageError("score: unexpected argument %q (the files go in --truth and --pred)", c.Args().First())
	case c.String("truth") == "" || c.String("pred") == "":
		return usageError("score: --truth FILE and --pred FILE are both required")
	}
	s, err := softlabel.ScoreFiles(c.String("truth"), c.String("pred"))
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	if c.Bool("json") {
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("score: %w", err)
		}
		_, err = fmt.Fprintf(c.App.Writer, "%s\n", b)
		return err
	}
	return printScores(c.App.Writer, s)
}

// printScores writes s as a two-column table.
func printScores(w io.Writer, s *softlabel.Scores) error {
	width := len("mean ROC AUC")
	for _, c := range s.Classes {
		width = max(width, len("ROC AUC "+c))
	}
	_, err := fmt.Fprintf(w, "%-*s  %d\n%-*s  %.4f\n%-*s  %.4f\n", width, "images", s.Images,
		width, "accuracy", s.Accuracy, width, "mean ROC AUC", s.MeanROCAUC)
	for i, c := range s.Classes {
		if err == nil {
			_, err = fmt.Fprintf(w, "%-*s  %.4f\n", width, "ROC AUC "+c, s.ROCAUC[i])
		}
	}
	return err
}
