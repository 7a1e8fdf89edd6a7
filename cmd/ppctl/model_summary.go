package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/torch/models"
)

func init() { modelSubcommands = append(modelSubcommands, modelSummaryCommand) }

// archHelp lists the members of the family, one per line, for --help.
func archHelp() string {
	var b strings.Builder
	for _, v := range models.Variants() {
		fmt.Fprintf(&b, "  %-20s %s\n", v.Name, v.Doc)
	}
	return b.String()
}

func modelSummaryCommand() *cli.Command {
	return &cli.Command{
		Name:  "summary",
		Usage: "print a model's layers, output shapes and parameter counts",
		Description: "Runs one --size x --size image through the body (and, with --classes, fastai's\n" +
			"create_head) and prints each stem, block and head layer with its output shape\n" +
			"and parameters, then the body, head and total counts, as torchinfo does.\n" +
			"Archs (timm names):\n" + archHelp(),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "arch", Value: models.DefaultConfig().Arch, Usage: "backbone, one of " + strings.Join(models.Archs(), ", "), EnvVars: []string{"PPCTL_ARCH"}},
			&cli.Int64Flag{Name: "size", Value: 224, Usage: "side of the square input image, pixels (32 or more)", EnvVars: []string{"PPCTL_SIZE"}},
			&cli.Int64Flag{Name: "classes", Usage: "add fastai's classification head with this many outputs (default 0: the body alone)", EnvVars: []string{"PPCTL_CLASSES"}},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of the table (default false)", EnvVars: []string{"PPCTL_JSON"}},
		},
		Action: modelSummaryAction,
	}
}

func modelSummaryAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError("model summary: unexpected argument %q", c.Args().First())
	}
	m, err := buildModel(c.String("arch"), c.Int64("classes"))
	if err != nil {
		return usageError("model summary: %v", err)
	}
	if c.Int64("size") < 32 {
		return usageError("model summary: --size %d: the body downsamples by 32, use 32 or more", c.Int64("size"))
	}
	s, err := models.Summarize(m, c.Int64("size"))
	if err != nil {
		return fmt.Errorf("model summary: %w", err)
	}
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(s)
	}
	return s.Format(c.App.Writer)
}

// buildModel returns a body (classes 0) or a body with fastai's head,
// initialised as timm and fastai do.
func buildModel(arch string, classes int64) (models.Layer, error) {
	if _, err := models.LookupVariant(arch); err != nil {
		return nil, err
	}
	if classes < 0 {
		return nil, fmt.Errorf("--classes %d: use 0 for a body or a positive count", classes)
	}
	if classes == 0 {
		return models.New(models.Config{Arch: arch})
	}
	return models.NewClassifier(models.ClassifierConfig{Arch: arch, Classes: classes, Head: models.DefaultHeadConfig()})
}
