//go:build !purego

package dataset

import (
	"bytes"
	"fmt"
	"image"

	libjpeg "github.com/pixiv/go-libjpeg/jpeg"
)

// This file is the default JPEG decoder: libjpeg-turbo (Debian's
// libjpeg62-turbo-dev) through github.com/pixiv/go-libjpeg, about 3.5x
// faster than image/jpeg at full size and able to scale by 1/2, 1/4 or 1/8
// in the DCT domain. Build with -tags purego for the image/jpeg fallback
// (decode_purego.go).

// JPEGDecoder names the JPEG decoder this build uses: "libjpeg-turbo", or
// "image/jpeg" with the purego build tag. Manifests and benchmarks record it.
const JPEGDecoder = "libjpeg-turbo"

// decodeJPEG decodes with libjpeg-turbo straight into RGB (it converts
// grayscale itself), using DCT scaling for the factor scaleDenom picks.
// libjpeg cannot convert CMYK or YCCK to RGB; for those image/jpeg takes
// over.
func decodeJPEG(b []byte, opt DecodeOptions) (*Image, error) {
	cfg, err := libjpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	d := scaleDenom(cfg.Width, cfg.Height, opt.MinSide)
	w, h := divRoundUp(cfg.Width, d), divRoundUp(cfg.Height, d)
	m, err := libjpegRGB(b, d, w, h)
	if err != nil {
		if m, serr := decodeJPEGStdlib(b, opt); serr == nil {
			return m, nil
		}
		return nil, err
	}
	if m.W != w || m.H != h {
		// go-libjpeg picks the smallest M/8 scale covering the target, which
		// for images of a few pixels can be another factor than 1/d: decode
		// at full size and shrink by d instead, so the size rule holds.
		if m, err = libjpegRGB(b, 1, cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
		m = shrinkByBox(m, d)
	}
	return m, nil
}

// libjpegRGB decodes b with libjpeg-turbo, asking for a 1/d DCT scale whose
// output is w x h when d > 1.
func libjpegRGB(b []byte, d, w, h int) (*Image, error) {
	var o libjpeg.DecoderOptions
	if d > 1 {
		o.ScaleTarget = image.Rect(0, 0, w, h)
	}
	m, err := libjpeg.DecodeIntoRGB(bytes.NewReader(b), &o)
	if err != nil {
		return nil, fmt.Errorf("libjpeg-turbo: %w", err)
	}
	out := &Image{W: m.Rect.Dx(), H: m.Rect.Dy(), Pix: m.Pix}
	if m.Stride != 3*out.W || len(m.Pix) != 3*out.W*out.H {
		return nil, fmt.Errorf("libjpeg-turbo: unexpected buffer layout (stride %d for width %d)", m.Stride, out.W)
	}
	return out, nil
}
