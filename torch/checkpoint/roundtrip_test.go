package checkpoint

import (
	"archive/zip"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

// roundTripCases are the tensor sets written by Go and read back by Go and
// by PyTorch, in both formats.
var roundTripCases = []struct {
	name    string
	tensors []spec
}{
	{"float32 matrix", []spec{
		floatSpec("weight", "float32", []int64{2, 3}, 1, -2.5, 3.25, 0, 0x1p-10, -0x1p100),
	}},
	{"every dtype", []spec{
		floatSpec("f16", "float16", []int64{3}, 0.5, -2, 65504),
		floatSpec("bf16", "bfloat16", []int64{2, 2}, 1, -0.5, 3.5, 0x1p100),
		floatSpec("f64", "float64", []int64{2}, 0.1, -1e300),
		intSpec("i64", "int64", []int64{3}, 1<<40+3, -7, 1<<62+1),
		intSpec("i32", "int32", []int64{2}, -2147483648, 65536),
		intSpec("u8", "uint8", []int64{2}, 0, 255),
		intSpec("mask", "bool", []int64{3}, 1, 0, 1),
	}},
	{"0-dim and empty tensors", []spec{
		intSpec("bn1.num_batches_tracked", "int64", []int64{}, 7),
		floatSpec("temperature", "float32", []int64{}, 0.0703125),
		floatSpec("none", "float32", []int64{0, 3}),
	}},
	{"state_dict order, not sorted", []spec{
		floatSpec("conv1.weight", "float32", []int64{1, 1, 1, 2}, 1, 2),
		floatSpec("bn1.weight", "float32", []int64{1}, 1),
		intSpec("bn1.num_batches_tracked", "int64", []int64{}, 3),
		floatSpec("fc.bias", "float32", []int64{2}, -1, 1),
		floatSpec("a_last_alphabetically_first", "float32", []int64{1}, 5),
	}},
	{"no tensors", []spec{}},
	{"300 tensors (memo indices past 255)", manySpecs(300)},
}

func manySpecs(n int) []spec {
	out := make([]spec, n)
	for i := range out {
		out[i] = floatSpec(fmt.Sprintf("layer%d.weight", i), "float32", []int64{1}, float64(i))
	}
	return out
}

func saveSpecs(t *testing.T, path string, specs []spec, meta *Meta) {
	t.Helper()
	names := make([]string, len(specs))
	tensors := map[string]torch.Tensor{}
	for i, s := range specs {
		names[i] = s.Name
		tensors[s.Name] = build(t, s)
	}
	if err := SaveOrdered(path, names, tensors, meta); err != nil {
		t.Fatalf("SaveOrdered: %v", err)
	}
}

// TestRoundTrip writes every case in both formats, reads each back in Go,
// then has PyTorch check them all.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	var files []pyFile
	for i, tc := range roundTripCases {
		for _, ext := range []string{".pth", ".safetensors"} {
			path := filepath.Join(dir, fmt.Sprintf("case%d%s", i, ext))
			files = append(files, pyFile{path, tc.tensors})
			t.Run(tc.name+ext, func(t *testing.T) {
				saveSpecs(t, path, tc.tensors, nil)
				got, meta, err := LoadOrdered(path)
				if err != nil {
					t.Fatalf("LoadOrdered: %v", err)
				}
				if meta != nil {
					t.Errorf("meta = %+v, want nil without a sidecar", meta)
				}
				checkEntries(t, got, tc.tensors)
			})
		}
	}
	pythonCheck(t, files)
}

// A transposed (non-contiguous) tensor is written in its logical order.
func TestSaveNonContiguous(t *testing.T) {
	base := torch.FromFloat32([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	tr := base.Transpose(0, 1) // (3, 2): rows [1 4] [2 5] [3 6]
	want := []spec{floatSpec("t", "float32", []int64{3, 2}, 1, 4, 2, 5, 3, 6)}
	dir := t.TempDir()
	var files []pyFile
	for _, ext := range []string{".pth", ".safetensors"} {
		path := filepath.Join(dir, "view"+ext)
		files = append(files, pyFile{path, want})
		t.Run(ext, func(t *testing.T) {
			if err := Save(path, map[string]torch.Tensor{"t": tr}, nil); err != nil {
				t.Fatal(err)
			}
			got, _, err := LoadOrdered(path)
			if err != nil {
				t.Fatal(err)
			}
			checkEntries(t, got, want)
		})
	}
	pythonCheck(t, files)
}

// Records are laid out and aligned as torch.save does.
func TestSavePTHLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enc.pth")
	saveSpecs(t, path, []spec{
		floatSpec("b", "float32", []int64{3}, 1, 2, 3),
		floatSpec("a", "float16", []int64{1}, 1),
	}, nil)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		if off%64 != 0 {
			t.Errorf("%s: data at byte %d, want a multiple of 64", f.Name, off)
		}
		if f.Method != zip.Store {
			t.Errorf("%s: method %d, want stored", f.Name, f.Method)
		}
	}
	want := []string{"enc/data.pkl", "enc/data/0", "enc/data/1", "enc/version"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("records %v, want %v", names, want)
	}
}

func TestSaveRejects(t *testing.T) {
	one := map[string]torch.Tensor{"w": torch.FromFloat32([]float32{1}, 1)}
	cases := []struct {
		name  string
		path  string
		names []string
		ts    map[string]torch.Tensor
	}{
		{"unknown extension", "model.h5", []string{"w"}, one},
		{"name without tensor", "model.pth", []string{"v"}, one},
		{"repeated name", "model.pth", []string{"w", "w"}, map[string]torch.Tensor{"w": one["w"], "x": one["w"]}},
		{"fewer names than tensors", "model.pth", nil, one},
		{"undefined tensor", "model.pth", []string{"w"}, map[string]torch.Tensor{"w": {}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.path)
			err := SaveOrdered(path, tc.names, tc.ts, nil)
			if err == nil {
				t.Fatalf("SaveOrdered succeeded, want an error")
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 0 {
				t.Errorf("files left behind: %v", m)
			}
		})
	}
}
