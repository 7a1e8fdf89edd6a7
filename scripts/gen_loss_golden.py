#!/usr/bin/python3
"""Golden values for train.OneHotCrossEntropy, the blog's
CrossEntropyLossOneHot: mean(sum(-target * log_softmax(logits), -1)).

Run with Debian's torch: /usr/bin/python3 scripts/gen_loss_golden.py
It writes torch/train/testdata/loss_golden.json: logits, targets (one-hot,
blended hard, blended with probabilities), the loss and its gradient with
respect to the logits. The one-hot case is also checked against
torch.nn.functional.cross_entropy.
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = pathlib.Path(__file__).resolve().parent.parent / "torch" / "train" / "testdata" / "loss_golden.json"


def flat(x):
    return [float("%.9g" % v) for v in x.detach().flatten().tolist()]


def case(name, logits, target):
    x = logits.clone().requires_grad_()
    loss = torch.mean(torch.sum(-target * torch.log_softmax(x, -1), -1))
    loss.backward()
    return {"name": name, "n": logits.shape[0], "k": logits.shape[1], "logits": flat(logits),
            "targets": flat(target), "loss": float(loss), "grad": flat(x.grad)}


logits = torch.randn(6, 4) * 2
given = torch.tensor([0, 1, 2, 3, 2, 0])
pseudo = torch.tensor([0, 2, 2, 1, 3, 0])
probs = torch.softmax(torch.randn(6, 4), -1)
onehot = F.one_hot(given, 4).float()
w = 0.5
cases = [
    case("onehot", logits, onehot),
    case("blend_hard", logits, w * onehot + (1 - w) * F.one_hot(pseudo, 4).float()),
    case("blend_probs", logits, 0.7 * onehot + 0.3 * probs),
]
ce = float(F.cross_entropy(logits, given))
assert abs(ce - cases[0]["loss"]) < 1e-6, (ce, cases[0]["loss"])
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"torch": torch.__version__, "cases": cases}) + "\n")
print(f"wrote {OUT}")
