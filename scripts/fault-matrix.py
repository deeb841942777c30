#!/usr/bin/env python3
"""Fail one file system call of an ingest at every call index; check the bank.

    scripts/fault-matrix.py [--cli imagebank] [--ops open,write,fsync,rename]
        [--errnos EIO,ENOSPC,EACCES] [--max-per-op 0] [--jobs 2] [--json]

A small batch (four photos of tests/data, preset `small`, JPEG + WebP, a
SQLite catalog and a local-disk store) is ingested with the `imagebank`
command under tests/faults/fault_shim.c (LD_PRELOAD; built here with the
system C compiler unless --shim names a built one). A counting run learns how
many calls of each class (open, write, fsync, rename, mkdir, unlink,
truncate) on the bank's folder the batch makes; then, for every class, errno
and call index (or --max-per-op of them, evenly spaced), a fresh copy of the
bank ingests the batch with that one call failing, and:

- the command must end by itself (--timeout) with an exit status, not a
  signal; when it fails, its stderr must say why;
- right after it, no job may be done (or duplicate) whose image row, original
  (size and SHA-256) and variant objects (sizes) are not all present and
  whole;
- the batch is then resumed without the fault (`imagebank batch resume`, or
  the same ingest again when the batch was never created or a photo could
  not be read at receive) and every batch must end done with every photo
  stored, no orphan object (every file of the store is an
  original of a job or image row, or a variant row's object), no variant
  that does not decode to its row's size, and SQLite's integrity_check and
  foreign_key_check clean. These checks are this script's own, and
  `imagebank check --verify-content --grace 0` must agree: clean.

Outcomes per case: `error+resumed` (the faulted run stopped with an error
or left jobs to retry, and the resume completed the batch), `input-refused` (the
fault hit the reading of a photo at receive: its job failed with the reason,
nothing of it stored, and running the same ingest again stored it),
`finished` (the faulted run completed the batch despite the fault: retried
or harmless),
`not-reached` (the run made fewer calls than the counting run: threads and
retries vary the count), `bad` (any check failed: a finding). Prints the
table op x errno -> outcome counts, then one JSON summary line with --json.
Exits 1 when any case is bad.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from typing import Any

REPO = pathlib.Path(__file__).resolve().parent.parent
SHIM_SOURCE = REPO / "tests" / "faults" / "fault_shim.c"
PHOTOS = ("rgb.jpg", "orient6.jpg", "rgb.png", "lossy.webp")
BASE_PHOTO = "gray.jpg"
OPS = ("open", "write", "fsync", "rename", "mkdir", "unlink", "truncate")
OUTCOMES = ("error+resumed", "input-refused", "finished", "not-reached", "bad")
# Error words a failure message carries (strerror's texts, SQLite's).
ERROR_WORDS = ("error", "No space", "Permission denied", "Read-only", "failed",
               "disk", "quota", "not permitted", "too large", "Too many")


def find_cli(given: str | None) -> str:
    for c in [given, os.environ.get("IMAGEBANK_CLI"), shutil.which("imagebank"),
              str(REPO / "build/release/src/cli/imagebank")]:
        if c and os.access(c, os.X_OK):
            return c
    sys.exit("fault-matrix: the imagebank command was not found: pass --cli")


def build_shim(out_dir: pathlib.Path) -> pathlib.Path:
    """Compiles the shim with the system C compiler (cc)."""
    out = out_dir / "fault_shim.so"
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-Wall", "-o", str(out),
                    str(SHIM_SOURCE), "-ldl"], check=True, capture_output=True, text=True)
    return out


class Bank:
    """One case's bank: a copy of the template (catalog + store + photos)."""

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root
        self.db = root / "bank.db"
        self.files = root / "files"
        self.photos = root / "photos"

    def args(self, presets: str, formats: str) -> list[str]:
        return ["--db", f"sqlite://{self.db}", "--storage", f"file://{self.files}",
                "--presets", presets, "--formats", formats, "--workers", "1",
                "--retry-seconds", "0.05", "--lease-seconds", "5"]

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        c = sqlite3.connect(self.db, timeout=10)
        try:
            return list(c.execute(sql, params))
        finally:
            c.close()


