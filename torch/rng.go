package torch

// #include "ppctl.h"
import "C"

import "runtime"

// ManualSeed seeds libtorch's CPU generator and every CUDA device's, which
// drive weight initialisation, dropout and torch.rand-style functions.
func ManualSeed(seed uint64) {
	check(C.ppctl_manual_seed(C.uint64_t(seed)))
}

// RNGState returns a copy of the CPU generator's full state (as PyTorch's
// torch.get_rng_state, a uint8 vector), so that a run can be resumed
// exactly.
func RNGState() []byte {
	var out C.ppctl_tensor
	check(C.ppctl_rng_state(&out))
	return Bytes(wrap(out))
}

// SetRNGState restores a state returned by RNGState.
func SetRNGState(state []byte) {
	defer runtime.KeepAlive(state)
	if len(state) == 0 {
		panicf("SetRNGState: empty state")
	}
	t := FromData(unsafePointer(state), Uint8, int64(len(state)))
	defer runtime.KeepAlive(t)
	check(C.ppctl_set_rng_state(handle(t)))
}
