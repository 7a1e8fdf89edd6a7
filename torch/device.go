package torch

// #include "ppctl.h"
import "C"

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"

	gotorch "github.com/wangkuiyi/gotorch"
)

// Device is where tensors live and kernels run: the CPU or one CUDA GPU.
// The zero Device is the CPU.
type Device struct {
	cuda  bool
	index int
}

// CPU is the host processor.
var CPU = Device{}

// CUDADevices returns the number of CUDA GPUs libtorch can use (0 with
// Debian's CPU-only libtorch).
func CUDADevices() int { return int(C.ppctl_cuda_devices()) }

// ParseDevice reads a --device value: "cpu", "cuda", "cuda:N", or "auto"
// (the first GPU when CUDA is usable, else the CPU).
func ParseDevice(s string) (Device, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "" || s == "auto":
		if CUDADevices() > 0 {
			return Device{cuda: true}, nil
		}
		return CPU, nil
	case s == "cpu":
		return CPU, nil
	case s == "cuda" || strings.HasPrefix(s, "cuda:"):
		idx := 0
		if rest, ok := strings.CutPrefix(s, "cuda:"); ok {
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 {
				return CPU, fmt.Errorf("device %q: the GPU index must be a number, as in cuda:0", s)
			}
			idx = n
		}
		n := CUDADevices()
		if n == 0 {
			return CPU, fmt.Errorf("device %q: this libtorch has no usable CUDA GPU; use --device cpu (or build the CUDA image, see Dockerfile.cuda)", s)
		}
		if idx >= n {
			return CPU, fmt.Errorf("device %q: only %d CUDA GPU(s) present", s, n)
		}
		return Device{cuda: true, index: idx}, nil
	}
	return CPU, fmt.Errorf("unknown device %q: use cpu, cuda, cuda:N or auto", s)
}

// IsCUDA reports whether d is a GPU.
func (d Device) IsCUDA() bool { return d.cuda }

// String returns the device's libtorch name ("cpu", "cuda:0").
func (d Device) String() string {
	if d.cuda {
		return "cuda:" + strconv.Itoa(d.index)
	}
	return "cpu"
}

// gotorch returns gotorch's handle for d.
func (d Device) gotorch() gotorch.Device { return gotorch.NewDevice(d.String()) }

// ToDevice returns t on d (t itself when already there).
func ToDevice(t Tensor, d Device) Tensor { return t.To(d.gotorch()) }

// DeviceOf returns the device t lives on.
func DeviceOf(t Tensor) Device {
	defer runtime.KeepAlive(t)
	var cuda, index C.int
	check(C.ppctl_device_of(handle(t), &cuda, &index))
	return Device{cuda: cuda != 0, index: int(index)}
}
