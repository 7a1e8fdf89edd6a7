package checkpoint

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"unsafe"

	"github.com/ppctl/ppctl/torch"
)

// spec describes a tensor by its expected content: dtype, shape and the
// values in row-major order (exactly representable in dtype), which is
// also what check_checkpoint.py compares against.
type spec struct {
	Name   string
	DType  string
	Shape  []int64
	Values []float64 // for floating-point dtypes
	Ints   []int64   // for integer and bool dtypes
}

// MarshalJSON writes the form check_checkpoint.py reads.
func (s spec) MarshalJSON() ([]byte, error) {
	var v any = s.Values
	if isInt(dtypeByName[s.DType]) {
		v = s.Ints
	}
	if s.Shape == nil {
		s.Shape = []int64{}
	}
	return json.Marshal(map[string]any{"name": s.Name, "dtype": s.DType, "shape": s.Shape, "values": v})
}

// floatSpec makes a float spec, intSpec an integer one.
func floatSpec(name, dtype string, shape []int64, v ...float64) spec {
	return spec{Name: name, DType: dtype, Shape: shape, Values: append([]float64{}, v...)}
}

func intSpec(name, dtype string, shape []int64, v ...int64) spec {
	return spec{Name: name, DType: dtype, Shape: shape, Ints: append([]int64{}, v...)}
}

var dtypeByName = map[string]torch.DType{
	"float32": torch.Float32, "float16": torch.Float16, "bfloat16": torch.BFloat16,
	"float64": torch.Float64, "int64": torch.Int64, "int32": torch.Int32,
	"uint8": torch.Uint8, "bool": torch.Bool,
}

func isInt(d torch.DType) bool {
	return d == torch.Int64 || d == torch.Int32 || d == torch.Uint8 || d == torch.Bool
}

// build makes the tensor s describes.
func build(t *testing.T, s spec) torch.Tensor {
	t.Helper()
	d, ok := dtypeByName[s.DType]
	if !ok {
		t.Fatalf("unknown dtype %q in test spec", s.DType)
	}
	if isInt(d) {
		return torch.To(torch.FromInt64(s.Ints, s.Shape...), d)
	}
	if d == torch.Float64 && len(s.Values) > 0 {
		return torch.FromData(unsafe.Pointer(&s.Values[0]), d, s.Shape...)
	}
	v := make([]float32, len(s.Values))
	for i, x := range s.Values {
		v[i] = float32(x)
	}
	return torch.To(torch.FromFloat32(v, s.Shape...), d)
}

// values returns the elements of tensor as float64, read back through its
// raw bytes so that no conversion inside libtorch could hide a wrong dtype.
func values(t *testing.T, tensor torch.Tensor) []float64 {
	t.Helper()
	var out []float64
	switch torch.TypeOf(tensor) {
	case torch.Float64:
		b := torch.Bytes(tensor)
		for i := 0; i < len(b); i += 8 {
			out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
		}
	default:
		for _, v := range torch.Float32s(tensor) {
			out = append(out, float64(v))
		}
	}
	if out == nil {
		out = []float64{}
	}
	return out
}

// checkEntries compares what was loaded with the specs, in order.
func checkEntries(t *testing.T, got []Entry, want []spec) {
	t.Helper()
	if len(got) != len(want) {
		names := make([]string, len(got))
		for i, e := range got {
			names[i] = e.Name
		}
		t.Fatalf("loaded %d tensors %v, want %d", len(got), names, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name {
			t.Errorf("entry %d is %q, want %q", i, g.Name, w.Name)
			continue
		}
		if d := torch.TypeOf(g.Tensor).String(); d != w.DType {
			t.Errorf("%s: dtype %s, want %s", w.Name, d, w.DType)
		}
		if s := g.Tensor.Shape(); !reflect.DeepEqual(append([]int64{}, s...), append([]int64{}, w.Shape...)) {
			t.Errorf("%s: shape %v, want %v", w.Name, s, w.Shape)
		}
		if isInt(dtypeByName[w.DType]) {
			if v := torch.Int64s(g.Tensor); !reflect.DeepEqual(append([]int64{}, v...), w.Ints) {
				t.Errorf("%s: values %v, want %v", w.Name, v, w.Ints)
			}
		} else if v := values(t, g.Tensor); !reflect.DeepEqual(v, w.Values) {
			t.Errorf("%s: values %v, want %v", w.Name, v, w.Values)
		}
	}
}

var (
	pythonOnce sync.Once
	pythonOK   bool
)

const python = "/usr/bin/python3"

// requirePython skips the test unless /usr/bin/python3 imports torch.
func requirePython(t *testing.T) {
	t.Helper()
	pythonOnce.Do(func() {
		pythonOK = exec.Command(python, "-c", "import torch").Run() == nil
	})
	if !pythonOK {
		t.Skip("skipping the PyTorch cross-check: /usr/bin/python3 with torch is not installed (apt-get install python3-torch)")
	}
}

// pyFile is a file for check_checkpoint.py with the tensors it must hold.
type pyFile struct {
	Path    string `json:"path"`
	Entries []spec `json:"entries"`
}

// pythonCheck runs scripts/check_checkpoint.py once on files (importing
// torch costs seconds, so tests gather their files first).
func pythonCheck(t *testing.T, files []pyFile) {
	t.Helper()
	requirePython(t)
	exp := filepath.Join(t.TempDir(), "expected.json")
	b, err := json.Marshal(map[string]any{"files": files})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "../../scripts/check_checkpoint.py", exp).CombinedOutput()
	if err != nil {
		t.Errorf("PyTorch reads these files differently: %v\n%s", err, out)
	}
}
