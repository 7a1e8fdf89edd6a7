#!/usr/bin/python3
"""Write the checkpoint files that torch/checkpoint's tests read.

Usage: /usr/bin/python3 scripts/gen_checkpoint_golden.py [OUT_DIR]
(default torch/checkpoint/testdata)

Every file is made by PyTorch itself (torch.save; legacy_*.pth in the
non-zip format of PyTorch < 1.6), except minimal.safetensors,
which is laid out by hand here (8-byte little-endian header length, JSON
header, raw bytes) as the safetensors format describes. golden.json lists,
for each file, the tensors in the order a reader must return them, with
dtype, shape and the values in row-major order (the Go test compares them
exactly). Deterministic: torch.manual_seed(0).
"""
import collections
import json
import os
import struct
import sys

import torch
from torch import nn

INT_DTYPES = (torch.int64, torch.int32, torch.uint8, torch.bool)


class Tiny(nn.Module):
    """Conv2d + BatchNorm2d + Linear: a state_dict with an OrderedDict,
    _metadata and num_batches_tracked, as timm models have."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        return self.fc(x.mean((2, 3)))


def describe(name, t):
    t = t.detach()
    flat = t.flatten()
    if t.dtype in INT_DTYPES:
        values = [int(v) for v in flat.tolist()]
    else:
        values = flat.double().tolist()
    return {"name": name, "dtype": str(t.dtype).replace("torch.", ""),
            "shape": list(t.shape), "values": values}


def flat_items(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat_items(v, prefix + k + ".")
        else:
            yield prefix + k, v


def state_dict_file():
    model = Tiny()
    model.train()
    model(torch.randn(2, 3, 5, 5))  # running stats move, num_batches_tracked = 1
    return model.state_dict()


def plain_dict_file():
    return {
        "w": torch.randn(2, 3),
        "step": torch.tensor(5),
        "big": torch.tensor([2**40 + 1, -3, 2**62 + 7]),
        "param": nn.Parameter(torch.tensor([0.5, -1.5])),
        "head": {"weight": torch.randn(2, 2), "bias": torch.zeros(2)},
    }


def views_file():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    return {
        "base": base,
        "t": base.t(),            # strides (1, 4)
        "rows": base[1:],         # storage offset 4
        "col": base[:, 1],        # offset 1, stride 4
        "every_other": base[:, ::2],
        "empty": base[:0],
    }


def half_file():
    h = torch.randn(2, 3).half()
    return {
        "h": h,
        "h_t": h.t(),
        "b": torch.randn(3).bfloat16(),
        "scalar_bf16": torch.tensor(1.5, dtype=torch.bfloat16),
    }


def write_safetensors(path):
    """A minimal file: data in the order z.weight, a.f16, m.bf16, count, but
    the header sorted by key, so a reader must order by data_offsets."""
    tensors = collections.OrderedDict([
        ("z.weight", torch.tensor([[1.0, -2.0], [0.25, 3.5]])),
        ("a.f16", torch.tensor([0.5, -1.0, 2.0], dtype=torch.float16)),
        ("m.bf16", torch.tensor([1.0, -0.5], dtype=torch.bfloat16)),
        ("count", torch.tensor(9)),
    ])
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        raw = t.contiguous().view(torch.uint8).flatten().numpy().tobytes() if t.dim() else \
            t.reshape(1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, sort_keys=True).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    return tensors


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "torch/checkpoint/testdata"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    golden = {}
    for fname, make in [("state_dict.pth", state_dict_file), ("plain_dict.pth", plain_dict_file),
                        ("views.pth", views_file), ("half.pth", half_file)]:
        obj = make()
        torch.save(obj, os.path.join(out, fname))
        golden[fname] = [describe(k, v) for k, v in flat_items(obj)]
    tensors = write_safetensors(os.path.join(out, "minimal.safetensors"))
    golden["minimal.safetensors"] = [describe(k, v) for k, v in tensors.items()]
    # The legacy (non-zip) format of PyTorch < 1.6.
    for fname, make in [("legacy_state_dict.pth", state_dict_file), ("legacy_views.pth", views_file)]:
        obj = make()
        torch.save(obj, os.path.join(out, fname), _use_new_zipfile_serialization=False)
        golden[fname] = [describe(k, v) for k, v in flat_items(obj)]
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "files": golden}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
