#!/usr/bin/env python3
"""kill -9 the ingest at random moments and check that nothing is lost.

    scripts/ingest-crash-test.py [--images 2000] [--kills 20] [--postgres]

Makes N distinct photos, ingests them with `imagebank ingest` and kills the
process with SIGKILL at random moments, resuming each time (`imagebank batch
resume`). With --postgres the catalog is a throwaway PostgreSQL server
(scripts/pg-test-server.sh) and two processes work the batch at once: the
ingest and an `imagebank worker --follow`; either is killed at random. After
the last kill the batch is resumed to its end and checked:

- exactly N jobs, each done (its image stored) or failed with a reason;
- 0 duplicate rows (one image per content, one job per file, one variant per
  image, preset and format);
- 0 orphan blobs: every object in the store is an original of a job or a
  variant row; every variant row's object exists, with the row's size, and
  decodes to the row's width and height;
- the database's own integrity check passes (SQLite: PRAGMA integrity_check
  and foreign_key_check; PostgreSQL: pg_amcheck on tables and indexes).

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
import sqlite3
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
# Large enough photos and three presets that a 2,000-photo batch takes about
# a minute on two cores: room for 20 kills in the middle of it.
PRESETS = "thumbnail,small,detail"
FORMATS = "jpeg"


def find_cli(given: str | None) -> str:
    for c in [given, os.environ.get("IMAGEBANK_CLI"),
              str(REPO / "build/release/src/cli/imagebank"),
              str(REPO / "build/dev/src/cli/imagebank"), shutil.which("imagebank")]:
        if c and os.access(c, os.X_OK):
            return c
    sys.exit("imagebank CLI not found: build it or pass --cli")


def make_photos(folder: pathlib.Path, n: int, seed: int, size: tuple[int, int]) -> None:
    """N distinct pictures (random colour blocks), in several folders."""
    from PIL import Image

    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        img = Image.new("RGB", (6, 6))
        img.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(36)])
        img = img.resize(size, Image.BILINEAR)
        sku = f"CR{i // 3:05d}"
        view = ("FRENTE", "COSTAS", "DETALHE")[i % 3]
        sub = folder / f"part{i % 7}"
        sub.mkdir(exist_ok=True)
        img.save(sub / f"{sku}_{view}.jpg", quality=85)


class Postgres:
    def __init__(self, work: pathlib.Path) -> None:
        self.dir = work / "pg"
        script = REPO / "scripts/pg-test-server.sh"
        subprocess.run([script, "start", self.dir], check=True, capture_output=True)
        out = subprocess.run([script, "createdb", self.dir, "crash"], check=True,
                             capture_output=True, text=True)
        self.uri = out.stdout.strip()
        self.port = (self.dir / "port").read_text().strip()
        self.script = script

    def query(self, sql: str) -> list[list[str]]:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", self.port, "-U", "imagebank",
                              "-d", "crash", "-AtF", "\t", "-c", sql],
                             check=True, capture_output=True, text=True)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def integrity(self) -> tuple[bool, str]:
        tool = shutil.which("pg_amcheck") or next(
            (str(p) for p in pathlib.Path("/usr/lib/postgresql").glob("*/bin/pg_amcheck")), None)
        if tool is None:
            return False, "pg_amcheck not found"
        r = subprocess.run([tool, "-h", "127.0.0.1", "-p", self.port, "-U", "imagebank",
                            "--install-missing", "--heapallindexed", "crash"],
                           capture_output=True, text=True)
        return r.returncode == 0, (r.stdout + r.stderr).strip()

    def stop(self) -> None:
        subprocess.run([self.script, "stop", self.dir], capture_output=True)


class Sqlite:
    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def query(self, sql: str) -> list[list[str]]:
        with sqlite3.connect(self.path) as c:
            return [["" if v is None else str(v) for v in row] for row in c.execute(sql)]

    def integrity(self) -> tuple[bool, str]:
        with sqlite3.connect(self.path) as c:
            ic = c.execute("PRAGMA integrity_check").fetchall()
            fk = c.execute("PRAGMA foreign_key_check").fetchall()
        return ic == [("ok",)] and not fk, f"integrity_check={ic} foreign_key_check={fk}"

    def stop(self) -> None:
        pass


def run_crash_test(args: argparse.Namespace) -> dict:
    cli = find_cli(args.cli)
    rng = random.Random(args.seed)
    work = pathlib.Path(tempfile.mkdtemp(prefix="ib-crash-"))
    photos = work / "photos"
    width, height = (int(v) for v in args.size.split("x"))
    make_photos(photos, args.images, args.seed, (width, height))
    files = work / "files"
    db = Postgres(work) if args.postgres else Sqlite(work / "bank.db")
    location = (["--db", db.uri, "--storage", f"file://{files}"] if args.postgres
                else ["--db", f"sqlite://{work / 'bank.db'}", "--storage", f"file://{files}"])
    common = location + ["--presets", PRESETS, "--formats", FORMATS, "--workers",
                         str(args.workers), "--lease-seconds", "5", "--retry-seconds", "0.2"]
    log = open(work / "processes.log", "ab")

    def batch_exists() -> bool:
        try:
            return bool(db.query("SELECT id FROM batches WHERE id = 1"))
        except (subprocess.CalledProcessError, sqlite3.Error):
            return False

    def start_ingest() -> subprocess.Popen:
        if batch_exists():
            cmd = [cli, "batch", "resume", "1"] + common
        else:
            cmd = [cli, "ingest", str(photos), "--collection", "Crash", "--brand", "Test"] + common
        return subprocess.Popen(cmd, stdout=log, stderr=log)

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen([cli, "worker", "--follow"] + common, stdout=log, stderr=log)

    procs = {"ingest": start_ingest()}
    if args.postgres:
        procs["worker"] = start_worker()
    kills = 0
    started = time.monotonic()
    try:
        while kills < args.kills:
            time.sleep(rng.uniform(args.min_gap, args.max_gap))
            name = rng.choice(sorted(procs))
            p = procs[name]
            if p.poll() is not None:
                # It finished (or failed) before the kill: start it again.
                if name == "ingest" and p.returncode == 0 and batch_exists() and \
                        db.query("SELECT state FROM batches WHERE id = 1")[0][0] == "done":
                    break
                procs[name] = start_ingest() if name == "ingest" else start_worker()
                continue
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            procs[name] = start_ingest() if name == "ingest" else start_worker()
        # The last run goes to the end.
        ingest = procs["ingest"]
        if ingest.wait(timeout=args.timeout) not in (0, 1):
            raise RuntimeError(f"the final ingest ended with status {ingest.returncode}")
        if batch_exists() and db.query("SELECT state FROM batches WHERE id = 1")[0][0] != "done":
            final = subprocess.run([cli, "batch", "resume", "1"] + common, stdout=log,
                                   stderr=log, timeout=args.timeout)
            if final.returncode not in (0, 1):
                raise RuntimeError(f"the final resume ended with status {final.returncode}")
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
    elapsed = time.monotonic() - started
    summary = check(db, files, cli, args.images)
    summary.update({"images": args.images, "kills": kills, "postgres": args.postgres,
                    "seconds": round(elapsed, 1), "work": str(work)})
    db.stop()
    if not args.keep and summary["ok"]:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def check(db, files: pathlib.Path, cli: str, n: int) -> dict:
    problems: list[str] = []
    q = db.query
    states = {s: int(c) for s, c in q("SELECT state, COUNT(*) FROM jobs GROUP BY state")}
    jobs = sum(states.values())
    if jobs != n:
        problems.append(f"{jobs} jobs for {n} files")
    if set(states) - {"done", "duplicate", "failed"}:
        problems.append(f"jobs left unfinished: {states}")
    # A failure is its code (error_code) and its message (error): both kept.
    no_reason = int(q("SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND "
                      "(error_code = '' OR error = '')")[0][0])
    if no_reason:
        problems.append(f"{no_reason} failed jobs without a reason")
    lost = int(q("SELECT COUNT(*) FROM jobs j WHERE j.state IN ('done', 'duplicate') AND "
                 "NOT EXISTS (SELECT 1 FROM images i WHERE i.id = j.image_id)")[0][0])
    if lost:
        problems.append(f"{lost} finished jobs without their image")
    dup_paths = int(q("SELECT COUNT(*) FROM (SELECT source_path FROM jobs GROUP BY batch_id, "
                      "source_path HAVING COUNT(*) > 1) d")[0][0])
    images = int(q("SELECT COUNT(*) FROM images")[0][0])
    distinct = int(q("SELECT COUNT(DISTINCT sha256) FROM images")[0][0])
    done_shas = int(q("SELECT COUNT(DISTINCT sha256) FROM jobs WHERE state IN "
                      "('done', 'duplicate')")[0][0])
    dup_variants = int(q("SELECT COUNT(*) FROM (SELECT image_id FROM variants GROUP BY image_id, "
                         "preset, format HAVING COUNT(*) > 1) d")[0][0])
    if dup_paths or images != distinct or dup_variants:
        problems.append(f"duplicate rows: jobs {dup_paths}, images {images - distinct}, "
                        f"variants {dup_variants}")
    if images != done_shas:
        problems.append(f"{images} images for {done_shas} stored contents")

    # Blobs: every object is accounted for by a row; every row's object is whole.
    variant_rows = q("SELECT blob_key, bytes, width, height FROM variants")
    job_shas = {r[0] for r in q("SELECT DISTINCT sha256 FROM jobs WHERE sha256 <> ''")}
    expected_variants = {r[0]: r for r in variant_rows}
    objects, temp_files = {}, 0
    for path in files.rglob("*"):
        if not path.is_file():
            continue
        if path.name.startswith(".~ib-tmp."):
            temp_files += 1
            continue
        objects[path.relative_to(files).as_posix()] = path.stat().st_size
    orphans = []
    for key in objects:
        if key.startswith("originals/"):
            if pathlib.PurePosixPath(key).stem not in job_shas:
                orphans.append(key)
        elif key not in expected_variants:
            orphans.append(key)
    if orphans:
        problems.append(f"{len(orphans)} orphan blobs, e.g. {orphans[:3]}")
    missing = [k for k in expected_variants if k not in objects]
    wrong_size = [k for k, r in expected_variants.items()
                  if k in objects and objects[k] != int(r[1])]
    if missing or wrong_size:
        problems.append(f"variant rows without their object: {len(missing)}, "
                        f"of the wrong size: {len(wrong_size)}")
    bad_pixels = 0
    keys = [k for k in expected_variants if k in objects]
    for start in range(0, len(keys), 400):
        chunk = keys[start:start + 400]
        out = subprocess.run([cli, "probe", "--json"] + [str(files / k) for k in chunk],
                             capture_output=True, text=True)
        for line, key in zip(out.stdout.splitlines(), chunk):
            info = json.loads(line)
            row = expected_variants[key]
            if "error" in info or (info["width"], info["height"]) != (int(row[2]), int(row[3])):
                bad_pixels += 1
    if bad_pixels:
        problems.append(f"{bad_pixels} variants that do not decode to their row's size")
    ok_integrity, integrity = db.integrity()
    if not ok_integrity:
        problems.append(f"integrity check failed: {integrity}")
    return {"ok": not problems, "problems": problems, "jobs": states, "image_rows": images,
            "variant_rows": len(variant_rows), "objects": len(objects),
            "orphan_blobs": len(orphans), "temp_files_of_killed_writers": temp_files,
            "integrity": "ok" if ok_integrity else integrity}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--postgres", action="store_true",
                    help="PostgreSQL catalog and two worker processes")
    ap.add_argument("--workers", type=int, default=2, help="threads per process")
    ap.add_argument("--size", default="1600x1200", help="photo size, WxH")
    ap.add_argument("--min-gap", type=float, default=0.3, help="seconds between kills, at least")
    ap.add_argument("--max-gap", type=float, default=2.0, help="seconds between kills, at most")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cli", help="the imagebank executable")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    summary = run_crash_test(args)
    print(json.dumps(summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
