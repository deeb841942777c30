#!/usr/bin/env python3
"""Many workers, many failures: a fleet of `imagebank worker` processes on one
PostgreSQL catalog and one MinIO bucket, broken on purpose, and nothing lost.

    scripts/fleet-chaos-test.py [--photos 1000] [--workers 4] [--kills 12]
                                [--pg-down 10] [--corpus DIR]

Makes N distinct photos (corpus photos resized, cropped and re-encoded; one
in 20 a large JPEG whose original goes up to S3 in several parts), starts a
throwaway PostgreSQL (scripts/pg-test-server.sh) and MinIO
(tests/python/servers.py), receives the batch with `imagebank ingest
--no-work` and starts W `imagebank worker --follow` processes. While they
work:

- SIGKILLs a random worker and starts a new one in its place, --kills
  times, spread evenly over the batch's progress (the k-th kill when k/(K+1)
  of the jobs are finished, so every kill lands while there is work, however
  fast the machine is);
- stops PostgreSQL as a crash would (pg_ctl -m immediate) for --pg-down
  seconds, then starts it again on the same port;
- SIGKILLs MinIO while a multipart upload is in flight (seen in
  ListMultipartUploads) and starts it again two seconds later.

Every object above 64 KiB goes up as a multipart upload (the bank's URI sets
multipart_threshold), so uploads are always in flight. A worker that exits
(it should not: a --follow worker waits for its catalog) is started again
and counted. When every job is finished the workers are stopped, and one
last `imagebank worker --abort-uploads-after 0` aborts the uploads that
killed writers left behind. Then the checks, with boto3 listing the bucket
on its own:

- exactly N jobs, each done (its image stored) or failed with a reason;
- 0 duplicates: one job per file, one image per content, one variant per
  image, preset and format;
- 0 orphans: every object is an original of a job or a variant row; every
  image's original and every variant row's object exists with its size;
- ListMultipartUploads empty.

Prints one JSON summary line; exits 1 when a check fails.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "python"))

from servers import MINIO_PASSWORD, MINIO_USER, Minio  # noqa: E402

BUCKET = "fleet"
PRESETS = "thumbnail,small,detail"
FORMATS = "jpeg,webp"
MULTIPART_THRESHOLD = 64 << 10


def find_cli(given: str | None) -> str:
    for c in [given, os.environ.get("IMAGEBANK_CLI"),
              str(REPO / "build/release/src/cli/imagebank"),
              str(REPO / "build/ci/src/cli/imagebank"), shutil.which("imagebank")]:
        if c and os.access(c, os.X_OK):
            return c
    sys.exit("imagebank CLI not found: build it or pass --cli")


def find_corpus(given: str | None) -> pathlib.Path | None:
    for c in [given, os.environ.get("IMAGEBANK_CORPUS")]:
        if c and pathlib.Path(c).is_dir():
            return pathlib.Path(c)
    fetch = REPO.parent / "shared" / "corpus" / "fetch-photos"
    if fetch.exists():
        out = subprocess.run([str(fetch)], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return pathlib.Path(out.stdout.strip().splitlines()[-1])
    return None


def make_photos(folder: pathlib.Path, n: int, seed: int, corpus: pathlib.Path | None) -> int:
    """N distinct photos under SKU-style names; returns how many are large."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    sources: list[Image.Image] = []
    if corpus is not None:
        for p in sorted(corpus.iterdir()):
            if p.suffix.lower() in (".jpg", ".jpeg", ".png"):
                with Image.open(p) as im:
                    im.draft("RGB", (2400, 2400))
                    sources.append(im.convert("RGB"))
    if not sources:  # no corpus: smooth random pictures
        for _ in range(8):
            im = Image.new("RGB", (6, 6))
            im.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(36)])
            sources.append(im.resize((2400, 1800), Image.BILINEAR))
    folder.mkdir(parents=True)
    large = 0
    for i in range(n):
        src = sources[i % len(sources)]
        w, h = src.size
        # A crop of its own (distinct content), resized and re-encoded.
        cw, ch = int(w * rng.uniform(0.55, 0.95)), int(h * rng.uniform(0.55, 0.95))
        x, y = rng.randrange(w - cw + 1), rng.randrange(h - ch + 1)
        im = src.crop((x, y, x + cw, y + ch))
        big = i % 20 == 7
        if big:
            # Noise at full quality: an original of 6-12 MB, sent in 2-3 parts.
            im = im.resize((3000, 2250), Image.BILINEAR)
            noise = Image.effect_noise((3000, 2250), 64).convert("RGB")
            im = Image.blend(im, noise, 0.35)
            large += 1
        else:
            target = rng.randrange(900, 1700)
            im = im.resize((target, max(1, target * ch // cw)), Image.BILINEAR)
        ImageDraw.Draw(im).text((8, 8), f"{i}", fill=(255, 255, 255))
        sku = f"FL{i // 3:05d}"
        view = ("FRENTE", "COSTAS", "DETALHE")[i % 3]
        sub = folder / f"lote{i % 5}"
        sub.mkdir(exist_ok=True)
        im.save(sub / f"{sku}_{view}.jpg", quality=98 if big else rng.randrange(80, 93))
    return large


class Postgres:
    def __init__(self, work: pathlib.Path) -> None:
        self.dir = work / "pg"
        self.script = REPO / "scripts/pg-test-server.sh"
        subprocess.run([self.script, "start", self.dir], check=True, capture_output=True)
        out = subprocess.run([self.script, "createdb", self.dir, "fleet"], check=True,
                             capture_output=True, text=True)
        self.uri = out.stdout.strip()
        self.port = (self.dir / "port").read_text().strip()

    def query(self, sql: str) -> list[list[str]]:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", self.port, "-U", "imagebank",
                              "-d", "fleet", "-AtF", "\t", "-c", sql],
                             check=True, capture_output=True, text=True, timeout=60)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def try_query(self, sql: str) -> list[list[str]] | None:
        try:
            return self.query(sql)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            return None

    def restart(self, seconds: float) -> None:
        subprocess.run([self.script, "restart", self.dir, str(seconds)], check=True,
                       capture_output=True)

    def stop(self) -> None:
        subprocess.run([self.script, "stop", self.dir], capture_output=True)


def s3_client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=MINIO_USER,
                        aws_secret_access_key=MINIO_PASSWORD, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=2,
                                      read_timeout=5))


