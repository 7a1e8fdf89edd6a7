package dataset

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchPhoto returns a 2048x1365 JPEG (quality 90, 4:2:0), the size of a
// Plant Pathology photograph: smooth gradients, filled discs and mild noise,
// built once per test binary.
var benchPhoto = sync.OnceValue(func() []byte {
	const w, h = 2048, 1365
	rng := rand.New(rand.NewPCG(2020, 5))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	type disc struct{ x, y, r2 int }
	discs := make([]disc, 40)
	for i := range discs {
		r := 20 + rng.IntN(120)
		discs[i] = disc{rng.IntN(w), rng.IntN(h), r * r}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, b := 60+x*100/w, 90+y*120/h, 40
			for _, d := range discs {
				if dx, dy := x-d.x, y-d.y; dx*dx+dy*dy < d.r2 {
					r, g, b = 200, 150, 40
					break
				}
			}
			n := int(rng.NormFloat64() * 4)
			i := m.PixOffset(x, y)
			m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = clamp8(r+n), clamp8(g+n), clamp8(b+n), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// clamp8 clips v to 0..255.
func clamp8(v int) uint8 { return uint8(min(max(v, 0), 255)) }

// BenchmarkDecode measures decoding the 2048x1365 JPEG with this build's
// decoder (JPEGDecoder) and with image/jpeg, at full size and with the
// MinSide values that give DCT scales 1/2, 1/4 and 1/8. Run with -cpu 1.
func BenchmarkDecode(b *testing.B) {
	data := benchPhoto()
	b.Logf("JPEG %d bytes; build decoder %s", len(data), JPEGDecoder)
	scales := []struct {
		name    string
		minSide int
	}{{"full", 0}, {"half", 512}, {"quarter", 256}, {"eighth", 128}}
	decoders := []struct {
		name string
		fn   func([]byte, DecodeOptions) (*Image, error)
	}{{JPEGDecoder, decodeJPEG}, {"stdlib", decodeJPEGStdlib}}
	for _, d := range decoders {
		for _, s := range scales {
			b.Run(d.name+"/"+s.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := d.fn(data, DecodeOptions{MinSide: s.minSide}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkDecodeResize measures the path the cache takes for a 256-pixel
// training size: decode with MinSide 512 (twice the training size), then
// resize the shorter side to exactly 512.
func BenchmarkDecodeResize(b *testing.B) {
	data := benchPhoto()
	for b.Loop() {
		m, err := decodeJPEG(data, DecodeOptions{MinSide: 512})
		if err != nil {
			b.Fatal(err)
		}
		Resize(m, m.W*512/m.H, 512)
	}
}

// BenchmarkCacheLoad measures Cache.Load of the 2048x1365 JPEG with Side
// 256 and 512: cold (decode and resize, the first epoch) and warm (a
// memory hit, every later epoch).
func BenchmarkCacheLoad(b *testing.B) {
	path := filepath.Join(b.TempDir(), "photo.jpg")
	if err := os.WriteFile(path, benchPhoto(), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, side := range []int{256, 512} {
		cfg := CacheConfig{Side: side}
		b.Run(fmt.Sprintf("side%d/cold", side), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewCache(cfg).Load(path); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("side%d/warm", side), func(b *testing.B) {
			c := NewCache(cfg)
			c.Load(path)
			for b.Loop() {
				c.Load(path)
			}
		})
	}
}
