package models

import (
	"runtime"

	"github.com/ppctl/ppctl/torch"
)

// The torch package hands a tensor's at::Tensor* to C++ without keeping the
// Go value alive for the length of the call, so a temporary (the result of
// one op passed straight into the next) can be finalized, and its
// at::Tensor deleted, while libtorch still reads it: a use-after-free that
// shows up as wrong numbers under GC pressure. Until torch keeps its
// arguments alive itself, the forward passes of this package call these
// wrappers, which do. They are drop-in replacements of the torch functions
// of the same names.

func relu(x torch.Tensor) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.Relu(x)
}

func sigmoid(x torch.Tensor) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.Sigmoid(x)
}

func add(a, b torch.Tensor) torch.Tensor {
	defer runtime.KeepAlive(a)
	defer runtime.KeepAlive(b)
	return torch.Add(a, b)
}

func mul(a, b torch.Tensor) torch.Tensor {
	defer runtime.KeepAlive(a)
	defer runtime.KeepAlive(b)
	return torch.Mul(a, b)
}

func meanDims(x torch.Tensor, keepdim bool, dims ...int64) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.MeanDims(x, keepdim, dims...)
}

func avgPool2d(x torch.Tensor, k, stride, pad int64, ceilMode, countIncludePad bool) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.AvgPool2d(x, k, stride, pad, ceilMode, countIncludePad)
}

func adaptiveMaxPool2d(x torch.Tensor, oh, ow int64) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.AdaptiveMaxPool2d(x, oh, ow)
}

func adaptiveAvgPool2d(x torch.Tensor, oh, ow int64) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.AdaptiveAvgPool2d(x, oh, ow)
}

func cat(ts []torch.Tensor, dim int64) torch.Tensor {
	defer runtime.KeepAlive(ts)
	return torch.Cat(ts, dim)
}

func reshape(x torch.Tensor, shape ...int64) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.Reshape(x, shape...)
}

func dropout(x torch.Tensor, p float64, train bool) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.Dropout(x, p, train)
}

func channelsLast(x torch.Tensor) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.ChannelsLast(x)
}

func contiguous(x torch.Tensor) torch.Tensor {
	defer runtime.KeepAlive(x)
	return torch.Contiguous(x)
}

// copyInto is torch.CopyInto keeping src (often a temporary) alive.
func copyInto(dst, src torch.Tensor) {
	defer runtime.KeepAlive(dst)
	defer runtime.KeepAlive(src)
	torch.CopyInto(dst, src)
}

// setData replaces t's storage by u's (gotorch SetData), keeping u alive.
func setData(t, u torch.Tensor) {
	defer runtime.KeepAlive(u)
	t.SetData(u)
}

// fill sets every element of the 1-d tensor t to v, outside autograd.
func fill(t torch.Tensor, v float32) {
	vs := make([]float32, torch.Numel(t))
	for i := range vs {
		vs[i] = v
	}
	copyInto(t, torch.FromFloat32(vs, int64(len(vs))))
}
