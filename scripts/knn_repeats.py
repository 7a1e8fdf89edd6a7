#!/usr/bin/python3
"""kNN accuracy of groups of encoders, each averaged over repeated splits.

  /usr/bin/python3 scripts/knn_repeats.py --truth DIR/truth.csv \\
      random=r42.csv,r7.csv,r8.csv rotnet=e42.csv,e7.csv,e8.csv \\
      [--baseline random] [--repeats 10]

Each FILE is a `ppctl embed` output (image_id, f0..fN); a group is the
same kind of encoder trained (or, for random init, drawn) with different
seeds. Every file is judged by the protocol of `ppctl eval knn` (see
knn_paired.py) on --repeats stratified 5-fold splits, the same splits for
every file, and its accuracy is the mean over the repeats. Prints one line
per file, then per group the mean, minimum and maximum over its seeds.

With --baseline NAME, every other group with as many files is also
compared with that group file by file (the i-th file of each, so list the
seeds in the same order: a pretraining run against the random init it
started from): the mean, smallest and largest difference, in how many
seeds the group is ahead, and a one-sample t-test of the differences
(two-sided p; the seeds are the independent samples here, the images
and splits are shared).

Why groups: a random-init encoder's kNN accuracy moves by several points
with the seed of its weights, so one random draw is a noisy baseline, and
so is one pretraining run. Comparing groups of seeds shows how far apart
the two kinds of encoder are, not how lucky one draw was.
"""
import argparse

import numpy as np
from scipy import stats
from sklearn.model_selection import StratifiedKFold

from knn_paired import knn_correct, read_embedding, read_truth


def parse_group(arg):
    """NAME=FILE[,FILE...] -> (NAME, [FILE, ...])."""
    name, sep, files = arg.partition("=")
    if not sep or not name or not files:
        raise argparse.ArgumentTypeError(f"{arg!r}: write a group as NAME=FILE[,FILE...]")
    return name, files.split(",")


def repeat_mean(path, truth, repeats, k, temp):
    """Mean kNN accuracy of one embedding over the repeated splits."""
    emb = read_embedding(path)
    ids = sorted(set(emb) & set(truth))
    if not ids:
        raise SystemExit(f"knn_repeats: {path} has no image of the truth file")
    x = np.stack([emb[i] for i in ids])
    y = np.array([truth[i] for i in ids])
    accs = []
    for r in range(repeats):
        folds = list(StratifiedKFold(5, shuffle=True, random_state=r).split(x, y))
        accs.append(knn_correct(x, y, folds, k, temp).mean())
    return len(ids), float(np.mean(accs))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("groups", nargs="+", type=parse_group, metavar="NAME=FILE[,FILE...]")
    p.add_argument("--truth", required=True)
    p.add_argument("--k", type=int, default=20)
    p.add_argument("--temperature", type=float, default=0.07)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--baseline", help="group to compare the others with, seed by seed")
    args = p.parse_args()
    truth = read_truth(args.truth)
    summary = []
    for name, files in args.groups:
        accs = []
        for path in files:
            n, acc = repeat_mean(path, truth, args.repeats, args.k, args.temperature)
            print(f"{name} {path}: {acc:.4f} ({n} images)")
            accs.append(acc)
        summary.append((name, accs))
    print(f"k {args.k}  T {args.temperature}  repeats {args.repeats}")
    for name, accs in summary:
        print(f"{name}: mean {np.mean(accs):.4f}  min {min(accs):.4f}  max {max(accs):.4f}  over {len(accs)} seeds")
    if args.baseline is None:
        return
    base = dict(summary).get(args.baseline)
    if base is None:
        raise SystemExit(f"knn_repeats: --baseline {args.baseline}: no group of that name")
    for name, accs in summary:
        if name == args.baseline:
            continue
        if len(accs) != len(base):
            print(f"{name} - {args.baseline}: not compared ({len(accs)} files against {len(base)})")
            continue
        d = np.array(accs) - np.array(base)
        test = f"  t-test p {stats.ttest_1samp(d, 0).pvalue:.3f}" if len(d) > 1 else ""
        print(f"{name} - {args.baseline}: mean {d.mean():+.4f}  min {d.min():+.4f}  max {d.max():+.4f}  "
              f"ahead in {int((d > 0).sum())} of {len(d)} seeds{test}")


if __name__ == "__main__":
    main()
