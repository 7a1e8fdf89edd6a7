package main

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// runCLI runs the app with args as a user would and returns what it wrote
// to stdout and stderr and its error (exitCode(err) is the exit status).
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errw bytes.Buffer
	err = newApp(&out, &errw).RunContext(context.Background(), append([]string{"ppctl"}, args...))
	return out.String(), errw.String(), err
}

func envOverridesThreads() bool {
	return os.Getenv("PPCTL_THREADS") != "" || os.Getenv("OMP_NUM_THREADS") != ""
}
