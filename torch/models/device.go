package models

import (
	"runtime"

	"github.com/ppctl/ppctl/torch"
)

// ToDevice moves every parameter and buffer of l to dev in place, as
// libtorch's Module::to does: each tensor keeps its identity and only its
// data moves, so optimizers built afterwards, StateMap and the checkpoint
// writers see the moved tensors. Tensors already on dev are left as they
// are, so moving to the CPU a model that never left it costs nothing. Build
// the optimizer after the move, not before.
func ToDevice(l Layer, dev torch.Device) error {
	return torch.Try(func() {
		torch.NoGrad(func() {
			for _, e := range l.Entries("") {
				if torch.DeviceOf(e.Tensor) == dev {
					continue
				}
				moved := torch.ToDevice(e.Tensor, dev)
				e.Tensor.SetData(moved)
				runtime.KeepAlive(moved)
			}
		})
	})
}
