#!/usr/bin/python3
"""Check checkpoints written by ppctl against the values they should hold.

Usage: /usr/bin/python3 scripts/check_checkpoint.py EXPECTED.json

EXPECTED.json is {"files": [{"path": FILE, "entries": [{"name", "dtype",
"shape", "values"}, ...]}, ...]}, each file's entries in the order the file
must list them; "dtype" is PyTorch's name (float32, bfloat16, ...) and
"values" the elements in row-major order, compared exactly. A .pth FILE is
read with torch.load, as a user would; a .safetensors FILE is parsed by hand
(8-byte little-endian header length, JSON header, raw bytes). Prints
"ok: N files" and exits 0 when everything matches; otherwise prints one line
"FILE: problem" per mismatch and exits 1.

Used by torch/checkpoint's tests (Go writes, Python reads); one run checks
many files, since importing torch takes a second or two.
"""
import json
import struct
import sys

import torch

SAFETENSORS_DTYPES = {
    "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "F64": torch.float64, "I64": torch.int64, "I32": torch.int32,
    "U8": torch.uint8, "BOOL": torch.bool,
}


def load_safetensors(path):
    """Return (ordered list of names, dict of tensors) of a .safetensors file."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    header.pop("__metadata__", None)
    names = sorted(header, key=lambda k: header[k]["data_offsets"][0])
    tensors = {}
    for name in names:
        h = header[name]
        begin, end = h["data_offsets"]
        dtype = SAFETENSORS_DTYPES[h["dtype"]]
        chunk = bytearray(data[begin:end])
        if end > begin:
            t = torch.frombuffer(chunk, dtype=dtype)
        else:
            t = torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(h["shape"])
    return names, tensors


def check(path, expected):
    """Return the problems of one file, as strings."""
    if path.endswith(".safetensors"):
        names, tensors = load_safetensors(path)
    else:
        tensors = torch.load(path)
        if type(tensors) is not dict:
            return [f"torch.load returned a {type(tensors).__name__}, want dict"]
        names = list(tensors)
    problems = []
    want_names = [e["name"] for e in expected]
    if names != want_names:
        problems.append(f"keys {names}, want {want_names}")
    for e in expected:
        t = tensors.get(e["name"])
        if t is None:
            continue
        if not isinstance(t, torch.Tensor):
            problems.append(f"{e['name']}: a {type(t).__name__}, not a tensor")
            continue
        if str(t.dtype) != "torch." + e["dtype"]:
            problems.append(f"{e['name']}: dtype {t.dtype}, want {e['dtype']}")
        if list(t.shape) != e["shape"]:
            problems.append(f"{e['name']}: shape {list(t.shape)}, want {e['shape']}")
        if t.requires_grad:
            problems.append(f"{e['name']}: requires_grad is True")
        flat = t.flatten()
        if t.dtype in (torch.int64, torch.int32, torch.uint8, torch.bool):
            got = [int(v) for v in flat.tolist()]
        else:
            got = flat.double().tolist()
        if got != e["values"]:
            problems.append(f"{e['name']}: values {got}, want {e['values']}")
    return problems


def main():
    with open(sys.argv[1]) as f:
        files = json.load(f)["files"]
    failed = False
    for item in files:
        try:
            problems = check(item["path"], item["entries"])
        except Exception as e:  # a file torch cannot read at all
            problems = [f"{type(e).__name__}: {e}"]
        for p in problems:
            print(f"{item['path']}: {p}")
        failed = failed or bool(problems)
    if failed:
        return 1
    print(f"ok: {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
