// C declarations of ppctl's own libtorch shim (ops.cc, runtime.cc, optim.cc).
//
// The contract is gotorch's: every function runs inside try/catch and returns
// NULL on success or a malloc'ed message (freed by Go) on failure; results
// come back through out-pointers. Tensors cross the boundary as at::Tensor*
// allocated with new and owned by a Go finalizer.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void *ppctl_tensor;

// ops.cc: tensor maths that gotorch lacks.
const char *ppctl_cat(ppctl_tensor *ts, int64_t n, int64_t dim, ppctl_tensor *out);
const char *ppctl_unary(ppctl_tensor t, int op, ppctl_tensor *out);
const char *ppctl_scalar(ppctl_tensor t, int op, double s, ppctl_tensor *out);
const char *ppctl_binary(ppctl_tensor a, ppctl_tensor b, int op, ppctl_tensor *out);
const char *ppctl_clamp(ppctl_tensor t, double lo, double hi, int has_lo, int has_hi, ppctl_tensor *out);
const char *ppctl_softmax(ppctl_tensor t, int64_t dim, int log, ppctl_tensor *out);
const char *ppctl_normalize(ppctl_tensor t, double p, int64_t dim, double eps, ppctl_tensor *out);
const char *ppctl_reduce(ppctl_tensor t, int op, int64_t *dims, int64_t ndims, int keepdim, ppctl_tensor *out);
const char *ppctl_roll(ppctl_tensor t, int64_t *shifts, int64_t *dims, int64_t n, ppctl_tensor *out);
const char *ppctl_flip(ppctl_tensor t, int64_t *dims, int64_t n, ppctl_tensor *out);
const char *ppctl_rot90(ppctl_tensor t, int64_t k, int64_t d0, int64_t d1, ppctl_tensor *out);
const char *ppctl_eye(int64_t n, ppctl_tensor *out);
const char *ppctl_one_hot(ppctl_tensor labels, int64_t classes, ppctl_tensor *out);
const char *ppctl_argmax(ppctl_tensor t, int64_t dim, int keepdim, ppctl_tensor *out);
const char *ppctl_dropout(ppctl_tensor t, double p, int train, ppctl_tensor *out);
const char *ppctl_adaptive_pool2d(ppctl_tensor t, int max, int64_t oh, int64_t ow, ppctl_tensor *out);
const char *ppctl_avg_pool2d(ppctl_tensor t, int64_t k, int64_t s, int64_t p, int ceil_mode, int count_include_pad, ppctl_tensor *out);
const char *ppctl_masked_fill(ppctl_tensor t, ppctl_tensor mask, double v, ppctl_tensor *out);
const char *ppctl_reshape(ppctl_tensor t, int64_t *shape, int64_t n, ppctl_tensor *out);
const char *ppctl_to_dtype(ppctl_tensor t, int8_t dtype, ppctl_tensor *out);
const char *ppctl_memory_format(ppctl_tensor t, int channels_last, ppctl_tensor *out);
const char *ppctl_is_contiguous(ppctl_tensor t, int channels_last, int *out);
const char *ppctl_from_data(void *data, int8_t dtype, int64_t *shape, int64_t n, ppctl_tensor *out);
const char *ppctl_copy_data(ppctl_tensor t, int8_t dtype, void *dst, int64_t nbytes);
const char *ppctl_numel(ppctl_tensor t, int64_t *out);
const char *ppctl_zeros(int64_t *shape, int64_t n, int8_t dtype, ppctl_tensor *out);
const char *ppctl_zeros_like(ppctl_tensor t, ppctl_tensor *out);
const char *ppctl_clone(ppctl_tensor t, ppctl_tensor *out);
const char *ppctl_copy_(ppctl_tensor dst, ppctl_tensor src);
const char *ppctl_requires_grad(ppctl_tensor t, int set, int value, int *out);
const char *ppctl_grad(ppctl_tensor t, ppctl_tensor *out);
const char *ppctl_backward(ppctl_tensor t, ppctl_tensor grad);
const char *ppctl_alias(ppctl_tensor t, ppctl_tensor *out);
const char *ppctl_device_of(ppctl_tensor t, int *cuda, int *index);

// runtime.cc: threads, seeds, RNG state, grad mode, autocast, versions.
const char *ppctl_set_threads(int64_t n);
int64_t ppctl_get_threads(void);
const char *ppctl_manual_seed(uint64_t seed);
const char *ppctl_rng_state(ppctl_tensor *out);
const char *ppctl_set_rng_state(ppctl_tensor state);
int ppctl_grad_enabled(void);
void ppctl_set_grad_enabled(int on);
const char *ppctl_autocast(int device_cuda, int enabled, int8_t dtype, int *was_enabled, int8_t *was_dtype);
const char *ppctl_info(char **version, char **config);
int ppctl_cuda_devices(void);
void ppctl_free(void *p);

// optim.cc: AdamW (decoupled weight decay) and gradient clipping.
const char *ppctl_adamw_step(ppctl_tensor *params, ppctl_tensor *exp_avg, ppctl_tensor *exp_avg_sq, int64_t n,
                             double lr, double beta1, double beta2, double eps, double wd, int64_t step);
const char *ppctl_clip_grad_norm(ppctl_tensor *params, int64_t n, double max_norm, double *total);
const char *ppctl_zero_grad(ppctl_tensor *params, int64_t n);

#ifdef __cplusplus
}
#endif
