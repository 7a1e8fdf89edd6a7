package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/urfave/cli/v2"
)

// version is ppctl's release; the build may override it with
// -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// registry holds every top-level command. Each command lives in its own file
// and adds itself from an init function, so adding a command touches no
// shared file.
var registry []func() *cli.Command

// register adds a command constructor to the app.
func register(c func() *cli.Command) { registry = append(registry, c) }

// newApp builds the CLI writing normal output to out and diagnostics to errw.
// Tests call it with buffers and run it with RunContext.
func newApp(out, errw io.Writer) *cli.App {
	cmds := make([]*cli.Command, 0, len(registry))
	for _, c := range registry {
		cmd := c()
		guard(cmd)
		cmds = append(cmds, cmd)
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	return &cli.App{
		Name:    "ppctl",
		Usage:   "self-supervised pretraining and soft-label fine-tuning of image classifiers",
		Version: version,
		Description: "ppctl reproduces the Plant Pathology 2020 recipe: RotNet and SimCLR pretraining\n" +
			"of an SE-ResNeXt backbone, k-fold out-of-fold pseudo-labels, and soft-label\n" +
			"fine-tuning. Start with `ppctl demo`, which needs no download.",
		Commands:             cmds,
		Writer:               out,
		ErrWriter:            errw,
		EnableBashCompletion: true,
		// Errors are printed once, by main, as a single line.
		ExitErrHandler: func(*cli.Context, error) {},
	}
}

// exitCode maps an error returned by the app to the process exit status:
// a cli.ExitCoder keeps its code, anything else is 1.
func exitCode(err error) int {
	var ec cli.ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() != 0 {
		return ec.ExitCode()
	}
	return 1
}

// usageError reports a problem with the command line (exit status 2).
func usageError(format string, a ...any) error {
	return cli.Exit(fmt.Sprintf(format, a...), 2)
}

// guard wraps the action of cmd and of all its subcommands so that a panic
// (a libtorch error deep in a kernel, say) reaches the user as one line and
// an exit status of 1, never as a Go stack trace. PPCTL_TRACEBACK=1 keeps
// the stack for debugging.
func guard(cmd *cli.Command) {
	for _, sub := range cmd.Subcommands {
		guard(sub)
	}
	if cmd.Action == nil {
		return
	}
	action := cmd.Action
	cmd.Action = func(c *cli.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if os.Getenv("PPCTL_TRACEBACK") == "1" {
					panic(r)
				}
				err = cli.Exit(fmt.Sprintf("%s: internal error: %v (set PPCTL_TRACEBACK=1 for a stack trace)", cmd.Name, r), 1)
			}
		}()
		return action(c)
	}
}
