package dataset

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPipelinesWriteEveryValue fills views with NaN before Apply: a Loader
// reuses released batch memory without zeroing it, so every pipeline must
// write all of every view.
func TestPipelinesWriteEveryValue(t *testing.T) {
	simclr := DefaultSimCLRAugment()
	simclr.Resize, simclr.Crop.Size = 12, 6
	color := simclr
	color.Color, color.Norm = true, ImageNet
	flipped := simclr
	flipped.FlipP = 1
	pipes := []struct {
		name string
		p    Pipeline
	}{
		{"simclr", simclr},
		{"simclr colour normalized", color},
		{"simclr always flipped", flipped},
		{"rotnet", RotNetAugment{Size: 7}},
		{"train", TrainAugment{Size: 6, MinScale: 0.35, FlipP: 0.5, Norm: ImageNet}},
		{"eval", EvalAugment{Size: 6, Norm: ImageNet}},
	}
	for _, tc := range pipes {
		t.Run(tc.name, func(t *testing.T) {
			n := 3 * tc.p.ViewSize() * tc.p.ViewSize()
			for seed := range uint64(8) {
				src := NewImage(9+int(seed), 16-int(seed))
				fill := rand.New(rand.NewPCG(seed, 3))
				for i := range src.Pix {
					src.Pix[i] = uint8(fill.IntN(256))
				}
				views := make([][]float32, tc.p.Views())
				for v := range views {
					views[v] = make([]float32, n)
					for i := range views[v] {
						views[v][i] = float32(math.NaN())
					}
				}
				tc.p.Apply(rand.New(rand.NewPCG(seed, 1)), src, views)
				for v, view := range views {
					if i := slices.IndexFunc(view, func(f float32) bool { return f != f }); i >= 0 {
						t.Fatalf("seed %d: view %d value %d of %d was not written", seed, v, i, n)
					}
				}
			}
		})
	}
}

// TestBatchReleaseReusesMemory checks that released batches lend their
// memory to later ones and that the batches stay what they are without
// Release.
func TestBatchReleaseReusesMemory(t *testing.T) {
	src := newAugMemSource(20)
	cfg := LoaderConfig{BatchSize: 2, Workers: 1, Prefetch: 1, Shuffle: true, Seed: 5}
	plain, err := NewLoader(src, tinySimCLR(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := collect(t, plain, 0)
	l, err := NewLoader(src, tinySimCLR(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	released := map[*float32]bool{}
	reused, step := 0, 0
	for b, err := range l.Epoch(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		if released[&b.X[0]] {
			reused++
		}
		if !slices.Equal(b.X, want[step].X) || !slices.Equal(b.Index, want[step].Index) {
			t.Fatalf("step %d differs from the loader whose batches were never released", step)
		}
		released[&b.X[0]] = true
		b.Release()
		b.Release()
		if b.X != nil {
			t.Fatalf("step %d: X is still set after Release", step)
		}
		step++
	}
	if step != len(want) {
		t.Fatalf("%d batches, want %d", step, len(want))
	}
	if reused == 0 {
		t.Errorf("none of %d batches reused a released one's memory", step)
	}
	lone := Batch{X: make([]float32, 3)}
	lone.Release() // a batch made by hand may be fed again: it keeps X
	if len(lone.X) != 3 {
		t.Errorf("hand-made batch: Release changed X to %v", lone.X)
	}
}
