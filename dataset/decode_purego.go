//go:build purego

package dataset

// This file is the pure-Go JPEG decoder selected by the purego build tag:
// image/jpeg, then a box filter that gives the size a DCT-scaled decode
// would (see DecodeOptions). It needs no C library and is about 3.5x slower
// than the default libjpeg-turbo decoder (decode.go).

// JPEGDecoder names the JPEG decoder this build uses: "image/jpeg" with the
// purego build tag, "libjpeg-turbo" otherwise. Manifests and benchmarks
// record it.
const JPEGDecoder = "image/jpeg"

// decodeJPEG decodes with image/jpeg.
func decodeJPEG(b []byte, opt DecodeOptions) (*Image, error) {
	return decodeJPEGStdlib(b, opt)
}
