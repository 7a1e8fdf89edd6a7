package checkpoint

import "fmt"

// budgetSlack is what the tensors of a .pth may take beyond four times the
// file's size: views may repeat a storage (an expand()ed tensor has stride
// 0), but a pickle of a few bytes must not be able to ask for gigabytes.
const budgetSlack = 64 << 20

// rebuild implements torch._utils._rebuild_tensor_v2(storage,
// storage_offset, size, stride, requires_grad, backward_hooks[, metadata]):
// a contiguous view shares the storage's bytes, any other is gathered into
// contiguous ones.
func (r *pthReader) rebuild(args pyTuple) (any, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("%w: _rebuild_tensor_v2 with %d arguments", ErrCorrupt, len(args))
	}
	s, ok := args[0].(*storage)
	if !ok {
		return nil, fmt.Errorf("%w: _rebuild_tensor_v2 of a %s, not a storage", ErrCorrupt, pyTypeName(args[0]))
	}
	offset, ok := args[1].(int64)
	size, err1 := ints(args[2])
	stride, err2 := ints(args[3])
	if !ok || err1 != nil || err2 != nil || len(size) != len(stride) {
		return nil, fmt.Errorf("%w: _rebuild_tensor_v2 arguments %v", ErrCorrupt, args[1:4])
	}
	if err := checkView(s, offset, size, stride); err != nil {
		return nil, fmt.Errorf("storage %s: %w", s.key, err)
	}
	n, _ := numel(size) // checked by checkView
	nbytes := n * int64(s.dtype.dtype.Size())
	if nbytes > r.budget {
		return nil, fmt.Errorf("%w: the tensors would take far more memory than the file's size (views repeating a storage?)", ErrUnsupported)
	}
	r.budget -= nbytes
	return &raw{dtype: s.dtype.dtype, shape: size, data: gather(s, offset, size, stride, n)}, nil
}

// ints converts a tuple of Python ints.
func ints(v any) ([]int64, error) {
	t, ok := v.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a tuple", ErrCorrupt, pyTypeName(v))
	}
	out := make([]int64, len(t))
	for i, x := range t {
		n, ok := x.(int64)
		if !ok {
			return nil, fmt.Errorf("%w: %s in a shape", ErrCorrupt, pyTypeName(x))
		}
		out[i] = n
	}
	return out, nil
}

// checkView checks that every index of the view (offset, size, stride)
// lies in s.
func checkView(s *storage, offset int64, size, stride []int64) error {
	n, err := numel(size)
	if err != nil {
		return err
	}
	if offset < 0 || offset > s.numel {
		return fmt.Errorf("%w: offset %d outside a storage of %d elements", ErrCorrupt, offset, s.numel)
	}
	if n == 0 {
		return nil
	}
	last := offset
	for i, st := range stride {
		if st < 0 || (st > 0 && size[i]-1 > (maxElements-last)/st) {
			return fmt.Errorf("%w: stride %v for size %v", ErrCorrupt, stride, size)
		}
		last += (size[i] - 1) * st
	}
	if last >= s.numel {
		return fmt.Errorf("%w: view (offset %d, size %v, stride %v) reaches element %d of a storage of %d",
			ErrCorrupt, offset, size, stride, last, s.numel)
	}
	return nil
}

// gather returns the n elements of a checked view of s in row-major order.
func gather(s *storage, offset int64, size, stride []int64, n int64) []byte {
	es := int64(s.dtype.dtype.Size())
	if n == 0 {
		return []byte{}
	}
	if contiguous(size, stride) {
		return s.data[offset*es : (offset+n)*es : (offset+n)*es]
	}
	out := make([]byte, 0, n*es)
	// Walk the index like an odometer, the last dimension fastest.
	idx := make([]int64, len(size))
	pos := offset
	for {
		out = append(out, s.data[pos*es:(pos+1)*es]...)
		d := len(size) - 1
		for ; d >= 0; d-- {
			idx[d]++
			pos += stride[d]
			if idx[d] < size[d] {
				break
			}
			pos -= idx[d] * stride[d]
			idx[d] = 0
		}
		if d < 0 {
			return out
		}
	}
}

// contiguous reports whether stride is the row-major stride of size
// (dimensions of size 1 may have any stride).
func contiguous(size, stride []int64) bool {
	want := int64(1)
	for i := len(size) - 1; i >= 0; i-- {
		if size[i] != 1 && stride[i] != want {
			return false
		}
		want *= size[i]
	}
	return true
}
