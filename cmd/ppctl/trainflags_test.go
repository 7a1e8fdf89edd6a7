package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/train"
)

// parseTrainFlags runs a throwaway command that takes the shared flags.
func parseTrainFlags(args ...string) (runtimeOpts, error) {
	var got runtimeOpts
	app := &cli.App{Name: "ppctl", Writer: &bytes.Buffer{}, ErrWriter: &bytes.Buffer{},
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{Name: "x", Flags: trainFlags(), Action: func(c *cli.Context) error {
			var err error
			got, err = runtimeFromFlags(c)
			return err
		}}}}
	err := app.RunContext(context.Background(), append([]string{"ppctl", "x"}, args...))
	return got, err
}

func TestTrainFlags(t *testing.T) {
	defer torch.SetThreads(0)
	cases := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, o runtimeOpts)
	}{
		{name: "defaults", args: []string{"--out", "r"}, check: func(t *testing.T, o runtimeOpts) {
			if o.Seed != 42 || o.Device.String() != "cpu" || o.Precision == torch.PrecisionAuto || o.Report != train.ReportAuto {
				t.Errorf("defaults %+v", o)
			}
		}},
		{name: "fp32 quiet threads", args: []string{"--out", "r", "--precision", "fp32", "--quiet", "--threads", "1"}, check: func(t *testing.T, o runtimeOpts) {
			if o.Precision != torch.PrecisionFP32 || o.Autocast != torch.Float32 || o.Report != train.ReportQuiet || torch.Threads() != 1 {
				t.Errorf("got %+v, threads %d", o, torch.Threads())
			}
		}},
		{name: "json wins", args: []string{"--out", "r", "--json"}, check: func(t *testing.T, o runtimeOpts) {
			if o.Report != train.ReportJSON {
				t.Errorf("report %v", o.Report)
			}
		}},
		{name: "no out", args: nil, wantErr: "--out DIR is required"},
		{name: "resume and force", args: []string{"--out", "r", "--resume", "--force"}, wantErr: "contradict"},
		{name: "bad device", args: []string{"--out", "r", "--device", "tpu"}, wantErr: "unknown device"},
		{name: "bad precision", args: []string{"--out", "r", "--precision", "int4"}, wantErr: "unknown precision"},
		{name: "fp16 on cpu", args: []string{"--out", "r", "--device", "cpu", "--precision", "fp16"}, wantErr: "needs a CUDA device"},
		{name: "bad progress", args: []string{"--out", "r", "--progress", "fancy"}, wantErr: "--progress"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// OpenMP's thread count belongs to the OS thread: set and read
			// it on one.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			o, err := parseTrainFlags(c.args...)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				if exitCode(err) != 2 {
					t.Errorf("exit code %d, want 2 for a usage error", exitCode(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, o)
		})
	}
}
