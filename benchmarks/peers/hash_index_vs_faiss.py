#!/usr/bin/env python3
"""imagebank.HashIndex vs faiss.IndexBinaryFlat.range_search vs numpy brute
force: near-duplicate range queries over 64-bit perceptual hashes.

Same hashes, same queries, one process run, one core (faiss is told to use
one thread; numpy is single-threaded here). For each data set (uniform
random, and clustered: structured seeds with a few bits flipped, the model
of src/hash/hash_index_testdata.hpp) it prints per single query the p50 and
p99 latency of each tool, their ratio to imagebank, build time, memory per
hash, and it asserts that all three return the same (id, distance) sets.

    .venv/bin/python benchmarks/peers/hash_index_vs_faiss.py --n 10000000

Latency is wall time per call from Python (time.perf_counter_ns), so
imagebank's figure includes the binding (argument conversion, numpy result
arrays); the CPU-time column (time.thread_time_ns) is what the calling
thread spent, unaffected by other processes on a shared machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

import numpy as np

import imagebank

try:
    import faiss
except ImportError:  # pragma: no cover - reported in the output
    faiss = None


# ---- data ------------------------------------------------------------------

def structured_seeds(count: int, rng: np.random.Generator) -> np.ndarray:
    """Seeds with the low-entropy structure of white-background photos: bits
    0-15 set 85% of the time, bits 16-31 noisy copies (10%) of bits 32-47,
    bits 32-63 uniform."""
    high = rng.integers(0, 2**32, size=count, dtype=np.uint64) << np.uint64(32)
    biased = np.zeros(count, dtype=np.uint64)
    for b in range(16):
        biased |= (rng.random(count) < 0.85).astype(np.uint64) << np.uint64(b)
    copies = (high >> np.uint64(32)) & np.uint64(0xFFFF)  # bits 32-47
    noise = np.zeros(count, dtype=np.uint64)
    for b in range(16):
        noise |= (rng.random(count) < 0.10).astype(np.uint64) << np.uint64(b)
    return high | ((copies ^ noise) << np.uint64(16)) | biased


def flip_up_to(hashes: np.ndarray, max_flips: int, rng: np.random.Generator) -> np.ndarray:
    """Each hash with k bits flipped, k uniform in [0, max_flips] (a bit drawn
    twice flips once, so a few get fewer)."""
    n = hashes.size
    k = rng.integers(0, max_flips + 1, size=n)
    mask = np.zeros(n, dtype=np.uint64)
    for j in range(max_flips):
        bit = rng.integers(0, 64, size=n).astype(np.uint64)
        mask |= np.where(j < k, np.left_shift(np.uint64(1), bit), np.uint64(0))
    return hashes ^ mask


def make_data(kind: str, n: int, queries: int, seed: int):
    rng = np.random.default_rng(seed)
    if kind == "random":
        hashes = rng.integers(0, 2**64, size=n, dtype=np.uint64)
        fresh = rng.integers(0, 2**64, size=queries - queries // 2, dtype=np.uint64)
    else:
        seeds = structured_seeds(4096, rng)
        hashes = flip_up_to(seeds[rng.integers(0, seeds.size, size=n)], 8, rng)
        # New products: new seeds of the same structure. ("known" puts new
        # photos of the indexed products there instead: every query then
        # lands in a cluster of about n/4096 similar hashes.)
        pool = seeds if kind == "known" else structured_seeds(4096, rng)
        fresh = flip_up_to(pool[rng.integers(0, pool.size, size=queries - queries // 2)], 8, rng)
    near = flip_up_to(hashes[rng.integers(0, n, size=queries // 2)], 4, rng)
    q = np.concatenate([near, fresh])
    rng.shuffle(q)
    return hashes, q


# ---- tools -----------------------------------------------------------------

def popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
    return table[x.view(np.uint8)].reshape(-1, 8).sum(axis=1, dtype=np.uint8)


def numpy_query(hashes: np.ndarray, ids: np.ndarray, q: np.uint64, radius: int):
    d = popcount(hashes ^ q)
    hit = np.flatnonzero(d <= radius)
    dist = d[hit].astype(np.int32)
    order = np.lexsort((ids[hit], dist))
    return ids[hit][order], dist[order]


def canonical(ids: np.ndarray, dist: np.ndarray):
    order = np.lexsort((ids, dist))
    return ids[order].astype(np.uint64), dist[order].astype(np.int32)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def timed(fn, queries, repeat_first: bool = True):
    """Per-call wall and thread-CPU nanoseconds; results of the calls."""
    if repeat_first:
        fn(queries[0])  # warm-up (first touch of pages, allocations)
    wall, cpu, out = [], [], []
    for q in queries:
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        r = fn(q)
        t1 = time.perf_counter_ns()
        c1 = time.thread_time_ns()
        wall.append(t1 - t0)
        cpu.append(c1 - c0)
        out.append(r)
    return wall, cpu, out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def us(ns):
    return ns / 1000.0


# ---- run -------------------------------------------------------------------

def run(kind: str, args) -> list[dict]:
    hashes, queries = make_data(kind, args.n, args.queries, args.seed)
    ids = np.arange(args.n, dtype=np.uint64)
    rows = []

    gc.collect()
    before = rss_bytes()
    t0 = time.perf_counter()
    index = imagebank.HashIndex(bits=64)
    index.add_many(ids, hashes)
    build_s = time.perf_counter() - t0
    stats = index.stats()
    rss = rss_bytes() - before
    wall, cpu, ib = timed(lambda q: index.query(int(q), args.radius), queries)
    rows.append(dict(tool="imagebank HashIndex", wall=wall, cpu=cpu, build=build_s,
                     bytes=stats["memory_bytes"] / len(index), rss=rss / len(index),
                     note=f"m={stats['substrings']} s={stats['substring_bits']}"))

    peer_q = queries[: args.peer_queries]
    results = {"imagebank": [canonical(*r) for r in ib[: args.peer_queries]]}

    if faiss is not None:
        faiss.omp_set_num_threads(1)
        codes = hashes.view(np.uint8).reshape(-1, 8)
        gc.collect()
        before = rss_bytes()
        t0 = time.perf_counter()
        fi = faiss.IndexBinaryFlat(64)
        fi.add(codes)
        fbuild = time.perf_counter() - t0
        frss = rss_bytes() - before
        qcodes = peer_q.view(np.uint8).reshape(-1, 8)

        def fq(i):
            # IndexBinary range_search keeps distances strictly below the
            # radius, so radius + 1 asks for <= radius.
            lims, dist, lab = fi.range_search(qcodes[i : i + 1], args.radius + 1)
            return lab, dist

        fw, fc, fr = timed(fq, list(range(len(peer_q))))
        rows.append(dict(tool="faiss IndexBinaryFlat.range_search", wall=fw, cpu=fc,
                         build=fbuild, bytes=8.0, rss=frss / args.n, note="1 thread"))
        results["faiss"] = [canonical(ids[lab], dist) for lab, dist in fr]
        del fi

    nw, nc, nr = timed(lambda q: numpy_query(hashes, ids, q, args.radius), list(peer_q))
    rows.append(dict(tool="numpy brute force", wall=nw, cpu=nc, build=0.0, bytes=8.0,
                     rss=0.0, note="np.bitwise_count" if hasattr(np, "bitwise_count")
                     else "lookup table"))
    results["numpy"] = nr

    # Identity: every tool, every peer query, same ids and distances.
    found = 0
    for i in range(len(peer_q)):
        want_ids, want_d = results["numpy"][i]
        found += want_ids.size
        for tool, res in results.items():
            got_ids, got_d = res[i]
            assert np.array_equal(got_ids, want_ids) and np.array_equal(got_d, want_d), (
                f"{kind}: {tool} differs from numpy on query {i}")
    print(f"\n## {kind}: n={args.n:,}, radius {args.radius}, "
          f"{len(queries)} imagebank queries, {len(peer_q)} peer queries "
          f"(identical results on all {len(peer_q)}, {found} matches in total)")
    ib_p50 = statistics.median(rows[0]["wall"])
    ib_cpu = statistics.median(rows[0]["cpu"])
    print("| tool | p50 us | p99 us | CPU p50 us | CPU p99 us | p50 / imagebank | "
          "build s | bytes/hash | RSS bytes/hash | note |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['tool']} | {us(pct(r['wall'], .5)):.1f} | {us(pct(r['wall'], .99)):.1f} | "
              f"{us(pct(r['cpu'], .5)):.1f} | {us(pct(r['cpu'], .99)):.1f} | "
              f"{pct(r['wall'], .5) / ib_p50:.0f}x (CPU {pct(r['cpu'], .5) / max(ib_cpu, 1):.0f}x) | "
              f"{r['build']:.2f} | {r['bytes']:.1f} | {r['rss']:.1f} | {r['note']} |")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--radius", type=int, default=5)
    ap.add_argument("--queries", type=int, default=2000, help="imagebank queries")
    ap.add_argument("--peer-queries", type=int, default=100,
                    help="faiss and numpy queries (the first of the same list)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default="random,clustered,known",
                    help="random; clustered (queries: half re-uploads of stored "
                    "hashes, half new products); known (half re-uploads, half "
                    "new photos of indexed products: every query in a cluster)")
    args = ap.parse_args()
    print(f"imagebank {imagebank.__version__}, numpy {np.__version__}, "
          f"faiss {faiss.__version__ if faiss else 'not installed'}, "
          f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    for kind in args.kinds.split(","):
        run(kind, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
