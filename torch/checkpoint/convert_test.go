package checkpoint

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

// Files PyTorch wrote, converted by Go into both formats, read the same in
// Go and in PyTorch (torch.load now returns a plain dict, in the same order).
func TestConvertPyTorchFiles(t *testing.T) {
	golden := goldenSpecs(t)
	dir := t.TempDir()
	var files []pyFile
	for _, in := range []string{"state_dict.pth", "plain_dict.pth", "views.pth", "half.pth", "minimal.safetensors", "legacy_state_dict.pth"} {
		for _, ext := range []string{".pth", ".safetensors"} {
			out := filepath.Join(dir, strings.ReplaceAll(in, ".", "_")+ext)
			files = append(files, pyFile{out, golden[in]})
			t.Run(in+" to "+ext, func(t *testing.T) {
				n, err := Convert(filepath.Join("testdata", in), out)
				if err != nil {
					t.Fatal(err)
				}
				if n != len(golden[in]) {
					t.Errorf("Convert wrote %d tensors, want %d", n, len(golden[in]))
				}
				got, _, err := LoadOrdered(out)
				if err != nil {
					t.Fatal(err)
				}
				checkEntries(t, got, golden[in])
			})
		}
	}
	pythonCheck(t, files)
}

// Save writes the keys of a map in sorted order.
func TestSaveSortsMapKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	ts := map[string]torch.Tensor{}
	for _, k := range []string{"fc.weight", "bn1.bias", "conv1.weight", "bn1.weight"} {
		ts[k] = torch.FromFloat32([]float32{1}, 1)
	}
	if err := Save(path, ts, nil); err != nil {
		t.Fatal(err)
	}
	got, _, err := LoadOrdered(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
	}
	if want := "bn1.bias bn1.weight conv1.weight fc.weight"; strings.Join(names, " ") != want {
		t.Errorf("order %v, want %s", names, want)
	}
}
