#!/usr/bin/python3
"""Golden values for the ops ppctl adds to gotorch (torch/ops.go, adam.go).

Run with Debian's torch: /usr/bin/python3 scripts/gen_torch_golden.py
It writes torch/testdata/ops_golden.json, which torch/golden_test.go reads.
For every case it records the inputs, the output and, for differentiable
ops, the gradient of sum(output * w) with respect to the first input for a
fixed weight w, so the Go test checks forward and backward.
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = pathlib.Path(__file__).resolve().parent.parent / "torch" / "testdata" / "ops_golden.json"


def t(x):
    x = x.detach().to(torch.float64)
    return {"shape": list(x.shape), "data": [float("%.9g" % v) for v in x.flatten().tolist()]}


def case(name, fn, *inputs, grad=True):
    xs = [x.clone().requires_grad_(grad and x.is_floating_point()) for x in inputs]
    y = fn(*xs)
    rec = {"name": name, "inputs": [t(x) for x in inputs], "output": t(y.float())}
    if grad and y.is_floating_point():
        w = torch.linspace(-1, 1, y.numel()).reshape(y.shape)
        (y * w).sum().backward()
        rec["weight"] = t(w)
        rec["grad"] = t(xs[0].grad)
    return rec


a = torch.randn(3, 4)
b = torch.randn(4, 2)
pos = torch.rand(3, 4) + 0.1
img = torch.randn(2, 3, 5, 6)
labels = torch.tensor([2, 0, 1, 2])

cases = [
    case("cat_dim0", lambda x, y: torch.cat([x, y]), a, torch.randn(2, 4)),
    case("cat_dim1", lambda x, y: torch.cat([x, y], 1), a, torch.randn(3, 1)),
    case("normalize_dim1", lambda x: F.normalize(x, p=2, dim=1, eps=1e-12), a),
    case("normalize_dim0", lambda x: F.normalize(x, p=2, dim=0, eps=1e-12), a),
    case("matmul", lambda x, y: x @ y, a, b),
    case("exp", torch.exp, a),
    case("log", torch.log, pos),
    case("sqrt", torch.sqrt, pos),
    case("pow3", lambda x: x.pow(3), a),
    case("clamp", lambda x: x.clamp(-0.5, 0.5), a),
    case("clamp_min", lambda x: x.clamp(min=0.1), a),
    case("softmax_dim1", lambda x: x.softmax(1), a),
    case("softmax_dim0", lambda x: x.softmax(0), a),
    case("log_softmax_dim1", lambda x: x.log_softmax(1), a),
    case("roll", lambda x: x.roll(shifts=(1, -2), dims=(0, 1)), a),
    case("flip", lambda x: x.flip(1), a),
    case("rot90_k1", lambda x: torch.rot90(x, 1, (2, 3)), img),
    case("rot90_k3", lambda x: torch.rot90(x, 3, (2, 3)), img),
    case("adaptive_avg_pool", lambda x: F.adaptive_avg_pool2d(x, 1), img),
    case("adaptive_max_pool", lambda x: F.adaptive_max_pool2d(x, 1), img),
    case("adaptive_avg_pool_2x3", lambda x: F.adaptive_avg_pool2d(x, (2, 3)), img),
    case("avg_pool_ceil", lambda x: F.avg_pool2d(x, 2, 2, ceil_mode=True, count_include_pad=False), img),
    case("sum_dims", lambda x: x.sum((2, 3)), img),
    case("mean_dims_keep", lambda x: x.mean((2, 3), keepdim=True), img),
    case("max_dims", lambda x: x.amax((2, 3)), img),
    case("sigmoid", torch.sigmoid, a),
    case("masked_fill_eye", lambda x: x.masked_fill(torch.eye(3, 4, dtype=torch.bool), -1e9), a),
    case("one_hot", lambda x: F.one_hot(x, 3).float(), labels, grad=False),
    case("argmax_dim1", lambda x: x.argmax(1).float(), a, grad=False),
    case("eye3", lambda: torch.eye(3), grad=False),
    case("add", lambda x, y: x + y, a, torch.randn(1, 4)),
    case("sub", lambda x, y: x - y, a, torch.randn(3, 1)),
    case("mul", lambda x, y: x * y, a, torch.randn(3, 4)),
    case("div", lambda x, y: x / y, a, pos),
    case("add_scalar", lambda x: x + 0.75, a),
    case("mul_scalar", lambda x: x * -1.5, a),
    case("div_scalar", lambda x: x / 4.0, a),
    case("rsub", lambda x: 1 - x, a),
    case("neg", torch.neg, a),
    case("abs", torch.abs, a),
    case("relu", torch.relu, a),
    case("reshape", lambda x: x.reshape(2, 6), a),
]


def adam_case():
    """Two parameter groups whose lr and beta1 change at every step, as a
    one-cycle schedule does, against torch.optim.AdamW."""
    w1 = torch.randn(3, 2)
    w2 = torch.randn(4)
    p1, p2 = w1.clone().requires_grad_(), w2.clone().requires_grad_()
    opt = torch.optim.AdamW(
        [
            {"params": [p1], "lr": 1e-2, "weight_decay": 0.01},
            {"params": [p2], "lr": 3e-2, "weight_decay": 0.0},
        ],
        betas=(0.9, 0.99),
        eps=1e-5,
    )
    steps = []
    for s in range(5):
        lrs = [1e-2 * (1 + s), 3e-2 / (1 + s)]
        beta1 = 0.95 - 0.02 * s
        for g, lr in zip(opt.param_groups, lrs):
            g["lr"] = lr
            g["betas"] = (beta1, 0.99)
        opt.zero_grad()
        loss = (p1.sin() * torch.arange(6.0).reshape(3, 2)).sum() + (p2 ** 2).sum() * (s + 1)
        loss.backward()
        opt.step()
        steps.append({"lrs": lrs, "beta1": beta1, "p1": t(p1), "p2": t(p2)})
    return {"w1": t(w1), "w2": t(w2), "steps": steps}


def clip_case():
    p1 = torch.randn(3, 3, requires_grad=True)
    p2 = torch.randn(5, requires_grad=True)
    ((p1 * 3).sum() + (p2 ** 2).sum()).backward()
    g1, g2 = p1.grad.clone(), p2.grad.clone()
    total = torch.nn.utils.clip_grad_norm_([p1, p2], 1.5)
    return {"g1": t(g1), "g2": t(g2), "max_norm": 1.5, "total": float(total), "c1": t(p1.grad), "c2": t(p2.grad)}


OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"torch": torch.__version__, "ops": cases, "adamw": adam_case(), "clip": clip_case()}, indent=None) + "\n")
print(f"wrote {OUT} ({len(cases)} op cases)")
