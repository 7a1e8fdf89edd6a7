package torch

// #include "ppctl.h"
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"

	gotorch "github.com/wangkuiyi/gotorch"
)

// Tensor is gotorch's tensor: an n-dimensional array held by libtorch, with
// autograd. It is an alias, so gotorch's functions and methods (Shape,
// Backward, Add, MM, View, ...) apply to it directly and the functions of
// this package extend them.
type Tensor = gotorch.Tensor

// DType is a tensor element type, numbered as libtorch's c10::ScalarType.
type DType int8

// The element types ppctl uses.
const (
	Uint8    DType = DType(gotorch.Byte)
	Int32    DType = DType(gotorch.Int)
	Int64    DType = DType(gotorch.Long)
	Float16  DType = DType(gotorch.Half)
	Float32  DType = DType(gotorch.Float)
	Float64  DType = DType(gotorch.Double)
	Bool     DType = DType(gotorch.Bool)
	BFloat16 DType = DType(gotorch.BFloat16)
)

// String returns PyTorch's name for the type ("float32", "bfloat16", ...).
func (d DType) String() string {
	switch d {
	case Uint8:
		return "uint8"
	case Int32:
		return "int32"
	case Int64:
		return "int64"
	case Float16:
		return "float16"
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	case Bool:
		return "bool"
	case BFloat16:
		return "bfloat16"
	}
	return fmt.Sprintf("dtype(%d)", int8(d))
}

// Size returns the number of bytes of one element.
func (d DType) Size() int {
	switch d {
	case Uint8, Bool:
		return 1
	case Float16, BFloat16:
		return 2
	case Int32, Float32:
		return 4
	case Int64, Float64:
		return 8
	}
	panicf("dtype %v has no known size", d)
	return 0
}

// TypeOf returns the element type of t.
func TypeOf(t Tensor) DType { return DType(t.Dtype()) }

// Defined reports whether t holds a tensor (the zero Tensor does not).
func Defined(t Tensor) bool { return t.T != nil && *t.T != nil }

// FromData returns a new tensor of the given type and shape holding a copy of
// the bytes at data (row-major). Most callers want FromFloat32 or FromInt64.
func FromData(data unsafe.Pointer, dtype DType, shape ...int64) Tensor {
	var out C.ppctl_tensor
	check(C.ppctl_from_data(data, C.int8_t(dtype), int64s(shape), C.int64_t(len(shape)), &out))
	return wrap(out)
}

// FromBytes returns a tensor of the given type and shape holding a copy of
// b, the raw little-endian elements in row-major order (the layout of .pth
// and .safetensors storages). It panics if len(b) does not match.
func FromBytes(b []byte, dtype DType, shape ...int64) Tensor {
	want := int64(dtype.Size())
	for _, s := range shape {
		want *= s
	}
	if int64(len(b)) != want {
		panicf("%d bytes do not fill shape %v of %v (%d bytes)", len(b), shape, dtype, want)
	}
	if len(b) == 0 {
		return Zeros(dtype, shape...)
	}
	return FromData(unsafe.Pointer(unsafe.SliceData(b)), dtype, shape...)
}

// FromFloat32 returns a float32 tensor of the given shape holding a copy of
// v. It panics if len(v) does not match the shape.
func FromFloat32(v []float32, shape ...int64) Tensor {
	checkLen(len(v), shape)
	if len(v) == 0 {
		return Zeros(Float32, shape...)
	}
	return FromData(unsafe.Pointer(&v[0]), Float32, shape...)
}

// FromInt64 returns an int64 tensor of the given shape holding a copy of v.
func FromInt64(v []int64, shape ...int64) Tensor {
	checkLen(len(v), shape)
	if len(v) == 0 {
		return Zeros(Int64, shape...)
	}
	return FromData(unsafe.Pointer(&v[0]), Int64, shape...)
}

func checkLen(n int, shape []int64) {
	want := int64(1)
	for _, s := range shape {
		want *= s
	}
	if int64(n) != want {
		panicf("%d values do not fill shape %v (%d elements)", n, shape, want)
	}
}

// Numel returns the number of elements of t.
func Numel(t Tensor) int64 {
	defer runtime.KeepAlive(t)
	var n C.int64_t
	check(C.ppctl_numel(handle(t), &n))
	return int64(n)
}

