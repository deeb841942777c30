#!/usr/bin/env python3
"""PDQ: imagebank vs pdqhash (Meta's reference C++ behind Python bindings), in
one run, with ratios and the Hamming distance between their hashes.

Two jobs on every photo of the corpus (JPEG and PNG):

  file    imagebank.pdq(path): decode (shrink-on-load, EXIF orientation,
          ICC to sRGB) and hash, versus pdqhash's normal use: Pillow
          Image.open + ImageOps.exif_transpose + convert("RGB"), numpy.asarray,
          pdqhash.compute.
  pixels  the hash alone on the same decoded pixels (imagebank.decode's):
          imagebank.pdq(image) versus pdqhash.compute(numpy array, RGB).

Both tools hash on one thread; the passes alternate tool by tool per image,
so machine noise falls on both. Reported per image: the median time of
--repeats passes (after one warm-up), the ratio pdqhash / imagebank, and the
Hamming distance and quality difference between the two hashes. Progress goes
to stderr, the report (markdown) to stdout. See benchmarks/peers/README.md.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent.parent


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def corpus_dir(arg: str | None) -> pathlib.Path:
    if arg:
        return pathlib.Path(arg)
    script = REPO.parent / "shared" / "corpus" / "fetch-photos"
    if not script.exists():
        script = pathlib.Path("/work/shared/corpus/fetch-photos")
    out = subprocess.run([str(script)], check=True, stdout=subprocess.PIPE, text=True)
    return pathlib.Path(out.stdout.strip())


def timed(fn, repeats: int):
    fn()  # warm-up
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="folder of photos (default: fetch-photos' folder)")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes per image (median)")
    args = ap.parse_args()

    try:
        import numpy as np
        import pdqhash
        from PIL import Image, ImageOps

        import imagebank
    except ImportError as e:
        log(f"missing {e.name}: {REPO}/scripts/install-deps.sh --test installs it")
        return 2

    Image.MAX_IMAGE_PIXELS = None  # the corpus is trusted
    files = sorted(
        p for p in corpus_dir(args.corpus).iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"}
    )
    if not files:
        log("no photos in the corpus folder")
        return 2

    def ref_bytes(bits) -> bytes:
        return np.packbits(bits).tobytes()

    def pdqhash_file(path):
        with Image.open(path) as im:
            rgb = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
        bits, quality = pdqhash.compute(rgb)
        return ref_bytes(bits), quality

    rows = []
    for path in files:
        log(path.name)
        image = imagebank.decode(path)
        pixels = np.asarray(image)
        # pdqhash takes RGB: drop alpha, repeat grey.
        if pixels.shape[2] < 3:
            pixels = np.repeat(pixels[:, :, :1], 3, axis=2)
        rgb = np.ascontiguousarray(pixels[:, :, :3])
        t_ib_file, (h_ib_file, q_ib_file) = timed(lambda: imagebank.pdq(path), args.repeats)
        t_ref_file, (h_ref_file, q_ref_file) = timed(lambda: pdqhash_file(path), args.repeats)
        t_ib_px, (h_ib_px, q_ib_px) = timed(lambda: imagebank.pdq(image), args.repeats)
        t_ref_px, (bits, q_ref_px) = timed(lambda: pdqhash.compute(rgb), args.repeats)
        h_ref_px = ref_bytes(bits)
        rows.append(
            dict(
                name=path.name,
                mp=image.width * image.height / 1e6,
                t_ib_file=t_ib_file,
                t_ref_file=t_ref_file,
                d_file=imagebank.hamming(h_ib_file, h_ref_file),
                dq_file=q_ib_file - q_ref_file,
                t_ib_px=t_ib_px,
                t_ref_px=t_ref_px,
                d_px=imagebank.hamming(h_ib_px, h_ref_px),
                dq_px=q_ib_px - q_ref_px,
            )
        )

    def ms(s: float) -> str:
        return f"{s * 1e3:.1f}"

    print(f"PDQ, {len(rows)} corpus photos, median of {args.repeats} passes per image "
          f"(imagebank {imagebank.__version__}, pdqhash {pdqhash.__version__}, "
          f"{os.cpu_count()} cores)\n")
    print("| image | MP | file: imagebank ms | file: pdqhash ms | ratio | bits | Δq "
          "| pixels: imagebank ms | pixels: pdqhash ms | ratio | bits | Δq |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['mp']:.1f} | {ms(r['t_ib_file'])} | {ms(r['t_ref_file'])} "
              f"| {r['t_ref_file'] / r['t_ib_file']:.1f}x | {r['d_file']} | {r['dq_file']:+d} "
              f"| {ms(r['t_ib_px'])} | {ms(r['t_ref_px'])} | {r['t_ref_px'] / r['t_ib_px']:.0f}x "
              f"| {r['d_px']} | {r['dq_px']:+d} |")

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    def total(key: str) -> float:
        return sum(r[key] for r in rows)

    print()
    print("| job | imagebank median / total | pdqhash median / total | ratio of medians "
          "| ratio of totals | max bits | mean bits | max abs Δq |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for job in ("file", "px"):
        label = "file (decode + hash)" if job == "file" else "pixels (hash only)"
        ib, ref = f"t_ib_{job}", f"t_ref_{job}"
        bits = [r[f"d_{job}"] for r in rows]
        print(f"| {label} | {ms(med(ib))} / {ms(total(ib))} ms | {ms(med(ref))} / {ms(total(ref))} ms "
              f"| {med(ref) / med(ib):.1f}x | {total(ref) / total(ib):.1f}x | {max(bits)} "
              f"| {statistics.mean(bits):.2f} | {max(abs(r[f'dq_{job}']) for r in rows)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
