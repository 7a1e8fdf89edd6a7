package dataset

import (
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
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

// writePhotoJPEG writes a photograph-sized (2048x1365) JPEG of smooth colour
// plus seeded noise, about as costly to decode as a real leaf photograph.
func writePhotoJPEG(b *testing.B, path string, seed uint64) {
	b.Helper()
	const w, h = 2048, 1365
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 3))
	for y := range h {
		for x := range w {
			n := rng.IntN(24)
			i := m.PixOffset(x, y)
			m.Pix[i] = uint8(60 + x*120/w + n)
			m.Pix[i+1] = uint8(90 + y*100/h + n)
			m.Pix[i+2] = uint8(40 + (x+y)*60/(w+h) + n)
			m.Pix[i+3] = 255
		}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, m, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDataCold measures the cold path per image: decode with DCT
// scaling, shrink to the cache side, two SimCLR views.
func BenchmarkDataCold(b *testing.B) {
	dir := b.TempDir()
	paths := make([]string, 4)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("p%d.jpg", i))
		writePhotoJPEG(b, paths[i], uint64(i))
	}
	a := DefaultSimCLRAugment()
	views := [][]float32{make([]float32, 3*128*128), make([]float32, 3*128*128)}
	rng := rand.New(rand.NewPCG(1, 1))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := NewCache(CacheConfig{Side: 256})
		m, err := c.Load(paths[i%len(paths)])
		if err != nil {
			b.Fatal(err)
		}
		a.Apply(rng, m, views)
	}
}
