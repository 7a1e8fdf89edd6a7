package torch

// #include "ppctl.h"
import "C"

import "runtime"

// Op codes shared with ops.cc.
const (
	opExp = iota
	opLog
	opSqrt
	opAbs
	opNeg
	opRelu
	opSigmoid
	opContiguous
	opDetach
)

const (
	scAdd = iota
	scMul
	scPow
	scDiv
	scRSub
)

const (
	binAdd = iota
	binSub
	binMul
	binDiv
	binMatmul
)

const (
	redSum = iota
	redMean
	redMax
)

func unary(t Tensor, op int) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_unary(handle(t), C.int(op), &out))
	return wrap(out)
}

func scalar(t Tensor, op int, s float64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_scalar(handle(t), C.int(op), C.double(s), &out))
	return wrap(out)
}

func binary(a, b Tensor, op int) Tensor {
	defer runtime.KeepAlive(a)
	defer runtime.KeepAlive(b)
	var out C.ppctl_tensor
	check(C.ppctl_binary(handle(a), handle(b), C.int(op), &out))
	return wrap(out)
}

// Exp returns e raised to each element of t.
func Exp(t Tensor) Tensor { return unary(t, opExp) }

// Log returns the natural logarithm of each element of t.
func Log(t Tensor) Tensor { return unary(t, opLog) }

// Sqrt returns the square root of each element of t.
func Sqrt(t Tensor) Tensor { return unary(t, opSqrt) }

// Abs returns the absolute value of each element of t.
func Abs(t Tensor) Tensor { return unary(t, opAbs) }

// Neg returns -t.
func Neg(t Tensor) Tensor { return unary(t, opNeg) }

// Relu returns max(t, 0) element-wise.
func Relu(t Tensor) Tensor { return unary(t, opRelu) }

// Sigmoid returns 1/(1+exp(-t)) element-wise.
func Sigmoid(t Tensor) Tensor { return unary(t, opSigmoid) }

// Contiguous returns t in row-major (NCHW) memory order, copying only if
// needed.
func Contiguous(t Tensor) Tensor { return unary(t, opContiguous) }

// Detach returns t cut from the autograd graph (same storage).
func Detach(t Tensor) Tensor { return unary(t, opDetach) }

// Pow returns t raised to the power e element-wise.
func Pow(t Tensor, e float64) Tensor { return scalar(t, scPow, e) }

// AddScalar returns t + s.
func AddScalar(t Tensor, s float64) Tensor { return scalar(t, scAdd, s) }

// MulScalar returns t * s.
func MulScalar(t Tensor, s float64) Tensor { return scalar(t, scMul, s) }

// DivScalar returns t / s.
func DivScalar(t Tensor, s float64) Tensor { return scalar(t, scDiv, s) }

// RSub returns s - t.
func RSub(t Tensor, s float64) Tensor { return scalar(t, scRSub, s) }

// Add returns a + b with broadcasting.
func Add(a, b Tensor) Tensor { return binary(a, b, binAdd) }

// Sub returns a - b with broadcasting.
func Sub(a, b Tensor) Tensor { return binary(a, b, binSub) }

// Mul returns a * b element-wise with broadcasting.
func Mul(a, b Tensor) Tensor { return binary(a, b, binMul) }

// Div returns a / b element-wise with broadcasting.
func Div(a, b Tensor) Tensor { return binary(a, b, binDiv) }

// Matmul returns the matrix product of a and b with torch.matmul's rules
// (batched and broadcast for more than two dimensions).
func Matmul(a, b Tensor) Tensor { return binary(a, b, binMatmul) }

// Clamp limits t to [lo, hi] element-wise.
func Clamp(t Tensor, lo, hi float64) Tensor { return clamp(t, lo, hi, true, true) }

// ClampMin limits t to [lo, +inf) element-wise.
func ClampMin(t Tensor, lo float64) Tensor { return clamp(t, lo, 0, true, false) }

// ClampMax limits t to (-inf, hi] element-wise.
func ClampMax(t Tensor, hi float64) Tensor { return clamp(t, 0, hi, false, true) }

func clamp(t Tensor, lo, hi float64, hasLo, hasHi bool) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_clamp(handle(t), C.double(lo), C.double(hi), cbool(hasLo), cbool(hasHi), &out))
	return wrap(out)
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// Cat concatenates ts along dim; all but that dimension must agree.
func Cat(ts []Tensor, dim int64) Tensor {
	defer runtime.KeepAlive(ts)
	if len(ts) == 0 {
		panicf("Cat of no tensors")
	}
	hs := handles(ts)
	var out C.ppctl_tensor
	check(C.ppctl_cat(first(hs), C.int64_t(len(hs)), C.int64_t(dim), &out))
	return wrap(out)
}

// Softmax returns exp(t) / sum(exp(t)) along dim.
func Softmax(t Tensor, dim int64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_softmax(handle(t), C.int64_t(dim), 0, &out))
	return wrap(out)
}

// LogSoftmax returns log(Softmax(t, dim)), computed stably.
func LogSoftmax(t Tensor, dim int64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_softmax(handle(t), C.int64_t(dim), 1, &out))
	return wrap(out)
}

// Normalize divides t by its p-norm along dim, with the norm clamped below
// by eps, as torch.nn.functional.normalize (p=2, eps=1e-12 there).
func Normalize(t Tensor, p float64, dim int64, eps float64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_normalize(handle(t), C.double(p), C.int64_t(dim), C.double(eps), &out))
	return wrap(out)
}

