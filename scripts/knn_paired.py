#!/usr/bin/python3
"""Paired comparison of two encoders' kNN accuracy on the same images.

  /usr/bin/python3 scripts/knn_paired.py --truth DIR/truth.csv A.csv B.csv [--repeats 10]

A.csv and B.csv are `ppctl embed` outputs (image_id, f0..fN) of the same
images. Both are judged by the protocol of `ppctl eval knn` (L2-normalised
features, cosine similarity, the k nearest training rows vote with weight
exp(similarity / T)) on the same stratified 5-fold splits, repeated with
--repeats different split seeds. Prints each encoder's mean accuracy, the
mean difference B - A with its spread over the repeats, and an exact
two-sided McNemar (sign) test on the images one encoder gets right and the
other wrong, pooled over the repeats' first split so that each image
counts once.

Two accuracies of 400 images near 0.7 each have a standard error of about
0.023, but the same images and folds make their difference far less noisy:
this test asks whether B is better on the same images, not whether two
independent samples differ.
"""
import argparse
import csv
import math

import numpy as np
from sklearn.model_selection import StratifiedKFold


def read_embedding(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return {r[0]: np.array([float(v) for v in r[1:]], dtype=np.float64) for r in rows[1:]}


def read_truth(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return {r[0]: int(np.argmax([float(v) for v in r[1:]])) for r in rows[1:]}


def knn_correct(x, y, folds, k, temp):
    """Per-image correctness of weighted kNN over the given folds."""
    x = x / np.linalg.norm(x, axis=1, keepdims=True).clip(1e-12)
    classes = y.max() + 1
    ok = np.zeros(len(y), dtype=bool)
    for train, test in folds:
        sim = x[test] @ x[train].T
        kk = min(k, len(train))
        top = np.argsort(-sim, axis=1)[:, :kk]
        for row, idx in enumerate(top):
            votes = np.zeros(classes)
            w = np.exp(sim[row, idx] / temp) if temp > 0 else np.ones(kk)
            np.add.at(votes, y[train][idx], w)
            ok[test[row]] = votes.argmax() == y[test[row]]
    return ok


def sign_test(wins, losses):
    """Exact two-sided p-value of wins vs losses under p = 1/2."""
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(0, min(wins, losses) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--truth", required=True)
    p.add_argument("--k", type=int, default=20)
    p.add_argument("--temperature", type=float, default=0.07)
    p.add_argument("--repeats", type=int, default=10)
    args = p.parse_args()
    ea, eb, truth = read_embedding(args.a), read_embedding(args.b), read_truth(args.truth)
    ids = sorted(set(ea) & set(eb) & set(truth))
    if not ids:
        raise SystemExit("knn_paired: no image is in both embeddings and the truth file")
    xa, xb = np.stack([ea[i] for i in ids]), np.stack([eb[i] for i in ids])
    y = np.array([truth[i] for i in ids])
    accs, first = [], None
    for r in range(args.repeats):
        folds = list(StratifiedKFold(5, shuffle=True, random_state=r).split(xa, y))
        oa = knn_correct(xa, y, folds, args.k, args.temperature)
        ob = knn_correct(xb, y, folds, args.k, args.temperature)
        accs.append((oa.mean(), ob.mean()))
        if first is None:
            first = (oa, ob)
    accs = np.array(accs)
    diff = accs[:, 1] - accs[:, 0]
    oa, ob = first
    wins, losses = int((ob & ~oa).sum()), int((oa & ~ob).sum())
    print(f"images {len(ids)}  k {args.k}  T {args.temperature}  repeats {args.repeats}")
    print(f"A {args.a}: {accs[:, 0].mean():.4f}")
    print(f"B {args.b}: {accs[:, 1].mean():.4f}")
    print(f"B - A: {diff.mean():+.4f} (min {diff.min():+.4f}, max {diff.max():+.4f} over the repeats)")
    print(f"first split: B right where A is wrong {wins}, the reverse {losses}, sign test p = {sign_test(wins, losses):.4f}")


if __name__ == "__main__":
    main()
