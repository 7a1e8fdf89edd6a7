// Command ppctl trains image classifiers with self-supervised pretraining
// (RotNet, SimCLR) and soft labels, as the best Plant Pathology 2020
// solutions did. Run `ppctl --help` for the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newApp(os.Stdout, os.Stderr).RunContext(ctx, os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "ppctl:", errorLine(err))
		os.Exit(exitCode(err))
	}
}
