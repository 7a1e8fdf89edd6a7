#!/usr/bin/python3
"""Golden values for ssl.NTXent: the blog's SimCLRLoss computed by PyTorch.

For a few seeded (2B, D) inputs and temperatures it evaluates, in float64,
the loss exactly as the blog's code does (F.cosine_similarity of every pair,
divided by the temperature, the diagonal removed by indexing, cross-entropy
with row i's positive at (i+B) mod 2B), and its gradient with respect to the
input, and writes them to ssl/testdata/ntxent_golden.json.

Run with Debian's torch: /usr/bin/python3 scripts/gen_ntxent_golden.py
"""
import json
import os

import torch
import torch.nn.functional as F


def without_diagonal(m):
    """The (n, n-1) matrix of m's off-diagonal entries, row by row."""
    n = m.shape[0]
    keep = ~torch.eye(n, dtype=torch.bool)
    return m[keep].reshape(n, n - 1)


def blog_loss(z, temperature):
    """SimCLRLoss.forward of the blog, with the targets its callback makes."""
    n = z.shape[0]
    targ = torch.arange(n).roll(n // 2)
    csim = F.cosine_similarity(z, z.unsqueeze(dim=1), dim=-1) / temperature
    csim = without_diagonal(csim)
    targ = without_diagonal(torch.eye(n, dtype=z.dtype)[targ]).nonzero()[:, -1]
    return F.cross_entropy(csim, targ)


def case(name, b, d, temperature, seed):
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(2 * b, d, generator=g, dtype=torch.float64)
    z = z.float().double().requires_grad_(True)  # values exact in float32
    loss = blog_loss(z, temperature)
    loss.backward()
    return {
        "name": name, "rows": 2 * b, "dim": d, "temperature": temperature,
        "z": z.detach().flatten().tolist(),
        "loss": loss.item(),
        "grad": z.grad.flatten().tolist(),
    }


def main():
    cases = [
        case("B=1 D=3 tau=0.5", 1, 3, 0.5, 1),
        case("B=2 D=4 tau=0.5", 2, 4, 0.5, 2),
        case("B=4 D=8 tau=0.1", 4, 8, 0.1, 3),
        case("B=3 D=5 tau=1", 3, 5, 1.0, 4),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ssl", "testdata", "ntxent_golden.json")
    with open(out, "w") as f:
        json.dump({"generator": "scripts/gen_ntxent_golden.py", "torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
