package models

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

// TestSEResNeXt50AgainstPyTorch runs scripts/seresnext_ref.py at test time:
// PyTorch's seeded timm initialisation must equal ours, PyTorch must load
// our checkpoint with strict=True, and a train step and an eval forward on
// the recipe's weights must match. Slow (seconds): skipped with -short.
func TestSEResNeXt50AgainstPyTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: seresnext50_32x4d through PyTorch")
	}
	py := python(t)
	dir := t.TempDir()
	const arch, seed = "seresnext50_32x4d", 3

	t.Run("seeded init equals PyTorch's", func(t *testing.T) {
		oneThread(t)
		pth := filepath.Join(dir, "init_py.pth")
		runPython(t, py, "init", "--arch", arch, "--classes", "1000", "--seed", "3", "--out", pth)
		want := loadPTH(t, pth)
		m, err := Seeded(seed, func() (*SEResNeXt, error) { return New(Config{Arch: arch, Classes: 1000}) })
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range m.StateDict() {
			w, ok := want[e.Name]
			if !ok {
				t.Fatalf("PyTorch has no %s", e.Name)
			}
			if torch.TypeOf(e.Tensor) != torch.Float32 {
				continue
			}
			checkClose(t, e.Name, e.Tensor, f64(torch.Float32s(w)), 1e-6)
		}
	})

	t.Run("PyTorch loads our checkpoint strictly", func(t *testing.T) {
		c, err := NewClassifier(ClassifierConfig{Arch: arch, Classes: 5})
		if err != nil {
			t.Fatal(err)
		}
		pth := filepath.Join(dir, "ours.pth")
		if err := SaveCheckpoint(pth, c, nil); err != nil {
			t.Fatal(err)
		}
		out := runPython(t, py, "check", "--arch", arch, "--head", "5", "--state", pth)
		if !strings.HasPrefix(out, "ok") {
			t.Errorf("check said %q", out)
		}
	})

	t.Run("train step and eval forward match", func(t *testing.T) {
		oneThread(t)
		c, err := NewClassifier(ClassifierConfig{Arch: arch, Classes: 3, Head: HeadConfig{Dropout: []float64{0}}})
		if err != nil {
			t.Fatal(err)
		}
		fillRecipe(t, c)
		es := c.Entries("")
		state := filepath.Join(dir, "recipe.pth")
		savePTH(t, state, Names(es), StateMap(c))
		labels := []int64{2, 0}
		x := recipeInput(2, 64)
		input := filepath.Join(dir, "input.pth")
		savePTH(t, input, []string{"x", "labels"}, map[string]torch.Tensor{"x": x, "labels": torch.FromInt64(labels, 2)})
		outPath := filepath.Join(dir, "out.pth")
		runPython(t, py, "run", "--arch", arch, "--head", "3", "--ps", "0", "--state", state, "--input", input, "--out", outPath)
		want := loadPTH(t, outPath)
		ref := func(k string) []float64 { return f64(torch.Float32s(want[k])) }

		feats := c.Encoder.Features(x)
		logits := c.Head.Forward(feats)
		loss := crossEntropy(logits, labels)
		torch.Backward(loss)
		checkClose(t, "train features", feats, ref("train.features"), goldenTol)
		checkClose(t, "train logits", logits, ref("train.logits"), goldenTol)
		checkClose(t, "train loss", torch.Reshape(loss, 1), ref("train.loss"), goldenTol)
		for _, e := range es {
			if e.Buffer {
				checkClose(t, e.Name, torch.To(e.Tensor, torch.Float32), ref("buffer."+e.Name), goldenTol)
				continue
			}
			g, ok := torch.Grad(e.Tensor)
			if !ok {
				t.Errorf("%s has no gradient", e.Name)
				continue
			}
			checkClose(t, "grad "+e.Name, g, ref("grad."+e.Name), goldenTol)
		}
		c.SetTraining(false)
		torch.NoGrad(func() {
			f := c.Encoder.Features(x)
			checkClose(t, "eval features", f, ref("eval.features"), goldenTol)
			checkClose(t, "eval logits", c.Head.Forward(f), ref("eval.logits"), goldenTol)
		})
	})
}
