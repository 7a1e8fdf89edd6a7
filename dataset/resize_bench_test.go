package dataset

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/nfnt/resize"
	"golang.org/x/image/draw"
)

// This file holds the measurement behind the choice of resizer made in
// resize.go: speed (go test -bench Resize -cpu 1) and agreement with PIL
// (go test -run ResizerAgreement -v) of golang.org/x/image/draw and
// github.com/nfnt/resize, both on opaque *image.RGBA.

// nfntRegion is ResizeRegion done with nfnt/resize's Bilinear filter.
func nfntRegion(src *Image, r image.Rectangle, w, h int) *Image {
	out := resize.Resize(uint(w), uint(h), regionToRGBA(src, r), resize.Bilinear)
	return FromImage(out)
}

// xdrawRegion is ResizeRegion done with an x/image/draw kernel.
func xdrawRegion(k *draw.Kernel) func(*Image, image.Rectangle, int, int) *Image {
	return func(src *Image, r image.Rectangle, w, h int) *Image {
		in := regionToRGBA(src, r)
		out := image.NewRGBA(image.Rect(0, 0, w, h))
		k.Scale(out, out.Bounds(), in, in.Bounds(), draw.Src, nil)
		return rgbaToImage(out)
	}
}

// resizeCandidates are the candidates compared here.
var resizeCandidates = []struct {
	name string
	fn   func(*Image, image.Rectangle, int, int) *Image
}{
	{"xdraw-BiLinear", xdrawRegion(draw.BiLinear)},
	{"xdraw-CatmullRom", xdrawRegion(draw.CatmullRom)},
	{"nfnt-Bilinear", nfntRegion},
}

// TestResizerAgreement logs how far each candidate is from PIL's BILINEAR
// on the golden cases, and checks that the bilinear candidates stay within
// a loose bound (CatmullRom is a different filter and is only logged).
func TestResizerAgreement(t *testing.T) {
	src, cases := readResizeCases(t)
	for _, rz := range resizeCandidates {
		worst, sum := 0, 0.0
		for _, c := range cases {
			want := readPNGFixture(t, "testdata/resize/"+c.Name+".png")
			m, mean := imageDiff(t, rz.fn(src, c.region(src), c.W, c.H), want)
			worst, sum = max(worst, m), sum+mean
		}
		t.Logf("%-17s vs PIL BILINEAR: max %3d levels, mean %.3f", rz.name, worst, sum/float64(len(cases)))
	}
}

// resizeNoise returns a w x h image of seeded uniform noise over a gradient,
// a worst case for the filters' inner loops.
func resizeNoise(w, h int, seed uint64) *Image {
	rng := rand.New(rand.NewPCG(seed, 0))
	m := NewImage(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.IntN(64))
			m.SetRGB(x, y, uint8(x*191/w)+n, uint8(y*191/h)+n, 128+n)
		}
	}
	return m
}

// BenchmarkResize compares the candidates on the two shapes that matter: a
// full 2048x1365 photograph and the 512x342 a 1/4 DCT-scaled decode gives,
// both squashed to 256x256. Run with -cpu 1: nfnt starts GOMAXPROCS
// goroutines per call, which a worker pool does not want.
func BenchmarkResize(b *testing.B) {
	sources := []struct {
		name string
		img  *Image
	}{
		{"2048x1365", resizeNoise(2048, 1365, 1)},
		{"512x342", resizeNoise(512, 342, 2)},
	}
	for _, s := range sources {
		for _, rz := range resizeCandidates {
			b.Run(s.name+"/"+rz.name, func(b *testing.B) {
				for b.Loop() {
					rz.fn(s.img, s.img.Bounds(), 256, 256)
				}
			})
		}
		b.Run(s.name+"/Resize", func(b *testing.B) {
			for b.Loop() {
				Resize(s.img, 256, 256)
			}
		})
	}
}

// regionToRGBA copies the rectangle r of src into an opaque *image.RGBA whose
// origin is r.Min, the layout x/image/draw has a fast path for. Parts of r
// outside src become opaque black.
func regionToRGBA(src *Image, r image.Rectangle) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for i := 3; i < len(dst.Pix); i += 4 {
		dst.Pix[i] = 0xff
	}
	in := r.Intersect(src.Bounds())
	for y := in.Min.Y; y < in.Max.Y; y++ {
		s := src.Pix[src.Offset(in.Min.X, y):]
		d := dst.Pix[dst.PixOffset(in.Min.X-r.Min.X, y-r.Min.Y):]
		for x := 0; x < in.Dx(); x++ {
			d[4*x], d[4*x+1], d[4*x+2] = s[3*x], s[3*x+1], s[3*x+2]
		}
	}
	return dst
}

// rgbaToImage drops the alpha channel of an *image.RGBA whose bounds start at
// the origin.
func rgbaToImage(src *image.RGBA) *Image {
	b := src.Bounds()
	dst := NewImage(b.Dx(), b.Dy())
	for y := 0; y < dst.H; y++ {
		s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
		d := dst.Pix[dst.Offset(0, y):]
		for x := 0; x < dst.W; x++ {
			d[3*x], d[3*x+1], d[3*x+2] = s[4*x], s[4*x+1], s[4*x+2]
		}
	}
	return dst
}
