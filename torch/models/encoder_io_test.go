package models

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
)

const tinyArch = "seresnext_tiny"

// newTinyEncoder builds a seeded tiny body.
func newTinyEncoder(t *testing.T, seed uint64, classes int64) *SEResNeXt {
	t.Helper()
	m, err := Seeded(seed, func() (*SEResNeXt, error) { return New(Config{Arch: tinyArch, Classes: classes}) })
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameBody fails unless got holds want's body tensors exactly.
func sameBody(t *testing.T, got, want *SEResNeXt) {
	t.Helper()
	ws := StateMap(want)
	for _, e := range got.Entries("") {
		w, ok := ws[e.Name]
		if !ok {
			t.Fatalf("%s: not in the original", e.Name)
		}
		if torch.TypeOf(e.Tensor) != torch.Float32 {
			if g, w := torch.Int64s(e.Tensor), torch.Int64s(w); !slices.Equal(g, w) {
				t.Fatalf("%s: got %v, want %v", e.Name, g, w)
			}
			continue
		}
		if g, w := torch.Float32s(e.Tensor), torch.Float32s(w); !slices.Equal(g, w) {
			t.Fatalf("%s: values differ after the round trip", e.Name)
		}
	}
}

func TestSaveLoadEncoder(t *testing.T) {
	dir := t.TempDir()
	enc := newTinyEncoder(t, 1, 0)
	meta := &checkpoint.Meta{ImageSize: 64, Extra: map[string]string{"method": "simclr"}}
	runDir := filepath.Join(dir, "run")
	if err := os.Mkdir(runDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(runDir, EncoderFile), filepath.Join(dir, "enc.safetensors")} {
		if err := SaveEncoder(p, enc, meta); err != nil {
			t.Fatal(err)
		}
	}
	if meta.Kind != "" {
		t.Errorf("SaveEncoder modified the caller's meta: kind %q", meta.Kind)
	}
	tests := []struct {
		name, path, arch string
	}{
		{"run directory", runDir, ""},
		{"pth file", filepath.Join(runDir, EncoderFile), tinyArch},
		{"safetensors file", filepath.Join(dir, "enc.safetensors"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, m, err := LoadEncoder(tc.path, tc.arch)
			if err != nil {
				t.Fatal(err)
			}
			if m == nil || m.Kind != KindEncoder || m.Arch != tinyArch || m.ImageSize != 64 || m.Extra["method"] != "simclr" {
				t.Errorf("sidecar = %+v, want kind encoder, arch %s, image size 64, method simclr", m, tinyArch)
			}
			sameBody(t, got, enc)
		})
	}
}

func TestLoadEncoderFromOtherCheckpoints(t *testing.T) {
	dir := t.TempDir()
	c, err := Seeded(2, func() (*Classifier, error) {
		return NewClassifier(ClassifierConfig{Arch: tinyArch, Classes: 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	clsPath := filepath.Join(dir, "classifier.pth")
	if err := checkpoint.SaveOrdered(clsPath, Names(c.Entries("")), StateMap(c), &checkpoint.Meta{Kind: "classifier", Arch: tinyArch}); err != nil {
		t.Fatal(err)
	}
	timm := newTinyEncoder(t, 3, 10)
	timmPath := filepath.Join(dir, "timm.safetensors")
	if err := checkpoint.SaveOrdered(timmPath, Names(timm.Entries("")), StateMap(timm), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(checkpoint.SidecarPath(timmPath)); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       *SEResNeXt
	}{
		{"classifier encoder.* keys", clsPath, c.Encoder},
		{"timm weights with fc, no sidecar", timmPath, timm},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := LoadEncoder(tc.path, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Arch() != tinyArch || got.FC != nil {
				t.Errorf("got a %s with classifier %v, want a %s body", got.Arch(), got.FC != nil, tinyArch)
			}
			sameBody(t, got, tc.want)
		})
	}
}

func TestLoadEncoderErrors(t *testing.T) {
	dir := t.TempDir()
	enc := newTinyEncoder(t, 4, 0)
	good := filepath.Join(dir, "good.pth")
	if err := SaveEncoder(good, enc, nil); err != nil {
		t.Fatal(err)
	}
	short := StateMap(enc)
	delete(short, "layer1.0.conv1.weight")
	shortPath := filepath.Join(dir, "short.pth")
	if err := checkpoint.Save(shortPath, short, &checkpoint.Meta{Arch: tinyArch}); err != nil {
		t.Fatal(err)
	}
	headOnly := filepath.Join(dir, "head.pth")
	if err := checkpoint.Save(headOnly, map[string]torch.Tensor{"fc.weight": torch.Zeros(torch.Float32, 2, 2)}, nil); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "emptyrun")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, arch string
		want             []string // substrings of the message
		is               error
	}{
		{"missing file", filepath.Join(dir, "nope.pth"), "", []string{"does not exist", "run directory"}, nil},
		{"directory without encoder.pth", empty, "", []string{"holds no encoder.pth"}, nil},
		{"other arch", good, "seresnext26d_32x4d", []string{"is a seresnext_tiny", "--arch seresnext_tiny"}, ErrArchMismatch},
		{"missing key", shortPath, "", []string{"1 missing", "layer1.0.conv1.weight"}, nil},
		{"no encoder tensors", headOnly, "", []string{"no encoder tensors"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := LoadEncoder(tc.path, tc.arch)
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %v", err, tc.is)
			}
		})
	}
}

// TestEncoderInteropWithPyTorch proves an encoder ppctl saves loads with
// load_state_dict(strict=True) into scripts/seresnext_ref.py's timm-layout
// body, and one PyTorch saves (torch.save of its state dict) loads back.
func TestEncoderInteropWithPyTorch(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch").Run(); err != nil {
		t.Skipf("%s has no torch (%v): the PyTorch check needs Debian's python3-torch", py, err)
	}
	dir := t.TempDir()
	script := filepath.Join("..", "..", "scripts", "seresnext_ref.py")
	enc := newTinyEncoder(t, 5, 0)
	ours := filepath.Join(dir, EncoderFile)
	if err := SaveEncoder(ours, enc, nil); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, "check", "--arch", tinyArch, "--state", ours).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok") {
		t.Fatalf("PyTorch strict load of our encoder: %v\n%s", err, out)
	}
	theirs := filepath.Join(dir, "torch_init.pth")
	if out, err := exec.Command(py, script, "init", "--arch", tinyArch, "--seed", "5", "--out", theirs).CombinedOutput(); err != nil {
		t.Fatalf("seresnext_ref.py init: %v\n%s", err, out)
	}
	got, meta, err := LoadEncoder(theirs, "")
	if err != nil {
		t.Fatal(err)
	}
	if meta != nil || got.Arch() != tinyArch {
		t.Errorf("got a %s with sidecar %+v, want a %s without", got.Arch(), meta, tinyArch)
	}
}
