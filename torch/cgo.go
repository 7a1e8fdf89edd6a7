package torch

// The shim (ops.cc, runtime.cc, optim.cc) is compiled by cgo against the
// installed libtorch. Debian's libtorch-dev puts headers and libraries on the
// default paths; another libtorch (the CUDA image) is selected with
// CGO_CXXFLAGS and CGO_LDFLAGS, as Dockerfile.cuda shows. libcgotorch (gotorch's
// shim) is built and installed by third_party/build-cgotorch.sh.

// #cgo CXXFLAGS: -std=c++14 -O2 -D_GLIBCXX_USE_CXX11_ABI=1 -I/usr/include/torch/csrc/api/include -Wno-deprecated-declarations
// #cgo LDFLAGS: -lcgotorch -ltorch -ltorch_cpu -lc10 -lstdc++
// #include <stdlib.h>
// #include "ppctl.h"
import "C"

import (
	"unsafe"

	gotorch "github.com/wangkuiyi/gotorch"
)

// check turns a message returned by the shim into a panic with an *Error,
// freeing the C string.
func check(msg *C.char) {
	if msg == nil {
		return
	}
	s := C.GoString(msg)
	C.free(unsafe.Pointer(msg))
	panic(&Error{Msg: s})
}

// wrap takes ownership of a tensor handle returned by the shim: the tensor
// is freed by a finalizer once the Go value is unreachable (or at the end of
// a Scoped step, see scope.go).
func wrap(p C.ppctl_tensor) Tensor {
	if p == nil {
		return Tensor{}
	}
	h := new(unsafe.Pointer)
	*h = unsafe.Pointer(p)
	gotorch.SetTensorFinalizer(h)
	return Tensor{T: h}
}

// handle returns the at::Tensor* behind t, panicking on an undefined tensor.
func handle(t Tensor) C.ppctl_tensor {
	if t.T == nil || *t.T == nil {
		panic(&Error{Msg: "use of an undefined tensor (a zero torch.Tensor)"})
	}
	return C.ppctl_tensor(*t.T)
}

// handles returns the handles of ts as a slice the shim can read (the
// handles are C pointers, so the Go slice may be passed to C).
func handles(ts []Tensor) []C.ppctl_tensor {
	arr := make([]C.ppctl_tensor, len(ts))
	for i, t := range ts {
		arr[i] = handle(t)
	}
	return arr
}

// first returns a pointer to the first handle, or nil for none.
func first(arr []C.ppctl_tensor) *C.ppctl_tensor {
	if len(arr) == 0 {
		return nil
	}
	return &arr[0]
}

// int64s returns a pointer to the first element of v for the shim, or nil.
func int64s(v []int64) *C.int64_t {
	if len(v) == 0 {
		return nil
	}
	return (*C.int64_t)(unsafe.Pointer(&v[0]))
}
