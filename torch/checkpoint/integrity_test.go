package checkpoint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var smallModel = []spec{
	floatSpec("conv1.weight", "float32", []int64{2, 2}, 1, 2, 3, 4),
	intSpec("bn1.num_batches_tracked", "int64", []int64{}, 12),
	floatSpec("fc.weight", "bfloat16", []int64{2}, 0.5, -8),
}

func testMeta() *Meta {
	return &Meta{
		Kind: "classifier", Arch: "seresnext26d_32x4d",
		Classes:       []string{"healthy", "multiple_diseases", "rust", "scab"},
		ImageSize:     224,
		Normalization: &Normalization{Mean: []float64{0.485, 0.456, 0.406}, Std: []float64{0.229, 0.224, 0.225}},
		Precision:     "fp32", PPCtlVersion: "0.1.0-test",
		Extra: map[string]string{"fold": "2"},
	}
}

func TestSidecarRoundTrip(t *testing.T) {
	for _, ext := range []string{".pth", ".safetensors"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "best"+ext)
			meta := testMeta()
			saveSpecs(t, path, smallModel, meta)
			if meta.SHA256 != "" || meta.FormatVersion != 0 {
				t.Errorf("Save modified the caller's Meta: %+v", meta)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			want := *testMeta()
			want.FormatVersion = MetaFormatVersion
			want.SHA256 = hex.EncodeToString(sum[:])
			got, gotMeta, err := LoadOrdered(path)
			if err != nil {
				t.Fatal(err)
			}
			checkEntries(t, got, smallModel)
			if gotMeta == nil || !reflect.DeepEqual(*gotMeta, want) {
				t.Errorf("meta = %+v, want %+v", gotMeta, want)
			}
			// The JSON uses snake_case names.
			side, err := os.ReadFile(SidecarPath(path))
			if err != nil {
				t.Fatal(err)
			}
			var fields map[string]any
			if err := json.Unmarshal(side, &fields); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"format_version", "kind", "arch", "classes", "image_size", "normalization", "precision", "ppctl_version", "sha256"} {
				if _, ok := fields[k]; !ok {
					t.Errorf("sidecar has no %q field: %s", k, side)
				}
			}
		})
	}
}

// Saving without meta removes a sidecar that would no longer match.
func TestSaveWithoutMetaRemovesStaleSidecar(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enc.pth")
	saveSpecs(t, path, smallModel, testMeta())
	saveSpecs(t, path, smallModel[:1], nil)
	if _, err := os.Stat(SidecarPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("sidecar still there after a save without meta (stat: %v)", err)
	}
	if _, meta, err := Load(path); err != nil || meta != nil {
		t.Fatalf("Load = meta %v, err %v; want nil, nil", meta, err)
	}
}

func TestLoadRefusesDamagedFiles(t *testing.T) {
	cases := []struct {
		name    string
		ext     string
		meta    bool
		damage  func(b []byte) []byte
		wantErr error
	}{
		{"pth truncated by one byte", ".pth", false, func(b []byte) []byte { return b[:len(b)-1] }, ErrCorrupt},
		{"pth truncated to half", ".pth", false, func(b []byte) []byte { return b[:len(b)/2] }, ErrCorrupt},
		{"pth empty", ".pth", false, func(b []byte) []byte { return nil }, ErrCorrupt},
		{"pth storage byte flipped", ".pth", false, flipIn("\x00\x00\x80\x3f"), ErrCorrupt},
		{"pth pickle byte flipped", ".pth", false, flipIn("_rebuild_tensor_v2"), ErrCorrupt},
		{"safetensors truncated by one byte", ".safetensors", false, func(b []byte) []byte { return b[:len(b)-1] }, ErrCorrupt},
		{"safetensors truncated in header", ".safetensors", false, func(b []byte) []byte { return b[:20] }, ErrCorrupt},
		{"safetensors one byte", ".safetensors", false, func(b []byte) []byte { return b[:1] }, ErrCorrupt},
		{"safetensors with trailing bytes", ".safetensors", false, func(b []byte) []byte { return append(b, 0) }, ErrCorrupt},
		{"pth SHA-256 differs from sidecar", ".pth", true, flipIn("\x00\x00\x80\x3f"), ErrChecksum},
		{"pth truncated, with sidecar", ".pth", true, func(b []byte) []byte { return b[:len(b)-1] }, ErrChecksum},
		{"safetensors SHA-256 differs from sidecar", ".safetensors", true, flipIn("\x00\x00\x80\x3f"), ErrChecksum},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "model"+tc.ext)
			var meta *Meta
			if tc.meta {
				meta = testMeta()
			}
			saveSpecs(t, path, smallModel, meta)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			got, _, err := Load(path)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Load = %d tensors, err %v; want %v", len(got), err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file %s", err, path)
			}
		})
	}
}

// flipIn returns a damage function that flips a bit in the first
// occurrence of s (which must be there).
func flipIn(s string) func([]byte) []byte {
	return func(b []byte) []byte {
		i := strings.Index(string(b), s)
		if i < 0 {
			panic("flipIn: pattern not in file")
		}
		out := append([]byte{}, b...)
		out[i+len(s)-1] ^= 0x01
		return out
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	badSidecar := filepath.Join(dir, "bad.pth")
	saveSpecs(t, badSidecar, smallModel, nil)
	if err := os.WriteFile(SidecarPath(badSidecar), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "newer.pth")
	saveSpecs(t, newer, smallModel, nil)
	if err := os.WriteFile(SidecarPath(newer), []byte(`{"format_version": 99, "sha256": ""}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, want string
	}{
		{"missing file", filepath.Join(dir, "absent.pth"), "absent.pth"},
		{"unknown extension", filepath.Join(dir, "model.onnx"), "unknown extension"},
		{"sidecar not JSON", badSidecar, "bad.pth.json"},
		{"sidecar from a newer ppctl", newer, "upgrade ppctl"},
		{"safetensors that is a .pth", renamedCopy(t, "testdata/views.pth", filepath.Join(dir, "views.safetensors")), "views.safetensors"},
		{"pth that is a safetensors", renamedCopy(t, "testdata/minimal.safetensors", filepath.Join(dir, "minimal.pth")), "not a zip archive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Load(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func renamedCopy(t *testing.T, from, to string) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// A failed write leaves neither the file nor a temporary behind, and an
// existing checkpoint untouched.
func TestSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "enc.pth")
	saveSpecs(t, path, smallModel, nil)
	before, _ := os.ReadFile(path)
	_, err := writeAtomic(path, func(w io.Writer) error {
		w.Write(make([]byte, 2<<20)) // more than the buffer, so it reaches the file
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("writeAtomic succeeded, want the writer's error")
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Errorf("a failed write changed %s", path)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}
