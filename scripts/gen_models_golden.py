#!/usr/bin/python3
"""Golden values for torch/models, from our PyTorch reference
(scripts/seresnext_ref.py). Run from the repository root:

    /usr/bin/python3 scripts/gen_models_golden.py

It writes, under torch/models/testdata/:
  keys_<arch>.txt        state_dict keys and shapes of each body, in order
  keys_<arch>_fc1000.txt the same with timm's 1000-class classifier
  keys_seresnext_tiny_head4.txt  encoder + fastai create_head(nf, 4)
  counts.json            parameter counts of every body and classifier
  tiny_golden.json       seresnext_tiny + create_head(256, 3, ps=0) with
                         weights from the deterministic recipe below: train-
                         mode features, logits, loss, gradient summaries and
                         updated buffers, then eval-mode features and logits
  tiny_init_seed7.json   summaries of the weights torch.manual_seed(7) plus
                         timm's and fastai's initialisation give

The recipe (weights from names and positions, no RNG) is repeated in
torch/models/golden_test.go; both sides must agree on it.
"""
import json
import math
import pathlib
import sys

import numpy as np
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import seresnext_ref as ref  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "torch" / "models" / "testdata"
SAMPLES = 48


def recipe(name, j, shape):
    """Deterministic value of the j-th state_dict entry."""
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n, dtype=np.float64)
    if name.endswith("num_batches_tracked"):
        return torch.tensor(j, dtype=torch.int64)
    if name.endswith("running_mean"):
        v = 0.1 * np.sin(0.5 * i + j)
    elif name.endswith("running_var"):
        v = 1 + 0.5 * np.sin(0.7 * i + j) ** 2
    elif name.endswith("bias"):
        v = 0.1 * np.sin(i + 0.3 * j)
    elif len(shape) == 1:
        v = 1 + 0.2 * np.sin(0.9 * i + j)
    else:
        fan_in = n // shape[0]
        v = math.sqrt(3.0 / fan_in) * np.sin(0.61 * i + 0.37 * j + 0.1)
    return torch.from_numpy(v.astype(np.float32)).reshape(shape)


def recipe_input(n, size):
    i = np.arange(n * 3 * size * size, dtype=np.float64)
    v = np.sin(0.05 * i) + 0.3 * np.cos(0.011 * i + 1)
    return torch.from_numpy(v.astype(np.float32)).reshape(n, 3, size, size)


def fill(model):
    sd = model.state_dict()
    model.load_state_dict({k: recipe(k, j, list(t.shape)) for j, (k, t) in enumerate(sd.items())}, strict=True)


def full(t):
    t = t.detach().double()
    return {"shape": list(t.shape), "data": [float("%.8g" % v) for v in t.flatten().tolist()]}


def summary(t):
    """Shape, sum, L2 norm, max |x| and SAMPLES evenly spaced elements."""
    t = t.detach().double().flatten()
    n = t.numel()
    idx = sorted({k * n // SAMPLES for k in range(min(SAMPLES, n))})
    return {"shape": list(t.shape), "numel": n, "sum": float(t.sum()), "norm": float(t.norm()),
            "absmax": float(t.abs().max()), "index": idx, "values": [float("%.8g" % t[k]) for k in idx]}


def keys(name, model):
    lines = [f"{k} {'x'.join(str(s) for s in t.shape) or 'scalar'}" for k, t in model.state_dict().items()]
    (OUT / f"keys_{name}.txt").write_text("\n".join(lines) + "\n")


def tiny_golden():
    model = ref.build("seresnext_tiny", head=3, ps=0.0)
    fill(model)
    x = recipe_input(4, 40)
    labels = torch.tensor([0, 1, 2, 0])
    out = ref.run(model, x, labels)
    g = {"input": {"n": 4, "size": 40}, "labels": labels.tolist(), "grads": {}, "buffers": {}}
    for k, v in out.items():
        if k.startswith("grad."):
            g["grads"][k[5:]] = summary(v)
        elif k.startswith("buffer."):
            g["buffers"][k[7:]] = full(v)
        else:
            g[k] = full(v)
    (OUT / "tiny_golden.json").write_text(json.dumps(g))


def tiny_init():
    torch.manual_seed(7)
    model = ref.build("seresnext_tiny", head=4)
    init = {k: summary(t) for k, t in model.state_dict().items() if t.is_floating_point()}
    (OUT / "tiny_init_seed7.json").write_text(json.dumps({"seed": 7, "classes": 4, "tensors": init}))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    counts = {}
    for arch in ref.VARIANTS:
        body = ref.build(arch)
        keys(arch, body)
        fc = ref.build(arch, classes=1000)
        keys(arch + "_fc1000", fc)
        counts[arch] = {"body": sum(p.numel() for p in body.parameters()),
                        "fc1000": sum(p.numel() for p in fc.parameters())}
    keys("seresnext_tiny_head4", ref.build("seresnext_tiny", head=4))
    (OUT / "counts.json").write_text(json.dumps(counts, indent=1) + "\n")
    tiny_golden()
    tiny_init()


if __name__ == "__main__":
    main()
