package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
)

// tinySynth writes a balanced synthetic dataset of 24 training and 6 test
// images of 32 pixels with ppctl synth and returns its directory.
func tinySynth(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if _, _, err := runCLI(t, "synth", "--out", dir, "--n", "24", "--ntest", "6", "--size", "32",
		"--imbalance=false", "--noise", "0.25", "--seed", "3"); err != nil {
		t.Fatalf("synth: %v", err)
	}
	return dir
}

// tinyTrainArgs are the flags of the smallest pseudolabel or finetune run.
func tinyTrainArgs(data, out string) []string {
	return []string{"--data", data, "--out", out, "--arch", "seresnext_tiny", "--size", "32", "--bs", "6",
		"--epochs", "1", "--freeze-epochs", "0", "--folds", "2", "--precision", "fp32", "--workers", "2", "--quiet"}
}

// The whole recipe through the CLI: pseudolabel -> finetune -> predict ->
// score on a tiny synthetic set.
func TestRecipeEndToEnd(t *testing.T) {
	data := tinySynth(t)
	runs := t.TempDir()
	pl, ft, sub := filepath.Join(runs, "pl"), filepath.Join(runs, "ft"), filepath.Join(runs, "submission.csv")

	out, _, err := runCLI(t, append([]string{"pseudolabel"}, tinyTrainArgs(data, pl)...)...)
	if err != nil || !strings.Contains(out, "pseudolabels.csv: 24 images over 2 folds") {
		t.Fatalf("pseudolabel: %v; stdout %q", err, out)
	}
	soft, err := dataset.ReadPseudoLabels(filepath.Join(pl, "pseudolabels.csv"))
	if err != nil || len(soft.Rows) != 24 {
		t.Fatalf("pseudolabels.csv: %v, %v", soft, err)
	}

	args := append([]string{"finetune"}, tinyTrainArgs(data, ft)...)
	args = append(args, "--softlabels", filepath.Join(pl, "pseudolabels.csv"), "--soft", "probs", "--y-true-weight", "0.7")
	out, _, err = runCLI(t, args...)
	if err != nil || strings.Count(out, "best.pth") != 2 {
		t.Fatalf("finetune: %v; stdout %q; want a best.pth per fold", err, out)
	}

	out, _, err = runCLI(t, "predict", "--data", data, "--models", ft, "--out", sub, "--tta", "2", "--precision", "fp32")
	if err != nil || !strings.Contains(out, "6 test images, the mean of 2 models x 2 views") {
		t.Fatalf("predict: %v; stdout %q", err, out)
	}
	pred, err := dataset.ReadPredictions(sub)
	if err != nil || len(pred.IDs) != 6 {
		t.Fatalf("submission: %v, %v", pred, err)
	}

	out, _, err = runCLI(t, "score", "--truth", filepath.Join(data, "test_truth.csv"), "--pred", sub)
	for _, want := range []string{"images", "accuracy", "mean ROC AUC", "ROC AUC multiple_diseases"} {
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("score: %v; stdout %q; want a line %q", err, out, want)
		}
	}
}

func TestFoldCommandErrors(t *testing.T) {
	data := tinySynth(t)
	out := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"pseudolabel without --data", []string{"pseudolabel", "--out", out}, "--data DIR is required"},
		{"finetune without --data", []string{"finetune", "--out", out}, "--data DIR is required"},
		{"unknown --soft", []string{"finetune", "--data", data, "--out", out, "--soft", "soft"}, `soft-label mode "soft"`},
		{"weight above 1", []string{"finetune", "--data", data, "--out", out, "--softlabels", "x.csv", "--y-true-weight", "1.5"}, "--y-true-weight 1.5 is outside [0, 1]"},
		{"weight without softlabels", []string{"finetune", "--data", data, "--out", out, "--y-true-weight", "0.5"}, "needs --softlabels"},
		{"one fold", []string{"pseudolabel", "--data", data, "--out", out, "--folds", "1"}, "--folds 1"},
		{"no epochs", []string{"finetune", "--data", data, "--out", out, "--epochs", "0", "--freeze-epochs", "0"}, "positive total"},
		{"unknown arch", []string{"pseudolabel", "--data", data, "--out", out, "--arch", "vgg"}, "vgg"},
		{"missing encoder", []string{"pseudolabel", "--data", data, "--out", out, "--encoder", filepath.Join(out, "nope")}, "does not exist"},
		{"no --out", []string{"pseudolabel", "--data", data, "--arch", "seresnext_tiny"}, "--out DIR is required"},
		{"stray argument", []string{"finetune", "--data", data, "--out", out, "extra"}, `unexpected argument "extra"`},
		{"predict without --data", []string{"predict", "--models", out}, "--data DIR is required"},
		{"predict without --models", []string{"predict", "--data", data}, "--models is required"},
		{"predict with --tta 3", []string{"predict", "--data", data, "--models", out, "--tta", "3"}, "--tta 3"},
		{"predict over a file", []string{"predict", "--data", data, "--models", out, "--out", filepath.Join(data, "train.csv")}, "pass --force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want one mentioning %q", err, tt.want)
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit status %d; want 2 for a usage error", code)
			}
		})
	}
}

func TestFoldCommandsHelp(t *testing.T) {
	tests := []struct {
		cmd   string
		flags []string
	}{
		{"pseudolabel", []string{"--data", "--encoder", "--arch", "--folds", "--epochs", "--freeze-epochs", "--lr", "--bs", "--size", "--single-group", "--out", "--seed", "--resume", "PPCTL_FOLDS", "(default: 2)", "(default: 15)", "(default: 0.002)"}},
		{"finetune", []string{"--softlabels", "--y-true-weight", "--soft", "--folds", "(default: 3)", "(default: 25)", "(default: 0.001)", "(default: 0.5)", `(default: "hard")`, "PPCTL_Y_TRUE_WEIGHT"}},
		{"predict", []string{"--data", "--models", "--tta", "--out", "--bs", "--device", "PPCTL_MODELS", "(default: 1)"}},
		{"score", []string{"--truth", "--pred", "--json", "PPCTL_TRUTH"}},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			out, _, err := runCLI(t, tt.cmd, "--help")
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.flags {
				if !strings.Contains(out, f) {
					t.Errorf("%s --help lacks %q:\n%s", tt.cmd, f, out)
				}
			}
		})
	}
}
