package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/dataset"
	"github.com/ppctl/ppctl/torch/models"
)

// sslDataset writes a tiny synthetic dataset (16 training and 4 test
// images of 32 px) and returns its directory.
func sslDataset(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := dataset.Synthesize(context.Background(), dir, dataset.SynthConfig{Train: 16, Test: 4, Size: 32, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// pretrainArgs are the arguments of a one-epoch tiny run of pretext.
func pretrainArgs(pretext, data, out string) []string {
	args := []string{"pretrain", pretext, "--data", data, "--out", out, "--arch", "seresnext_tiny", "--epochs", "1",
		"--bs", "4", "--lr", "1e-3", "--precision", "fp32", "--workers", "1", "--progress", "quiet"}
	if pretext == "simclr" {
		return append(args, "--size", "24", "--resize", "32", "--temp", "0.5")
	}
	return append(args, "--size", "32")
}

func TestPretrainHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"pretrain", "--help"}, []string{"rotnet", "simclr", "encoder.pth"}},
		{[]string{"pretrain", "rotnet", "--help"}, []string{"--data", "--arch", "--size", "--epochs", "--lr", "--bs", "--out", "--resume", "PPCTL_SIZE", "(default: 256)", "seresnext50_32x4d", "--augment", "--crop-scale", "--flip", "--brightness", "--contrast", "--saturation", "--all-rotations", "PPCTL_ALL_ROTATIONS"}},
		{[]string{"pretrain", "simclr", "--help"}, []string{"--temp", "--color", "--resize", "(default: 128)", "(default: 0.5)", "--seed"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, _, err := runCLI(t, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("help does not mention %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestPretrainWritesARun(t *testing.T) {
	data := sslDataset(t)
	for _, pretext := range []string{"rotnet", "simclr"} {
		t.Run(pretext, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			stdout, stderr, err := runCLI(t, pretrainArgs(pretext, data, out)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if got, want := lastLine(stdout), "encoder "+filepath.Join(out, "encoder.pth"); got != want {
				t.Errorf("last line %q, want %q", got, want)
			}
			for _, f := range []string{"encoder.pth", "encoder.pth.json", "model.pth", "model.pth.json", "manifest.json", "metrics.jsonl"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
			checkMetrics(t, filepath.Join(out, "metrics.jsonl"), pretext, 1)
			_, meta, err := models.LoadEncoder(out, "seresnext_tiny")
			if err != nil {
				t.Fatal(err)
			}
			if meta.Kind != "encoder" || meta.Extra["method"] != pretext {
				t.Errorf("sidecar kind %q method %q, want encoder and %s", meta.Kind, meta.Extra["method"], pretext)
			}
			stdout, _, err = runCLI(t, append(pretrainArgs(pretext, data, out), "--resume")...)
			if err != nil || !strings.Contains(stdout, "nothing to do") {
				t.Errorf("--resume of a finished run: %v, %q; want it to skip", err, stdout)
			}
		})
	}
}

// checkMetrics wants n records of stage in a metrics.jsonl.
func checkMetrics(t *testing.T, path, stage string, n int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := 0
	for sc := bufio.NewScanner(f); sc.Scan(); got++ {
		var rec struct {
			Stage     string   `json:"stage"`
			TrainLoss *float64 `json:"train_loss"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Stage != stage || rec.TrainLoss == nil {
			t.Errorf("record %s: want stage %s and a train_loss", sc.Text(), stage)
		}
	}
	if got != n {
		t.Errorf("%d records, want %d", got, n)
	}
}

// TestPretrainedEncoderLoadsInPyTorch proves RUN/encoder.pth loads with
// load_state_dict(strict=True) into scripts/seresnext_ref.py's backbone.
func TestPretrainedEncoderLoadsInPyTorch(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch").Run(); err != nil {
		t.Skipf("%s has no torch (%v): the PyTorch check needs Debian's python3-torch", py, err)
	}
	out := filepath.Join(t.TempDir(), "run")
	if _, stderr, err := runCLI(t, pretrainArgs("rotnet", sslDataset(t), out)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	got, err := exec.Command(py, "../../scripts/seresnext_ref.py", "check", "--arch", "seresnext_tiny", "--state", filepath.Join(out, "encoder.pth")).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(got), "ok") {
		t.Errorf("PyTorch strict load: %v\n%s", err, got)
	}
}

func TestPretrainErrors(t *testing.T) {
	data := sslDataset(t)
	used := filepath.Join(t.TempDir(), "used")
	if _, stderr, err := runCLI(t, pretrainArgs("rotnet", data, used)...); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	out := func() string { return filepath.Join(t.TempDir(), "run") }
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no data", []string{"pretrain", "rotnet", "--out", out()}, 2, "--data DIR is required"},
		{"no out", []string{"pretrain", "simclr", "--data", data}, 2, "--out DIR is required"},
		{"bad arch", append(pretrainArgs("rotnet", data, out()), "--arch", "resnet9"), 2, "unknown arch"},
		{"zero temperature", append(pretrainArgs("simclr", data, out()), "--temp", "0"), 2, "--temp"},
		{"zero epochs", append(pretrainArgs("rotnet", data, out()), "--epochs", "0"), 2, "must be positive"},
		{"bad valid-pct", append(pretrainArgs("simclr", data, out()), "--valid-pct", "1"), 2, "--valid-pct"},
		{"stray argument", append(pretrainArgs("rotnet", data, out()), "extra"), 2, "unexpected argument"},
		{"missing dataset", pretrainArgs("rotnet", filepath.Join(data, "nope"), out()), 1, "train.csv"},
		{"existing run", pretrainArgs("rotnet", data, used), 1, "--force"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, tc.args...)
			if err == nil {
				t.Fatal("got no error")
			}
			if got := exitCode(err); got != tc.code {
				t.Errorf("exit code %d, want %d (%v)", got, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// TestPretrainRotNetAugmentFlags runs one tiny epoch per flag set and reads
// the RotNet options the run's manifest recorded.
func TestPretrainRotNetAugmentFlags(t *testing.T) {
	data := sslDataset(t)
	type options struct {
		CropScale    [2]float64
		FlipP        float64
		Jitter       dataset.ColorJitter
		AllRotations bool
	}
	recipe := dataset.AugmentedRotNet(32)
	tests := []struct {
		name  string
		flags []string
		want  options
	}{
		{"none: the blog's", nil, options{}},
		{"--augment", []string{"--augment"}, options{CropScale: recipe.CropScale, FlipP: recipe.FlipP, Jitter: recipe.Jitter}},
		{"--augment with finer flags", []string{"--augment", "--flip", "0.5", "--brightness", "0.2"},
			options{CropScale: recipe.CropScale, FlipP: 0.5, Jitter: dataset.ColorJitter{Brightness: 0.2}}},
		{"--augment with the squash back", []string{"--augment", "--crop-scale", "0"}, options{}},
		{"finer flags alone", []string{"--crop-scale", "0.5", "--saturation", "0.3", "--contrast", "0.1", "--all-rotations"},
			options{CropScale: [2]float64{0.5, 1}, Jitter: dataset.ColorJitter{Contrast: 0.1, Saturation: 0.3}, AllRotations: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			if _, stderr, err := runCLI(t, append(pretrainArgs("rotnet", data, out), tc.flags...)...); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			raw, err := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var m struct{ Config options }
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if m.Config != tc.want {
				t.Errorf("manifest config %+v, want %+v", m.Config, tc.want)
			}
		})
	}
}

func TestPretrainRotNetAugmentFlagErrors(t *testing.T) {
	data := sslDataset(t)
	tests := []struct {
		name  string
		flags []string
		want  string
	}{
		{"flip above 1", []string{"--flip", "1.5"}, "flip probability"},
		{"crop scale above 1", []string{"--crop-scale", "1.5"}, "crop scale"},
		{"negative brightness", []string{"--augment", "--brightness", "-1"}, "jitter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, append(pretrainArgs("rotnet", data, filepath.Join(t.TempDir(), "run")), tc.flags...)...)
			if err == nil {
				t.Fatal("got no error")
			}
			if got := exitCode(err); got != 2 {
				t.Errorf("exit code %d, want 2 (%v)", got, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}
