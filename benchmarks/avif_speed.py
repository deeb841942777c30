#!/usr/bin/env python3
"""Which aom speed should imagebank's AVIF default be?  Measures it.

For each aom speed, every corpus JPEG (or --limit of them) is resized once to
the `detail` preset (1200 px box) and to `zoom` (2400 px box) with imagebank,
then encoded as AVIF at the variants' default quality (60), one encoder
thread: CPU seconds per megapixel (median over the images), total bytes, and
mean SSIM (luma, scikit-image) of the decoded AVIF against the resized
pixels.  Relative columns compare with speed 6.

    .venv/bin/python benchmarks/avif_speed.py [--speeds 4,5,6,7,8,9,10] [--limit N]
"""
from __future__ import annotations

import argparse
import glob
import io
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import imagebank


def luma(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.float32)
    return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--speeds", default="4,5,6,7,8,9,10")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--quality", type=int, default=60)
    ap.add_argument("--corpus")
    args = ap.parse_args()
    from PIL import Image
    import pillow_avif  # noqa: F401  (decodes the AVIFs for SSIM)
    from skimage.metrics import structural_similarity

    corpus = args.corpus or subprocess.run(
        [os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "fetch-photos")],
        capture_output=True, text=True, check=True).stdout.strip()
    paths = sorted(glob.glob(os.path.join(corpus, "*.jpg")))
    if args.limit:
        paths = paths[: args.limit]
    images = []
    for p in paths:
        for box in (1200, 2400):
            src = imagebank.decode(p, target_width=box, target_height=box)
            img = imagebank.fit_to(src, box, box)
            images.append((os.path.basename(p), box, img, luma(np.asarray(img))))
    mp = sum(i[2].width * i[2].height for i in images) / 1e6
    print(f"{len(paths)} corpus JPEGs at 1200 and 2400 px boxes: {len(images)} images, {mp:.1f} MP; "
          f"AVIF q{args.quality}, 1 thread; {imagebank.encoder_fingerprint('avif', quality=args.quality)}",
          file=sys.stderr)
    rows = []
    for speed in [int(s) for s in args.speeds.split(",")]:
        per_mp, total, ssims = [], 0, []
        for name, box, img, ref in images:
            times = []
            for _ in range(3 if img.width * img.height < 2e6 else 1):
                t = time.process_time()
                data = imagebank.encode(img, "avif", quality=args.quality, speed=speed, threads=1)
                times.append(time.process_time() - t)
            per_mp.append(statistics.median(times) / (img.width * img.height / 1e6))
            total += len(data)
            out = luma(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
            ssims.append(structural_similarity(ref, out, data_range=255, gaussian_weights=True, sigma=1.5,
                                               use_sample_covariance=False))
        rows.append((speed, statistics.median(per_mp), total, statistics.fmean(ssims)))
        print(f"  speed {speed}: {rows[-1][1]:.3f} CPU s/MP, {total / 1e6:.2f} MB, SSIM {rows[-1][3]:.4f}",
              file=sys.stderr)
    base = next((r for r in rows if r[0] == 6), rows[0])
    print("| aom speed | CPU s / MP (median) | vs speed %d | MB | vs speed %d | SSIM mean | vs speed %d |"
          % (base[0], base[0], base[0]))
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for s, t, b, q in rows:
        print(f"| {s} | {t:.3f} | {t / base[1]:.2f}x | {b / 1e6:.2f} | {b / base[2]:.3f}x | {q:.4f} | "
              f"{q - base[3]:+.4f} |")


if __name__ == "__main__":
    main()
