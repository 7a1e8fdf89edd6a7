package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
)

func init() { modelSubcommands = append(modelSubcommands, modelInitCommand) }

func modelInitCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "write a freshly initialised body or classifier checkpoint",
		Description: "Builds --arch with timm's initialisation (Kaiming-normal convolutions, zeroed last\n" +
			"BN of each block) and, with --classes, fastai's create_head with its initialisation,\n" +
			"and writes --out (.pth or .safetensors) with a sidecar. A body has timm's keys\n" +
			"(conv1.weight, ...), a classifier encoder.* and head.*; PyTorch's load_state_dict\n" +
			"(strict=True) takes either. The same --seed gives the weights torch.manual_seed gives\n" +
			"PyTorch for the same construction.\n" +
			"Archs (timm names):\n" + archHelp(),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "arch", Value: models.DefaultConfig().Arch, Usage: "backbone, one of " + strings.Join(models.Archs(), ", "), EnvVars: []string{"PPCTL_ARCH"}},
			&cli.Uint64Flag{Name: "seed", Usage: "seed of libtorch's generator (default 0)", EnvVars: []string{"PPCTL_SEED"}},
			&cli.Int64Flag{Name: "classes", Usage: "write a classifier with fastai's head of this many outputs (default 0: the body alone)", EnvVars: []string{"PPCTL_CLASSES"}},
			&cli.StringFlag{Name: "out", Usage: "checkpoint to write, .pth or .safetensors (required)", EnvVars: []string{"PPCTL_OUT"}},
			&cli.BoolFlag{Name: "force", Usage: "replace --out if it exists (default false: refuse)", EnvVars: []string{"PPCTL_FORCE"}},
		},
		Action: modelInitAction,
	}
}

func modelInitAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError("model init: unexpected argument %q", c.Args().First())
	}
	out := c.String("out")
	if out == "" {
		return usageError("model init: --out F.pth is required")
	}
	if _, err := checkpoint.FormatOf(out); err != nil {
		return usageError("model init: %v", err)
	}
	if _, err := os.Stat(out); err == nil && !c.Bool("force") {
		return usageError("model init: %s exists; pass --force to replace it", out)
	}
	arch, classes := c.String("arch"), c.Int64("classes")
	m, err := models.Seeded(c.Uint64("seed"), func() (models.Layer, error) { return buildModel(arch, classes) })
	if err != nil {
		return usageError("model init: %v", err)
	}
	meta := &checkpoint.Meta{PPCtlVersion: version, LibtorchVersion: torch.LibInfo().Version,
		Extra: map[string]string{"init": "timm", "seed": fmt.Sprint(c.Uint64("seed"))}}
	if err := models.SaveCheckpoint(out, m, meta); err != nil {
		return fmt.Errorf("model init: %w", err)
	}
	fmt.Fprintf(c.App.Writer, "wrote %s: %s %s, %d tensors, %d parameters\n",
		out, arch, models.Kind(m), len(m.Entries("")), models.CountParameters(m))
	return nil
}
