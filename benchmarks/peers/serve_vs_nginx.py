#!/usr/bin/env python3
"""imagebank-server vs nginx: the same stored variant over loopback, in one run.

The bank: --photos corpus photos (default 12; tests/data's when no corpus)
ingested with the imagebank CLI into a temporary bank (SQLite + local disk)
with the grid preset in AVIF, WebP and JPEG. One image's grid variants are
then served by:

  nginx      Debian's nginx, `sendfile on`, `open_file_cache`, 2 workers,
             access log off, GET /<the AVIF variant's blob path> from the
             bank's files/ folder (a static file, no negotiation)
  imagebank  imagebank-server, GET /images/{id}?size=grid&exp=..&kid=..&sig=..
             (a signed URL, checked on every request) with
             "Accept: image/avif,image/webp,*/*": negotiation, ETag, Vary,
             the catalog lookup (cached), the blob streamed from files/

Both are driven by wrk (Debian) with --connections over --duration seconds on
2 threads, --repeats times alternately; medians of requests/s and of the p50
and p99 latencies are printed with the ratios (goal: >= 0.5 of nginx's
requests/s, p99 <= 5 ms). wrk, nginx and the server share the machine's
cores: on 2 cores the client takes a large share, the same for both.

On-demand generation: 100 concurrent requests for a variant no one made yet
(zoom in AVIF) must cause exactly one encode (imagebank_variants_generated in
/metrics), and all 100 must get the same bytes.

Upload throughput (tus vs cp): upload_vs_cp.py.

Usage: serve_vs_nginx.py [--photos N] [--connections 64] [--duration 8]
                         [--repeats 3] [--memory-cache-mb 64]
Needs: nginx and wrk (scripts/install-deps.sh --bench), the imagebank and
imagebank-server programs (IMAGEBANK_CLI_BIN / IMAGEBANK_SERVER_BIN, else
next to this Python, else build/ci), the imagebank Python package.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import imagebank

REPO = pathlib.Path(__file__).resolve().parents[2]
SECRET = "bench-" + "s" * 40


def program(env: str, name: str, fallback: pathlib.Path) -> str:
    beside = pathlib.Path(sys.executable).parent / name
    for candidate in (os.environ.get(env), str(beside), shutil.which(name), str(fallback)):
        if candidate and os.access(candidate, os.X_OK) and pathlib.Path(candidate).is_file():
            return candidate
    sys.exit(f"{name} not found: set {env}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def photos(n: int) -> list[pathlib.Path]:
    corpus = os.environ.get("IMAGEBANK_CORPUS")
    fetch = REPO.parent / "shared" / "corpus" / "fetch-photos"
    if not corpus and fetch.exists():
        corpus = subprocess.run([str(fetch)], capture_output=True, text=True, check=True).stdout.strip()
    folder = pathlib.Path(corpus) if corpus else REPO / "tests" / "data"
    found = sorted(p for p in folder.rglob("*.jpg"))
    if not found:
        sys.exit(f"no JPEG photos under {folder}")
    return found[:n]


def wrk(url: str, connections: int, duration: int, headers: list[str]) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def pct(p: str) -> float:
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        assert m, out
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
        return float(m.group(1)) * scale

    return {"rps": rps, "p50": pct("50"), "p99": pct("99"),
            "errors": float(non2xx.group(1)) if non2xx else 0.0}


def wait_port(port: int, timeout: float = 20.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


def start_nginx(root: pathlib.Path, work: pathlib.Path, port: int) -> subprocess.Popen[bytes]:
    conf = work / "nginx.conf"
    conf.write_text(f"""
