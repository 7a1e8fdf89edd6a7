// Process-wide libtorch state: threads, seeds, the CPU RNG, grad mode,
// autocast and version information. Grad mode and autocast are
// thread-local in libtorch; the Go side locks the OS thread around them.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <ATen/core/grad_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

#include <mutex>

#include "shim.h"

using ppctl::give;
using ppctl::T;

extern "C" {

const char *ppctl_set_threads(int64_t n) {
  PPCTL_TRY
  at::set_num_threads(static_cast<int>(n));
  PPCTL_END
}

int64_t ppctl_get_threads(void) { return at::get_num_threads(); }

// ppctl_manual_seed seeds the CPU generator and, when present, every CUDA
// device's generator.
const char *ppctl_manual_seed(uint64_t seed) {
  PPCTL_TRY
  at::manual_seed(seed);
  PPCTL_END
}

const char *ppctl_rng_state(ppctl_tensor *out) {
  PPCTL_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  *out = give(gen.get_state());
  PPCTL_END
}

const char *ppctl_set_rng_state(ppctl_tensor state) {
  PPCTL_TRY
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(T(state));
  PPCTL_END
}

int ppctl_grad_enabled(void) { return at::GradMode::is_enabled(); }

void ppctl_set_grad_enabled(int on) { at::GradMode::set_enabled(on != 0); }

const char *ppctl_autocast(int device_cuda, int enabled, int8_t dtype, int *was_enabled, int8_t *was_dtype) {
  PPCTL_TRY
  auto st = static_cast<at::ScalarType>(dtype);
  if (device_cuda) {
    *was_enabled = at::autocast::is_enabled();
    *was_dtype = static_cast<int8_t>(at::autocast::get_autocast_gpu_dtype());
    at::autocast::set_enabled(enabled != 0);
    at::autocast::set_autocast_gpu_dtype(st);
  } else {
    *was_enabled = at::autocast::is_cpu_enabled();
    *was_dtype = static_cast<int8_t>(at::autocast::get_autocast_cpu_dtype());
    at::autocast::set_cpu_enabled(enabled != 0);
    at::autocast::set_autocast_cpu_dtype(st);
  }
  if (!enabled) at::autocast::clear_cache();
  PPCTL_END
}

// ppctl_info reports libtorch's version and build configuration; the
// latter names the CPU capability ATen dispatches to.
const char *ppctl_info(char **version, char **config) {
  PPCTL_TRY
  *version = strdup(TORCH_VERSION);
  *config = strdup(at::show_config().c_str());
  PPCTL_END
}

int ppctl_cuda_devices(void) {
  try {
    return at::detail::getCUDAHooks().hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0;
  } catch (...) {
    return 0;
  }
}

void ppctl_free(void *p) { free(p); }

}  // extern "C"
