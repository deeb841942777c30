#!/usr/bin/env python3
"""Upload throughput of imagebank-server vs a plain cp of the same files.

The files: the corpus photos (../shared/corpus/fetch-photos, or
IMAGEBANK_CORPUS; tests/data's JPEGs when there is none). Each repeat, in
the same run and on the same disk:

  cp         `cp` of every file into a fresh folder (page cache; no fsync)
  cp+sync    the same, then `sync -f` on the folder (on disk, as the bank's
             stores make them durable)
  tus        tuspy (the reference Python client) uploads every file, one
             after another, each in one PATCH, into an upload batch of an
             imagebank-server on a fresh bank (SQLite + local disk,
             --workers 0: receiving only, no processing)
  tus raw    the same protocol from one kept-alive socket, each body sent
             with sendfile(2): the server's cost without the Python client's
  tus x4     tuspy by 4 clients at once (a studio's uploader sends
             several files in parallel)
  multipart  one POST /api/v1/batches/{id}/files with every file (requests)

Receiving a file means: the body spooled with its SHA-256 computed on the
way, moved (tus) or copied out (multipart), stored as a content-addressed
original in the bank's files/ (written durably) and its job committed in
the catalog. Medians of --repeats runs are printed in MB/s, with the ratios
to cp and to cp+sync.

Usage: upload_vs_cp.py [--repeats 5]
Needs: imagebank and imagebank-server (IMAGEBANK_CLI_BIN /
IMAGEBANK_SERVER_BIN, else next to this Python, else build/ci), tuspy and
requests (scripts/install-deps.sh --test).
"""
from __future__ import annotations

import argparse
import base64
import concurrent.futures
import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import requests
from tusclient import client as tus_client

REPO = pathlib.Path(__file__).resolve().parents[2]


def program(env: str, name: str, fallback: pathlib.Path) -> str:
    beside = pathlib.Path(sys.executable).parent / name
    for candidate in (os.environ.get(env), str(beside), shutil.which(name), str(fallback)):
        if candidate and os.access(candidate, os.X_OK) and pathlib.Path(candidate).is_file():
            return candidate
    sys.exit(f"{name} not found: set {env}")


def photos() -> list[pathlib.Path]:
    corpus = os.environ.get("IMAGEBANK_CORPUS")
    fetch = REPO.parent / "shared" / "corpus" / "fetch-photos"
    if not corpus and fetch.exists():
        corpus = subprocess.run([str(fetch)], capture_output=True, text=True,
                                check=True).stdout.strip()
    folder = pathlib.Path(corpus) if corpus else REPO / "tests" / "data"
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not found:
        sys.exit(f"no photos in {folder}")
    return found


