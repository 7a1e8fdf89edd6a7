#!/usr/bin/python3
"""Writes torch/train/testdata/schedule_golden.json: the learning rate of every
parameter group and the momentum (Adam's beta1) at every training batch of a
few fastai fit_one_cycle and fine_tune calls, for torch/train/schedule_test.go.

fastai is not installable here, so this is our own small re-implementation of
the mechanics fastai 2 documents, kept deliberately close to how fastai
evaluates them (so that the Go code, which works in float64 from step/total,
is checked against the way fastai really steps):
  - the position of a batch is pct_train, reset to epoch/n_epoch at each epoch
    and advanced by 1/(n_iter*n_epoch) after each batch;
  - the phase boundaries are a float32 torch tensor cumsum([0, pct, 1-pct]),
    the phase is the last boundary <= pos (capped at the second phase), and
    the position inside it is computed against those float32 boundaries;
  - each phase is a half cosine, start + (1 + cos(pi*(1-t))) * (end-start)/2;
  - a slice of rates over n groups: slice(stop) gives stop/10 to all groups
    but the last, slice(start, stop) a geometric ramp, one group gets stop.

Run from the repository root: /usr/bin/python3 scripts/gen_schedule_golden.py
"""
import json
import math
import os

import torch

OUT = "torch/train/testdata/schedule_golden.json"


def half_cos(start, end, t):
    return start + (1 + math.cos(math.pi * (1 - t))) * (end - start) / 2


def two_phase_cos(pct, start, middle, end):
    bounds = torch.cumsum(torch.tensor([0.0, pct, 1.0 - pct]), 0)  # float32

    def at(pos):
        reached = (pos >= bounds).nonzero().max().item()
        k = min(reached, 1)
        t = ((pos - bounds[k]) / (bounds[k + 1] - bounds[k])).item()
        a, b = (start, middle) if k == 0 else (middle, end)
        return half_cos(a, b, t)

    return at


def spread(start, stop, n):
    if start is None:
        return [stop / 10] * (n - 1) + [stop]
    if n == 1:
        return [stop]
    q = (stop / start) ** (1 / (n - 1))
    return [start * q**i for i in range(n)]


def one_cycle(n_epoch, n_iter, lr_max, div=25.0, div_final=1e5, pct_start=0.25,
              moms=(0.95, 0.85, 0.95)):
    lr_scheds = [two_phase_cos(pct_start, lr / div, lr, lr / div_final) for lr in lr_max]
    mom_sched = two_phase_cos(pct_start, *moms)
    steps = []
    for epoch in range(n_epoch):
        pos = epoch / n_epoch
        for _ in range(n_iter):
            steps.append({"lrs": [f(pos) for f in lr_scheds], "mom": mom_sched(pos)})
            pos += 1.0 / (n_iter * n_epoch)
    return steps


def fine_tune(n_groups, n_iter, epochs, base_lr=2e-3, freeze_epochs=1, lr_mult=100,
              pct_start=0.3, div=5.0):
    phases = []
    lrs = spread(None, base_lr, n_groups)
    phases.append({"name": "freeze", "epochs": freeze_epochs, "frozen_groups": n_groups - 1,
                   "lr_max": lrs, "steps": one_cycle(freeze_epochs, n_iter, lrs, pct_start=0.99)})
    base_lr /= 2
    lrs = spread(base_lr / lr_mult, base_lr, n_groups)
    phases.append({"name": "unfreeze", "epochs": epochs, "frozen_groups": 0, "lr_max": lrs,
                   "steps": one_cycle(epochs, n_iter, lrs, pct_start=pct_start, div=div)})
    return phases


def main():
    cases = []
    for name, groups, n_iter, kw in [
        ("fine_tune_defaults_2groups", 2, 4, dict(epochs=2)),
        ("fine_tune_blog_softlabel_2groups", 2, 5, dict(epochs=3, base_lr=1e-3, freeze_epochs=2)),
        ("fine_tune_3groups", 3, 3, dict(epochs=2, base_lr=1e-2, lr_mult=50, pct_start=0.25, div=10)),
        ("fine_tune_blog_single_group", 1, 3, dict(epochs=2, base_lr=1e-3, freeze_epochs=2)),
    ]:
        cases.append({"name": name, "kind": "fine_tune", "groups": groups, "n_iter": n_iter,
                      "args": kw, "phases": fine_tune(groups, n_iter, **kw)})
    for name, n_epoch, n_iter, lr_max, kw in [
        ("one_cycle_pretext", 3, 4, [1e-4], {}),
        ("one_cycle_no_warmup", 2, 3, [1e-3, 1e-2], dict(pct_start=0.0, div=10.0)),
        ("one_cycle_custom", 2, 7, [3e-3], dict(div_final=1e3, pct_start=0.5, moms=(0.9, 0.8, 0.85))),
    ]:
        args = dict(kw, lr_max=lr_max)
        phase = {"name": "fit", "epochs": n_epoch, "frozen_groups": 0, "lr_max": lr_max,
                 "steps": one_cycle(n_epoch, n_iter, lr_max, **kw)}
        cases.append({"name": name, "kind": "one_cycle", "groups": len(lr_max), "n_iter": n_iter,
                      "args": args, "phases": [phase]})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:  # one case a line: small diffs on regeneration
        f.write('{"cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
