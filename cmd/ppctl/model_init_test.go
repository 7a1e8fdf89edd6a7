package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch/checkpoint"
	"github.com/ppctl/ppctl/torch/models"
)

func TestModelInit(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		kind     string
		first    string // first key
		wantCode int
	}{
		{"body", []string{"--arch", "seresnext_tiny", "--seed", "3"}, "encoder", "conv1.0.weight", 0},
		{"classifier", []string{"--arch", "seresnext_tiny", "--classes", "4"}, "classifier", "encoder.conv1.0.weight", 0},
		{"unknown arch", []string{"--arch", "vgg"}, "", "", 2},
		{"negative classes", []string{"--arch", "seresnext_tiny", "--classes", "-1"}, "", "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".pth")
			stdout, _, err := runCLI(t, append([]string{"model", "init", "--out", out}, c.args...)...)
			if c.wantCode != 0 {
				if err == nil || exitCode(err) != c.wantCode {
					t.Fatalf("err %v (exit %d), want exit %d", err, exitCode(err), c.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stdout, "wrote "+out) {
				t.Errorf("stdout %q", stdout)
			}
			es, meta, err := checkpoint.LoadOrdered(out)
			if err != nil {
				t.Fatal(err)
			}
			if meta == nil || meta.Kind != c.kind || meta.Arch != "seresnext_tiny" {
				t.Errorf("sidecar %+v, want kind %s", meta, c.kind)
			}
			if es[0].Name != c.first {
				t.Errorf("first key %s, want %s", es[0].Name, c.first)
			}
			// ppctl loads its own checkpoint back, strictly.
			m, err := buildModel("seresnext_tiny", map[string]int64{"encoder": 0, "classifier": 4}[c.kind])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := models.LoadCheckpoint(out, m, models.LoadOptions{}); err != nil {
				t.Errorf("LoadCheckpoint: %v", err)
			}
			if _, _, err := runCLI(t, append([]string{"model", "init", "--out", out}, c.args...)...); exitCode(err) != 2 {
				t.Errorf("second write without --force: %v, want a usage error", err)
			}
		})
	}
}

// TestModelInitLoadsInPyTorch is the acceptance check: PyTorch's
// SE-ResNeXt in timm's layout loads what `ppctl model init` writes with
// load_state_dict(strict=True).
func TestModelInitLoadsInPyTorch(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch").Run(); err != nil {
		t.Skipf("%s has no torch: %v", py, err)
	}
	cases := []struct {
		name string
		arch string
		init []string
		ref  []string
	}{
		{"tiny classifier", "seresnext_tiny", []string{"--classes", "4"}, []string{"--head", "4"}},
		{"seresnext50 body", "seresnext50_32x4d", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && c.arch == "seresnext50_32x4d" {
				t.Skip("big member")
			}
			out := filepath.Join(t.TempDir(), "m.pth")
			if _, _, err := runCLI(t, append([]string{"model", "init", "--arch", c.arch, "--out", out}, c.init...)...); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"../../scripts/seresnext_ref.py", "check", "--arch", c.arch, "--state", out}, c.ref...)
			got, err := exec.Command(py, args...).CombinedOutput()
			if err != nil || !strings.HasPrefix(string(got), "ok") {
				t.Errorf("PyTorch strict load: %v\n%s", err, got)
			}
			if _, err := os.Stat(checkpoint.SidecarPath(out)); err != nil {
				t.Errorf("no sidecar: %v", err)
			}
		})
	}
}
