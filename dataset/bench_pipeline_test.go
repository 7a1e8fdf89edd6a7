package dataset

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkSimCLRViews measures the warm path of the SimCLR pipeline: two
// views from a cached 384x256 image (run with -cpu 1 for a per-core figure).
func BenchmarkSimCLRViews(b *testing.B) {
	for _, color := range []bool{false, true} {
		name := "plain"
		if color {
			name = "color"
		}
		b.Run(name, func(b *testing.B) {
			src := NewImage(384, 256)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range src.Pix {
				src.Pix[i] = uint8(rng.IntN(256))
			}
			a := DefaultSimCLRAugment()
			a.Color = color
			views := [][]float32{make([]float32, 3*128*128), make([]float32, 3*128*128)}
			b.ReportAllocs()
			for b.Loop() {
				a.Apply(rng, src, views)
			}
		})
	}
}
