package models

import (
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/ppctl/ppctl/torch"
)

// TestEveryVariantForwardBackward runs each member forward and backward at
// a small size and checks shapes, finiteness and that every parameter got
// a gradient.
func TestEveryVariantForwardBackward(t *testing.T) {
	cases := []struct {
		name string
		size int64
		want int64 // feature map side
	}{
		{"seresnext_tiny", 40, 2},
		{"seresnext26d_32x4d", 64, 2},
		{"seresnext26t_32x4d", 64, 2},
		{"seresnext50_32x4d", 64, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && c.name != "seresnext_tiny" {
				t.Skip("big member: skipped with -short")
			}
			m, err := Seeded(1, func() (*SEResNeXt, error) { return New(Config{Arch: c.name, Classes: 3}) })
			if err != nil {
				t.Fatal(err)
			}
			x := recipeInput(2, c.size)
			f := m.Features(x)
			if got, want := f.Shape(), []int64{2, m.FeatureDim(), c.want, c.want}; !equal(got, want) {
				t.Errorf("Features shape %v, want %v", got, want)
			}
			logits := m.Forward(x)
			if got := logits.Shape(); !equal(got, []int64{2, 3}) {
				t.Errorf("logits shape %v, want [2 3]", got)
			}
			loss := crossEntropy(logits, []int64{0, 2})
			torch.Backward(loss)
			if l := torch.Scalar(loss); math.IsNaN(l) || math.IsInf(l, 0) {
				t.Fatalf("loss %v", l)
			}
			for _, e := range m.StateDict() {
				if e.Buffer {
					continue
				}
				g, ok := torch.Grad(e.Tensor)
				if !ok {
					t.Errorf("%s has no gradient", e.Name)
					continue
				}
				for _, v := range torch.Float32s(g) {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Errorf("%s: non-finite gradient %v", e.Name, v)
						break
					}
				}
			}
			runtime.KeepAlive(loss)
		})
	}
}

func equal(a, b []int64) bool {
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

// TestTinyTrainStepIsFast is the demo's budget: forward and backward of
// seresnext_tiny with fastai's head on 8 images of 64x64 in well under a
// second on the 2-core machines.
func TestTinyTrainStepIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	c, err := NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: 4})
	if err != nil {
		t.Fatal(err)
	}
	x := recipeInput(8, 64)
	labels := []int64{0, 1, 2, 3, 0, 1, 2, 3}
	step := func() {
		loss := crossEntropy(c.Forward(x), labels)
		torch.Backward(loss)
	}
	step() // warm-up: oneDNN picks its kernels
	start := time.Now()
	const n = 3
	for range n {
		step()
	}
	per := time.Since(start) / n
	t.Logf("seresnext_tiny + head, 8x3x64x64, forward+backward: %v per step on %d threads", per, torch.Threads())
	if per > 700*time.Millisecond {
		t.Errorf("a train step took %v, want well under a second", per)
	}
}

// BenchmarkTinyTrainStep measures one forward+backward of the demo model.
func BenchmarkTinyTrainStep(b *testing.B) {
	c, err := NewClassifier(ClassifierConfig{Arch: "seresnext_tiny", Classes: 4})
	if err != nil {
		b.Fatal(err)
	}
	x := recipeInput(8, 64)
	labels := []int64{0, 1, 2, 3, 0, 1, 2, 3}
	for b.Loop() {
		loss := crossEntropy(c.Forward(x), labels)
		torch.Backward(loss)
	}
}
