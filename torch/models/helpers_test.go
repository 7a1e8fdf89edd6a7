package models

import (
	"fmt"
	"math"
	"os/exec"
	"runtime"
	"testing"

	"github.com/ppctl/ppctl/torch"
	"github.com/ppctl/ppctl/torch/checkpoint"
)

// recipe returns the deterministic value of the j-th state entry, as
// scripts/gen_models_golden.py's recipe computes it.
func recipe(name string, j int, shape []int64) torch.Tensor {
	n := int64(1)
	for _, s := range shape {
		n *= s
	}
	if hasSuffix(name, "num_batches_tracked") {
		return torch.FromInt64([]int64{int64(j)})
	}
	v := make([]float32, n)
	fj := float64(j)
	for k := range v {
		i := float64(k)
		var x float64
		switch {
		case hasSuffix(name, "running_mean"):
			x = 0.1 * math.Sin(0.5*i+fj)
		case hasSuffix(name, "running_var"):
			s := math.Sin(0.7*i + fj)
			x = 1 + 0.5*s*s
		case hasSuffix(name, "bias"):
			x = 0.1 * math.Sin(i+0.3*fj)
		case len(shape) == 1:
			x = 1 + 0.2*math.Sin(0.9*i+fj)
		default:
			fanIn := n / shape[0]
			x = math.Sqrt(3.0/float64(fanIn)) * math.Sin(0.61*i+0.37*fj+0.1)
		}
		v[k] = float32(x)
	}
	return torch.FromFloat32(v, shape...)
}

// fillRecipe loads the recipe's values into every entry of l.
func fillRecipe(t *testing.T, l Layer) {
	t.Helper()
	sd := map[string]torch.Tensor{}
	for j, e := range l.Entries("") {
		r := recipe(e.Name, j, e.Tensor.Shape())
		if len(e.Tensor.Shape()) == 0 {
			r = torch.Reshape(r)
		}
		sd[e.Name] = r
	}
	if err := Load(l, sd, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
}

// recipeInput is gen_models_golden.py's recipe_input.
func recipeInput(n, size int64) torch.Tensor {
	v := make([]float32, n*3*size*size)
	for k := range v {
		i := float64(k)
		v[k] = float32(math.Sin(0.05*i) + 0.3*math.Cos(0.011*i+1))
	}
	return torch.FromFloat32(v, n, 3, size, size)
}

// crossEntropy is mean(-sum(onehot * log_softmax(logits))), the loss the
// reference uses.
func crossEntropy(logits torch.Tensor, labels []int64) torch.Tensor {
	lab := torch.FromInt64(labels, int64(len(labels)))
	oh := torch.OneHot(lab, logits.Shape()[1]) // (N, K)
	lsm := torch.LogSoftmax(logits, 1)         // (N, K)
	prod := mul(oh, lsm)                       // (N, K)
	sum := torch.SumDims(prod, false, 1)       // (N)
	mean := meanDims(sum, false)               // ()
	loss := torch.Neg(mean)
	runtime.KeepAlive([]torch.Tensor{lab, oh, lsm, prod, sum, mean, logits})
	return loss
}

// relErr returns max|got-want| / max|want| and the index of the worst
// element (the tolerance is relative to the tensor's scale, so values near
// zero do not dominate).
func relErr(got, want []float64) (float64, int) {
	var scale, worst float64
	at := -1
	for i := range want {
		scale = math.Max(scale, math.Abs(want[i]))
	}
	if scale == 0 {
		scale = 1
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > worst || math.IsNaN(d) {
			worst, at = d, i
			if math.IsNaN(d) {
				return math.Inf(1), i
			}
		}
	}
	return worst / scale, at
}

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// checkClose fails when got and want differ by more than tol relative.
func checkClose(t *testing.T, what string, got torch.Tensor, want []float64, tol float64) {
	t.Helper()
	g := f64(torch.Float32s(got))
	runtime.KeepAlive(got)
	if len(g) != len(want) {
		t.Errorf("%s: %d values, want %d (shape %v)", what, len(g), len(want), got.Shape())
		return
	}
	if e, at := relErr(g, want); e > tol {
		t.Errorf("%s: relative error %.3g > %g at element %d: got %.7g, want %.7g", what, e, tol, at, g[at], want[at])
	}
}

// python returns /usr/bin/python3 when it has torch, or skips the test.
func python(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch").Run(); err != nil {
		t.Skipf("%s has no torch (%v): the PyTorch comparison needs Debian's python3-torch", py, err)
	}
	return py
}

// savePTH writes named tensors as a .pth for the Python script.
func savePTH(t *testing.T, path string, names []string, ts map[string]torch.Tensor) {
	t.Helper()
	if err := checkpoint.SaveOrdered(path, names, ts, nil); err != nil {
		t.Fatal(err)
	}
}

// loadPTH reads a .pth the Python script wrote.
func loadPTH(t *testing.T, path string) map[string]torch.Tensor {
	t.Helper()
	sd, _, err := checkpoint.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return sd
}

// runPython runs scripts/seresnext_ref.py with args from the repo root.
func runPython(t *testing.T, py string, args ...string) string {
	t.Helper()
	cmd := exec.Command(py, append([]string{"../../scripts/seresnext_ref.py"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("seresnext_ref.py %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func shapeString(s []int64) string {
	if len(s) == 0 {
		return "scalar"
	}
	out := ""
	for i, d := range s {
		if i > 0 {
			out += "x"
		}
		out += fmt.Sprint(d)
	}
	return out
}

// oneThread runs the rest of the (sub)test on one intra-op thread, as the
// reference does: a multi-threaded convolution or batch norm sums in
// another order, and train-mode batch norm over a few samples amplifies
// that fp32 rounding past 1e-4 in the deepest gradients. libtorch's thread
// count is per OS thread (OpenMP), so the goroutine is locked to its
// thread first; call it in the goroutine that computes (each t.Run).
func oneThread(t *testing.T) {
	runtime.LockOSThread()
	prev := torch.Threads()
	torch.SetThreads(1)
	t.Cleanup(func() {
		torch.SetThreads(prev)
		runtime.UnlockOSThread()
	})
}
