package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
)

// stateDict is a torch.save(model.state_dict()) file written by PyTorch.
const stateDict = "../../torch/checkpoint/testdata/state_dict.pth"

// sameTensors fails unless a and b hold the same names in the same order
// with identical dtypes, shapes and bytes.
func sameTensors(t *testing.T, a, b []checkpoint.Entry) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d tensors, want %d", len(b), len(a))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Name != y.Name || torch.TypeOf(x.Tensor) != torch.TypeOf(y.Tensor) ||
			!equalShapes(x.Tensor.Shape(), y.Tensor.Shape()) || !bytes.Equal(torch.Bytes(x.Tensor), torch.Bytes(y.Tensor)) {
			t.Errorf("entry %d: got %s %v %v, want %s %v %v", i, y.Name, torch.TypeOf(y.Tensor), y.Tensor.Shape(),
				x.Name, torch.TypeOf(x.Tensor), x.Tensor.Shape())
		}
	}
}

func equalShapes(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestModelConvertRoundTrip(t *testing.T) {
	want, _, err := checkpoint.LoadOrdered(stateDict)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st := filepath.Join(dir, "model.safetensors")
	back := filepath.Join(dir, "model.pth")
	for _, step := range [][2]string{{stateDict, st}, {st, back}} {
		out, _, err := runCLI(t, "model", "convert", step[0], step[1])
		if err != nil {
			t.Fatalf("convert %s %s: %v", step[0], step[1], err)
		}
		if wantOut := "wrote " + step[1] + ": 8 tensors from " + step[0] + "\n"; out != wantOut {
			t.Errorf("output %q, want %q", out, wantOut)
		}
		got, meta, err := checkpoint.LoadOrdered(step[1])
		if err != nil {
			t.Fatal(err)
		}
		if meta != nil {
			t.Errorf("%s: sidecar %+v appeared from an input without one", step[1], meta)
		}
		sameTensors(t, want, got)
	}
}

func TestModelConvertCarriesTheSidecar(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "best.pth")
	w := torch.FromFloat32([]float32{1, 2, 3, 4}, 2, 2)
	meta := &checkpoint.Meta{Kind: "classifier", Arch: "seresnext26d_32x4d", Classes: []string{"healthy", "rust"}, ImageSize: 64}
	if err := checkpoint.Save(in, map[string]torch.Tensor{"head.weight": w}, meta); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "best.safetensors")
	stdout, _, err := runCLI(t, "model", "convert", in, out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "sidecar "+out+".json") {
		t.Errorf("output %q does not mention the sidecar", stdout)
	}
	_, got, err := checkpoint.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	sum := sha256.Sum256(data)
	if got == nil || got.Kind != "classifier" || got.Arch != meta.Arch || len(got.Classes) != 2 || got.ImageSize != 64 ||
		got.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("sidecar of %s = %+v, want the input's with the output's SHA-256", out, got)
	}
}

func TestModelConvertRefuses(t *testing.T) {
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.safetensors")
	if err := os.WriteFile(exists, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt.pth")
	if err := os.WriteFile(corrupt, []byte("PK\x03\x04 not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.safetensors")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing input", []string{filepath.Join(dir, "absent.pth"), out}, 2, "absent.pth does not exist"},
		{"unknown input extension", []string{filepath.Join(dir, "model.onnx"), out}, 2, "unknown extension \".onnx\""},
		{"unknown output extension", []string{stateDict, filepath.Join(dir, "model.h5")}, 2, "unknown extension \".h5\""},
		{"existing output", []string{stateDict, exists}, 2, "pass --force"},
		{"one argument", []string{stateDict}, 2, "want IN OUT"},
		{"corrupt input", []string{corrupt, out}, 1, "corrupt.pth"},
		{"same file", []string{stateDict, stateDict}, 2, "pass --force"},
		{"same file with --force", []string{"--force", stateDict, stateDict}, 1, "the same file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, append([]string{"model", "convert"}, tc.args...)...)
			if err == nil {
				t.Fatalf("convert %v succeeded", tc.args)
			}
			if code := exitCode(err); code != tc.code {
				t.Errorf("exit status %d, want %d (%v)", code, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
	if b, _ := os.ReadFile(exists); string(b) != "keep me" {
		t.Errorf("a refused convert changed %s", exists)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed convert left %s behind", out)
	}
}

func TestModelConvertForceReplaces(t *testing.T) {
	out := filepath.Join(t.TempDir(), "exists.safetensors")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "model", "convert", "--force", stateDict, out); err != nil {
		t.Fatalf("convert --force: %v", err)
	}
	if got, _, err := checkpoint.LoadOrdered(out); err != nil || len(got) != 8 {
		t.Fatalf("after --force: %d tensors, %v; want 8", len(got), err)
	}
}
