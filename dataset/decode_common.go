package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
)

// DecodeOptions tunes Decode and DecodeFile.
type DecodeOptions struct {
	// MinSide, when positive, lets the decoder shrink the image by 2, 4 or 8
	// (the largest factor that keeps the shorter side at least MinSide
	// pixels) while decoding. libjpeg-turbo does it in the DCT domain, which
	// is much cheaper than decoding at full size and resizing after. The
	// result is ceil(W/d) x ceil(H/d) for the factor d, whatever the format
	// and build tag. Default 0: full size.
	MinSide int
}

// DefaultDecodeOptions returns options that decode at full size.
func DefaultDecodeOptions() DecodeOptions { return DecodeOptions{} }

// ErrFormat is returned (wrapped) for data that is neither JPEG nor PNG.
var ErrFormat = errors.New("not a JPEG or PNG image")

// DecodeFile reads and decodes the JPEG or PNG file at path; see Decode.
func DecodeFile(path string, opt DecodeOptions) (*Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: read image: %w", err)
	}
	m, err := decodeBytes(b, opt)
	if err != nil {
		return nil, fmt.Errorf("dataset: decode %s: %w", path, err)
	}
	return m, nil
}

// Decode reads a JPEG or PNG image from r (the format is sniffed from its
// first bytes) and returns it as RGB. Grayscale, CMYK and YCbCr JPEGs and
// every PNG colour type become RGB; alpha is dropped (composited on black).
// Pixels keep the orientation they are stored in: EXIF orientation tags are
// ignored, as PIL's Image.open and torchvision's read_image do, so a
// portrait photograph stored sideways stays sideways in both ppctl and the
// Python reference.
//
// JPEGs go through libjpeg-turbo unless the package is built with the
// purego tag, which uses image/jpeg; see JPEGDecoder.
func Decode(r io.Reader, opt DecodeOptions) (*Image, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("dataset: read image: %w", err)
	}
	m, err := decodeBytes(b, opt)
	if err != nil {
		return nil, fmt.Errorf("dataset: decode: %w", err)
	}
	return m, nil
}

// ImageSize reads only the header of the JPEG or PNG file at path and
// returns the stored width and height (EXIF orientation ignored, as in
// Decode) and the format name, "jpeg" or "png".
func ImageSize(path string) (w, h int, format string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, "", fmt.Errorf("dataset: read image: %w", err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			err = ErrFormat
		}
		return 0, 0, "", fmt.Errorf("dataset: read header of %s: %w", path, err)
	}
	return cfg.Width, cfg.Height, format, nil
}

// decodeBytes dispatches on the format's magic bytes.
func decodeBytes(b []byte, opt DecodeOptions) (*Image, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xd8}):
		return decodeJPEG(b, opt)
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		m, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return shrinkForOptions(decodedToRGB(m), opt), nil
	default:
		return nil, ErrFormat
	}
}

// decodeJPEGStdlib decodes with image/jpeg, then shrinks by box averaging
// to the size a DCT-scaled decode gives.
func decodeJPEGStdlib(b []byte, opt DecodeOptions) (*Image, error) {
	m, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return shrinkForOptions(decodedToRGB(m), opt), nil
}

// scaleDenom returns the largest d in {8, 4, 2, 1} for which the shorter
// side of a w x h image shrunk by d, rounded up, is still at least minSide.
func scaleDenom(w, h, minSide int) int {
	if minSide <= 0 {
		return 1
	}
	short := min(w, h)
	for d := 8; d > 1; d /= 2 {
		if divRoundUp(short, d) >= minSide {
			return d
		}
	}
	return 1
}

// divRoundUp returns a/b rounded up for positive b.
func divRoundUp(a, b int) int { return (a + b - 1) / b }

// shrinkForOptions applies the factor scaleDenom picks for opt.
func shrinkForOptions(m *Image, opt DecodeOptions) *Image {
	return shrinkByBox(m, scaleDenom(m.W, m.H, opt.MinSide))
}

// shrinkByBox returns m shrunk by the integer factor d: each output pixel is
// the rounded mean of a d x d block (a partial block at the right or bottom
// edge averages the pixels it has). This is what a DCT-domain 1/d decode
// computes up to rounding.
func shrinkByBox(m *Image, d int) *Image {
	if d <= 1 {
		return m
	}
	out := NewImage(divRoundUp(m.W, d), divRoundUp(m.H, d))
	sum := make([]int, 3*out.W)
	cnt := make([]int, out.W)
	for oy := 0; oy < out.H; oy++ {
		clear(sum)
		clear(cnt)
		for y := oy * d; y < min(oy*d+d, m.H); y++ {
			row := m.Pix[m.Offset(0, y):m.Offset(0, y+1)]
			for x := 0; x < m.W; x++ {
				ox := x / d
				sum[3*ox] += int(row[3*x])
				sum[3*ox+1] += int(row[3*x+1])
				sum[3*ox+2] += int(row[3*x+2])
				cnt[ox]++
			}
		}
		dst := out.Pix[out.Offset(0, oy):]
		for ox, n := range cnt {
			for c := 0; c < 3; c++ {
				dst[3*ox+c] = uint8((sum[3*ox+c] + n/2) / n)
			}
		}
	}
	return out
}

// decodedToRGB converts a decoded image to an *Image, with fast paths for the types
// image/jpeg returns; other types go through FromImage.
func decodedToRGB(src image.Image) *Image {
	b := src.Bounds()
	switch s := src.(type) {
	case *image.YCbCr:
		m := NewImage(b.Dx(), b.Dy())
		for y := 0; y < m.H; y++ {
			d := m.Pix[m.Offset(0, y):]
			for x := 0; x < m.W; x++ {
				yi := s.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := s.COffset(b.Min.X+x, b.Min.Y+y)
				d[3*x], d[3*x+1], d[3*x+2] = color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
			}
		}
		return m
	case *image.Gray:
		m := NewImage(b.Dx(), b.Dy())
		for y := 0; y < m.H; y++ {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			d := m.Pix[m.Offset(0, y):]
			for x := 0; x < m.W; x++ {
				d[3*x], d[3*x+1], d[3*x+2] = row[x], row[x], row[x]
			}
		}
		return m
	case *image.CMYK:
		m := NewImage(b.Dx(), b.Dy())
		for y := 0; y < m.H; y++ {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			d := m.Pix[m.Offset(0, y):]
			for x := 0; x < m.W; x++ {
				d[3*x], d[3*x+1], d[3*x+2] = color.CMYKToRGB(row[4*x], row[4*x+1], row[4*x+2], row[4*x+3])
			}
		}
		return m
	}
	return FromImage(src)
}
