package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoRunsThePipeline runs the whole demo at toy size and checks the
// report and that every artifact it names exists.
func TestDemoRunsThePipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo trains seven models")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	out, _, err := runCLI(t, "demo", "--out", dir, "--n", "40", "--ntest", "20", "--size", "32",
		"--epochs", "1", "--finetune-epochs", "1", "--pseudo-epochs", "1", "--bs", "16", "--precision", "fp32")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ppctl synth", "ppctl pretrain rotnet", "ppctl pretrain simclr", "ppctl eval knn",
		"ppctl pseudolabel", "ppctl finetune", "ppctl predict", "ppctl score", "ppctl plot",
		"kNN accuracy", "random init", "given labels (w=1)", "soft labels (w=0.5, hard)", "Artifacts"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	for _, f := range []string{"data/train.csv", "rotnet/encoder.pth", "simclr/encoder.pth", "pseudo/pseudolabels.csv",
		"given/fold0/best.pth", "soft/fold2/best.pth", "given/submission.csv", "soft/submission.csv",
		"soft/manifest.json", "soft/metrics.jsonl", "soft/loss.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("artifact missing: %v", err)
		}
	}
	// A second run refuses to overwrite without --force.
	_, _, err = runCLI(t, "demo", "--out", dir)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--force") {
		t.Errorf("rerun without --force: %v (exit %d)", err, exitCode(err))
	}
}

func TestDemoRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--size", "8"}, {"--n", "3"}, {"--epochs", "0"}, {"stray"}} {
		_, _, err := runCLI(t, append([]string{"demo", "--out", t.TempDir()}, args...)...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: error %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

func TestRunChecksItsInputs(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "--data DIR is required"},
		{[]string{"--data", t.TempDir(), "--resume", "--force"}, "contradict"},
	}
	for _, c := range cases {
		_, _, err := runCLI(t, append([]string{"run"}, c.args...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v (exit %d), want a usage error with %q", c.args, err, exitCode(err), c.want)
		}
	}
	// A folder that is not a dataset fails validation, naming train.csv.
	_, _, err := runCLI(t, "run", "--data", t.TempDir(), "--out", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "train.csv") {
		t.Errorf("empty dataset folder: %v", err)
	}
}

// TestRunOnASmallDataset runs `ppctl run` at toy size on a synthetic set in
// the Plant Pathology layout and checks the submission and the runs.
func TestRunOnASmallDataset(t *testing.T) {
	if testing.Short() {
		t.Skip("trains six models")
	}
	root := t.TempDir()
	data := filepath.Join(root, "data")
	if _, _, err := runCLI(t, "synth", "--out", data, "--n", "40", "--ntest", "12", "--size", "32"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "run")
	stdout, _, err := runCLI(t, "run", "--data", data, "--out", out, "--arch", "seresnext_tiny", "--size", "32", "--bs", "16",
		"--epochs", "1", "--pseudo-epochs", "1", "--finetune-epochs", "1", "--precision", "fp32", "--progress", "quiet")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "submission:") {
		t.Errorf("no closing line:\n%s", stdout)
	}
	for _, f := range []string{"submission.csv", "simclr/encoder.pth", "pseudo/pseudolabels.csv", "finetune/fold2/best.pth"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing: %v", err)
		}
	}
	// --resume skips every finished stage and still succeeds.
	if _, _, err := runCLI(t, "run", "--data", data, "--out", out, "--arch", "seresnext_tiny", "--size", "32", "--bs", "16",
		"--epochs", "1", "--pseudo-epochs", "1", "--finetune-epochs", "1", "--precision", "fp32", "--progress", "quiet", "--resume"); err != nil {
		t.Errorf("resume: %v", err)
	}
}
