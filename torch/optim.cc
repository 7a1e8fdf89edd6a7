// Optimizer kernels: AdamW with decoupled weight decay (fastai's Adam with
// decouple_wd=True is the same update) and gradient-norm clipping. The
// hyper-parameters arrive on every call, so a schedule may change them at
// every step and per parameter group.
#include <ATen/ATen.h>

#include <cmath>
#include <vector>

#include "shim.h"

using ppctl::T;

extern "C" {

// ppctl_adamw_step applies one AdamW update to n parameters with their first
// and second moment buffers. step counts from 1. Parameters without a
// gradient are skipped.
const char *ppctl_adamw_step(ppctl_tensor *params, ppctl_tensor *exp_avg, ppctl_tensor *exp_avg_sq, int64_t n,
                             double lr, double beta1, double beta2, double eps, double wd, int64_t step) {
  PPCTL_TRY
  at::NoGradGuard guard;
  const double bc1 = 1 - std::pow(beta1, static_cast<double>(step));
  const double bc2 = 1 - std::pow(beta2, static_cast<double>(step));
  for (int64_t i = 0; i < n; i++) {
    at::Tensor &p = T(params[i]);
    const at::Tensor &g = p.grad();
    if (!g.defined()) continue;
    at::Tensor &m = T(exp_avg[i]);
    at::Tensor &v = T(exp_avg_sq[i]);
    if (wd != 0) p.mul_(1 - lr * wd);
    m.mul_(beta1).add_(g, 1 - beta1);
    v.mul_(beta2).addcmul_(g, g, 1 - beta2);
    at::Tensor denom = (v.sqrt() / std::sqrt(bc2)).add_(eps);
    p.addcdiv_(m, denom, -lr / bc1);
  }
  PPCTL_END
}

// ppctl_clip_grad_norm scales the gradients so that their joint L2 norm is
// at most max_norm (when max_norm > 0) and reports the norm before clipping.
const char *ppctl_clip_grad_norm(ppctl_tensor *params, int64_t n, double max_norm, double *total) {
  PPCTL_TRY
  at::NoGradGuard guard;
  std::vector<at::Tensor> norms;
  for (int64_t i = 0; i < n; i++) {
    const at::Tensor &g = T(params[i]).grad();
    if (g.defined()) norms.push_back(g.norm(2).to(at::kFloat));
  }
  if (norms.empty()) {
    *total = 0;
    return nullptr;
  }
  double tn = at::stack(norms).norm(2).item<double>();
  *total = tn;
  if (max_norm > 0) {
    double coef = max_norm / (tn + 1e-6);
    if (coef < 1) {
      for (int64_t i = 0; i < n; i++) {
        at::Tensor g = T(params[i]).grad();
        if (g.defined()) g.mul_(coef);
      }
    }
  }
  PPCTL_END
}

// ppctl_zero_grad drops the gradients (set_to_none, PyTorch's default).
const char *ppctl_zero_grad(ppctl_tensor *params, int64_t n) {
  PPCTL_TRY
  for (int64_t i = 0; i < n; i++) T(params[i]).mutable_grad().reset();
  PPCTL_END
}

}  // extern "C"
