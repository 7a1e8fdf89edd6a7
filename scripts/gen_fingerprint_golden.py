#!/usr/bin/python3
"""Writes torch/train/testdata/fingerprint/ (a tiny dataset tree) and
torch/train/testdata/fingerprint_golden.json: the dataset fingerprints that
train.Fingerprint must give, computed here from its documented definition.

For each name (relative to the root, slash-separated) in byte order, one line
    <name> TAB <size> TAB <sha256 hex of the bytes for .csv, any case; else "-"> LF
and the fingerprint is "sha256:" + the hex SHA-256 of all lines.

Run: /usr/bin/python3 scripts/gen_fingerprint_golden.py
"""
import hashlib
import json
import os

ROOT = os.path.join(os.path.dirname(__file__), "..", "torch", "train", "testdata")
TREE = os.path.join(ROOT, "fingerprint")

FILES = {
    "train.csv": b"image_id,healthy,multiple_diseases,rust,scab\nTrain_0,1,0,0,0\nTrain_1,0,0,1,0\n",
    "test.csv": b"image_id\nTest_0\n",
    "extra/Labels.CSV": b"image_id,label\nTrain_0,healthy\n",
    "images/Train_0.jpg": bytes(range(7)),
    "images/Train_1.jpg": bytes(range(200, 256)),
    "images/Test_0.jpg": b"\xff\xd8\xff\xd9",
}

CASES = [
    ("all", sorted(FILES, reverse=True)),
    ("csv only", ["train.csv", "test.csv"]),
    ("images only", ["images/Train_1.jpg", "images/Train_0.jpg"]),
    ("none", []),
]


def fingerprint(names):
    h = hashlib.sha256()
    for name in sorted(n.encode() for n in names):
        path = os.path.join(TREE, name.decode())
        size = os.path.getsize(path)
        content = b"-"
        if name.lower().endswith(b".csv"):
            with open(path, "rb") as f:
                content = hashlib.sha256(f.read()).hexdigest().encode()
        h.update(name + b"\t" + str(size).encode() + b"\t" + content + b"\n")
    return "sha256:" + h.hexdigest()


def main():
    for name, data in FILES.items():
        path = os.path.join(TREE, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    cases = [{"name": n, "names": names, "fingerprint": fingerprint(names)} for n, names in CASES]
    with open(os.path.join(ROOT, "fingerprint_golden.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
