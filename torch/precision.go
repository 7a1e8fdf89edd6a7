package torch

import (
	"fmt"
	"strings"
)

// Precision is the arithmetic a training or inference run uses, the value of
// every command's --precision flag.
type Precision int

const (
	// PrecisionAuto picks the fastest safe choice for the device: bf16
	// autocast on a CPU with native bf16 (AVX512-BF16 or AMX), fp16 autocast
	// on CUDA, else fp32.
	PrecisionAuto Precision = iota
	// PrecisionFP32 is plain float32 everywhere: what golden and
	// reproducibility tests pin.
	PrecisionFP32
	// PrecisionBF16 is bfloat16 autocast (float32 weights and losses).
	PrecisionBF16
	// PrecisionFP16 is float16 autocast, CUDA only.
	PrecisionFP16
)

// ParsePrecision reads a --precision value: auto, fp32, bf16 or fp16.
func ParsePrecision(s string) (Precision, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return PrecisionAuto, nil
	case "fp32", "float32":
		return PrecisionFP32, nil
	case "bf16", "bfloat16":
		return PrecisionBF16, nil
	case "fp16", "float16", "half":
		return PrecisionFP16, nil
	}
	return PrecisionAuto, fmt.Errorf("unknown precision %q: use auto, fp32, bf16 or fp16", s)
}

// String returns the flag spelling of p.
func (p Precision) String() string {
	switch p {
	case PrecisionFP32:
		return "fp32"
	case PrecisionBF16:
		return "bf16"
	case PrecisionFP16:
		return "fp16"
	}
	return "auto"
}

// Resolve turns p into a concrete precision for dev (never PrecisionAuto)
// and the autocast dtype it implies, or an error when dev cannot run it.
func (p Precision) Resolve(dev Device) (Precision, DType, error) {
	if p == PrecisionAuto {
		switch {
		case dev.IsCUDA():
			p = PrecisionFP16
		case LibInfo().CPUBFloat16:
			p = PrecisionBF16
		default:
			p = PrecisionFP32
		}
	}
	switch p {
	case PrecisionBF16:
		return p, BFloat16, nil
	case PrecisionFP16:
		if !dev.IsCUDA() {
			return p, Float32, fmt.Errorf("precision fp16 needs a CUDA device; on %s use bf16 or fp32", dev)
		}
		return p, Float16, nil
	}
	return PrecisionFP32, Float32, nil
}
