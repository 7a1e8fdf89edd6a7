package checkpoint

import (
	"fmt"

	"github.com/ppctl/ppctl/torch"
)

// raw is a tensor as the file formats see it: an element type, a shape and
// the elements in row-major order, little endian. The readers and writers
// work on raw values only, so parsing never touches libtorch; tensors are
// made from them at the end (toTensor) and turned into them at the start
// (fromTensor).
type raw struct {
	dtype torch.DType
	shape []int64
	data  []byte
}

// named is one entry of a checkpoint in file order.
type named struct {
	name string
	t    raw
}

// dtypeInfo ties a tensor element type to its names in the two formats.
type dtypeInfo struct {
	dtype       torch.DType
	storage     string // the torch.*Storage class of a .pth file
	safetensors string // the dtype string of a .safetensors header
}

// dtypes lists every element type ppctl reads and writes. torch's int8 and
// int16 have no DType in the torch package and are refused.
var dtypes = []dtypeInfo{
	{torch.Float32, "FloatStorage", "F32"},
	{torch.Float16, "HalfStorage", "F16"},
	{torch.BFloat16, "BFloat16Storage", "BF16"},
	{torch.Float64, "DoubleStorage", "F64"},
	{torch.Int64, "LongStorage", "I64"},
	{torch.Int32, "IntStorage", "I32"},
	{torch.Uint8, "ByteStorage", "U8"},
	{torch.Bool, "BoolStorage", "BOOL"},
}

func infoOf(d torch.DType) (dtypeInfo, bool) {
	for _, i := range dtypes {
		if i.dtype == d {
			return i, true
		}
	}
	return dtypeInfo{}, false
}

// maxElements bounds the element count of one tensor (2^40, 4 TiB of
// float32): shapes from a file are multiplied with overflow checks against
// it, so a garbled shape is an error, never a huge allocation request.
const maxElements = 1 << 40

// numel returns the number of elements of shape, or an error when a
// dimension is negative or the product exceeds maxElements.
func numel(shape []int64) (int64, error) {
	n := int64(1)
	for _, s := range shape {
		if s < 0 {
			return 0, fmt.Errorf("%w: negative dimension in shape %v", ErrCorrupt, shape)
		}
		if s != 0 && n > maxElements/s {
			return 0, fmt.Errorf("%w: shape %v has more than 2^40 elements", ErrCorrupt, shape)
		}
		n *= s
	}
	return n, nil
}

// toTensor copies r into a new CPU tensor.
func toTensor(r raw) (torch.Tensor, error) {
	n, err := numel(r.shape)
	if err != nil {
		return torch.Tensor{}, err
	}
	if int64(len(r.data)) != n*int64(r.dtype.Size()) {
		return torch.Tensor{}, fmt.Errorf("%w: %d bytes for shape %v of %v", ErrCorrupt, len(r.data), r.shape, r.dtype)
	}
	var t torch.Tensor
	err = torch.Try(func() { t = torch.FromBytes(r.data, r.dtype, r.shape...) })
	return t, err
}

// fromTensor copies the elements of t (on any device, any strides) into a
// raw value.
func fromTensor(name string, t torch.Tensor) (raw, error) {
	if !torch.Defined(t) {
		return raw{}, fmt.Errorf("tensor %q is undefined (a zero torch.Tensor)", name)
	}
	var r raw
	err := torch.Try(func() {
		r = raw{dtype: torch.TypeOf(t), shape: t.Shape()}
		if _, ok := infoOf(r.dtype); ok {
			r.data = torch.Bytes(t)
		}
	})
	if err != nil {
		return raw{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	if _, ok := infoOf(r.dtype); !ok {
		return raw{}, fmt.Errorf("tensor %q: %w: dtype %v", name, ErrUnsupported, r.dtype)
	}
	return r, nil
}