def run_cli(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    started = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return {"status": "timeout", "rc": None, "stderr": err[-2000:],
                "seconds": round(time.monotonic() - started, 2)}
    status = f"signal {signal.Signals(-p.returncode).name}" if p.returncode < 0 else "exit"
    return {"status": status, "rc": p.returncode, "stderr": p.stderr[-4000:],
            "stdout": p.stdout[-2000:], "seconds": round(time.monotonic() - started, 2)}


def read_report(path: pathlib.Path) -> dict[str, Any]:
    """Sums the per-process lines the shim appended."""
    counts = {op: 0 for op in OPS}
    fired: list[dict[str, Any]] = []
    total = 0
    if path.exists():
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            for op, n in r["counts"].items():
                counts[op] = counts.get(op, 0) + int(n)
            fired += r["fired"]
            total += int(r["fired_total"])
    return {"counts": counts, "fired": fired, "fired_total": total}


def batch_state(bank: Bank, batch_id: int) -> str | None:
    try:
        rows = bank.query("SELECT state FROM batches WHERE id = ?", batch_id)
    except sqlite3.Error:
        return None
    return str(rows[0][0]) if rows else None


def refused_at_receive(bank: Bank) -> bool:
    """A photo of the batch could not be read at receive (its job failed
    before any attempt) and is stored by no later batch."""
    try:
        return bool(bank.query(
            "SELECT 1 FROM jobs j WHERE j.state = 'failed' AND j.attempts = 0 AND NOT EXISTS "
            "(SELECT 1 FROM jobs k WHERE k.source_path = j.source_path AND k.state IN "
            "('done', 'duplicate'))"))
    except sqlite3.Error:
        return False


def done_jobs_whole(bank: Bank) -> list[str]:
    """Every done or duplicate job's rows and objects are present and whole."""
    problems: list[str] = []
    try:
        rows = bank.query(
            "SELECT j.id, j.state, j.sha256, i.id, i.blob_key, i.bytes, i.sha256 FROM jobs j "
            "LEFT JOIN images i ON i.id = j.image_id WHERE j.state IN ('done', 'duplicate')")
        variants = bank.query("SELECT image_id, blob_key, bytes FROM variants")
    except sqlite3.Error as e:
        return [f"catalog unreadable after the run: {e}"]
    by_image: dict[int, list[tuple[str, int]]] = {}
    for image_id, key, size in variants:
        by_image.setdefault(int(image_id), []).append((str(key), int(size)))
    for job_id, state, sha, image_id, key, size, image_sha in rows:
        if image_id is None:
            problems.append(f"job {job_id} is {state} without its image row")
            continue
        if sha != image_sha:
            problems.append(f"job {job_id}: its image row has another SHA-256")
        path = bank.files / str(key)
        if not path.is_file():
            problems.append(f"job {job_id} is {state} but its original {key} is missing")
        elif path.stat().st_size != int(size):
            problems.append(f"job {job_id}: original {key} has {path.stat().st_size} bytes, "
                            f"the row says {size}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != image_sha:
            problems.append(f"job {job_id}: original {key} does not hash to its row's SHA-256")
        stored = by_image.get(int(image_id), [])
        if not stored:
            problems.append(f"job {job_id} is {state} but its image has no variant rows")
        for vkey, vsize in stored:
            vpath = bank.files / vkey
            if not vpath.is_file():
                problems.append(f"job {job_id}: variant {vkey} is missing")
            elif vpath.stat().st_size != vsize:
                problems.append(f"job {job_id}: variant {vkey} has {vpath.stat().st_size} "
                                f"bytes, the row says {vsize}")
    return problems


def final_check(bank: Bank, cli: str, batch_id: int) -> tuple[list[str], dict[str, Any]]:
    problems = done_jobs_whole(bank)
    facts: dict[str, Any] = {}
    try:
        states = dict(bank.query("SELECT state, COUNT(*) FROM jobs WHERE batch_id = ? "
                                 "GROUP BY state", batch_id))
        facts["jobs"] = states
        # Every photo of the batch is stored: an image row with its SHA-256.
        stored = {r[0] for r in bank.query("SELECT sha256 FROM images")}
        for photo in sorted(bank.photos.iterdir()):
            if hashlib.sha256(photo.read_bytes()).hexdigest() not in stored:
                problems.append(f"after the resume, {photo.name} is not stored (jobs of batch "
                                f"{batch_id}: {states})")
        not_done = bank.query("SELECT id, state FROM batches WHERE state <> 'done'")
        if not_done:
            problems.append(f"batches not done after the resume: {not_done}")
        job_shas = {r[0] for r in bank.query("SELECT sha256 FROM jobs WHERE sha256 <> ''")}
        image_keys = {r[0] for r in bank.query("SELECT blob_key FROM images")}
        variant_rows = {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in
                        bank.query("SELECT blob_key, bytes, width, height FROM variants")}
        dups = bank.query("SELECT COUNT(*) FROM (SELECT image_id FROM variants GROUP BY "
                          "image_id, preset, format HAVING COUNT(*) > 1) d")[0][0]
        if dups:
            problems.append(f"{dups} duplicate variant rows")
        c = sqlite3.connect(bank.db)
        try:
            ic = c.execute("PRAGMA integrity_check").fetchall()
            fk = c.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            c.close()
        if ic != [("ok",)] or fk:
            problems.append(f"integrity_check {ic}, foreign_key_check {fk}")
    except sqlite3.Error as e:
        return problems + [f"catalog unreadable after the resume: {e}"], facts
    orphans, temps = [], []
    for path in sorted(bank.files.rglob("*")):
        if not path.is_file():
            continue
        key = path.relative_to(bank.files).as_posix()
        if path.name.startswith(".~ib-tmp."):
            temps.append(key)
        elif key.startswith("originals/"):
            if key not in image_keys and path.name.split(".")[0] not in job_shas:
                orphans.append(key)
        elif key not in variant_rows:
            orphans.append(key)
    facts["temp_files"] = len(temps)
    if orphans:
        problems.append(f"{len(orphans)} orphan objects: {orphans[:3]}")
    if temps:
        problems.append(f"{len(temps)} temporary files left in the store: {temps[:3]}")
    # The command's own integrity check must find the bank clean too.
    out = subprocess.run([cli, "check", "--db", f"sqlite://{bank.db}", "--storage",
                          f"file://{bank.files}", "--json", "--verify-content", "--grace", "0"],
                         capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines or not lines[-1].get("clean"):
        problems.append(f"imagebank check is not clean (exit {out.returncode}): "
                        f"{lines[:3]} {out.stderr[-300:]}")
    keys = [k for k in variant_rows if (bank.files / k).is_file()]
    if keys:
        out = subprocess.run([cli, "probe", "--json"] + [str(bank.files / k) for k in keys],
                             capture_output=True, text=True, timeout=120)
        for line, key in zip(out.stdout.splitlines(), keys):
            info = json.loads(line)
            _, w, h = variant_rows[key]
            if "error" in info or (info.get("width"), info.get("height")) != (w, h):
                problems.append(f"variant {key} does not decode to {w}x{h}: {info}")
    return problems, facts


class Matrix:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cli = find_cli(args.cli)
        self.work = pathlib.Path(tempfile.mkdtemp(prefix="ib-faults-"))
        self.shim = pathlib.Path(args.shim) if args.shim else build_shim(self.work)
        self.template = Bank(self.work / "template")
        self.batch_id = 2

    def env(self, bank: Bank, spec: str, report: pathlib.Path) -> dict[str, str]:
        env = dict(os.environ)
        env["LD_PRELOAD"] = str(self.shim)
        env["IMAGEBANK_FAULT"] = spec
        env["IMAGEBANK_FAULT_REPORT"] = str(report)
        return env

    def ingest_cmd(self, bank: Bank) -> list[str]:
        return [self.cli, "ingest", str(bank.photos)] + bank.args(self.args.presets,
                                                                  self.args.formats)

    def make_template(self) -> None:
        """A bank that already holds one photo (batch 1), and the batch to ingest."""
        t = self.template
        t.root.mkdir()
        t.photos.mkdir()
        data = REPO / "tests" / "data"
        for name in PHOTOS:
            shutil.copy(data / name, t.photos / name)
        base = self.work / "base"
        base.mkdir()
        shutil.copy(data / BASE_PHOTO, base / BASE_PHOTO)
        r = subprocess.run([self.cli, "ingest", str(base)] + t.args(self.args.presets,
                                                                     self.args.formats),
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            sys.exit(f"fault-matrix: the template ingest failed: {r.stderr}")

    def copy(self, name: str) -> Bank:
        root = self.work / name
        shutil.copytree(self.template.root, root)
        return Bank(root)

    def count(self) -> dict[str, int]:
        bank = self.copy("count")
        report = bank.root / "report.jsonl"
        r = run_cli(self.ingest_cmd(bank),
                    self.env(bank, f"count,path={bank.root}/{self.args.under}", report),
                    self.args.timeout)
        if r["status"] != "exit" or r["rc"] != 0:
            sys.exit(f"fault-matrix: the counting run failed: {r}")
        counts: dict[str, int] = read_report(report)["counts"]
        shutil.rmtree(bank.root, ignore_errors=True)
        return counts

    def resume(self, bank: Bank) -> tuple[dict[str, Any], bool]:
        """Runs the batch to its end without the fault: `batch resume`, or the
        ingest again when the batch was never created or a photo was refused
        at receive (a source file that could not be read is failed with its
        reason and never stored; reading the folder again takes it).
        Returns the last run and whether the ingest was run again."""
        last: dict[str, Any] = {}
        again = False
        for attempt in range(3):
            state = batch_state(bank, self.batch_id)
            if state is None:
                cmd = self.ingest_cmd(bank)
            elif attempt == 0 or state != "done":
                # Once at least: a resume also retries the jobs that failed
                # on storage (their attempts used up while the disk failed).
                cmd = [self.cli, "batch", "resume", str(self.batch_id)] + bank.args(
                    self.args.presets, self.args.formats)
            elif refused_at_receive(bank):
                cmd = self.ingest_cmd(bank)
                again = True
            else:
                break
            last = run_cli(cmd, dict(os.environ), self.args.timeout)
            if last["status"] != "exit":
                break
        return last, again

    def case(self, op: str, err: str, index: int, mode: str = "n") -> dict[str, Any]:
        name = f"{op}-{err}-{index}"
        bank = self.copy(name)
        report = bank.root / "report.jsonl"
        spec = f"op={op},{mode}={index},errno={err},path={bank.root}/{self.args.under}"
        faulted = run_cli(self.ingest_cmd(bank), self.env(bank, spec, report), self.args.timeout)
        shim = read_report(report)
        problems: list[str] = []
        if faulted["status"] != "exit":
            problems.append(f"the faulted run ended by {faulted['status']}")
        elif faulted["rc"] != 0:
            text = faulted["stderr"] + faulted.get("stdout", "")
            if "internal error" in text or not any(w in text for w in ERROR_WORDS):
                problems.append("the faulted run failed without a clear error: "
                                + text[-400:])
            named = self.args.error_names.replace("{bank}", str(bank.root))
            if named and named not in faulted["stderr"]:
                problems.append(f"the faulted run's error does not name {named}: "
                                + faulted["stderr"][-400:])
        problems += [f"after the faulted run: {p}" for p in done_jobs_whole(bank)]
        finished = (faulted["status"] == "exit" and faulted["rc"] == 0 and
                    batch_state(bank, self.batch_id) == "done")
        resumed, again = self.resume(bank)
        if resumed and resumed["status"] != "exit":
            problems.append(f"the resume ended by {resumed['status']}")
        final, facts = final_check(bank, self.cli, self.batch_id)
        problems += final
        if problems:
            outcome = "bad"
        elif shim["fired_total"] == 0:
            outcome = "not-reached"
        elif again:
            outcome = "input-refused"
        elif finished:
            outcome = "finished"
        else:
            outcome = "error+resumed"
        result = {"op": op, "errno": err, "index": index, "mode": mode, "outcome": outcome,
                  "rc": faulted["rc"], "status": faulted["status"],
                  "fired": shim["fired"][:2], "problems": problems, "facts": facts,
                  "error": faulted["stderr"].strip().splitlines()[-1:] if faulted["rc"] else [],
                  "work": str(bank.root)}
        if not problems and not self.args.keep:
            shutil.rmtree(bank.root, ignore_errors=True)
        return result


def sample(total: int, k: int) -> list[int]:
    """k call indices spread evenly over 1..total (all of them when k is 0)."""
    if total <= 0:
        return []
    if k <= 0 or k >= total:
        return list(range(1, total + 1))
    if k == 1:
        return [1]
    return sorted({1 + round(i * (total - 1) / (k - 1)) for i in range(k)})


def table(results: list[dict[str, Any]], ops: list[str], errnos: list[str]) -> str:
    head = f"{'op':<9} {'errno':<7} {'cases':>5} " + " ".join(f"{o:>13}" for o in OUTCOMES)
    lines = [head, "-" * len(head)]
    for op in ops:
        for err in errnos:
            rs = [r for r in results if r["op"] == op and r["errno"] == err]
            if not rs:
                continue
            n = {o: sum(r["outcome"] == o for r in rs) for o in OUTCOMES}
            lines.append(f"{op:<9} {err:<7} {len(rs):>5} " +
                         " ".join(f"{n[o]:>13}" for o in OUTCOMES))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", help="the imagebank executable")
    ap.add_argument("--shim", help="a built fault_shim.so (default: built here with cc)")
    ap.add_argument("--ops", default="open,write,fsync,rename",
                    help=f"classes of calls to fail, of {','.join(OPS)}")
    ap.add_argument("--errnos", default="EIO,ENOSPC,EACCES")
    ap.add_argument("--max-per-op", type=int, default=0,
                    help="call indices per op and errno, evenly spaced (0: every one)")
    ap.add_argument("--from", dest="persistent", action="store_true",
                    help="fail the Nth call and every later one (default: the Nth only)")
    ap.add_argument("--under", default="",
                    help="count and fail only calls on paths under the bank's folder that "
                         "start with this (bank.db: the catalog's files; files/: the store)")
    ap.add_argument("--error-names", default="",
                    help="a failing run's stderr must contain this ({bank}: the bank's folder)")
    ap.add_argument("--indices", default="",
                    help="comma-separated call indices to fail instead of a sample")
    ap.add_argument("--presets", default="small")
    ap.add_argument("--formats", default="jpeg,webp")
    ap.add_argument("--jobs", type=int, default=2, help="cases run at once")
    ap.add_argument("--timeout", type=float, default=60, help="seconds a run may take")
    ap.add_argument("--keep", action="store_true", help="keep every case's folder")
    ap.add_argument("--json", action="store_true", help="end with one JSON summary line")
    args = ap.parse_args()
    ops = [o for o in args.ops.split(",") if o]
    errnos = [e for e in args.errnos.split(",") if e]
    if set(ops) - set(OPS):
        ap.error(f"unknown op in {args.ops}")
    m = Matrix(args)
    started = time.monotonic()
    m.make_template()
    counts = m.count()
    fixed = [int(i) for i in args.indices.split(",") if i]
    cases = [(op, err, i) for op in ops for err in errnos
             for i in (fixed or sample(counts[op], args.max_per_op))]
    mode = "from" if args.persistent else "n"
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: m.case(c[0], c[1], c[2], mode), cases))
    bad = [r for r in results if r["outcome"] == "bad"]
    print(f"calls of the batch on its bank (counting run): "
          + ", ".join(f"{op} {n}" for op, n in counts.items()), file=sys.stderr)
    print(table(results, ops, errnos), file=sys.stderr)
    for r in bad:
        print(f"BAD {r['op']} {r['errno']} #{r['index']}: {r['problems']} ({r['work']})",
              file=sys.stderr)
    summary = {
        "ok": not bad, "counts": counts, "cases": len(results),
        "outcomes": {o: sum(r["outcome"] == o for r in results) for o in OUTCOMES},
        "by_op": {f"{op} {err}": {o: sum(r["outcome"] == o for r in results
                                         if r["op"] == op and r["errno"] == err)
                                  for o in OUTCOMES} for op in ops for err in errnos},
        "bad": bad, "seconds": round(time.monotonic() - started, 1), "work": str(m.work)}
    if args.json:
        print(json.dumps(summary))
    if not bad and not args.keep:
        shutil.rmtree(m.work, ignore_errors=True)
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
