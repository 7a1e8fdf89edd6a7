package torch

// #include "ppctl.h"
import "C"

import (
	"os"
	"runtime"
	"strconv"
)

// DefaultThreads is the number of intra-op threads libtorch uses unless told
// otherwise: PPCTL_THREADS if set, else OMP_NUM_THREADS if set, else every
// core (runtime.NumCPU()).
func DefaultThreads() int {
	for _, env := range []string{"PPCTL_THREADS", "OMP_NUM_THREADS"} {
		if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
			return n
		}
	}
	return runtime.NumCPU()
}

// init undoes gotorch's default of NumCPU/2 threads (one on a two-core
// machine) and gives libtorch DefaultThreads.
func init() { SetThreads(DefaultThreads()) }

// SetThreads sets the number of threads libtorch's CPU kernels use; n <= 0
// means DefaultThreads.
//
// OpenMP keeps this count per OS thread: it holds for kernels launched from
// the calling thread, while other threads keep DefaultThreads. The main
// goroutine is locked to the main thread (gotorch's init does it), so a
// command's setting holds for all its work; a library caller running tensor
// work on other goroutines locks them (runtime.LockOSThread) and calls
// SetThreads there, as train.Fit does with Config.Threads.
func SetThreads(n int) {
	if n <= 0 {
		n = DefaultThreads()
	}
	check(C.ppctl_set_threads(C.int64_t(n)))
}

// Threads returns the number of threads libtorch's CPU kernels use.
func Threads() int { return int(C.ppctl_get_threads()) }
