#!/usr/bin/python3
"""PyTorch twin of `ppctl bench model`: the same model (scripts/seresnext_ref.py,
timm's layout, fastai's 4-class head), the same step (forward, one-hot
cross-entropy, backward, AdamW with fastai's settings) or eval forward, on the
same libtorch (Debian's torch), printing the same JSON fields.

  /usr/bin/python3 scripts/bench_model_torch.py --arch seresnext50_32x4d --size 128 --bs 16 --mode train
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seresnext_ref import build  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="seresnext50_32x4d")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--bs", type=int, default=16)
    ap.add_argument("--mode", choices=["train", "infer"], default="train")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(a.arch, head=4)
    x = torch.randn(a.bs, 3, a.size, a.size)
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    target = torch.nn.functional.one_hot(torch.arange(a.bs) % 4, 4).float()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.99), eps=1e-5, weight_decay=0.01)
    autocast = a.precision == "bf16"

    def step():
        if a.mode == "infer":
            model.eval()
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
                model(x).sum().item()
            return
        model.train()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            logits = model(x)
        loss = -(target * torch.log_softmax(logits.float(), 1)).sum(1).mean()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(a.warmup):
        step()
    t = time.perf_counter()
    for _ in range(a.steps):
        step()
    secs = (time.perf_counter() - t) / a.steps
    res = {"bench": "model", "arch": a.arch, "size": a.size, "bs": a.bs, "mode": a.mode, "precision": a.precision,
           "threads": torch.get_num_threads(), "channels_last": a.channels_last, "steps": a.steps,
           "img_per_s": a.bs / secs, "step_s": secs}
    if a.json:
        print(json.dumps(res))
    else:
        print(f"bench model (pytorch) {a.arch} {a.size}px bs {a.bs} {a.mode} {a.precision}: {res['img_per_s']:.1f} img/s ({secs:.3f} s/step)")


if __name__ == "__main__":
    main()