worker_processes 2;
daemon off;
{"user root;" if os.geteuid() == 0 else ""}
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path {work}/nginx-body;
  proxy_temp_path {work}/nginx-proxy;
  fastcgi_temp_path {work}/nginx-fastcgi;
  uwsgi_temp_path {work}/nginx-uwsgi;
  scgi_temp_path {work}/nginx-scgi;
  types {{ image/avif avif; image/webp webp; image/jpeg jpg; }}
  server {{
    listen 127.0.0.1:{port};
    root {root};
    etag on;
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_port(port)
    return proc


def on_demand(port: int, target: str) -> tuple[int, int, int]:
    """(encodes, distinct bodies, non-200 answers) of 100 concurrent requests."""
    def generated() -> float:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
        line = next(x for x in text.splitlines() if x.startswith("imagebank_variants_generated "))
        return float(line.split()[1])

    before = generated()
    bodies: list[bytes] = []
    bad = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(100)

    def ask() -> None:
        barrier.wait()
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}{target}", timeout=120).read()
            with lock:
                bodies.append(body)
        except Exception:
            with lock:
                bad[0] += 1

    threads = [threading.Thread(target=ask) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return int(generated() - before), len(set(bodies)), bad[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--photos", type=int, default=12)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--memory-cache-mb", type=int, default=64,
                    help="the server's variant byte cache (0: every answer from a worker)")
    args = ap.parse_args()
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: scripts/install-deps.sh --bench")
    cli = program("IMAGEBANK_CLI_BIN", "imagebank", REPO / "build/ci/src/cli/imagebank")
    server_bin = program("IMAGEBANK_SERVER_BIN", "imagebank-server",
                         REPO / "build/ci/examples/server/imagebank-server")

    work = pathlib.Path(tempfile.mkdtemp(prefix="serve-vs-nginx-"))
    try:
        bank = work / "bank"
        subprocess.run([cli, "ingest", "--bank", str(bank), "--presets", "grid",
                        "--formats", "avif,webp,jpeg", *map(str, photos(args.photos))],
                       check=True, capture_output=True)
        b = imagebank.Bank.open(dir=bank)
        image = next(iter(b.images()))
        variant = next(v for v in b.catalog.variants(image.id) if v.format == "avif")
        size = (bank / "files" / variant.blob_key).stat().st_size

        nginx_port, server_port = free_port(), free_port()
        nginx = start_nginx(bank / "files", work, nginx_port)
        probe = urllib.request.urlopen(f"http://127.0.0.1:{nginx_port}/{variant.blob_key}").read()
        assert len(probe) == size, "nginx does not serve the variant"
        env = dict(os.environ, IMAGEBANK_URL_KEYS=f"k1:{SECRET}")
        server = subprocess.Popen([server_bin, "--bank", str(bank), "--listen",
                                   f"127.0.0.1:{server_port}", "--max-connections", "4096",
                                   "--memory-cache-mb", str(args.memory_cache_mb)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_port(server_port)
        signer = imagebank.UrlSigner([("k1", SECRET)])
        target = signer.sign(f"/images/{image.id}?size=grid", int(time.time()) + 3600)
        accept = "Accept: image/avif,image/webp,*/*"
        runs: dict[str, list[dict[str, float]]] = {"nginx": [], "imagebank": []}
        try:
            # Warm both (page cache, the variant's catalog entry).
            wrk(f"http://127.0.0.1:{nginx_port}/{variant.blob_key}", 8, 1, [accept])
            wrk(f"http://127.0.0.1:{server_port}{target}", 8, 1, [accept])
            for _ in range(args.repeats):
                runs["nginx"].append(wrk(f"http://127.0.0.1:{nginx_port}/{variant.blob_key}",
                                         args.connections, args.duration, [accept]))
                runs["imagebank"].append(wrk(f"http://127.0.0.1:{server_port}{target}",
                                             args.connections, args.duration, [accept]))
            demand_target = signer.sign(f"/images/{image.id}?size=zoom&format=avif",
                                        int(time.time()) + 3600)
            encodes, distinct, failed = on_demand(server_port, demand_target)
        finally:
            server.terminate()
            nginx.terminate()
            server.wait(timeout=30)
            nginx.wait(timeout=30)

        med = {k: {m: statistics.median(r[m] for r in v) for m in ("rps", "p50", "p99", "errors")}
               for k, v in runs.items()}
        print(f"stored variant: {variant.preset} {variant.format}, {size} bytes; "
              f"wrk -t2 -c{args.connections} -d{args.duration}s, {args.repeats} runs each, "
              f"medians; {os.cpu_count()} cores shared by wrk and the server; "
              f"server memory cache {args.memory_cache_mb} MiB")
        print(f"{'server':<10} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for k in ("nginx", "imagebank"):
            m = med[k]
            print(f"{k:<10} {m['rps']:>11.0f} {m['p50']:>8.2f} {m['p99']:>8.2f} {m['errors']:>8.0f}")
        print("every run (in the order run):")
        for i, (n, s) in enumerate(zip(runs["nginx"], runs["imagebank"]), 1):
            print(f"  {i}: nginx {n['rps']:.0f} req/s (p50 {n['p50']:.2f}, p99 {n['p99']:.2f} ms); "
                  f"imagebank {s['rps']:.0f} req/s (p50 {s['p50']:.2f}, p99 {s['p99']:.2f} ms); "
                  f"ratio {s['rps'] / n['rps']:.2f}")
        ratio = med["imagebank"]["rps"] / med["nginx"]["rps"]
        print(f"ratio imagebank/nginx requests/s: {ratio:.2f} (goal >= 0.50); "
              f"imagebank p99 {med['imagebank']['p99']:.2f} ms (goal <= 5 ms)")
        print(f"on demand: 100 concurrent requests for a missing zoom AVIF -> {encodes} encode(s), "
              f"{distinct} distinct body(ies), {failed} failed (goal: 1, 1, 0)")
        print("uploads (tus vs cp): benchmarks/peers/upload_vs_cp.py")
        print(json.dumps({"median": med, "ratio_rps": ratio, "on_demand_encodes": encodes,
                          "runs": runs}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
