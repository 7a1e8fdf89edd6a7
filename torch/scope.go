package torch

// #include "ppctl.h"
import "C"

import (
	"runtime"
	"unsafe"
)

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// Scoped runs one unit of tensor work (typically a training or evaluation
// step) and returns libtorch failures as an error, as Try does. When f
// returns, the tensors it created and dropped are freed before Scoped
// returns, so memory stays flat over thousands of steps without the caller
// thinking about it.
//
// Tensors are freed by Go finalizers; Scoped forces a collection at its end
// so that the finalizers of the step's intermediates run now rather than
// when the Go heap (which does not see libtorch's memory) happens to grow.
// Unlike gotorch's GC/FinishGC pair it never blocks waiting for a tensor
// that is still referenced: a tensor kept past the step simply lives on.
func Scoped(f func()) error {
	err := Try(f)
	Collect()
	return err
}

// Collect runs a garbage collection and the finalizers it queues, freeing
// every tensor no longer referenced from Go.
func Collect() {
	runtime.GC()
	// A second cycle after the finalizer goroutine has had a chance to run
	// frees the handles the first cycle queued.
	runtime.Gosched()
	runtime.GC()
}

// NoGrad runs f with autograd recording turned off (torch.no_grad), for
// inference and weight updates. Grad mode is per OS thread in libtorch, so
// the goroutine stays on its thread while f runs.
func NoGrad(f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	prev := C.ppctl_grad_enabled()
	C.ppctl_set_grad_enabled(0)
	defer C.ppctl_set_grad_enabled(prev)
	f()
}

// GradEnabled reports whether autograd records operations on this thread.
func GradEnabled() bool { return C.ppctl_grad_enabled() != 0 }

// Autocast runs f with automatic mixed precision on the device's kind:
// matrix products and convolutions run in dtype (BFloat16 on the CPU,
// Float16 or BFloat16 on CUDA) while reductions and losses stay float32.
// Any other dtype (Float32, or the zero DType) runs f unchanged. Like grad
// mode, autocast is per OS thread.
func Autocast(dev Device, dtype DType, f func()) {
	if dtype != BFloat16 && dtype != Float16 {
		f()
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cuda := cbool(dev.IsCUDA())
	var wasOn C.int
	var wasType C.int8_t
	check(C.ppctl_autocast(cuda, 1, C.int8_t(dtype), &wasOn, &wasType))
	defer func() {
		var x C.int
		var y C.int8_t
		check(C.ppctl_autocast(cuda, wasOn, wasType, &x, &y))
	}()
	f()
}
