package checkpoint

import "fmt"

// maxRepeatBytes bounds a tensor that holds more elements than its storage
// (an expand()ed view with stride 0): such tensors load when they need at
// most 256 MiB, so a garbled stride cannot ask for terabytes.
const maxRepeatBytes = 256 << 20

// rebuildTensorV2 implements torch._utils._rebuild_tensor_v2(storage,
// storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
// by gathering the view's elements into a contiguous raw tensor.
func rebuildTensorV2(args pyTuple) (any, error) {
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
	data, err := gather(s, offset, size, stride)
	if err != nil {
		return nil, fmt.Errorf("storage %s: %w", s.key, err)
	}
	return &raw{dtype: s.dtype.dtype, shape: size, data: data}, nil
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

// gather copies the elements of the view (offset, size, stride) of s, in
// row-major order, after checking that every index lies in the storage.
func gather(s *storage, offset int64, size, stride []int64) ([]byte, error) {
	n, err := numel(size)
	if err != nil {
		return nil, err
	}
	if offset < 0 || offset > s.numel {
		return nil, fmt.Errorf("%w: offset %d outside a storage of %d elements", ErrCorrupt, offset, s.numel)
	}
	if n == 0 {
		return []byte{}, nil
	}
	last := offset
	for i, st := range stride {
		if st < 0 || (st > 0 && size[i]-1 > (maxElements-last)/st) {
			return nil, fmt.Errorf("%w: stride %v for size %v", ErrCorrupt, stride, size)
		}
		last += (size[i] - 1) * st
	}
	if last >= s.numel {
		return nil, fmt.Errorf("%w: view (offset %d, size %v, stride %v) reaches element %d of a storage of %d",
			ErrCorrupt, offset, size, stride, last, s.numel)
	}
	es := int64(s.dtype.dtype.Size())
	if n > s.numel && n*es > maxRepeatBytes {
		return nil, fmt.Errorf("%w: a view of %d elements repeats a storage of %d (over 256 MiB)", ErrUnsupported, n, s.numel)
	}
	out := make([]byte, 0, n*es)
	if contiguous(size, stride) {
		return append(out, s.data[offset*es:(offset+n)*es]...), nil
	}
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
			return out, nil
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
