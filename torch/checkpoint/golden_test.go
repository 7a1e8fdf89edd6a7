package checkpoint

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const regenerate = "regenerate with /usr/bin/python3 scripts/gen_checkpoint_golden.py"

// goldenSpecs reads testdata/golden.json: for each file PyTorch wrote, the
// tensors a reader must return, in order.
func goldenSpecs(t *testing.T) map[string][]spec {
	t.Helper()
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatalf("%v (%s)", err, regenerate)
	}
	var g struct {
		Files map[string][]struct {
			Name   string            `json:"name"`
			DType  string            `json:"dtype"`
			Shape  []int64           `json:"shape"`
			Values []json.RawMessage `json:"values"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	out := map[string][]spec{}
	for file, entries := range g.Files {
		for _, e := range entries {
			s := spec{Name: e.Name, DType: e.DType, Shape: e.Shape, Values: []float64{}, Ints: []int64{}}
			for _, v := range e.Values {
				var err error
				if isInt(dtypeByName[e.DType]) {
					var i int64
					err = json.Unmarshal(v, &i)
					s.Ints = append(s.Ints, i)
				} else {
					var f float64
					err = json.Unmarshal(v, &f)
					s.Values = append(s.Values, f)
				}
				if err != nil {
					t.Fatalf("%s %s: %v", file, e.Name, err)
				}
			}
			out[file] = append(out[file], s)
		}
	}
	return out
}

// Files written by torch.save (and a hand-made safetensors) load with every
// value, dtype, shape and the order intact.
func TestLoadFilesPyTorchWrote(t *testing.T) {
	golden := goldenSpecs(t)
	cases := []struct {
		file, what string
	}{
		{"state_dict.pth", "OrderedDict state_dict of Conv2d+BatchNorm2d+Linear with _metadata and num_batches_tracked"},
		{"plain_dict.pth", "plain dict with int64 scalars, a Parameter and a nested dict"},
		{"views.pth", "views of one storage: transposed, offset, strided, empty"},
		{"half.pth", "float16 and bfloat16, a transposed half view, a 0-dim bfloat16"},
		{"minimal.safetensors", "hand-written safetensors, header order differs from data order"},
		{"legacy_state_dict.pth", "the state_dict in the legacy non-zip format"},
		{"legacy_views.pth", "views of one storage in the legacy non-zip format"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			want, ok := golden[tc.file]
			if !ok {
				t.Fatalf("golden.json has no %s (%s)", tc.file, regenerate)
			}
			got, meta, err := LoadOrdered(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatalf("%s: %v", tc.what, err)
			}
			if meta != nil {
				t.Errorf("meta = %+v, want nil (no sidecar)", meta)
			}
			checkEntries(t, got, want)
		})
	}
}

// A legacy file cut short or with its storage list damaged is refused
// (its storages have no CRC, so only truncation and structure are caught).
func TestLoadDamagedLegacyFile(t *testing.T) {
	orig, err := os.ReadFile("testdata/legacy_views.pth")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"truncated by one byte", func(b []byte) []byte { return b[:len(b)-1] }},
		{"truncated after the magic number", func(b []byte) []byte { return b[:len(legacyMagic)+3] }},
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"storage count changed", func(b []byte) []byte {
			out := append([]byte{}, b...)
			out[len(out)-12*4-8] ^= 0x01 // the numel before the 12 float32s of the one storage
			return out
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "legacy.pth")
			if err := os.WriteFile(path, tc.damage(orig), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := Load(path)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want ErrCorrupt naming %s", err, path)
			}
		})
	}
}
