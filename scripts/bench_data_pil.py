#!/usr/bin/python3
"""The PIL/torchvision twin of `ppctl bench data`: images per second of the
SimCLR input pipeline on one core, cold (decode every file) and warm (decoded
images cached in memory, only augmentation left).

Per image, the same work as ppctl's loader with a SimCLR pipeline:
  cold only: open the JPEG, Image.draft (libjpeg DCT scaling to no less than
             the resize side), convert to RGB, resize the shorter side to
             --resize with antialiased bilinear (what ppctl's cache stores);
  always:    fastai's Resize crop (a random square of the shorter side,
             resized to --resize), then two views, each RandomResizedCrop to
             --size with scale (0.2, 1) and ratio (3/4, 4/3), a horizontal
             flip, with --color ColorJitter(0.48, 0.48, 0.48, 0.12) and
             RandomGrayscale(0.2), to_tensor; the 2B views of a batch are
             stacked into one float32 tensor.

Prints one JSON line per measurement with the fields of `ppctl bench data
--json` plus "impl": "pil".

  /usr/bin/python3 scripts/bench_data_pil.py --data DIR [--size 128] [--json]
  /usr/bin/python3 scripts/bench_data_pil.py --make-jpegs DIR --n 64

--make-jpegs writes N full-resolution (2048x1365) photograph-like JPEGs to
DIR/images for benchmarking; they are not committed.
"""
import argparse
import glob
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image


# As ppctl's dataset.MinWarmImages: the warm figure covers at least this
# many images unless --warm-epochs says otherwise.
MIN_WARM_IMAGES = 1024


def list_images(data):
    d = os.path.join(data, "images")
    if not os.path.isdir(d):
        d = data
    files = sorted(glob.glob(os.path.join(d, "*.jpg")) + glob.glob(os.path.join(d, "*.png")))
    if not files:
        sys.exit(f"bench_data_pil: no .jpg or .png files in {d}")
    return files


def load_shrunk(path, side):
    """Decode with DCT scaling and resize the shorter side to side."""
    im = Image.open(path)
    im.draft("RGB", (side, side))
    im = im.convert("RGB")
    w, h = im.size
    s = side / min(w, h)
    return im.resize((max(side, round(w * s)), max(side, round(h * s))), Image.BILINEAR)


def make_views(im, resize, view_tf, rng):
    """fastai's Resize crop to resize x resize, then two augmented views."""
    w, h = im.size
    side = min(w, h)
    x = int(rng.random() * (w - side))
    y = int(rng.random() * (h - side))
    base = im.crop((x, y, x + side, y + side))
    if side != resize:
        base = base.resize((resize, resize), Image.BILINEAR)
    return view_tf(base), view_tf(base)


def run_epoch(files, cache, args, view_tf, rng):
    """One pass over files in batches; returns (wall, CPU) seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    for b in range(0, len(files), args.bs):
        v1, v2 = [], []
        for path in files[b:b + args.bs]:
            im = cache.get(path)
            if im is None:
                im = load_shrunk(path, args.resize)
                cache[path] = im
            a, c = make_views(im, args.resize, view_tf, rng)
            v1.append(a)
            v2.append(c)
        batch = torch.stack(v1 + v2)
        assert batch.dtype == torch.float32
    return time.perf_counter() - start, time.process_time() - cpu


def bench(args):
    torch.set_num_threads(1)
    files = list_images(args.data)
    if args.limit:
        files = files[:args.limit]
    tfs = [T.RandomResizedCrop(args.size, scale=(0.2, 1.0), ratio=(3 / 4, 4 / 3)),
           T.RandomHorizontalFlip()]
    if args.color:
        s = 0.6
        tfs += [T.ColorJitter(0.8 * s, 0.8 * s, 0.8 * s, 0.2 * s), T.RandomGrayscale(p=0.2)]
    tfs.append(T.ToTensor())
    view_tf = T.Compose(tfs)
    rng = random.Random(0)
    torch.manual_seed(0)
    cache = {}
    results = [("cold", [run_epoch(files, cache, args, view_tf, rng)])]
    warm = args.warm_epochs or max(2, -(-MIN_WARM_IMAGES // len(files)))
    results.append(("warm", [run_epoch(files, cache, args, view_tf, rng) for _ in range(warm)]))
    for mode, runs in results:
        n = len(files) * len(runs)
        wall, cpu = sum(r[0] for r in runs), sum(r[1] for r in runs)
        rec = {"bench": "data", "impl": "pil", "size": args.size, "bs": args.bs, "mode": mode,
               "workers": 1, "threads": 1, "color": args.color, "images": len(files),
               "seconds": wall / len(runs), "img_per_s": round(n / wall, 3),
               "cpu_img_per_s": round(n / cpu, 3) if cpu > 0 else 0}
        if args.json:
            print(json.dumps(rec))
        else:
            print(f"pil  {mode:4s}  size {args.size}  {len(files)} images  "
                  f"{rec['img_per_s']:9.1f} img/s  {rec['cpu_img_per_s']:9.1f} img per CPU-second")


def make_jpegs(out, n, seed=0):
    """Photograph-like 2048x1365 JPEGs: smooth colour fields, blotches and
    sensor noise, about 0.5-1 MB each at quality 90."""
    d = os.path.join(out, "images")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    h, w = 1365, 2048
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for i in range(n):
        img = np.zeros((h, w, 3), np.float32)
        for c in range(3):
            a, b, p = rng.uniform(0.5, 3, 3)
            img[..., c] = 110 + 60 * np.sin(xx / w * a * 6 + p) * np.cos(yy / h * b * 6)
        for _ in range(30):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(20, 160)
            m = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
            img[m] = img[m] * 0.5 + rng.uniform(0, 255, 3) * 0.5
        img += rng.normal(0, 6, img.shape).astype(np.float32)
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB").save(
            os.path.join(d, f"bench_{i:04d}.jpg"), quality=90)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="dataset directory (its images/ folder) or a folder of JPEGs")
    p.add_argument("--size", type=int, default=128, help="side of each view in pixels (default 128)")
    p.add_argument("--resize", type=int, default=256, help="side of fastai's Resize crop (default 256)")
    p.add_argument("--bs", type=int, default=32, help="images per batch (default 32)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N images (default 0: all)")
    p.add_argument("--warm-epochs", type=int, default=0,
                   help=f"cached epochs to average (default 0: enough for {MIN_WARM_IMAGES} images, at least 2)")
    p.add_argument("--color", action="store_true", help="add colour jitter and random grayscale")
    p.add_argument("--json", action="store_true", help="one JSON line per measurement")
    p.add_argument("--make-jpegs", metavar="DIR", help="write benchmark JPEGs to DIR/images and exit")
    p.add_argument("--n", type=int, default=64, help="number of JPEGs for --make-jpegs (default 64)")
    args = p.parse_args()
    if args.make_jpegs:
        make_jpegs(args.make_jpegs, args.n)
        return
    if not args.data:
        p.error("--data is required")
    bench(args)


if __name__ == "__main__":
    main()
