package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/train"
)

// writePlotRun writes a small 2-fold run (2 epochs of a freeze and an
// unfreeze phase) into dir, with pseudolabels.csv when pseudo is set.
func writePlotRun(t *testing.T, dir string, lossOffset float64, pseudo bool) {
	t.Helper()
	run, err := train.OpenRun(dir, train.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.WriteManifest(train.Manifest{Stage: "finetune", Config: map[string]int{}, Device: "cpu", Precision: "fp32"}); err != nil {
		t.Fatal(err)
	}
	for f := range 2 {
		for e, phase := range []string{"freeze", "unfreeze", "unfreeze"} {
			epoch := e
			if e > 0 {
				epoch = e - 1
			}
			x := float64(e + 1)
			rec := train.Record{Stage: "finetune", Fold: new(f), Phase: phase, Epoch: new(epoch), Step: new(4 * (e + 1)),
				LR: new(1e-3 / x), TrainLoss: new(lossOffset + 1/x), ValidLoss: new(lossOffset + 1.2/x + 0.1*float64(f)),
				Accuracy: new(0.5 + 0.1*x), ROCAUC: new(0.6 + 0.1*x)}
			if err := run.Log(rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := run.Close(nil); err != nil {
		t.Fatal(err)
	}
	if pseudo {
		pl := &dataset.PseudoLabels{Classes: []string{"healthy", "rust"}}
		for i, r := range [][3]int{{0, 0, 9}, {0, 1, 4}, {1, 1, 8}, {1, 0, 3}, {0, 0, 6}, {1, 1, 7}} {
			p := float64(r[2]) / 10
			probs := []float64{p, 1 - p}
			if r[1] == 1 {
				probs = []float64{1 - p, p}
			}
			pl.Rows = append(pl.Rows, dataset.PseudoLabel{ID: "Train_" + string(rune('0'+i)), Label: r[0], Pred: r[1], Probs: probs})
		}
		if err := dataset.WritePseudoLabels(filepath.Join(dir, "pseudolabels.csv"), pl); err != nil {
			t.Fatal(err)
		}
	}
}

// checkPNG fails unless path is a PNG of w x h pixels.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if cfg.Width != w || cfg.Height != h {
		t.Errorf("%s is %dx%d, want %dx%d", path, cfg.Width, cfg.Height, w, h)
	}
}

func TestPlotCommand(t *testing.T) {
	root := t.TempDir()
	given, soft := filepath.Join(root, "given"), filepath.Join(root, "soft")
	writePlotRun(t, given, 0.2, false)
	writePlotRun(t, soft, 0, true)
	truth := filepath.Join(root, "test_truth.csv")
	sub := filepath.Join(root, "sub", "submission.csv")
	os.MkdirAll(filepath.Dir(sub), 0o755)
	os.WriteFile(truth, []byte("image_id,healthy,rust\nTest_0,1,0\nTest_1,0,1\nTest_2,0,1\nTest_3,1,0\n"), 0o644)
	os.WriteFile(sub, []byte("image_id,rust,healthy\nTest_0,0.2,0.8\nTest_1,0.9,0.1\nTest_2,0.4,0.6\nTest_3,0.3,0.7\n"), 0o644)
	out := filepath.Join(root, "pictures")

	tests := []struct {
		name      string
		args      []string
		wantFiles []string // written, relative to root
		wantW     int
		wantH     int
	}{
		{"one run into itself", []string{"plot", soft},
			[]string{"soft/loss.png", "soft/lr.png", "soft/metrics.png", "soft/confusion.png", "soft/roc.png"}, 1000, 600},
		{"two runs overlaid", []string{"plot", "--width", "640", "--height", "400", given, soft},
			[]string{"given/loss.png", "soft/roc.png", "compare_loss.png", "compare_metrics.png"}, 640, 400},
		{"two runs into --out", []string{"plot", "--out", out, "--x-axis", "epoch", given, soft},
			[]string{"pictures/given/loss.png", "pictures/soft/confusion.png", "pictures/compare_loss.png", "pictures/compare_metrics.png"}, 1000, 600},
		{"truth and predictions", []string{"plot", "--truth", truth, "--pred", sub},
			[]string{"sub/submission_confusion.png", "sub/submission_roc.png"}, 1000, 600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := runCLI(t, tc.args...)
			if err != nil {
				t.Fatalf("ppctl %s: %v (exit %d)\nstderr: %s", strings.Join(tc.args, " "), err, exitCode(err), stderr)
			}
			for _, f := range tc.wantFiles {
				path := filepath.Join(root, filepath.FromSlash(f))
				checkPNG(t, path, tc.wantW, tc.wantH)
				if !strings.Contains(stdout, "wrote "+path+"\n") {
					t.Errorf("stdout does not list %s:\n%s", path, stdout)
				}
			}
		})
	}
}

func TestPlotCommandErrors(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "run")
	writePlotRun(t, run, 0, false)
	empty := filepath.Join(root, "empty")
	os.MkdirAll(empty, 0o755)
	badSub := filepath.Join(root, "bad.csv")
	os.WriteFile(badSub, []byte("image_id,healthy,rust\nTest_0,0.2\n"), 0o644)
	truth := filepath.Join(root, "truth.csv")
	os.WriteFile(truth, []byte("image_id,healthy,rust\nTest_0,1,0\n"), 0o644)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string // a substring of the error line
	}{
		{"no arguments", []string{"plot"}, 2, "at least one run directory"},
		{"truth without pred", []string{"plot", "--truth", truth}, 2, "go together"},
		{"bad axis", []string{"plot", "--x-axis", "time", run}, 2, "--x-axis"},
		{"tiny picture", []string{"plot", "--width", "10", run}, 2, "--width"},
		{"missing run", []string{"plot", filepath.Join(root, "nope")}, 1, "nope"},
		{"not a run", []string{"plot", empty}, 1, filepath.Join(empty, "metrics.jsonl")},
		{"bad predictions", []string{"plot", "--truth", truth, "--pred", badSub}, 1, "bad.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, tc.args...)
			if err == nil {
				t.Fatalf("ppctl %s succeeded, want exit %d", strings.Join(tc.args, " "), tc.wantCode)
			}
			if got := exitCode(err); got != tc.wantCode {
				t.Errorf("exit %d, want %d (%v)", got, tc.wantCode, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestPlotHelp(t *testing.T) {
	stdout, _, err := runCLI(t, "plot", "--help")
	if err != nil {
		t.Fatalf("plot --help: %v", err)
	}
	for _, want := range []string{"RUN...", "--out", "--truth", "--pred", "--x-axis", "--width", "--height", "--dpi", "PPCTL_WIDTH", "compare_loss.png"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plot --help does not mention %q:\n%s", want, stdout)
		}
	}
}
