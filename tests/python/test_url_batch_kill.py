"""kill -9 during a URL-list ingest, `imagebank batch resume`, and every
URL ends done exactly once, with no URL whose job was done before the kill
fetched again. The installed `imagebank` command fetches ~12 photos from a
slow loopback http.server (allowed with --allow-host) that counts the
requests per path."""
from __future__ import annotations

import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

import imagebank
from photo_server import PhotoServer

PHOTOS = 12


def _cli() -> str:
    exe = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.fail("the wheel's imagebank command is not installed next to python")
    return exe


@pytest.fixture()
def server() -> Iterator[PhotoServer]:
    # /p/<i>.jpg (1..PHOTOS): distinct JPEGs, each answered after 0.4 s.
    rng = numpy.random.default_rng(19)
    photos = {f"/p/{i}.jpg": imagebank.encode(imagebank.Image(
        rng.integers(0, 256, size=(96, 128, 3), dtype=numpy.uint8)), "jpeg")
        for i in range(1, PHOTOS + 1)}
    s = PhotoServer(photos, delay=0.4, content_type="image/jpeg")
    yield s
    s.close()


def _query(db: pathlib.Path, sql: str) -> list[tuple[Any, ...]]:
    # A reader beside the writer (WAL): retried while the writer holds a lock.
    for _ in range(50):
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
                return c.execute(sql).fetchall()
        except sqlite3.OperationalError:
            time.sleep(0.05)
    raise AssertionError(f"{db}: cannot read {sql}")


def test_a_url_batch_survives_kill_9_and_resumes(server: PhotoServer,
                                                 tmp_path: pathlib.Path):
    cli = _cli()
    urls = [server.url(f"/p/{i}.jpg") for i in range(1, PHOTOS + 1)]
    listing = tmp_path / "lista.csv"
    listing.write_text("url;nome\n" + "".join(
        f"{u};ABC{i}_FRENTE.jpg\n" for i, u in enumerate(urls, 1)), encoding="utf-8")
    db = tmp_path / "bank.db"
    common = ["--db", f"sqlite://{db}", "--storage", f"file://{tmp_path / 'files'}",
              "--presets", "thumbnail", "--formats", "jpeg", "--workers", "2",
              "--lease-seconds", "3", "--retry-seconds", "0.2",
              "--allow-host", f"127.0.0.1:{server.port}"]
    log = open(tmp_path / "cli.log", "wb")
    proc = subprocess.Popen([cli, "ingest", "--urls", str(listing), *common],
                            stdout=log, stderr=log)
    done_before: set[str] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    done_before = {r[0] for r in _query(
                        db, "SELECT source_path FROM jobs WHERE state = 'done'")}
                except AssertionError:
                    done_before = set()
                if len(done_before) >= 3:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "the ingest ended before the kill: " + (
            tmp_path / "cli.log").read_text(errors="replace")[-2000:]
        assert 3 <= len(done_before) < PHOTOS, done_before
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    hits_at_kill = server.counts()
    [(batch_id,)] = _query(db, "SELECT id FROM batches")
    states = {r[0]: r[1] for r in _query(db, "SELECT source_path, state FROM jobs")}
    assert set(states) == set(urls)
    assert any(s != "done" for s in states.values()), "nothing left to resume"

    resumed = subprocess.run([cli, "batch", "resume", str(batch_id), *common],
                             stdout=log, stderr=log, timeout=300)
    log.close()
    assert resumed.returncode == 0, (tmp_path / "cli.log").read_text(errors="replace")[-4000:]

    # Every URL is one job, done, with its content recorded; one image each.
    rows = _query(db, "SELECT source_path, state, sha256, bytes, image_id FROM jobs "
                      "WHERE kind = 'process'")
    assert sorted(r[0] for r in rows) == sorted(urls)
    for path, state, sha, size, image_id in rows:
        assert state == "done", (path, state)
        want = server.bodies[path[len(server.url("")):]]
        assert size == len(want) and len(sha) == 64, path
        assert image_id is not None, path
    assert len({r[4] for r in rows}) == PHOTOS
    assert _query(db, "SELECT COUNT(*) FROM images") == [(PHOTOS,)]
    assert _query(db, "SELECT state FROM batches") == [("done",)]

    # What was done before the kill was not fetched again; the rest was
    # fetched at least once (a job in flight at the kill maybe twice).
    hits = server.counts()
    prefix = server.url("")
    for url in done_before:
        path = url[len(prefix):]
        assert hits[path] == 1, (path, hits[path], hits_at_kill.get(path))
    for url in urls:
        assert hits.get(url[len(prefix):], 0) >= 1, url
    print(f"done before the kill: {len(done_before)}/{PHOTOS}; requests at the kill: "
          f"{sum(hits_at_kill.values())}, in all: {sum(hits.values())}")
