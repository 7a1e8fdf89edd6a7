package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSynthWritesADataset(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	out, _, err := runCLI(t, "synth", "--out", dir, "--n", "8", "--ntest", "3", "--size", "16", "--noise", "0", "--imbalance=false", "--seed", "5")
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	for _, want := range []string{"8 training images", "healthy 2, multiple_diseases 2, rust 2, scab 2", "0 labels", "3 test images", "16x16 px"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, name := range []string{"train.csv", "truth.csv", "test.csv", "test_truth.csv", "sample_submission.csv", "images/Train_7.jpg", "images/Test_2.jpg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}
	train, _ := os.ReadFile(filepath.Join(dir, "train.csv"))
	truth, _ := os.ReadFile(filepath.Join(dir, "truth.csv"))
	if string(train) != string(truth) {
		t.Errorf("with --noise 0, train.csv differs from truth.csv")
	}
}

func TestSynthRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"noise above 1", []string{"--noise", "1.5"}, "--noise 1.5"},
		{"negative noise", []string{"--noise", "-0.1"}, "--noise -0.1"},
		{"no training images", []string{"--n", "0"}, "--n 0"},
		{"negative test images", []string{"--ntest", "-1"}, "--ntest -1"},
		{"size too small", []string{"--size", "4"}, "--size 4"},
		{"quality", []string{"--quality", "0"}, "--quality 0"},
		{"workers", []string{"--workers", "-1"}, "--workers -1"},
		{"no --out", nil, "--out DIR is required"},
		{"stray argument", []string{"somewhere"}, "unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"synth"}
			if tc.name != "no --out" {
				args = append(args, "--out", filepath.Join(t.TempDir(), "data"))
			}
			_, _, err := runCLI(t, append(args, tc.args...)...)
			if err == nil {
				t.Fatalf("synth %v succeeded", tc.args)
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit status %d, want 2 (usage error)", code)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestSynthNeedsForceForANonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"synth", "--out", dir, "--n", "2", "--ntest", "0", "--size", "16"}
	_, _, err := runCLI(t, args...)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("synth into a non-empty dir: %v (exit %d), want exit 2 suggesting --force", err, exitCode(err))
	}
	if _, _, err := runCLI(t, append(args, "--force")...); err != nil {
		t.Fatalf("with --force: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "images", "Train_1.jpg")); err != nil {
		t.Errorf("with --force no images were written: %v", err)
	}
}
