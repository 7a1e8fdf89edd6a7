package dataset

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The JPEGs and their PIL decodes come from scripts/make_decode_testdata.py.
// Every test here runs under both build tags (go test ./dataset/ and go test
// -tags purego ./dataset/), so both decoders are held to the same reference.

func TestDecodeMatchesPIL(t *testing.T) {
	// PIL decodes with libjpeg-turbo too: the default build is bit-exact
	// with it (measured: max 0-1 level). image/jpeg replicates subsampled
	// chroma where libjpeg interpolates it ("fancy upsampling"), which on
	// these deliberately chroma-busy 4:2:0 images costs up to 16 levels,
	// mean 3.9; gray and 4:4:4 CMYK stay within 1.
	maxAllowed, meanAllowed := 1, 0.1
	if JPEGDecoder == "image/jpeg" {
		maxAllowed, meanAllowed = 20, 5
	}
	tests := []struct {
		name string
		w, h int
	}{
		{"ycbcr_16x12", 16, 12},
		{"gray_16x12", 16, 12},
		{"cmyk_16x12", 16, 12},
		{"portrait_12x16", 12, 16},
		// Stored landscape with an EXIF "rotate 90" tag: kept as stored.
		{"exif_rotate_16x12", 16, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeFile(filepath.Join("testdata", "decode", tt.name+".jpg"), DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.W != tt.w || got.H != tt.h {
				t.Fatalf("size %dx%d, want %dx%d", got.W, got.H, tt.w, tt.h)
			}
			want := readPNGFixture(t, filepath.Join("testdata", "decode", tt.name+".png"))
			if m, mean := imageDiff(t, got, want); m > maxAllowed || mean > meanAllowed {
				t.Errorf("%s differs from PIL: max %d (allowed %d), mean %.2f (allowed %.2f)", JPEGDecoder, m, maxAllowed, mean, meanAllowed)
			}
		})
	}
}

func TestDecodeGrayIsNeutral(t *testing.T) {
	got, err := DecodeFile(filepath.Join("testdata", "decode", "gray_16x12.jpg"), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(got.Pix); i += 3 {
		if got.Pix[i] != got.Pix[i+1] || got.Pix[i] != got.Pix[i+2] {
			t.Fatalf("pixel %d = %v, want R == G == B", i/3, got.Pix[i:i+3])
		}
	}
}

// encodeTestJPEG encodes m with image/jpeg at quality 95.
func encodeTestJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeRamp returns a w x h image of gentle ramps that JPEG keeps well.
func decodeRamp(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(30 + 3*x), uint8(200 - 2*y), uint8(100 + x + y), 255})
		}
	}
	return m
}

func TestDecodeScaling(t *testing.T) {
	data := encodeTestJPEG(t, decodeRamp(64, 48))
	full, err := Decode(bytes.NewReader(data), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		minSide int
		w, h    int
	}{
		{"zero is full size", 0, 64, 48},
		{"larger than the image is full size", 100, 64, 48},
		{"half", 24, 32, 24},
		{"between half and full stays full", 25, 64, 48},
		{"quarter", 12, 16, 12},
		{"between quarter and half is half", 13, 32, 24},
		{"eighth", 6, 8, 6},
		{"one is still an eighth", 1, 8, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(bytes.NewReader(data), DecodeOptions{MinSide: tt.minSide})
			if err != nil {
				t.Fatal(err)
			}
			if got.W != tt.w || got.H != tt.h {
				t.Fatalf("MinSide %d: size %dx%d, want %dx%d", tt.minSide, got.W, got.H, tt.w, tt.h)
			}
			// DCT scaling approximates a box filter over the full decode.
			want := shrinkByBox(full, full.W/tt.w)
			if m, mean := imageDiff(t, got, want); m > 12 || mean > 2 {
				t.Errorf("differs from a box-shrunk full decode: max %d, mean %.2f", m, mean)
			}
		})
	}
}

func TestDecodeBuildTagsAgree(t *testing.T) {
	// decodeJPEGStdlib is the purego build's decoder; under the default tag
	// this compares libjpeg-turbo with it directly.
	data := encodeTestJPEG(t, decodeRamp(40, 56))
	for _, minSide := range []int{0, 20, 7} {
		got, err := decodeJPEG(data, DecodeOptions{MinSide: minSide})
		if err != nil {
			t.Fatal(err)
		}
		want, err := decodeJPEGStdlib(data, DecodeOptions{MinSide: minSide})
		if err != nil {
			t.Fatal(err)
		}
		if m, mean := imageDiff(t, got, want); m > 12 || mean > 2 {
			t.Errorf("MinSide %d: %s vs image/jpeg: max %d, mean %.2f", minSide, JPEGDecoder, m, mean)
		}
	}
}

