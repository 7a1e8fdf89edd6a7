// Shared C++ helpers of ppctl's shim: the try/catch contract and tensor
// ownership. Included by the .cc files only.
#pragma once
#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "ppctl.h"

namespace ppctl {

// dup returns a malloc'ed copy of s, freed on the Go side.
inline const char *dup(const std::string &s) { return strdup(s.c_str()); }

// T returns the tensor behind a handle.
inline at::Tensor &T(ppctl_tensor t) { return *static_cast<at::Tensor *>(t); }

// give hands a new tensor to Go.
inline ppctl_tensor give(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline at::IntArrayRef ints(const int64_t *p, int64_t n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

}  // namespace ppctl

// PPCTL_TRY ... PPCTL_END wraps a body so that no C++ exception crosses into
// Go: libtorch's errors come back as their message without the C++
// backtrace that what() carries.
#define PPCTL_TRY try {
#define PPCTL_END                                                  \
  }                                                                \
  catch (const c10::Error &e) {                                    \
    return ppctl::dup(e.what_without_backtrace());                 \
  }                                                                \
  catch (const std::exception &e) {                                \
    return ppctl::dup(e.what());                                   \
  }                                                                \
  catch (...) {                                                    \
    return ppctl::dup("unknown C++ exception");                    \
  }                                                                \
  return nullptr;