// Float32s returns the elements of t, converted to float32, in row-major
// order. It copies from any device and dtype and does not track gradients.
func Float32s(t Tensor) []float32 {
	out := make([]float32, Numel(t))
	copyOut(t, Float32, unsafe.Pointer(unsafe.SliceData(out)), len(out)*4)
	return out
}

// Int64s returns the elements of t, converted to int64, in row-major order.
func Int64s(t Tensor) []int64 {
	out := make([]int64, Numel(t))
	copyOut(t, Int64, unsafe.Pointer(unsafe.SliceData(out)), len(out)*8)
	return out
}

// Scalar returns the value of a one-element tensor as a float64.
func Scalar(t Tensor) float64 {
	if n := Numel(t); n != 1 {
		panicf("Scalar of a tensor with %d elements (shape %v)", n, t.Shape())
	}
	var v float64
	copyOut(t, Float64, unsafe.Pointer(&v), 8)
	return v
}

// Bytes returns the raw elements of t in its own dtype, row-major, little
// endian: the layout of .pth and .safetensors storages.
func Bytes(t Tensor) []byte {
	d := TypeOf(t)
	out := make([]byte, int(Numel(t))*d.Size())
	copyOut(t, d, unsafe.Pointer(unsafe.SliceData(out)), len(out))
	return out
}

func copyOut(t Tensor, d DType, dst unsafe.Pointer, n int) {
	defer runtime.KeepAlive(t)
	check(C.ppctl_copy_data(handle(t), C.int8_t(d), dst, C.int64_t(n)))
}

// RandN returns a float32 tensor of standard normal draws from libtorch's
// generator (seed it with ManualSeed).
func RandN(shape ...int64) Tensor { return gotorch.RandN(shape, false) }

// Zeros returns a tensor of zeros of the given type and shape on the CPU.
func Zeros(dtype DType, shape ...int64) Tensor {
	var out C.ppctl_tensor
	check(C.ppctl_zeros(int64s(shape), C.int64_t(len(shape)), C.int8_t(dtype), &out))
	return wrap(out)
}

// ZerosLike returns zeros of the type, device, shape and memory format of t.
func ZerosLike(t Tensor) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_zeros_like(handle(t), &out))
	return wrap(out)
}

// Clone returns a copy of t that autograd tracks back to t.
func Clone(t Tensor) Tensor {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_clone(handle(t), &out))
	return wrap(out)
}

// CopyInto copies src into dst in place, outside autograd (dst may be a
// parameter), converting dtype and device; shapes must broadcast.
func CopyInto(dst, src Tensor) {
	defer runtime.KeepAlive(dst)
	defer runtime.KeepAlive(src)
	check(C.ppctl_copy_(handle(dst), handle(src)))
}

// RequiresGrad reports whether autograd records operations on t.
func RequiresGrad(t Tensor) bool {
	defer runtime.KeepAlive(t)
	var v C.int
	check(C.ppctl_requires_grad(handle(t), 0, 0, &v))
	return v != 0
}

// SetRequiresGrad turns gradient recording for the leaf tensor t on or off
// and returns t.
func SetRequiresGrad(t Tensor, on bool) Tensor {
	defer runtime.KeepAlive(t)
	var v C.int
	flag := C.int(0)
	if on {
		flag = 1
	}
	check(C.ppctl_requires_grad(handle(t), 1, flag, &v))
	return t
}

// Grad returns the gradient accumulated in t by Backward, and false when t
// has none (no backward pass reached it since the last ZeroGrad).
func Grad(t Tensor) (Tensor, bool) {
	defer runtime.KeepAlive(t)
	var out C.ppctl_tensor
	check(C.ppctl_grad(handle(t), &out))
	if out == nil {
		return Tensor{}, false
	}
	return wrap(out), true
}

// Backward computes the gradients of the scalar t with respect to every leaf
// that requires them. Unlike gotorch's method it reports failures (a
// non-scalar t, a graph already freed) through the package's panic contract.
func Backward(t Tensor) {
	defer runtime.KeepAlive(t)
	check(C.ppctl_backward(handle(t), nil))
}
