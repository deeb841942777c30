#!/usr/bin/env python3
"""fs BlobStore put vs cp: storing N files of S bytes on the local disk, in one run.

Source: N files of random bytes (default 10,000 x 200 KB), laid out as the
store lays out originals (originals/ab/cd/<sha256>.jpg), so that cp creates
the same directory tree the store does. Contestants, each writing a fresh
destination on the same file system (--dir):

  imagebank put       data = open(src).read(); store.put(key, data)   per file
  imagebank put_file  store.put_file(key, src)                        per file
  cp                  cp -r src dst                  (page cache only, not durable)
  cp + sync           cp -r src dst; sync            (durable at the end)

imagebank is durable per file: each put writes a temporary file, fdatasyncs
it, renames it and fsyncs the directory (and fsyncs each parent that gained a
new directory). cp + sync is durable only once the final sync returns, which
lets the kernel batch all writeback into one flush: that is the fair
durability peer, cp alone is the lower bound. The store runs through the
Python binding (the GIL is released during each call; the per-call overhead
is a few microseconds), on one thread like cp, and --threads N adds a row
with N Python threads sharing one store.

Before every timed run the previous destination is removed and `sync` runs
(untimed), so no contestant pays for another's writeback. Runs are
interleaved contestant by contestant, --repeats times; medians are reported,
and the ratios imagebank / cp of throughput (>= 0.8 is the target vs cp + sync).
Usage: blob_put_vs_cp.py [--dir DIR] [--files N] [--size BYTES] [--repeats R]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import imagebank._core as core

TARGET = 0.8


def make_sources(src: pathlib.Path, files: int, size: int) -> list[tuple[str, pathlib.Path]]:
    """(key, path) per file; the path mirrors the key under src."""
    out = []
    for i in range(files):
        data = os.urandom(size)
        key = core.original_blob_key(hashlib.sha256(data).hexdigest(), "jpg")
        path = src / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out.append((key, path))
    return out


def drop(path: pathlib.Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["sync"], check=True)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", help="work directory (default: a new one under the system temp dir)")
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--size", type=int, default=200 * 1024)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=4, help="0: no multi-threaded row")
    ap.add_argument("--json", help="also write the raw figures here")
    args = ap.parse_args()
    if args.files < 1 or args.size < 0 or args.repeats < 1:
        ap.error("--files and --repeats must be >= 1, --size >= 0")

    work = pathlib.Path(args.dir) if args.dir else pathlib.Path(tempfile.mkdtemp(prefix="ib_put_vs_cp_"))
    work.mkdir(parents=True, exist_ok=True)
    src, dst = work / "src", work / "dst"
    try:
        print(f"# writing {args.files} source files of {args.size} bytes under {src}", file=sys.stderr)
        drop(src)
        sources = make_sources(src, args.files, args.size)
        subprocess.run(["sync"], check=True)

        def put() -> None:
            store = core.open_fs_blob_store(dst)
            for key, path in sources:
                with open(path, "rb") as f:
                    store.put(key, f.read())

        def put_file() -> None:
            store = core.open_fs_blob_store(dst)
            for key, path in sources:
                store.put_file(key, path)

        def put_file_threads() -> None:
            store = core.open_fs_blob_store(dst)
            with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
                for f in [pool.submit(store.put_file, k, p) for k, p in sources]:
                    f.result()

        def cp() -> None:
            subprocess.run(["cp", "-r", str(src), str(dst)], check=True)

        def cp_sync() -> None:
            cp()
            subprocess.run(["sync"], check=True)

        tools = {
            "imagebank put": put,
            "imagebank put_file": put_file,
            "cp": cp,
            "cp + sync": cp_sync,
        }
        if args.threads > 0:
            tools[f"imagebank put_file, {args.threads} threads"] = put_file_threads
        samples: dict[str, list[float]] = {t: [] for t in tools}
        for r in range(args.repeats):
            for tool, fn in tools.items():
                drop(dst)
                samples[tool].append(timed(fn))
                print(f"  repeat {r + 1}: {tool}: {samples[tool][-1]:.2f} s", file=sys.stderr, flush=True)
            # Every contestant must have stored every file.
            check = core.open_fs_blob_store(dst)
            assert sum(1 for _ in check.iter_blobs()) == args.files
        drop(dst)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)

    med = {t: statistics.median(v) for t, v in samples.items()}
    mb = args.files * args.size / 1e6
    print(f"# fs BlobStore put vs cp: {args.files} files x {args.size} bytes ({mb:.0f} MB) "
          f"on {work}, median of {args.repeats}\n")
    print("| contestant | median s | files/s | MB/s | durable | throughput vs cp | vs cp + sync |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for tool, t in med.items():
        durable = "at the end" if tool == "cp + sync" else ("no" if tool == "cp" else "per file")
        print(f"| {tool} | {t:.2f} | {args.files / t:,.0f} | {mb / t:,.0f} | {durable} "
              f"| {med['cp'] / t:.2f} | {med['cp + sync'] / t:.2f} |")
    ratio = med["cp + sync"] / med["imagebank put"]
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"\nimagebank put / (cp + sync) throughput: {ratio:.2f} (target >= {TARGET}: {verdict})")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"samples": samples, "medians": med}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
