package models

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

type goldenFull struct {
	Shape []int64   `json:"shape"`
	Data  []float64 `json:"data"`
}

type goldenSummary struct {
	Shape  []int64   `json:"shape"`
	Numel  int64     `json:"numel"`
	Sum    float64   `json:"sum"`
	Norm   float64   `json:"norm"`
	AbsMax float64   `json:"absmax"`
	Index  []int     `json:"index"`
	Values []float64 `json:"values"`
}

// checkSummary compares a tensor with a gen_models_golden.py summary: the
// sampled elements, the sum and the norm, relative to the tensor's scale.
func checkSummary(t *testing.T, what string, got torch.Tensor, want goldenSummary, tol float64) {
	t.Helper()
	g := f64(torch.Float32s(got))
	if int64(len(g)) != want.Numel {
		t.Errorf("%s: %d elements, want %d", what, len(g), want.Numel)
		return
	}
	sample := make([]float64, len(want.Index))
	var sum, sq float64
	for i, k := range want.Index {
		sample[i] = g[k]
	}
	for _, v := range g {
		sum += v
		sq += v * v
	}
	scale := math.Max(want.AbsMax, 1e-30)
	if e, at := relErr(sample, want.Values); e*math.Max(maxAbs(want.Values), 1e-30)/scale > tol {
		t.Errorf("%s: element %d = %.7g, want %.7g (scale %.3g)", what, want.Index[at], sample[at], want.Values[at], scale)
	}
	n := float64(len(g))
	if d := math.Abs(sum - want.Sum); d > tol*scale*math.Sqrt(n)+tol*math.Abs(want.Sum) {
		t.Errorf("%s: sum %.7g, want %.7g", what, sum, want.Sum)
	}
	if d := math.Abs(math.Sqrt(sq) - want.Norm); d > tol*want.Norm {
		t.Errorf("%s: norm %.7g, want %.7g", what, math.Sqrt(sq), want.Norm)
	}
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

type tinyGolden struct {
	Input struct {
		N, Size int64
	} `json:"input"`
	Labels        []int64                  `json:"labels"`
	TrainFeatures goldenFull               `json:"train.features"`
	TrainLogits   goldenFull               `json:"train.logits"`
	TrainLoss     goldenFull               `json:"train.loss"`
	EvalFeatures  goldenFull               `json:"eval.features"`
	EvalLogits    goldenFull               `json:"eval.logits"`
	Grads         map[string]goldenSummary `json:"grads"`
	Buffers       map[string]goldenFull    `json:"buffers"`
}

const goldenTol = 1e-4

// TestTinyMatchesPyTorch runs seresnext_tiny + create_head(256, 3, ps=0)
// with the recipe's weights through one train-mode forward and backward and
// an eval-mode forward, and compares everything with PyTorch.
func TestTinyMatchesPyTorch(t *testing.T) {
	oneThread(t)
	raw, err := os.ReadFile("testdata/tiny_golden.json")
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/gen_models_golden.py)", err)
	}
	var g tinyGolden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	c, err := NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: 3, Head: HeadConfig{Dropout: []float64{0}}})
	if err != nil {
		t.Fatal(err)
	}
	fillRecipe(t, c)
	x := recipeInput(g.Input.N, g.Input.Size)

	c.SetTraining(true)
	feats := c.Encoder.Features(x)
	logits := c.Head.Forward(feats)
	loss := crossEntropy(logits, g.Labels)
	torch.Backward(loss)
	checkClose(t, "train features", feats, g.TrainFeatures.Data, goldenTol)
	checkClose(t, "train logits", logits, g.TrainLogits.Data, goldenTol)
	checkClose(t, "train loss", loss, g.TrainLoss.Data, goldenTol)

	seen := 0
	for _, e := range c.Entries("") {
		if e.Buffer {
			want, ok := g.Buffers[e.Name]
			if !ok {
				t.Errorf("buffer %s is not in the golden file", e.Name)
				continue
			}
			checkClose(t, "updated "+e.Name, e.Tensor, want.Data, goldenTol)
			seen++
			continue
		}
		want, ok := g.Grads[e.Name]
		if !ok {
			t.Errorf("parameter %s is not in the golden file", e.Name)
			continue
		}
		grad, ok := torch.Grad(e.Tensor)
		if !ok {
			t.Errorf("%s has no gradient", e.Name)
			continue
		}
		checkSummary(t, "grad "+e.Name, grad, want, goldenTol)
		seen++
	}
	if want := len(g.Grads) + len(g.Buffers); seen != want {
		t.Errorf("compared %d tensors, the golden file has %d", seen, want)
	}

	c.SetTraining(false)
	var ef, el torch.Tensor
	torch.NoGrad(func() {
		ef = c.Encoder.Features(x)
		el = c.Head.Forward(ef)
	})
	checkClose(t, "eval features", ef, g.EvalFeatures.Data, goldenTol)
	checkClose(t, "eval logits", el, g.EvalLogits.Data, goldenTol)
}

// TestSeededInitMatchesPyTorch checks that Seeded(7, NewClassifier) draws
// the weights torch.manual_seed(7) and timm's and fastai's initialisation
// draw in PyTorch: same generator, same calls, same order.
func TestSeededInitMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/tiny_init_seed7.json")
	if err != nil {
		t.Fatalf("%v (regenerate with /usr/bin/python3 scripts/gen_models_golden.py)", err)
	}
	var g struct {
		Seed    uint64
		Classes int64
		Tensors map[string]goldenSummary
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	c, err := Seeded(g.Seed, func() (*Classifier, error) {
		return NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: g.Classes})
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range c.Entries("") {
		if torch.TypeOf(e.Tensor) != torch.Float32 {
			continue
		}
		want, ok := g.Tensors[e.Name]
		if !ok {
			t.Errorf("%s is not in the golden file", e.Name)
			continue
		}
		checkSummary(t, e.Name, e.Tensor, want, 1e-6)
		n++
	}
	if n != len(g.Tensors) {
		t.Errorf("compared %d tensors, the golden file has %d", n, len(g.Tensors))
	}
}
