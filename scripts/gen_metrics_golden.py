#!/usr/bin/python3
"""Writes torch/train/testdata/metrics_golden.json: small random
classification cases (ties, imbalance, soft targets, a class missing) with
what Debian's scikit-learn says about them, for torch/train/metrics_test.go.

Scores are float32 (what a model emits); each is written as the float64 value
of the float32, so Go recovers exactly the numbers scikit-learn saw.

Run from the repository root: /usr/bin/python3 scripts/gen_metrics_golden.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score, roc_curve

OUT = "torch/train/testdata/metrics_golden.json"


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def random_probs(rng, n, c):
    return softmax(rng.normal(0, 1.5, size=(n, c))).astype(np.float32)


def labels_covering(rng, n, c, weights=None):
    """n labels in [0, c) drawn with weights, every class at least once."""
    while True:
        y = rng.choice(c, size=n, p=weights)
        if len(set(y.tolist())) == c:
            return y


def make_cases(rng):
    cases = []
    # plain: random probabilities, balanced labels
    y = labels_covering(rng, 24, 4)
    cases.append(("random_4class", random_probs(rng, 24, 4), y, None))
    # ties: scores quantized to quarters so many are equal within a column
    p = np.round(random_probs(rng, 30, 3) * 4) / 4
    cases.append(("ties_quantized", p.astype(np.float32), labels_covering(rng, 30, 3), None))
    # every score of a column equal: AUC 0.5 there
    p = random_probs(rng, 10, 3)
    p[:, 1] = 0.25
    cases.append(("constant_column", p, labels_covering(rng, 10, 3), None))
    # imbalanced: the rare class has exactly one positive
    y = labels_covering(rng, 40, 4, weights=[0.45, 0.05, 0.25, 0.25])
    y[y == 1] = 0
    y[7] = 1
    cases.append(("imbalanced_one_positive", random_probs(rng, 40, 4), y, None))
    # perfect and reversed separation (binary problem as two columns)
    y = np.array([0, 0, 0, 1, 1, 1, 0, 1])
    s = np.where(y == 1, 0.9, 0.1) + 0.01 * np.arange(8)
    p = np.stack([1 - s, s], axis=1).astype(np.float32)
    cases.append(("perfect", p, y, None))
    cases.append(("reversed", p[:, ::-1].copy(), y, None))
    # soft targets: 0.5 onehot(given) + 0.5 onehot(pseudo); labels are argmax
    given = labels_covering(rng, 20, 4)
    pseudo = np.where(rng.random(20) < 0.3, rng.integers(0, 4, 20), given)
    t = 0.5 * np.eye(4)[given] + 0.5 * np.eye(4)[pseudo]
    cases.append(("soft_targets", random_probs(rng, 20, 4), None, t.astype(np.float32)))
    # a class absent from the labels: ROC AUC undefined for that column
    y = labels_covering(rng, 12, 3)
    y[y == 2] = 0
    cases.append(("missing_class", random_probs(rng, 12, 3), y, None))
    return cases


def describe(name, p, y, t):
    n, c = p.shape
    case = {"name": name, "classes": c, "scores": [float(v) for v in p.ravel()]}
    if t is not None:
        case["targets"] = [float(v) for v in t.ravel()]
        y = t.argmax(axis=1)  # numpy: first maximum, as Go's Argmax
    else:
        case["labels"] = y.tolist()
    pred = p.argmax(axis=1)
    case["accuracy"] = float(accuracy_score(y, pred))
    case["confusion"] = confusion_matrix(y, pred, labels=list(range(c))).tolist()
    onehot = np.eye(c)[y]
    bad = [k for k in range(c) if len(set(onehot[:, k].tolist())) < 2]
    if bad:
        try:
            roc_auc_score(onehot, p, average=None)
            raise SystemExit(name + ": scikit-learn did not refuse a one-class column")
        except ValueError:
            case["auc_error_class"] = bad[0]
        return case
    case["auc_per_class"] = [float(v) for v in roc_auc_score(onehot, p, average=None)]
    case["auc_mean"] = float(roc_auc_score(onehot, p, average="macro"))
    curves = []
    for k in range(c):
        fpr, tpr, thr = roc_curve(onehot[:, k], p[:, k], drop_intermediate=False)
        # thresholds[0] is max+1 in scikit-learn 1.2 (+inf later): not compared
        curves.append({"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr[1:].tolist()})
    case["roc"] = curves
    return case


def main():
    rng = np.random.default_rng(20261201)
    cases = [describe(*c) for c in make_cases(rng)]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:  # one case a line: small diffs on regeneration
        f.write('{"sklearn": %s, "cases": [\n' % json.dumps(sklearn.__version__))
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
