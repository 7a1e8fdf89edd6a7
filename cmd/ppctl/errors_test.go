package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorLine(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{errors.New("libtorch: DefaultCPUAllocator: not enough memory: you tried\nto allocate 9 GB"), "lower --bs or --size"},
		{fmt.Errorf("finetune: %w", context.Canceled), "--resume"},
		{errors.New("plain\nfailure"), "plain failure"},
	}
	for _, c := range cases {
		got := errorLine(c.err)
		if !strings.Contains(got, c.want) || strings.Contains(got, "\n") {
			t.Errorf("errorLine(%q) = %q, want one line containing %q", c.err, got, c.want)
		}
	}
}

// TestHelpOfEveryCommand runs --help of every command and subcommand: each
// must succeed and describe itself.
func TestHelpOfEveryCommand(t *testing.T) {
	app := newApp(nil, nil)
	var paths [][]string
	for _, c := range app.Commands {
		paths = append(paths, []string{c.Name})
		for _, s := range c.Subcommands {
			paths = append(paths, []string{c.Name, s.Name})
		}
	}
	if len(paths) < 15 {
		t.Fatalf("only %d commands registered", len(paths))
	}
	for _, p := range paths {
		out, _, err := runCLI(t, append(p, "--help")...)
		if err != nil {
			t.Errorf("%v --help: %v", p, err)
			continue
		}
		if !strings.Contains(out, "USAGE") && !strings.Contains(out, "NAME") {
			t.Errorf("%v --help printed no usage:\n%s", p, out)
		}
	}
}