class Server:
    def __init__(self, binary: str, bank: pathlib.Path) -> None:
        self.proc = subprocess.Popen(
            [binary, "--bank", str(bank), "--listen", "127.0.0.1:0", "--workers", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.base = line.strip().removeprefix("listening on ")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def upload(base: str, key: str, mode: str, files: list[pathlib.Path]) -> float:
    """Seconds to send every file into a new upload batch."""
    headers = {"Authorization": f"Bearer {key}"}
    batch = requests.post(f"{base}/api/v1/batches", json={}, headers=headers,
                          timeout=30).json()["batch"]["id"]
    tus = tus_client.TusClient(f"{base}/api/v1/uploads", headers=headers)

    def one(p: pathlib.Path) -> None:
        tus.uploader(str(p), chunk_size=1 << 40,
                     metadata={"batch": str(batch), "filename": p.name}).upload()

    def by_multipart() -> None:
        opened = [open(p, "rb") for p in files]
        try:
            r = requests.post(f"{base}/api/v1/batches/{batch}/files", headers=headers,
                              timeout=600, files=[("f", (p.name, f)) for p, f in zip(files, opened)])
            r.raise_for_status()
        finally:
            for f in opened:
                f.close()

    if mode == "tus":
        return timed(lambda: [one(p) for p in files])
    if mode == "tus raw":
        return timed(lambda: raw_tus(base, key, batch, files))
    if mode == "tus x4":
        def parallel() -> None:
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(one, files))
        return timed(parallel)
    return timed(by_multipart)


def raw_tus(base: str, key: str, batch: int, files: list[pathlib.Path]) -> None:
    """tus over one kept-alive socket, each body by sendfile(2): the server's
    cost without a Python client's (tuspy reads and copies every chunk)."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    # The last short segment of a body must not wait for a delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb")

    def response() -> dict[str, str]:
        status = reader.readline().decode()
        assert status.split()[1] in ("201", "204"), status
        headers: dict[str, str] = {}
        while (line := reader.readline().decode().strip()):
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        body = int(headers.get("content-length", "0"))
        if body:
            reader.read(body)
        return headers

    auth = f"Authorization: Bearer {key}\r\nTus-Resumable: 1.0.0\r\nHost: b\r\n"
    for p in files:
        size = p.stat().st_size
        meta = (f"batch {base64.b64encode(str(batch).encode()).decode()},"
                f"filename {base64.b64encode(p.name.encode()).decode()}")
        sock.sendall((f"POST /api/v1/uploads HTTP/1.1\r\n{auth}Upload-Length: {size}\r\n"
                      f"Upload-Metadata: {meta}\r\nContent-Length: 0\r\n\r\n").encode())
        location = response()["location"]
        sock.sendall((f"PATCH {location} HTTP/1.1\r\n{auth}Upload-Offset: 0\r\n"
                      "Content-Type: application/offset+octet-stream\r\n"
                      f"Content-Length: {size}\r\n\r\n").encode())
        with open(p, "rb") as f:
            sock.sendfile(f)
        assert response()["upload-offset"] == str(size)
    sock.close()


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cli = program("IMAGEBANK_CLI_BIN", "imagebank", REPO / "build/ci/src/cli/imagebank")
    server_bin = program("IMAGEBANK_SERVER_BIN", "imagebank-server",
                         REPO / "build/ci/examples/server/imagebank-server")
    files = photos()
    total = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files, {total / 1e6:.1f} MB; {args.repeats} repeats")
    work = pathlib.Path(tempfile.mkdtemp(prefix="imagebank-upload-bench-", dir=REPO / "build"
                                         if (REPO / "build").is_dir() else None))
    times: dict[str, list[float]] = {"cp": [], "cp+sync": [], "tus": [], "tus raw": [],
                                     "tus x4": [], "multipart": []}
    try:
        for run in range(args.repeats):
            dest = work / f"cp-{run}"
            dest.mkdir()
            times["cp"].append(timed(lambda: subprocess.run(
                ["cp", *map(str, files), str(dest)], check=True)))
            dest2 = work / f"cps-{run}"
            dest2.mkdir()
            times["cp+sync"].append(timed(lambda: (
                subprocess.run(["cp", *map(str, files), str(dest2)], check=True),
                subprocess.run(["sync", "-f", str(dest2)], check=True))))
            shutil.rmtree(dest)
            shutil.rmtree(dest2)

            for mode in ("tus", "tus raw", "tus x4", "multipart"):
                # A fresh bank each: content already there would be a
                # duplicate, received without being stored.
                bank = work / f"bank-{run}-{mode.replace(' ', '')}"
                key = json.loads(subprocess.run(
                    [cli, "keys", "create", "--bank", str(bank), "--name", "bench", "--scope",
                     "upload", "--json"], check=True, capture_output=True, text=True).stdout)["key"]
                server = Server(server_bin, bank)
                try:
                    times[mode].append(upload(server.base, key, mode, files))
                finally:
                    server.stop()
                shutil.rmtree(bank)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    rate = {k: total / 1e6 / v for k, v in med.items()}
    print(f"{'':10} {'median s':>9} {'MB/s':>8} {'vs cp':>7} {'vs cp+sync':>11}")
    for k in times:
        print(f"{k:10} {med[k]:9.3f} {rate[k]:8.1f} {rate[k] / rate['cp']:7.2f} "
              f"{rate[k] / rate['cp+sync']:11.2f}")


if __name__ == "__main__":
    main()
