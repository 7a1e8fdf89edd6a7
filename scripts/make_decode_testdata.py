#!/usr/bin/python3
"""Writes dataset/testdata/decode/: small JPEGs in the colour spaces ppctl
must accept (YCbCr, grayscale, Adobe CMYK, a landscape image carrying an
EXIF "rotate 90" orientation tag) made by PIL, and PIL's RGB decode of each
as a PNG, for dataset/decode_test.go. PIL decodes with libjpeg-turbo, like
ppctl's default build, and ignores EXIF orientation in Image.open, as ppctl
does.

Run from the repository root: /usr/bin/python3 scripts/make_decode_testdata.py
"""
import os

import numpy as np
from PIL import Image

OUT = "dataset/testdata/decode"


def pattern(w, h, seed):
    """Smooth colour ramps plus mild seeded noise: JPEG-friendly, so that
    decoders agree to a few levels, yet every pixel differs."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, 3), dtype=np.float64)
    img[..., 0] = 40 + 170 * x / max(w - 1, 1)
    img[..., 1] = 220 - 150 * y / max(h - 1, 1)
    img[..., 2] = 90 + 60 * np.sin(x / 3.0) * np.cos(y / 4.0)
    img += rng.normal(0, 4, size=img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def save(name, im, **kw):
    path = os.path.join(OUT, name + ".jpg")
    im.save(path, "JPEG", quality=92, **kw)
    Image.open(path).convert("RGB").save(os.path.join(OUT, name + ".png"))


def main():
    os.makedirs(OUT, exist_ok=True)
    save("ycbcr_16x12", pattern(16, 12, 1))
    save("gray_16x12", pattern(16, 12, 2).convert("L"))
    save("cmyk_16x12", pattern(16, 12, 3).convert("CMYK"))
    save("portrait_12x16", pattern(12, 16, 4))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the viewer should rotate 90 degrees
    save("exif_rotate_16x12", pattern(16, 12, 5), exif=exif.tobytes())


if __name__ == "__main__":
    main()
