// Package torch is ppctl's one cgo boundary: it re-exports gotorch's tensors
// (Tensor is gotorch.Tensor, so gotorch's nn modules and functions apply)
// and adds, from its own small C++ shim, what gotorch lacks: concatenation,
// normalisation, softmax, pooling, rotations, AdamW with per-group
// hyper-parameters, gradient clipping, grad mode, autocast, dtypes, memory
// formats, devices, threads, seeds and the RNG state.
//
// # Errors
//
// A C++ exception never crosses into Go. Every shim function catches it and
// returns libtorch's message (without the C++ backtrace); the Go wrapper
// panics with an *Error carrying it, the way indexing a slice out of range
// panics: tensor maths on wrong shapes is a programming error. Code that
// works on user input runs inside Try or Scoped, which turn that panic (and
// gotorch's own string panics) into an ordinary error:
//
//	err := torch.Try(func() { y = torch.Matmul(a, b) })
//	// err: libtorch: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)
//
// # Memory
//
// A tensor is freed by a Go finalizer when its Tensor value becomes
// unreachable. The Go collector does not see libtorch's memory, so a
// training loop runs each step inside Scoped, which collects at the end of
// the step; memory then stays flat however many steps run, and nothing the
// step kept (a metric, a checkpoint copy) is ever freed early. Parameters,
// buffers and optimizer state live outside steps and are updated in place.
//
// # Threads
//
// libtorch's intra-op thread pool defaults to every core (DefaultThreads:
// PPCTL_THREADS, else OMP_NUM_THREADS, else runtime.NumCPU()), undoing
// gotorch's NumCPU/2. Grad mode and autocast are per OS thread in libtorch:
// NoGrad and Autocast lock the calling goroutine to its thread while they
// run, and a training loop that enters them keeps one goroutine for its
// tensor work. Data loading happens in other goroutines on plain Go memory.
package torch
