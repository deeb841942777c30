#!/usr/bin/env python3
"""Near-duplicate quality: imagebank's hashes vs imagehash and pdqhash.

From every corpus photo this makes the edits catalogs see (made with Pillow,
independent of imagebank): resize to 50% and 25%, JPEG re-encode at q50 and
q30, WebP q80, a 5% crop (2.5% off each side), brightness +10%, a small
watermark (a grey box with text in the lower right corner, 12% of the width),
and a horizontal flip.  Then, per algorithm and tool:

  recall    the share of (original, edit) pairs within the radius; the flip
            counts only for PDQ with dihedral matching (the smallest distance
            over the 8 dihedral hashes of the edit), since a 64-bit hash of a
            mirrored photo is a different hash by design;
  FPR       the share of distinct pairs within the radius: every pair of
            files (originals and edits, flips left out) made from two
            different photos.  The corpus holds one photo at three sizes
            (Elephants*), which are duplicates, not distinct pairs: they are
            left out.  A second FPR column leaves out, as `imagebank dedupe`
            does, the featureless photos (PDQ quality below 50 by Meta's
            reference: flat overlays whose picture is in the alpha channel,
            which every hash ignores, so they all hash alike).

Radii 5 and 10 for the 64-bit hashes, 31 for PDQ.  Every hash of an edit is
computed from the edit's encoded file, as an upload would be.

    .venv/bin/python benchmarks/peers/hash_quality.py [--limit N] [--corpus DIR]
"""
from __future__ import annotations

import argparse
import glob
import io
import itertools
import os
import re
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

import imagebank
import imagehash
import pdqhash

EDITS = ["resize50", "resize25", "jpeg_q50", "jpeg_q30", "webp", "crop5", "bright10", "watermark", "flip"]


