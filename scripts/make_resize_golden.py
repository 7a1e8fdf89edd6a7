#!/usr/bin/python3
"""Writes dataset/testdata/resize/: a small deterministic RGB source image and
what PIL's antialiased bilinear resize (the filter torchvision's Resize and
RandomResizedCrop use on PIL images) makes of it, for dataset/resize_test.go.

Run from the repository root: /usr/bin/python3 scripts/make_resize_golden.py
"""
import json
import os

import numpy as np
from PIL import Image

OUT = "dataset/testdata/resize"

# (name, crop box (left, top, right, bottom) or None, output width, height)
CASES = [
    ("down_5x7", None, 5, 7),
    ("down_3x2", None, 3, 2),
    ("up_20x9", None, 20, 9),
    ("mixed_24x4", None, 24, 4),
    ("region_6x6", (2, 3, 13, 11), 6, 6),
    ("region_up_9x5", (4, 1, 8, 4), 9, 5),
]


def source():
    """A 16x12 image: smooth ramps plus seeded noise plus a hard edge, so that
    both the kernel weights and the edge handling matter."""
    rng = np.random.default_rng(5)
    h, w = 12, 16
    y, x = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, 3), dtype=np.float64)
    img[..., 0] = 16 * x
    img[..., 1] = 20 * y
    img[..., 2] = np.where(x + y > 12, 230, 20)
    img += rng.normal(0, 25, size=img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def main():
    os.makedirs(OUT, exist_ok=True)
    src = source()
    src.save(os.path.join(OUT, "src.png"))
    index = []
    for name, box, w, h in CASES:
        im = src.crop(box) if box else src
        out = im.resize((w, h), Image.BILINEAR)
        out.save(os.path.join(OUT, name + ".png"))
        index.append({"name": name, "box": box, "w": w, "h": h})
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