func TestDecodePNG(t *testing.T) {
	nrgba := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	nrgba.Set(0, 0, color.NRGBA{200, 100, 50, 255})
	nrgba.Set(1, 0, color.NRGBA{200, 100, 50, 0}) // transparent: black
	gray := image.NewGray16(image.Rect(0, 0, 2, 2))
	gray.Set(0, 0, color.Gray16{0x8080})
	tests := []struct {
		name       string
		img        image.Image
		x, y       int
		wr, wg, wb uint8
	}{
		{"opaque NRGBA", nrgba, 0, 0, 200, 100, 50},
		{"transparent NRGBA is black", nrgba, 1, 0, 0, 0, 0},
		{"16-bit gray", gray, 0, 0, 128, 128, 128},
		{"RGBA", decodeRamp(3, 2), 2, 1, 36, 198, 103},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := png.Encode(&buf, tt.img); err != nil {
				t.Fatal(err)
			}
			got, err := Decode(&buf, DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r, g, b := got.RGB(tt.x, tt.y); r != tt.wr || g != tt.wg || b != tt.wb {
				t.Errorf("pixel (%d,%d) = %d,%d,%d, want %d,%d,%d", tt.x, tt.y, r, g, b, tt.wr, tt.wg, tt.wb)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	good := encodeTestJPEG(t, decodeRamp(16, 16))
	tests := []struct {
		name string
		data []byte
		is   error // nil: any error
	}{
		{"empty", nil, ErrFormat},
		{"text", []byte("image_id,healthy\n"), ErrFormat},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00"), ErrFormat},
		{"JPEG magic then garbage", []byte("\xff\xd8garbage"), nil},
		{"JPEG header only", good[:20], nil},
		{"PNG magic then garbage", []byte("\x89PNG\r\n\x1a\ngarbage"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tt.data), DecodeOptions{})
			if err == nil {
				t.Fatal("Decode succeeded, want an error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q, want one wrapping %q", err, tt.is)
			}
		})
	}
}

func TestDecodeFileNamesThePath(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "leaf.jpg")
	if err := os.WriteFile(bad, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing.jpg")} {
		_, err := DecodeFile(path, DecodeOptions{})
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("DecodeFile(%s) error %v, want one naming the file", path, err)
		}
	}
}

func TestScaleDenom(t *testing.T) {
	tests := []struct{ w, h, minSide, want int }{
		{2048, 1365, 0, 1},
		{2048, 1365, 256, 4}, // 1365/4 = 342 >= 256, 1365/8 = 171 < 256
		{2048, 1365, 512, 2}, // 683 >= 512
		{2048, 1365, 683, 2}, // ceil(1365/2) = 683
		{2048, 1365, 684, 1},
		{1365, 2048, 256, 4}, // portrait: the shorter side decides
		{2048, 1365, 171, 8}, // ceil(1365/8) = 171
		{3, 3, 1, 8},
	}
	for _, tt := range tests {
		if got := scaleDenom(tt.w, tt.h, tt.minSide); got != tt.want {
			t.Errorf("scaleDenom(%d, %d, %d) = %d, want %d", tt.w, tt.h, tt.minSide, got, tt.want)
		}
	}
}

func TestImageSize(t *testing.T) {
	dir := t.TempDir()
	jpg := filepath.Join(dir, "a.jpg")
	os.WriteFile(jpg, encodeTestJPEG(t, decodeRamp(12, 20)), 0o644)
	pngPath := writeCachePNG(t, dir, "b.png", 7, 3, 0)
	txt := filepath.Join(dir, "c.jpg")
	os.WriteFile(txt, []byte("hello"), 0o644)
	tests := []struct {
		path   string
		w, h   int
		format string
		is     error
	}{
		{jpg, 12, 20, "jpeg", nil},
		{pngPath, 7, 3, "png", nil},
		{txt, 0, 0, "", ErrFormat},
		{filepath.Join(dir, "missing.jpg"), 0, 0, "", os.ErrNotExist},
	}
	for _, tt := range tests {
		w, h, format, err := ImageSize(tt.path)
		if w != tt.w || h != tt.h || format != tt.format || !errors.Is(err, tt.is) {
			t.Errorf("ImageSize(%s) = %d, %d, %q, %v; want %d, %d, %q, %v", filepath.Base(tt.path), w, h, format, err, tt.w, tt.h, tt.format, tt.is)
		}
	}
}
