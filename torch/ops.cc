// Tensor maths that gotorch lacks, under the shim contract of shim.h.
// The op codes are mirrored by the Go constants in ops.go.
#include <ATen/ATen.h>

#include <vector>

#include "shim.h"

using ppctl::give;
using ppctl::ints;
using ppctl::T;

extern "C" {

const char *ppctl_cat(ppctl_tensor *ts, int64_t n, int64_t dim, ppctl_tensor *out) {
  PPCTL_TRY
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int64_t i = 0; i < n; i++) v.push_back(T(ts[i]));
  *out = give(at::cat(v, dim));
  PPCTL_END
}

const char *ppctl_unary(ppctl_tensor t, int op, ppctl_tensor *out) {
  PPCTL_TRY
  const at::Tensor &x = T(t);
  at::Tensor r;
  switch (op) {
    case 0: r = x.exp(); break;
    case 1: r = x.log(); break;
    case 2: r = x.sqrt(); break;
    case 3: r = x.abs(); break;
    case 4: r = x.neg(); break;
    case 5: r = x.relu(); break;
    case 6: r = x.sigmoid(); break;
    case 7: r = x.contiguous(); break;
    case 8: r = x.detach(); break;
    default: return ppctl::dup("ppctl_unary: unknown op");
  }
  *out = give(r);
  PPCTL_END
}

const char *ppctl_scalar(ppctl_tensor t, int op, double s, ppctl_tensor *out) {
  PPCTL_TRY
  const at::Tensor &x = T(t);
  at::Tensor r;
  switch (op) {
    case 0: r = x.add(s); break;
    case 1: r = x.mul(s); break;
    case 2: r = x.pow(s); break;
    case 3: r = x.div(s); break;
    case 4: r = at::rsub(x, s); break;
    default: return ppctl::dup("ppctl_scalar: unknown op");
  }
  *out = give(r);
  PPCTL_END
}

const char *ppctl_binary(ppctl_tensor a, ppctl_tensor b, int op, ppctl_tensor *out) {
  PPCTL_TRY
  const at::Tensor &x = T(a), &y = T(b);
  at::Tensor r;
  switch (op) {
    case 0: r = x.add(y); break;
    case 1: r = x.sub(y); break;
    case 2: r = x.mul(y); break;
    case 3: r = x.div(y); break;
    case 4: r = x.matmul(y); break;
    default: return ppctl::dup("ppctl_binary: unknown op");
  }
  *out = give(r);
  PPCTL_END
}

const char *ppctl_clamp(ppctl_tensor t, double lo, double hi, int has_lo, int has_hi, ppctl_tensor *out) {
  PPCTL_TRY
  c10::optional<at::Scalar> l, h;
  if (has_lo) l = lo;
  if (has_hi) h = hi;
  *out = give(T(t).clamp(l, h));
  PPCTL_END
}

const char *ppctl_softmax(ppctl_tensor t, int64_t dim, int log, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(log ? T(t).log_softmax(dim) : T(t).softmax(dim));
  PPCTL_END
}

// ppctl_normalize divides by the p-norm along dim, clamped below by eps, as
// torch.nn.functional.normalize does.
const char *ppctl_normalize(ppctl_tensor t, double p, int64_t dim, double eps, ppctl_tensor *out) {
  PPCTL_TRY
  const at::Tensor &x = T(t);
  at::Tensor n = x.norm(p, dim, /*keepdim=*/true).clamp_min(eps);
  *out = give(x / n.expand_as(x));
  PPCTL_END
}

const char *ppctl_reduce(ppctl_tensor t, int op, int64_t *dims, int64_t ndims, int keepdim, ppctl_tensor *out) {
  PPCTL_TRY
  const at::Tensor &x = T(t);
  at::IntArrayRef d = ints(dims, ndims);
  at::Tensor r;
  switch (op) {
    case 0: r = ndims ? x.sum(d, keepdim) : x.sum(); break;
    case 1: r = ndims ? x.mean(d, keepdim) : x.mean(); break;
    case 2: r = ndims ? x.amax(d, keepdim) : x.max(); break;
    default: return ppctl::dup("ppctl_reduce: unknown op");
  }
  *out = give(r);
  PPCTL_END
}

const char *ppctl_roll(ppctl_tensor t, int64_t *shifts, int64_t *dims, int64_t n, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).roll(ints(shifts, n), ints(dims, n)));
  PPCTL_END
}

const char *ppctl_flip(ppctl_tensor t, int64_t *dims, int64_t n, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).flip(ints(dims, n)));
  PPCTL_END
}

const char *ppctl_rot90(ppctl_tensor t, int64_t k, int64_t d0, int64_t d1, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).rot90(k, {d0, d1}));
  PPCTL_END
}

const char *ppctl_eye(int64_t n, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(at::eye(n, at::kFloat));
  PPCTL_END
}

const char *ppctl_one_hot(ppctl_tensor labels, int64_t classes, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(at::one_hot(T(labels).to(at::kLong), classes).to(at::kFloat));
  PPCTL_END
}

const char *ppctl_argmax(ppctl_tensor t, int64_t dim, int keepdim, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).argmax(dim, keepdim));
  PPCTL_END
}

