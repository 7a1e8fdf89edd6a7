package main

import "github.com/urfave/cli/v2"

// modelSubcommands holds the subcommands of `ppctl model`; each lives in its
// own file (model_summary.go, model_init.go, model_convert.go) and adds
// itself from an init function.
var modelSubcommands []func() *cli.Command

func init() { register(modelCommand) }

func modelCommand() *cli.Command {
	var subs []*cli.Command
	for _, s := range modelSubcommands {
		subs = append(subs, s())
	}
	return &cli.Command{
		Name:        "model",
		Usage:       "inspect, create and convert model checkpoints",
		Description: "Backbones follow timm's names and state_dict layout, so checkpoints move between ppctl and PyTorch.",
		Subcommands: subs,
	}
}
