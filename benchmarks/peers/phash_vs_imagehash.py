#!/usr/bin/env python3
"""pHash: imagebank (compat="imagehash" and fast) vs imagehash, in one run.

For every image of the photo corpus (JPEG and PNG; ../shared/corpus/fetch-photos
prints the folder, or pass it, or set IMAGEBANK_CORPUS):

  imagehash   imagehash.phash(PIL.Image.open(path))           decode included
  compat      imagebank.phash(path, compat="imagehash")       decode included
  fast        imagebank.phash(path)                           decode included

Each is timed --repeats times per file, interleaved tool by tool, and the
median per file is kept (time is noisy on a shared machine). Reported: the
per-file medians, the median over files per tool, and the ratios imagehash /
imagebank (of the medians, and the median of per-file ratios), against the
targets of issue 4 (compat >= 10x, fast >= 50x; reported, never asserted).

Identity: compat's pHash, dHash and aHash must equal imagehash's (phash,
dhash, average_hash); any difference is listed and makes the exit status 1.
Fast mode: its Hamming distance to compat per hash over the upright files
(EXIF orientation 1; fast mode rotates the others) as mean / median / max.

Also "decode floor": Pillow's Image.open(path).load() alone, the part of
imagehash's time that is the same codec work imagebank must do in compat mode
(full-size decode, identical pixels); imagehash time / floor bounds the
ratio any exact implementation can reach. And "draft floor": Pillow's
smallest decode, Image.draft("L", size / 8) then load(): a JPEG decoded at
1/8 scale straight to grey (libjpeg-turbo still has to entropy-decode every
coefficient of a baseline JPEG, so this cost grows with the file's bytes); a
PNG cannot be reduced and is decoded in full. imagehash time / draft floor
bounds the ratio of any shrink-on-load (fast) implementation.
Usage: phash_vs_imagehash.py [CORPUS_DIR] [--repeats N] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
import warnings

import imagehash
from PIL import Image

import imagebank

REPO = pathlib.Path(__file__).resolve().parents[2]
TARGETS = {"compat": 10.0, "fast": 50.0}


def corpus_dir(arg: str | None) -> pathlib.Path:
    if arg:
        return pathlib.Path(arg)
    if os.environ.get("IMAGEBANK_CORPUS"):
        return pathlib.Path(os.environ["IMAGEBANK_CORPUS"])
    fetch = REPO.parent / "shared" / "corpus" / "fetch-photos"
    out = subprocess.run([str(fetch)], check=True, capture_output=True, text=True)
    return pathlib.Path(out.stdout.strip())


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def imagehash_triple(path: pathlib.Path) -> tuple[int, int, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as im:
            return (int(str(imagehash.phash(im)), 16), int(str(imagehash.dhash(im)), 16),
                    int(str(imagehash.average_hash(im)), 16))


def draft_load(path: pathlib.Path) -> None:
    with Image.open(path) as im:
        im.draft("L", (max(1, im.width // 8), max(1, im.height // 8)))
        im.load()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", help="also write the raw figures here")
    args = ap.parse_args()
    folder = corpus_dir(args.corpus)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not files:
        print(f"no JPEG/PNG files in {folder}", file=sys.stderr)
        return 2

    tools = {
        "imagehash": lambda p: imagehash.phash(Image.open(p)),
        "compat": lambda p: imagebank.phash(p, compat="imagehash"),
        "fast": lambda p: imagebank.phash(p),
        "decode floor": lambda p: Image.open(p).load(),
        "draft floor": draft_load,
    }
    times: dict[str, dict[str, float]] = {t: {} for t in tools}
    mismatches, distances, rotated = [], {"phash": [], "dhash": [], "ahash": []}, []
    for path in files:
        print(f"  {path.name}", file=sys.stderr, flush=True)
        want = imagehash_triple(path)
        compat = tuple(imagebank.perceptual_hashes(path, compat="imagehash"))
        fast = tuple(imagebank.perceptual_hashes(path))
        if compat != want:
            mismatches.append((path.name, [f"{v:016x}" for v in compat], [f"{v:016x}" for v in want]))
        if imagebank.probe(path).orientation == 1:
            for name, f, c in zip(distances, fast, compat):
                distances[name].append(imagebank.hamming(f, c))
        else:
            rotated.append(path.name)
        samples: dict[str, list[float]] = {t: [] for t in tools}
        for _ in range(args.repeats):  # interleaved: the same machine state for all
            for tool, fn in tools.items():
                samples[tool].append(timed(lambda: fn(path))[0])
        for tool in tools:
            times[tool][path.name] = statistics.median(samples[tool])

    def ms(v: float) -> str:
        return f"{v * 1000:8.2f}"

    print(f"# pHash: imagebank {imagebank.__version__} vs imagehash {imagehash.__version__} "
          f"(Pillow {Image.__version__}), {len(files)} files of {folder}, "
          f"median of {args.repeats} per file\n")
    print("| file | imagehash ms | compat ms | fast ms | Pillow decode ms | Pillow 1/8 draft ms "
          "| imagehash/compat | imagehash/fast |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in files:
        n = path.name
        ih, c, f, d, dr = (times[t][n] for t in ("imagehash", "compat", "fast", "decode floor", "draft floor"))
        print(f"| {n} | {ms(ih)} | {ms(c)} | {ms(f)} | {ms(d)} | {ms(dr)} | {ih / c:6.1f}x | {ih / f:6.1f}x |")
    med = {t: statistics.median(times[t].values()) for t in tools}
    per_file = {m: statistics.median(times["imagehash"][n] / times[m][n] for n in times[m])
                for m in ("compat", "fast")}
    floor = statistics.median(times["imagehash"][n] / times["decode floor"][n] for n in times["imagehash"])
    draft = statistics.median(times["imagehash"][n] / times["draft floor"][n] for n in times["imagehash"])
    print()
    print("| tool | median ms per image | imagehash / tool (of medians) | median of per-file ratios | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| imagehash.phash | {ms(med['imagehash'])} | 1.0x | 1.0x | |")
    for m in ("compat", "fast"):
        ratio = med["imagehash"] / med[m]
        verdict = "PASS" if ratio >= TARGETS[m] else "FAIL"
        print(f"| imagebank {m} | {ms(med[m])} | {ratio:.1f}x | {per_file[m]:.1f}x "
              f"| >= {TARGETS[m]:.0f}x: {verdict} |")
    print(f"| Pillow decode alone | {ms(med['decode floor'])} | {med['imagehash'] / med['decode floor']:.1f}x "
          f"| {floor:.1f}x | the bound of any exact (full-decode) implementation |")
    print(f"| Pillow 1/8 draft decode alone | {ms(med['draft floor'])} | "
          f"{med['imagehash'] / med['draft floor']:.1f}x | {draft:.1f}x "
          f"| the bound of any shrink-on-load implementation |")
    jpegs = [n for n in times["fast"] if n.lower().endswith((".jpg", ".jpeg"))]
    if jpegs:
        jm = {t: statistics.median(times[t][n] for n in jpegs) for t in tools}
        print(f"| JPEGs only ({len(jpegs)}): fast / draft floor | {ms(jm['fast'])} / {ms(jm['draft floor'])} | "
              f"{jm['imagehash'] / jm['fast']:.1f}x / {jm['imagehash'] / jm['draft floor']:.1f}x | | |")
    print()
    print(f"Identity (compat vs imagehash, pHash+dHash+aHash): {len(files) - len(mismatches)}/{len(files)} identical")
    for m in mismatches:
        print(f"  DIFFERENT {m}")
    print()
    upright = len(distances["phash"])
    print(f"Fast vs compat Hamming distance over {upright} upright files"
          + (f" ({len(rotated)} rotated excluded: {', '.join(rotated)})" if rotated else "") + ":")
    print("| hash | mean | median | max |")
    print("|---|---:|---:|---:|")
    for name, d in distances.items():
        if d:
            print(f"| {name} | {statistics.mean(d):.2f} | {statistics.median(d):.0f} | {max(d)} |")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"times": times, "distances": distances,
                                                       "mismatches": mismatches}, indent=1))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
