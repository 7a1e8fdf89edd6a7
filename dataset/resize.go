package dataset

import (
	"fmt"
	"image"

	"golang.org/x/image/draw"
)

// Resizing uses golang.org/x/image/draw's BiLinear kernel. It is a tent
// filter whose support widens with the down-scale factor, so shrinking a
// 2048x1365 photograph to 256x256 averages every source pixel instead of
// sampling a few (no aliasing), and it is the filter torchvision's Resize and
// RandomResizedCrop apply to PIL images (PIL's antialiased BILINEAR).
//
// The choice was made by measurement against github.com/nfnt/resize, the
// user's named library (resize_bench_test.go; numbers in the commit that
// added this file). On the golden cases PIL made (testdata/resize, written by
// scripts/make_resize_golden.py) x/image/draw's BiLinear is at most 1 level
// from PIL, nfnt's Bilinear up to 16 (it rounds weights to 8 bits, keeps an
// 8-bit intermediate and mishandles the left edge). nfnt is 1.0-1.5x faster
// on one core (about 1-2 ms for 512x342 -> 256x256), but it starts
// GOMAXPROCS goroutines per call behind the loader's worker pool and has been
// frozen since 2018, while x/image is maintained by the Go team. Agreement
// with the reference won. ApproxBiLinear and NearestNeighbor are never used:
// they alias on big down-scales.

// Resize squashes src to w x h pixels (the aspect ratio is not kept) with an
// antialiased bilinear filter and returns a new image. It panics if w or h is
// not positive.
func Resize(src *Image, w, h int) *Image {
	return ResizeRegion(src, src.Bounds(), w, h)
}

// ResizeRegion crops the rectangle r of src and resizes it to w x h pixels
// with the same filter as Resize; only pixels inside r contribute, as when
// PIL crops first and resizes after. Parts of r outside src read as black
// (PIL's crop does the same). It panics if r is empty or w or h is not
// positive.
func ResizeRegion(src *Image, r image.Rectangle, w, h int) *Image {
	if w <= 0 || h <= 0 {
		panic(fmt.Sprintf("dataset: resize to %dx%d: size must be positive", w, h))
	}
	if r.Empty() {
		panic(fmt.Sprintf("dataset: resize of region %v: region is empty", r))
	}
	if r.Dx() == w && r.Dy() == h {
		return cropRegion(src, r)
	}
	in := regionToRGBA(src, r)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(out, out.Bounds(), in, in.Bounds(), draw.Src, nil)
	return rgbaToImage(out)
}

// cropRegion copies the rectangle r of src into a new image; parts of r outside
// src stay black.
func cropRegion(src *Image, r image.Rectangle) *Image {
	dst := NewImage(r.Dx(), r.Dy())
	in := r.Intersect(src.Bounds())
	for y := in.Min.Y; y < in.Max.Y; y++ {
		s := src.Offset(in.Min.X, y)
		d := dst.Offset(in.Min.X-r.Min.X, y-r.Min.Y)
		copy(dst.Pix[d:d+3*in.Dx()], src.Pix[s:s+3*in.Dx()])
	}
	return dst
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