const char *ppctl_dropout(ppctl_tensor t, double p, int train, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(at::dropout(T(t), p, train != 0));
  PPCTL_END
}

const char *ppctl_adaptive_pool2d(ppctl_tensor t, int max, int64_t oh, int64_t ow, ppctl_tensor *out) {
  PPCTL_TRY
  if (max) {
    *out = give(std::get<0>(at::adaptive_max_pool2d(T(t), {oh, ow})));
  } else {
    *out = give(at::adaptive_avg_pool2d(T(t), {oh, ow}));
  }
  PPCTL_END
}

const char *ppctl_avg_pool2d(ppctl_tensor t, int64_t k, int64_t s, int64_t p, int ceil_mode, int count_include_pad,
                             ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(at::avg_pool2d(T(t), {k, k}, {s, s}, {p, p}, ceil_mode != 0, count_include_pad != 0));
  PPCTL_END
}

const char *ppctl_masked_fill(ppctl_tensor t, ppctl_tensor mask, double v, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).masked_fill(T(mask).to(at::kBool), v));
  PPCTL_END
}

const char *ppctl_reshape(ppctl_tensor t, int64_t *shape, int64_t n, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).reshape(ints(shape, n)));
  PPCTL_END
}

const char *ppctl_to_dtype(ppctl_tensor t, int8_t dtype, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).to(static_cast<at::ScalarType>(dtype)));
  PPCTL_END
}

const char *ppctl_memory_format(ppctl_tensor t, int channels_last, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous));
  PPCTL_END
}

const char *ppctl_is_contiguous(ppctl_tensor t, int channels_last, int *out) {
  PPCTL_TRY
  *out = T(t).is_contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
  PPCTL_END
}

const char *ppctl_from_data(void *data, int8_t dtype, int64_t *shape, int64_t n, ppctl_tensor *out) {
  PPCTL_TRY
  auto opts = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
  *out = give(at::from_blob(data, ints(shape, n), opts).clone());
  PPCTL_END
}

// ppctl_copy_data converts t to dtype on the CPU and copies exactly nbytes of
// its elements, in row-major order, into dst.
const char *ppctl_copy_data(ppctl_tensor t, int8_t dtype, void *dst, int64_t nbytes) {
  PPCTL_TRY
  at::Tensor c = T(t).detach().to(at::kCPU, static_cast<at::ScalarType>(dtype)).contiguous();
  int64_t have = c.numel() * static_cast<int64_t>(c.element_size());
  if (have != nbytes) {
    return ppctl::dup("copy_data: tensor holds " + std::to_string(have) + " bytes, destination " +
                      std::to_string(nbytes));
  }
  if (nbytes) std::memcpy(dst, c.data_ptr(), static_cast<size_t>(nbytes));
  PPCTL_END
}

const char *ppctl_numel(ppctl_tensor t, int64_t *out) {
  PPCTL_TRY
  *out = T(t).numel();
  PPCTL_END
}

const char *ppctl_zeros(int64_t *shape, int64_t n, int8_t dtype, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(at::zeros(ints(shape, n), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype))));
  PPCTL_END
}

const char *ppctl_zeros_like(ppctl_tensor t, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(at::zeros_like(T(t), at::MemoryFormat::Preserve));
  PPCTL_END
}

const char *ppctl_clone(ppctl_tensor t, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t).clone());
  PPCTL_END
}

// ppctl_copy_ copies src into dst in place, outside autograd, converting
// dtype and device as needed; it is how weights are loaded.
const char *ppctl_copy_(ppctl_tensor dst, ppctl_tensor src) {
  PPCTL_TRY
  at::NoGradGuard g;
  T(dst).copy_(T(src));
  PPCTL_END
}

const char *ppctl_requires_grad(ppctl_tensor t, int set, int value, int *out) {
  PPCTL_TRY
  if (set) T(t).set_requires_grad(value != 0);
  *out = T(t).requires_grad();
  PPCTL_END
}

// ppctl_grad returns the gradient of t, or a null handle when it has none.
const char *ppctl_grad(ppctl_tensor t, ppctl_tensor *out) {
  PPCTL_TRY
  const at::Tensor &g = T(t).grad();
  *out = g.defined() ? give(g) : nullptr;
  PPCTL_END
}

const char *ppctl_backward(ppctl_tensor t, ppctl_tensor grad) {
  PPCTL_TRY
  if (grad) {
    T(t).backward(T(grad));
  } else {
    T(t).backward();
  }
  PPCTL_END
}

// ppctl_alias returns a second handle to the same tensor (same storage,
// same autograd identity).
const char *ppctl_alias(ppctl_tensor t, ppctl_tensor *out) {
  PPCTL_TRY
  *out = give(T(t));
  PPCTL_END
}

// ppctl_device_of reports where t lives.
const char *ppctl_device_of(ppctl_tensor t, int *cuda, int *index) {
  PPCTL_TRY
  const at::Device d = T(t).device();
  *cuda = d.is_cuda();
  *index = d.has_index() ? d.index() : 0;
  PPCTL_END
}

}  // extern "C"