def pending_uploads(s3: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"Bucket": BUCKET}
    while True:
        page = s3.list_multipart_uploads(**kwargs)
        out.extend(page.get("Uploads", []))
        if not page.get("IsTruncated"):
            return out
        kwargs.update(KeyMarker=page["NextKeyMarker"],
                      UploadIdMarker=page["NextUploadIdMarker"])


def all_objects(s3: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for o in page.get("Contents", []):
            out[o["Key"]] = int(o["Size"])
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    cli = find_cli(args.cli)
    rng = random.Random(args.seed)
    work = pathlib.Path(tempfile.mkdtemp(prefix="ib-fleet-"))
    photos = work / "photos"
    large = make_photos(photos, args.photos, args.seed, find_corpus(args.corpus))
    pg = Postgres(work)
    minio = Minio()
    env = dict(os.environ, AWS_ACCESS_KEY_ID=MINIO_USER, AWS_SECRET_ACCESS_KEY=MINIO_PASSWORD)
    storage = (f"s3://{BUCKET}?endpoint={minio.endpoint}&create_bucket=true"
               f"&multipart_threshold={MULTIPART_THRESHOLD}&max_attempts=4")
    common = ["--db", pg.uri, "--storage", storage, "--presets", PRESETS, "--formats", FORMATS,
              "--lease-seconds", str(args.lease_seconds), "--retry-seconds", "0.5",
              "--max-attempts", "10"]
    log = open(work / "processes.log", "ab")
    s3 = s3_client(minio.endpoint)
    events: list[str] = []
    stats: dict[str, Any] = {"worker_kills": 0, "worker_exits": [], "receiver_runs": 0,
                             "pg_restarts": 0, "minio_restarts": 0,
                             "multipart_in_flight_at_minio_kill": 0}
    started = time.monotonic()

    def note(text: str) -> None:
        events.append(f"{time.monotonic() - started:7.1f}s {text}")
        if args.verbose:
            print(events[-1], file=sys.stderr, flush=True)

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen([cli, "worker", "--follow", "--workers", "1"] + common,
                                stdout=log, stderr=log, env=env)

    # The receiver: the machine that holds the photos. It runs beside the
    # workers (and the failures); when storage or catalog stop it, it is
    # run again with `batch resume --no-work` until the batch is received.
    def receive() -> None:
        cmd = [cli, "ingest", str(photos), "--no-work", "--collection", "Fleet",
               "--brand", "Teste"] + common
        while True:
            stats["receiver_runs"] += 1
            r = subprocess.run(cmd, stdout=log, stderr=log, env=env)
            rows = pg.try_query("SELECT receiving FROM batches WHERE id = 1")
            if r.returncode == 0 and rows and rows[0][0] in ("f", "0"):
                note("receiver: the batch is received")
                return
            note(f"receiver: exit {r.returncode}, receiving again")
            time.sleep(1)
            cmd = [cli, "batch", "resume", "1", "--no-work"] + common

    receiver = threading.Thread(target=receive)
    receiver.start()
    workers = [start_worker() for _ in range(args.workers)]

    def counts() -> dict[str, int] | None:
        rows = pg.try_query("SELECT state, COUNT(*) FROM jobs GROUP BY state")
        return None if rows is None else {s: int(c) for s, c in rows}

    def finished() -> int:
        c = counts() or {}
        return sum(v for k, v in c.items() if k in ("done", "duplicate", "failed"))

    def keep_workers_alive() -> None:
        for i, p in enumerate(workers):
            if p.poll() is not None:
                stats["worker_exits"].append(p.returncode)
                note(f"worker {p.pid} exited with {p.returncode}; starting another")
                workers[i] = start_worker()

    plan = {"pg": args.photos * 0.25, "minio": args.photos * 0.55}
    # The k-th kill when k / (kills + 1) of the jobs are finished.
    kill_at = [args.photos * k / (args.kills + 1) for k in range(1, args.kills + 1)]
    deadline = time.monotonic() + args.timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise RuntimeError(f"not finished after {args.timeout} s: {counts()}")
            time.sleep(0.2)
            keep_workers_alive()
            done = finished()
            if stats["worker_kills"] < args.kills and done >= kill_at[stats["worker_kills"]]:
                i = rng.randrange(len(workers))
                victim = workers[i]
                if victim.poll() is None:
                    victim.send_signal(signal.SIGKILL)
                    victim.wait()
                    stats["worker_kills"] += 1
                    note(f"SIGKILL worker {victim.pid} at {done} finished jobs")
                else:
                    stats["worker_exits"].append(victim.returncode)
                    note(f"worker {victim.pid} exited with {victim.returncode}")
                workers[i] = start_worker()
            if stats["pg_restarts"] == 0 and done >= plan["pg"]:
                note(f"PostgreSQL down for {args.pg_down} s at {done} finished jobs")
                t0 = time.monotonic()
                # The workers keep running (and failing) meanwhile; so do
                # the kills, but they wait for the restart here.
                pg.restart(args.pg_down)
                stats["pg_restarts"] += 1
                stats["pg_down_seconds"] = round(time.monotonic() - t0, 1)
                note("PostgreSQL up again")
            if stats["minio_restarts"] == 0 and done >= plan["minio"]:
                # Wait (a little) for a multipart upload in flight.
                seen: list[dict[str, Any]] = []
                until = time.monotonic() + 30
                while not seen and time.monotonic() < until:
                    try:
                        seen = pending_uploads(s3)
                    except Exception:  # noqa: BLE001 (a busy server: try again)
                        pass
                    if not seen:
                        time.sleep(0.02)
                minio.crash()
                stats["multipart_in_flight_at_minio_kill"] = len(seen)
                note(f"MinIO SIGKILLed with {len(seen)} multipart uploads in flight "
                     f"({', '.join(u['Key'] for u in seen[:3])})")
                time.sleep(2)
                minio.start_again()
                stats["minio_restarts"] += 1
                note("MinIO up again")
            c = counts()
            if (c is not None and not receiver.is_alive() and sum(c.values()) > 0
                    and c.get("received", 0) == 0 and c.get("leased", 0) == 0
                    and stats["pg_restarts"] and stats["minio_restarts"]
                    and stats["worker_kills"] == args.kills):
                state = pg.try_query("SELECT state FROM batches WHERE id = 1")
                if state and state[0][0] == "done":
                    note(f"batch done: {c}")
                    break
    finally:
        for p in workers:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in workers:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        receiver.join(timeout=5)
    elapsed = time.monotonic() - started

    # The uploads killed writers left: aborted by one last worker.
    sweep = subprocess.run([cli, "worker", "--abort-uploads-after", "0"] + common,
                           capture_output=True, text=True, env=env)
    stats["uploads_left_by_killed_writers"] = 0
    for line in sweep.stdout.splitlines():
        if line.startswith("aborted "):
            stats["uploads_left_by_killed_writers"] = int(line.split()[1])
    summary = check(pg, s3, args.photos)
    summary.update(stats)
    summary.update({"photos": args.photos, "large_photos": large, "workers": args.workers,
                    "seconds": round(elapsed, 1), "events": events, "work": str(work)})
    pg.stop()
    minio.stop()
    log.close()
    if not args.keep and summary["ok"]:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def check(pg: Postgres, s3: Any, n: int) -> dict[str, Any]:
    problems: list[str] = []
    q = pg.query
    states = {s: int(c) for s, c in q("SELECT state, COUNT(*) FROM jobs GROUP BY state")}
    jobs = sum(states.values())
    if jobs != n:
        problems.append(f"{jobs} jobs for {n} files (lost: {n - jobs})")
    if set(states) - {"done", "duplicate", "failed"}:
        problems.append(f"jobs left unfinished: {states}")
    no_reason = int(q("SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND "
                      "(error_code = '' OR error = '')")[0][0])
    if no_reason:
        problems.append(f"{no_reason} failed jobs without a reason")
    failures = q("SELECT error_code, COUNT(*) FROM jobs WHERE state = 'failed' "
                 "GROUP BY error_code")
    lost = int(q("SELECT COUNT(*) FROM jobs j WHERE j.state IN ('done', 'duplicate') AND "
                 "NOT EXISTS (SELECT 1 FROM images i WHERE i.id = j.image_id)")[0][0])
    if lost:
        problems.append(f"{lost} finished jobs without their image")
    dup_jobs = int(q("SELECT COUNT(*) FROM (SELECT source_path FROM jobs GROUP BY batch_id, "
                     "source_path HAVING COUNT(*) > 1) d")[0][0])
    images = int(q("SELECT COUNT(*) FROM images")[0][0])
    distinct = int(q("SELECT COUNT(DISTINCT sha256) FROM images")[0][0])
    image_per_file = int(q("SELECT COUNT(*) FROM (SELECT original_name FROM images GROUP BY "
                           "batch_id, original_name HAVING COUNT(*) > 1) d")[0][0])
    dup_variants = int(q("SELECT COUNT(*) FROM (SELECT image_id FROM variants GROUP BY image_id, "
                         "preset, format HAVING COUNT(*) > 1) d")[0][0])
    duplicated = dup_jobs + (images - distinct) + image_per_file + dup_variants
    if duplicated:
        problems.append(f"duplicates: jobs {dup_jobs}, images {images - distinct}, "
                        f"images per file {image_per_file}, variants {dup_variants}")

    objects = all_objects(s3)
    variant_rows = {k: int(b) for k, b in q("SELECT blob_key, bytes FROM variants")}
    image_rows = {k: int(b) for k, b in q("SELECT blob_key, bytes FROM images")}
    job_shas = {r[0] for r in q("SELECT DISTINCT sha256 FROM jobs WHERE sha256 <> ''")}
    orphans = [k for k in objects
               if not (k in variant_rows or k in image_rows or
                       (k.startswith("originals/") and
                        pathlib.PurePosixPath(k).stem in job_shas))]
    if orphans:
        problems.append(f"{len(orphans)} orphan objects, e.g. {orphans[:3]}")
    missing = [k for k in list(variant_rows) + list(image_rows) if k not in objects]
    wrong_size = [k for k, b in list(variant_rows.items()) + list(image_rows.items())
                  if k in objects and objects[k] != b]
    if missing or wrong_size:
        problems.append(f"rows without their object: {len(missing)}, with an object of "
                        f"another size: {len(wrong_size)}")
    uploads = pending_uploads(s3)
    if uploads:
        problems.append(f"{len(uploads)} multipart uploads left pending")
    return {"ok": not problems, "problems": problems, "jobs": states,
            "failed_by_code": {c: int(k) for c, k in failures},
            "lost": max(0, n - jobs) + lost, "duplicated": duplicated,
            "orphans": len(orphans), "missing_objects": len(missing) + len(wrong_size),
            "image_rows": images, "variant_rows": len(variant_rows), "objects": len(objects),
            "pending_multipart_uploads": len(uploads)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--photos", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=4, help="worker processes")
    ap.add_argument("--kills", type=int, default=12, help="workers SIGKILLed")
    ap.add_argument("--pg-down", type=float, default=10, help="seconds PostgreSQL is down")
    ap.add_argument("--lease-seconds", type=float, default=10)
    ap.add_argument("--timeout", type=float, default=7200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", help="folder of JPEG/PNG photos to derive the batch from")
    ap.add_argument("--cli", help="the imagebank executable")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", action="store_true", help="events on stderr as they happen")
    args = ap.parse_args()
    summary = run(args)
    print(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
