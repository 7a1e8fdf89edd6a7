package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/torch/checkpoint"
)

func init() { modelSubcommands = append(modelSubcommands, modelConvertCommand) }

func modelConvertCommand() *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "convert a checkpoint between .pth and .safetensors",
		ArgsUsage: "IN OUT",
		Description: "Rewrites IN as OUT in the format of OUT's extension (.pth, .pt, .bin: torch.save's\n" +
			"archive, which torch.load reads as a dict; .safetensors). Key names, order and\n" +
			"values are unchanged. IN may come from ppctl or from torch.save(model.state_dict()).\n" +
			"A sidecar IN.json is verified and carried over as OUT.json with OUT's SHA-256.\n" +
			"Flags go before IN.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Usage: "replace OUT (and OUT.json) if it exists; without it an existing OUT is refused", EnvVars: []string{"PPCTL_FORCE"}},
		},
		Action: modelConvertAction,
	}
}

func modelConvertAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageError("model convert: want IN OUT, got %d arguments (flags go before IN)", c.NArg())
	}
	in, out := c.Args().Get(0), c.Args().Get(1)
	for _, p := range []string{in, out} {
		if _, err := checkpoint.FormatOf(p); err != nil {
			return usageError("model convert: %v", err)
		}
	}
	if _, err := os.Stat(in); errors.Is(err, fs.ErrNotExist) {
		return usageError("model convert: input %s does not exist", in)
	}
	if _, err := os.Stat(out); err == nil && !c.Bool("force") {
		return usageError("model convert: %s exists; pass --force to replace it", out)
	}
	n, err := checkpoint.Convert(in, out)
	if err != nil {
		return fmt.Errorf("model convert: %w", err)
	}
	msg := fmt.Sprintf("wrote %s: %d tensors from %s", out, n, in)
	if _, err := os.Stat(checkpoint.SidecarPath(out)); err == nil {
		msg += ", sidecar " + checkpoint.SidecarPath(out)
	}
	fmt.Fprintln(c.App.Writer, msg)
	return nil
}
