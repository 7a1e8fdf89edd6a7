#!/usr/bin/python3
"""Writes dataset/testdata/augment/golden.json: what torchvision (0.14, tensor
functional ops on float images) and PIL make of a tiny RGB image under the
deterministic parts of dataset's augmentations, for dataset/augment_golden_test.go.

- colour adjustments with fixed factors (brightness, contrast, saturation, hue):
  torchvision.transforms.functional on the image as float32 in [0, 1]; the
  result is stored on the 0..255 scale, unrounded, so the Go test can demand
  |got - want| <= 0.5 (its uint8 output is the rounded value);
- Gaussian blur with a fixed sigma: torchvision's gaussian_blur on the float
  image (0..255 scale), unrounded, same tolerance;
- grayscale: PIL's convert("L") (ITU-R 601-2 luma in fixed point), exact;
- rot90: torch.rot90 over the (H, W) dimensions, exact;
- to-tensor + ImageNet normalization: torchvision's to_tensor + normalize, CHW.

Run from the repository root: /usr/bin/python3 scripts/gen_augment_golden.py
"""
import json
import os

import numpy as np
import torch
import torchvision.transforms.functional as F
from PIL import Image

OUT = "dataset/testdata/augment"
W, H = 5, 4

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def source():
    """A 5x4 image of distinct, seeded colours, plus pixels that exercise the
    edge cases: pure black and white, a gray (hue undefined), saturated
    primaries, and near-white values that brightness > 1 clips."""
    rng = np.random.default_rng(20)
    img = rng.integers(0, 256, size=(H, W, 3), dtype=np.uint8)
    img[0, 0] = (0, 0, 0)
    img[0, 1] = (255, 255, 255)
    img[0, 2] = (128, 128, 128)
    img[1, 0] = (255, 0, 0)
    img[1, 1] = (0, 255, 0)
    img[1, 2] = (0, 0, 255)
    img[2, 0] = (250, 240, 10)
    img[3, 4] = (12, 200, 201)
    return img


def as_float(img):
    """HWC uint8 -> CHW float32 in [0, 1]."""
    return torch.from_numpy(img).permute(2, 0, 1).float() / 255.0


def hwc255(t):
    """CHW float in [0, 1] -> flat HWC list on the 0..255 scale."""
    return (t.permute(1, 2, 0) * 255.0).flatten().tolist()


def colour_cases(img):
    x = as_float(img)
    ops = {
        "brightness": F.adjust_brightness,
        "contrast": F.adjust_contrast,
        "saturation": F.adjust_saturation,
        "hue": F.adjust_hue,
    }
    factors = {
        "brightness": [0.0, 0.5, 1.3],
        "contrast": [0.0, 0.4, 1.6],
        "saturation": [0.0, 0.3, 1.7],
        "hue": [-0.5, -0.3, 0.1, 0.45],
    }
    cases = []
    for op, fs in factors.items():
        for f in fs:
            cases.append({"op": op, "factor": f, "out": hwc255(ops[op](x, f))})
    return cases


def blur_cases(img):
    x = torch.from_numpy(img).permute(2, 0, 1).float()
    cases = []
    for k, sigma in [(3, 0.8), (5, 1.5), (3, 0.1)]:
        out = F.gaussian_blur(x, [k, k], [sigma, sigma])
        cases.append({"kernel": k, "sigma": sigma,
                      "out": out.permute(1, 2, 0).flatten().tolist()})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    img = source()
    gray = np.asarray(Image.fromarray(img, "RGB").convert("L"))
    rot = []
    for k in (1, 2, 3):
        r = torch.rot90(torch.from_numpy(img), k, dims=(0, 1))
        rot.append({"k": k, "w": r.shape[1], "h": r.shape[0],
                    "pix": r.flatten().tolist()})
    norm = F.normalize(F.to_tensor(Image.fromarray(img, "RGB")),
                       IMAGENET_MEAN, IMAGENET_STD)
    golden = {
        "w": W, "h": H,
        "src": img.flatten().tolist(),
        "colour": colour_cases(img),
        "blur": blur_cases(img),
        "gray": gray.flatten().tolist(),
        "rot90": rot,
        "imagenet_chw": norm.flatten().tolist(),
        "plain_chw": F.to_tensor(Image.fromarray(img, "RGB")).flatten().tolist(),
    }
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
