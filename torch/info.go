package torch

// #include <stdlib.h>
// #include "ppctl.h"
import "C"

import (
	"os"
	"strings"
	"unsafe"
)

// Info describes the libtorch that ppctl runs on.
type Info struct {
	Version     string // libtorch's own version, e.g. "1.13.0" (Debian's 1.13.1 package reports 1.13.0)
	Capability  string // the CPU kernels ATen dispatches to: DEFAULT, AVX2 or AVX512 (ATEN_CPU_CAPABILITY can lower it)
	CPUFeatures []string
	CUDADevices int
	Threads     int
	BuildConfig string // at::show_config(): compiler, BLAS, oneDNN, ...
	CPUBFloat16 bool   // the CPU has native bf16 arithmetic (AVX512-BF16 or AMX)
}

// LibInfo queries libtorch and the CPU.
func LibInfo() Info {
	var v, cfg *C.char
	check(C.ppctl_info(&v, &cfg))
	defer C.free(unsafe.Pointer(v))
	defer C.free(unsafe.Pointer(cfg))
	config := C.GoString(cfg)
	feats := cpuFeatures()
	bf16 := contains(feats, "avx512_bf16") || contains(feats, "amx_bf16")
	return Info{
		Version:     C.GoString(v),
		Capability:  capability(config),
		CPUFeatures: feats,
		CUDADevices: CUDADevices(),
		Threads:     Threads(),
		BuildConfig: config,
		CPUBFloat16: bf16,
	}
}

// cpuFeatures returns the vector extensions listed in /proc/cpuinfo that
// matter to libtorch's kernels, in a fixed order.
func cpuFeatures() []string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return nil
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			for _, f := range strings.Fields(v) {
				have[f] = true
			}
			break
		}
	}
	var out []string
	for _, f := range []string{"sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_tile"} {
		if have[f] {
			out = append(out, f)
		}
	}
	return out
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// capability reads "CPU capability usage: AVX2" from at::show_config().
func capability(config string) string {
	for _, line := range strings.Split(config, "\n") {
		if _, v, ok := strings.Cut(line, "CPU capability usage:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
