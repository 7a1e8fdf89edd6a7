package models

import (
	"math"
	"testing"

	"github.com/ppctl/ppctl/torch"
)

// TestBatchNormModes checks running statistics against their definition:
// training mode normalises with the batch, then running = 0.9*running +
// 0.1*batch (unbiased variance) and num_batches_tracked counts; evaluation
// mode normalises with the running statistics and changes nothing.
func TestBatchNormModes(t *testing.T) {
	// Two channels, four samples: channel 0 = 1,2,3,4; channel 1 = 0,0,2,2.
	x := torch.FromFloat32([]float32{1, 0, 2, 0, 3, 2, 4, 2}, 4, 2)
	bn := NewBatchNorm(2)
	es := bn.Entries("")
	state := func() (mean, vr []float32, n int64) {
		return torch.Float32s(es[2].Tensor), torch.Float32s(es[3].Tensor), torch.Int64s(es[4].Tensor)[0]
	}
	cases := []struct {
		name     string
		training bool
		wantY0   float64 // output of sample 0, channel 0
		wantMean [2]float64
		wantVar  [2]float64
		wantN    int64
	}{
		// batch mean 2.5, biased var 1.25 -> (1-2.5)/sqrt(1.25+1e-5);
		// unbiased var 5/3 and 4/3.
		{"train", true, -1.5 / math.Sqrt(1.25+1e-5), [2]float64{0.25, 0.1}, [2]float64{0.9 + 0.1*5.0/3, 0.9 + 0.1*4.0/3}, 1},
		// running mean 0.25, var 0.9+1/6: (1-0.25)/sqrt(var+eps); no update.
		{"eval", false, 0.75 / math.Sqrt(0.9+0.1*5.0/3+1e-5), [2]float64{0.25, 0.1}, [2]float64{0.9 + 0.1*5.0/3, 0.9 + 0.1*4.0/3}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bn.SetTraining(c.training)
			var y torch.Tensor
			torch.NoGrad(func() { y = bn.Forward(x) })
			if got := float64(torch.Float32s(y)[0]); math.Abs(got-c.wantY0) > 1e-5 {
				t.Errorf("y[0,0] = %.6f, want %.6f", got, c.wantY0)
			}
			mean, vr, n := state()
			for ch := range 2 {
				if math.Abs(float64(mean[ch])-c.wantMean[ch]) > 1e-6 || math.Abs(float64(vr[ch])-c.wantVar[ch]) > 1e-6 {
					t.Errorf("channel %d: running mean %.6f var %.6f, want %.6f %.6f", ch, mean[ch], vr[ch], c.wantMean[ch], c.wantVar[ch])
				}
			}
			if n != c.wantN {
				t.Errorf("num_batches_tracked = %d, want %d", n, c.wantN)
			}
		})
	}
}

func TestInferNeedsNoGradAndLeavesEvalMode(t *testing.T) {
	m, err := New(Config{Arch: "seresnext_tiny", Classes: 2})
	if err != nil {
		t.Fatal(err)
	}
	before := torch.Float32s(m.Stem.BN1.Entries("")[2].Tensor)
	y := Infer(m, recipeInput(2, 32))
	if torch.RequiresGrad(y) {
		t.Error("Infer's output requires grad")
	}
	if m.Training() {
		t.Error("the model is still in training mode")
	}
	after := torch.Float32s(m.Stem.BN1.Entries("")[2].Tensor)
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("running mean changed in Infer: %v -> %v", before, after)
		}
	}
}

func TestChannelsLastGivesTheSameValues(t *testing.T) {
	build := func(cl bool) *SEResNeXt {
		m, err := New(Config{Arch: "seresnext_tiny", ChannelsLast: cl})
		if err != nil {
			t.Fatal(err)
		}
		fillRecipe(t, m)
		m.SetTraining(false)
		return m
	}
	nchw, nhwc := build(false), build(true)
	if !torch.IsChannelsLast(nhwc.Stem.Convs[0].Weight()) {
		t.Error("conv weights are not stored channels-last")
	}
	x := recipeInput(2, 40)
	var a, b torch.Tensor
	torch.NoGrad(func() { a, b = nchw.Features(x), nhwc.Features(x) })
	if !torch.IsChannelsLast(b) {
		t.Error("features are not channels-last")
	}
	checkClose(t, "channels-last features", b, f64(torch.Float32s(a)), 1e-5)
}

func TestFreezeBodyKeepsBatchNormTraining(t *testing.T) {
	c, err := NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: 2, Head: HeadConfig{Dropout: []float64{0}}})
	if err != nil {
		t.Fatal(err)
	}
	c.FreezeBody(true)
	groups := c.ParamGroups()
	if len(groups) != 2 || groups[0].Name != "body" || groups[1].Name != "head" {
		t.Fatalf("groups %v, want body then head", groups)
	}
	for _, e := range groups[0].Params {
		if got := torch.RequiresGrad(e.Tensor); got != e.Norm {
			t.Errorf("frozen body: %s requires grad = %v, want %v", e.Name, got, e.Norm)
		}
	}
	for _, e := range groups[1].Params {
		if !torch.RequiresGrad(e.Tensor) {
			t.Errorf("head %s does not require grad", e.Name)
		}
	}
	bn := c.Encoder.Stem.BN1.Entries("")
	before := torch.Int64s(bn[4].Tensor)[0]
	loss := crossEntropy(c.Forward(recipeInput(2, 32)), []int64{0, 1})
	torch.Backward(loss)
	if got := torch.Int64s(bn[4].Tensor)[0]; got != before+1 {
		t.Errorf("frozen body's num_batches_tracked went %d -> %d, want +1", before, got)
	}
	if _, ok := torch.Grad(c.Encoder.Stem.Convs[0].Weight()); ok {
		t.Error("a frozen conv got a gradient")
	}
	if _, ok := torch.Grad(c.Encoder.Stem.BN1.Weight()); !ok {
		t.Error("a body batch norm got no gradient")
	}
	c.FreezeBody(false)
	for _, e := range groups[0].Params {
		if !torch.RequiresGrad(e.Tensor) {
			t.Errorf("unfrozen: %s does not require grad", e.Name)
		}
	}
}
