package dataset

import (
	"fmt"
	"image"
)

// Resizing is PIL's antialiased BILINEAR, the filter torchvision's Resize
// and RandomResizedCrop apply to PIL images: a tent filter whose support
// widens with the down-scale factor, so shrinking a 2048x1365 photograph to
// 256x256 averages every source pixel instead of sampling a few (no
// aliasing). One implementation serves the whole package: resampleRegion
// (augment_resample.go), a packed fixed-point resampler within one level of
// PIL.
//
// The choice was made by measurement (resize_bench_test.go). Against PIL's
// golden cases (testdata/resize, from scripts/make_resize_golden.py)
// github.com/nfnt/resize, the user's named library, is up to 16 levels off
// (8-bit weights and intermediate, a left-edge error) and starts GOMAXPROCS
// goroutines per call behind the loader's worker pool; it has been frozen
// since 2018. golang.org/x/image/draw's BiLinear is within 1 level but 3x
// slower than resampleRegion on the cache's 1024x683 -> 767x512 shrink,
// which made the first epoch slower than PIL. ApproxBiLinear and
// NearestNeighbor are never used: they alias on big down-scales.

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
	if !r.In(src.Bounds()) {
		// PIL pads a crop that leaves the image with black, then resizes.
		padded := cropRegion(src, r)
		return resampleRegion(padded, padded.Bounds(), w, h)
	}
	return resampleRegion(src, r, w, h)
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