func reduce(t Tensor, op int, keepdim bool, dims []int64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_reduce(handle(t), C.int(op), int64s(dims), C.int64_t(len(dims)), cbool(keepdim), &out))
	return wrap(out)
}

// SumDims sums t over dims (all of them when dims is empty).
func SumDims(t Tensor, keepdim bool, dims ...int64) Tensor { return reduce(t, redSum, keepdim, dims) }

// MeanDims averages t over dims (all of them when dims is empty).
func MeanDims(t Tensor, keepdim bool, dims ...int64) Tensor { return reduce(t, redMean, keepdim, dims) }

// MaxDims returns the maximum of t over dims (all of them when dims is empty).
func MaxDims(t Tensor, keepdim bool, dims ...int64) Tensor { return reduce(t, redMax, keepdim, dims) }

// Roll shifts t cyclically by shifts[i] along dims[i].
func Roll(t Tensor, shifts, dims []int64) Tensor {
	defer runtime.KeepAlive(t)
	if len(shifts) != len(dims) {
		panicf("Roll: %d shifts for %d dims", len(shifts), len(dims))
	}
	var out C.ppctl_tensor
	check(C.ppctl_roll(handle(t), int64s(shifts), int64s(dims), C.int64_t(len(dims)), &out))
	return wrap(out)
}

// Flip reverses t along each of dims.
func Flip(t Tensor, dims ...int64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_flip(handle(t), int64s(dims), C.int64_t(len(dims)), &out))
	return wrap(out)
}

// Rot90 rotates t by k x 90 degrees in the plane of dims d0 and d1, from d0
// towards d1, as torch.rot90.
func Rot90(t Tensor, k, d0, d1 int64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_rot90(handle(t), C.int64_t(k), C.int64_t(d0), C.int64_t(d1), &out))
	return wrap(out)
}

// Eye returns the n x n float32 identity matrix.
func Eye(n int64) Tensor {
	var out C.ppctl_tensor
	check(C.ppctl_eye(C.int64_t(n), &out))
	return wrap(out)
}

// OneHot returns float32 one-hot rows, shape (labels..., classes), for
// integer labels in [0, classes).
func OneHot(labels Tensor, classes int64) Tensor {
	defer runtime.KeepAlive(labels)
	var out C.ppctl_tensor
	check(C.ppctl_one_hot(handle(labels), C.int64_t(classes), &out))
	return wrap(out)
}

// Argmax returns the int64 indices of the maxima of t along dim.
func Argmax(t Tensor, dim int64, keepdim bool) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_argmax(handle(t), C.int64_t(dim), cbool(keepdim), &out))
	return wrap(out)
}

// Dropout zeroes each element with probability p and scales the rest by
// 1/(1-p) when train is true; it returns t unchanged otherwise.
func Dropout(t Tensor, p float64, train bool) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_dropout(handle(t), C.double(p), cbool(train), &out))
	return wrap(out)
}

// AdaptiveAvgPool2d averages (N, C, H, W) down to (N, C, oh, ow).
func AdaptiveAvgPool2d(t Tensor, oh, ow int64) Tensor { return adaptivePool(t, false, oh, ow) }

// AdaptiveMaxPool2d takes maxima of (N, C, H, W) down to (N, C, oh, ow).
func AdaptiveMaxPool2d(t Tensor, oh, ow int64) Tensor { return adaptivePool(t, true, oh, ow) }

func adaptivePool(t Tensor, max bool, oh, ow int64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_adaptive_pool2d(handle(t), cbool(max), C.int64_t(oh), C.int64_t(ow), &out))
	return wrap(out)
}

// AvgPool2d averages k x k windows with the given stride and padding.
func AvgPool2d(t Tensor, k, stride, pad int64, ceilMode, countIncludePad bool) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_avg_pool2d(handle(t), C.int64_t(k), C.int64_t(stride), C.int64_t(pad),
		cbool(ceilMode), cbool(countIncludePad), &out))
	return wrap(out)
}

// MaskedFill returns t with v wherever mask (broadcast to t) is non-zero.
func MaskedFill(t, mask Tensor, v float64) Tensor {
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(mask)
	var out C.ppctl_tensor
	check(C.ppctl_masked_fill(handle(t), handle(mask), C.double(v), &out))
	return wrap(out)
}

// Reshape returns t with a new shape (one entry may be -1), copying only when
// the memory layout requires it.
func Reshape(t Tensor, shape ...int64) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_reshape(handle(t), int64s(shape), C.int64_t(len(shape)), &out))
	return wrap(out)
}

// To returns t converted to dtype (t itself when it already has it).
func To(t Tensor, dtype DType) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_to_dtype(handle(t), C.int8_t(dtype), &out))
	return wrap(out)
}

// ChannelsLast returns the 4-d tensor t in NHWC memory order (the logical
// shape stays NCHW), which oneDNN and cuDNN convolutions run fastest on.
func ChannelsLast(t Tensor) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_memory_format(handle(t), 1, &out))
	return wrap(out)
}

// IsChannelsLast reports whether t is stored in NHWC order.
func IsChannelsLast(t Tensor) bool {
	defer runtime.KeepAlive(t)
	var v C.int
	check(C.ppctl_is_contiguous(handle(t), 1, &v))
	return v != 0
}
