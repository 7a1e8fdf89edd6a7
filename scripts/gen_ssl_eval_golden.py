#!/usr/bin/python3
"""Golden values for ssl's encoder judges: scikit-learn's kNN and logistic
regression on the same folds as the Go code is given.

Writes ssl/testdata/eval_golden.json: seeded features of a few noisy
Gaussian classes, their labels, a fold per row, and per case:
  knn     KNeighborsClassifier(metric="cosine") predictions of every row by
          the model of the other folds, uniform votes or weights
          exp(similarity / T) (a callable on the cosine distance)
  linear  LogisticRegression (multinomial, lbfgs) with C = 1 / (l2 * n_train)
          on features standardized by the training rows, which minimises
          the same objective as ssl.LinearProbe: mean cross-entropy +
          l2/2 |W|^2, intercept unpenalized.

Run with Debian's sklearn: /usr/bin/python3 scripts/gen_ssl_eval_golden.py
"""
import json
import os

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier


def data(seed, n, d, classes, spread):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, d))
    labels = rng.integers(0, classes, size=n)
    feats = centres[labels] + spread * rng.normal(size=(n, d))
    feats = feats.astype(np.float32)  # what Go holds
    folds = np.arange(n) % 4
    rng.shuffle(folds)
    return feats, labels, folds


def knn_predictions(feats, labels, folds, k, temperature):
    pred = np.zeros(len(labels), dtype=int)
    if temperature > 0:
        weights = lambda dist: np.exp((1 - dist) / temperature)
    else:
        weights = "uniform"
    for f in range(folds.max() + 1):
        tr, te = folds != f, folds == f
        m = KNeighborsClassifier(n_neighbors=k, metric="cosine", weights=weights, algorithm="brute")
        m.fit(feats[tr].astype(np.float64), labels[tr])
        pred[te] = m.predict(feats[te].astype(np.float64))
    return pred.tolist()


def linear_predictions(feats, labels, folds, l2):
    pred = np.zeros(len(labels), dtype=int)
    x = feats.astype(np.float64)
    for f in range(folds.max() + 1):
        tr, te = folds != f, folds == f
        mean, std = x[tr].mean(0), x[tr].std(0)
        std[std < 1e-12] = 1
        m = LogisticRegression(C=1 / (l2 * tr.sum()), max_iter=10000, tol=1e-10)
        m.fit((x[tr] - mean) / std, labels[tr])
        pred[te] = m.predict((x[te] - mean) / std)
    return pred.tolist()


def main():
    feats, labels, folds = data(11, 60, 6, 3, 1.2)
    out = {
        "generator": "scripts/gen_ssl_eval_golden.py",
        "features": feats.tolist(), "labels": labels.tolist(), "folds": folds.tolist(),
        "knn": [
            {"k": k, "temperature": t, "predictions": knn_predictions(feats, labels, folds, k, t)}
            for k, t in [(1, 0), (5, 0), (7, 0.07), (20, 0.5)]
        ],
        "linear": [{"l2": l2, "predictions": linear_predictions(feats, labels, folds, l2)} for l2 in [1e-3, 1e-1]],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ssl", "testdata", "eval_golden.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