def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def make_edits(path: str) -> dict[str, bytes]:
    with Image.open(path) as raw:
        rotated = raw.getexif().get(0x0112, 1) != 1
        im = ImageOps.exif_transpose(raw).convert("RGB")
    w, h = im.size
    # The original as uploaded; a photo with an EXIF rotation is stored
    # upright (lossless PNG) so that every tool hashes the same picture as
    # its edits (imagehash and compat mode ignore EXIF orientation).
    upright = path.lower().endswith(".png") or rotated
    out = {
        "original": encode(im, "PNG") if upright else open(path, "rb").read(),
        "resize50": encode(im.resize((w // 2, h // 2), Image.LANCZOS), "JPEG", quality=90),
        "resize25": encode(im.resize((w // 4, h // 4), Image.LANCZOS), "JPEG", quality=90),
        "jpeg_q50": encode(im, "JPEG", quality=50),
        "jpeg_q30": encode(im, "JPEG", quality=30),
        "webp": encode(im, "WEBP", quality=80),
        "crop5": encode(im.crop((round(w * 0.025), round(h * 0.025), round(w * 0.975), round(h * 0.975))),
                        "JPEG", quality=90),
        "bright10": encode(ImageEnhance.Brightness(im).enhance(1.10), "JPEG", quality=90),
        "flip": encode(ImageOps.mirror(im), "JPEG", quality=90),
    }
    wm = im.copy()
    d = ImageDraw.Draw(wm)
    bw, bh = round(w * 0.12), round(w * 0.04)
    d.rectangle((w - bw - bh // 2, h - bh - bh // 2, w - bh // 2, h - bh // 2), fill=(128, 128, 128))
    d.text((w - bw, h - bh - bh // 4), "(c) studio", fill=(255, 255, 255))
    out["watermark"] = encode(wm, "JPEG", quality=90)
    return out


def pil(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def pdq_bits(bits: np.ndarray) -> int:
    return int("".join("1" if b else "0" for b in bits), 2)


TOOLS = {
    # name: (bits, fn(data) -> hash, dihedral fn or None)
    "imagebank phash (fast)": (64, lambda d: imagebank.phash(d), None),
    "imagebank phash (compat)": (64, lambda d: imagebank.phash(d, compat="imagehash"), None),
    "imagehash phash": (64, lambda d: int(str(imagehash.phash(pil(d))), 16), None),
    "imagebank dhash (fast)": (64, lambda d: imagebank.dhash(d), None),
    "imagehash dhash": (64, lambda d: int(str(imagehash.dhash(pil(d))), 16), None),
    "imagebank pdq": (256, lambda d: int.from_bytes(imagebank.pdq(d)[0], "big"),
                      lambda d: [int.from_bytes(h, "big") for h, _ in imagebank.pdq_dihedral(d)]),
    "pdqhash (Meta reference)": (256, lambda d: pdq_bits(pdqhash.compute(np.asarray(pil(d).convert("RGB")))[0]),
                                 lambda d: [pdq_bits(h) for h in
                                            pdqhash.compute_dihedral(np.asarray(pil(d).convert("RGB")))[0]]),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    corpus = args.corpus or subprocess.run(
        [os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpus", "fetch-photos")],
        capture_output=True, text=True, check=True).stdout.strip()
    paths = sorted(p for p in glob.glob(os.path.join(corpus, "*")) if p.lower().endswith((".jpg", ".png")))
    if args.limit:
        paths = paths[: args.limit]
    print(f"making edits of {len(paths)} photos ...", file=sys.stderr)
    edits = {p: make_edits(p) for p in paths}
    family = {p: re.sub(r"_\d+x\d+$", "", os.path.splitext(os.path.basename(p))[0]) for p in paths}

    featureless = {p for p in paths
                   if pdqhash.compute(np.asarray(pil(edits[p]["original"]).convert("RGB")))[1] < 50}
    rows = []
    for tool, (bits, fn, dihedral) in TOOLS.items():
        print(f"hashing: {tool} ...", file=sys.stderr)
        h = {p: {k: fn(v) for k, v in e.items()} for p, e in edits.items()}
        flips = {p: dihedral(e["flip"]) for p, e in edits.items()} if dihedral else None
        radii = (5, 10) if bits == 64 else (31,)
        for r in radii:
            hits = total = 0
            per_edit = {}
            for edit in EDITS:
                if edit == "flip" and not flips:
                    continue
                n = 0
                for p in paths:
                    if edit == "flip":
                        dist = min(imagebank.hamming(h[p]["original"], x) for x in flips[p])
                    else:
                        dist = imagebank.hamming(h[p]["original"], h[p][edit])
                    n += dist <= r
                per_edit[edit] = n / len(paths)
                hits += n
                total += len(paths)
            files = [(p, k) for p in paths for k in h[p] if k != "flip"]
            distinct = [(a, b) for a, b in itertools.combinations(files, 2) if family[a[0]] != family[b[0]]]
            fp = [(a, b) for a, b in distinct if (h[a[0]][a[1]] ^ h[b[0]][b[1]]).bit_count() <= r]
            kept = [(a, b) for a, b in distinct if a[0] not in featureless and b[0] not in featureless]
            fp_kept = sum(1 for a, b in kept if (h[a[0]][a[1]] ^ h[b[0]][b[1]]).bit_count() <= r)
            rows.append((tool, r, hits / total, per_edit, len(fp) / len(distinct), len(distinct), fp,
                         fp_kept / len(kept)))

    print(f"Corpus: {len(paths)} photos from `{corpus}`; edits: {', '.join(EDITS)}; "
          f"distinct pairs: {rows[0][5]}; featureless (PDQ quality < 50): "
          f"{', '.join(os.path.basename(p) for p in sorted(featureless)) or 'none'}.\n")
    print("| hash | radius | recall | " + " | ".join(EDITS) + " | FPR (distinct pairs) | FPR (featureless left out) |")
    print("|---|---:|---:|" + "---:|" * len(EDITS) + "---:|---:|")
    for tool, r, rec, per, fpr, nd, _, fpr_kept in rows:
        cells = " | ".join(f"{per[e]:.2f}" if e in per else "-" for e in EDITS)
        print(f"| {tool} | {r} | {rec:.3f} | {cells} | {fpr:.4f} | {fpr_kept:.4f} |")
    print()
    for tool, r, _, _, _, _, fp, _ in rows:
        if fp:
            names = "; ".join(f"{os.path.basename(a[0])}:{a[1]} ~ {os.path.basename(b[0])}:{b[1]}"
                              for a, b in fp[:6])
            print(f"- {tool} r={r}: {len(fp)} distinct pairs within radius: {names}{' ...' if len(fp) > 6 else ''}")


if __name__ == "__main__":
    main()
