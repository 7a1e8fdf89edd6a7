package dataset

import (
	"fmt"
	"image"
	"image/color"
)

// Image is an 8-bit RGB picture held row-major with three bytes per pixel
// (height x width x channel, the layout PIL and libjpeg use). It is the one
// image type of the package: decoders produce it, the cache stores it and
// every augmentation reads and writes it.
type Image struct {
	W, H int     // width and height in pixels
	Pix  []uint8 // len(Pix) == 3*W*H; pixel (x, y) starts at 3*(y*W+x)
}

// NewImage returns a black w x h image. It panics if w or h is negative.
func NewImage(w, h int) *Image {
	if w < 0 || h < 0 {
		panic(fmt.Sprintf("dataset: NewImage(%d, %d): negative size", w, h))
	}
	return &Image{W: w, H: h, Pix: make([]uint8, 3*w*h)}
}

// Offset returns the index in Pix of the red byte of pixel (x, y).
func (m *Image) Offset(x, y int) int { return 3 * (y*m.W + x) }

// RGB returns the colour of pixel (x, y).
func (m *Image) RGB(x, y int) (r, g, b uint8) {
	i := m.Offset(x, y)
	return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
}

// SetRGB sets the colour of pixel (x, y).
func (m *Image) SetRGB(x, y int, r, g, b uint8) {
	i := m.Offset(x, y)
	m.Pix[i], m.Pix[i+1], m.Pix[i+2] = r, g, b
}

// Clone returns a deep copy of m.
func (m *Image) Clone() *Image {
	c := &Image{W: m.W, H: m.H, Pix: make([]uint8, len(m.Pix))}
	copy(c.Pix, m.Pix)
	return c
}

// ColorModel, Bounds and At make *Image an image.Image, so it can be encoded
// with image/png or drawn with golang.org/x/image/draw.
func (m *Image) ColorModel() color.Model { return color.RGBAModel }

// Bounds returns the rectangle (0, 0)-(W, H).
func (m *Image) Bounds() image.Rectangle { return image.Rect(0, 0, m.W, m.H) }

// At returns the colour of pixel (x, y) as an opaque color.RGBA.
func (m *Image) At(x, y int) color.Color {
	if x < 0 || y < 0 || x >= m.W || y >= m.H {
		return color.RGBA{}
	}
	r, g, b := m.RGB(x, y)
	return color.RGBA{r, g, b, 255}
}

// FromImage converts any image.Image to an *Image, dropping alpha. Grayscale,
// CMYK and YCbCr sources become RGB through the colour model of the source.
func FromImage(src image.Image) *Image {
	b := src.Bounds()
	m := NewImage(b.Dx(), b.Dy())
	switch s := src.(type) {
	case *image.RGBA:
		for y := 0; y < m.H; y++ {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < m.W; x++ {
				i := m.Offset(x, y)
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
		return m
	}
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			r, g, bl, _ := src.At(b.Min.X+x, b.Min.Y+y).RGBA()
			m.SetRGB(x, y, uint8(r>>8), uint8(g>>8), uint8(bl>>8))
		}
	}
	return m
}
