"""Faults injected into the wheel's `imagebank` command: file system calls
failed on purpose (tests/faults/fault_shim.c, LD_PRELOAD, built here with the
system C compiler), a catalog that turns read-only midway, and memory capped
at 512 MB (RLIMIT_AS) for the corpus' largest photo and for decompression
bombs. The fault matrix is a sample of scripts/fault-matrix.py (which runs
every call index; the closing note's table is its full run)."""
from __future__ import annotations

import errno
import json
import os
import pathlib
import resource
import shutil
import struct
import subprocess
import sys
from typing import Any

import pytest

import imagebank
from conftest import DATA, png_declaring

REPO = pathlib.Path(__file__).resolve().parents[2]
SHIM_SOURCE = REPO / "tests" / "faults" / "fault_shim.c"
MATRIX = REPO / "scripts" / "fault-matrix.py"
LIMIT_BYTES = 512 * 1024 * 1024


def _cli() -> str:
    exe = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.fail("the wheel's imagebank command is not installed next to python")
    return exe


@pytest.fixture(scope="session")
def shim(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.fail("no C compiler (cc) to build tests/faults/fault_shim.c")
    out = tmp_path_factory.mktemp("faults") / "fault_shim.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(out),
                    str(SHIM_SOURCE), "-ldl"], check=True, capture_output=True, text=True)
    return out


def _shim_env(shim: pathlib.Path, spec: str, report: pathlib.Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"LD_PRELOAD": str(shim), "IMAGEBANK_FAULT": spec,
                "IMAGEBANK_FAULT_REPORT": str(report)})
    return env


def _report(path: pathlib.Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# --- the shim itself -------------------------------------------------------

WRITER = """
import os, sys
folder = sys.argv[1]
for i in range(3):
    fd = os.open(os.path.join(folder, f"f{i}"), os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, b"x")
        os.fsync(fd)
        print("ok")
    except OSError as e:
        print(e.errno)
    finally:
        os.close(fd)
os.rename(os.path.join(folder, "f0"), os.path.join(folder, "g0"))
"""


def test_shim_counts_calls_under_the_path(shim: pathlib.Path, tmp_path: pathlib.Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    report = tmp_path / "count.jsonl"
    out = subprocess.run([sys.executable, "-c", WRITER, str(work)], capture_output=True,
                         text=True, env=_shim_env(shim, f"count,path={work}/", report))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ok", "ok", "ok"]
    mine = [r for r in _report(report) if r["counts"]["open"] > 0]
    assert len(mine) == 1
    counts = mine[0]["counts"]
    # Python's own start-up files are outside the path: only these count.
    assert (counts["open"], counts["write"], counts["fsync"], counts["rename"]) == (3, 3, 3, 1)
    assert mine[0]["fired_total"] == 0


@pytest.mark.parametrize(("spec", "expected"), [
    ("op=write,n=2,errno=ENOSPC", ["ok", str(errno.ENOSPC), "ok"]),
    ("op=fsync,n=3,errno=EIO", ["ok", "ok", str(errno.EIO)]),
    ("op=write,from=2,errno=EROFS", ["ok", str(errno.EROFS), str(errno.EROFS)]),
])
def test_shim_fails_the_nth_call(shim: pathlib.Path, tmp_path: pathlib.Path, spec: str,
                                 expected: list[str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    report = tmp_path / "fault.jsonl"
    out = subprocess.run([sys.executable, "-c", WRITER, str(work)], capture_output=True,
                         text=True, env=_shim_env(shim, f"{spec},path={work}/", report))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == expected
    fired = [f for r in _report(report) for f in r["fired"]]
    assert fired and all(f["path"].startswith(str(work)) for f in fired)
    assert (work / "g0").exists()


def test_shim_fails_an_open_with_eacces(shim: pathlib.Path, tmp_path: pathlib.Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    report = tmp_path / "fault.jsonl"
    out = subprocess.run([sys.executable, "-c", WRITER, str(work)], capture_output=True,
                         text=True, env=_shim_env(shim, f"op=open,n=1,errno=EACCES,path={work}/",
                                                  report))
    assert out.returncode != 0
    assert "Permission denied" in out.stderr
    assert [f["call"] for r in _report(report) for f in r["fired"]] in (["open64"], ["open"])


# --- the fault matrix ------------------------------------------------------

def _matrix(shim: pathlib.Path, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(MATRIX), "--cli", _cli(), "--shim", str(shim),
                          "--json", "--jobs", "2", "--timeout", "60", *args],
                         capture_output=True, text=True, timeout=900)
    assert out.stdout.strip(), out.stderr[-4000:]
    summary: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["ok"], (out.stderr[-4000:], summary["bad"])
    assert out.returncode == 0
    return summary


def test_a_fault_at_sampled_call_indices_of_every_op(shim: pathlib.Path) -> None:
    """open, write, fsync, rename x EIO, ENOSPC, EACCES at 5 call indices
    each, spread over the whole batch: no crash or hang, no job done without
    its files, and the batch completes once the fault is gone with nothing
    orphaned."""
    per_op = int(os.environ.get("IMAGEBANK_FAULT_SAMPLES", "5"))
    s = _matrix(shim, "--ops", "open,write,fsync,rename", "--errnos", "EIO,ENOSPC,EACCES",
                "--max-per-op", str(per_op))
    counts = s["counts"]
    # The batch writes through every class of call on its bank.
    assert all(counts[op] >= 5 for op in ("open", "write", "fsync", "rename")), counts
    assert s["cases"] == 12 * per_op
    assert s["outcomes"]["bad"] == 0
    for combo, outcomes in s["by_op"].items():
        # Each op x errno reached its calls, and some faults made the run fail.
        assert outcomes["not-reached"] < per_op, (combo, outcomes)
    assert s["outcomes"]["error+resumed"] + s["outcomes"]["input-refused"] > 0


def test_catalog_read_only_midway(shim: pathlib.Path) -> None:
    """Every write to the catalog's files (bank.db, its WAL and shared
    memory) fails from the Nth on with EROFS or EACCES (the tests run as
    root: chmod would not stop them). The run stops by itself with an error
    naming the catalog; nothing it had stored is lost; resumed on a writable
    catalog, the batch completes. (A commit refused while a job was in hand
    used to leave the job leased and the run waiting for it forever.)"""
    s = _matrix(shim, "--ops", "write", "--errnos", "EROFS,EACCES", "--from",
                "--under", "bank.db", "--max-per-op", "6", "--error-names", "{bank}/bank.db")
    assert s["outcomes"]["bad"] == 0
    assert s["outcomes"]["error+resumed"] >= 8, s["outcomes"]


# --- memory -----------------------------------------------------------------

def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def _run_limited(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=900,
                          preexec_fn=_limited)


def test_largest_corpus_photo_under_512_mb(corpus: pathlib.Path | None,
                                           tmp_path: pathlib.Path) -> None:
    if corpus is None:
        pytest.skip("IMAGEBANK_CORPUS is not set (scripts/test.sh sets it)")
    sizes = []
    for path in sorted(corpus.iterdir()):
        try:
            info = imagebank.probe(path.read_bytes())
        except imagebank.Error:
            continue
        sizes.append((info.width * info.height, path))
    pixels, largest = max(sizes)
    assert pixels >= 10_000_000, largest
    # Every default preset and format, in one process capped at 512 MB.
    out = _run_limited([_cli(), "variants", str(largest), "--out", str(tmp_path / "v"),
                        "--json"])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    made = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(made) == 18 and not any("error" in m for m in made)
    # The whole ingest too: the SQLite catalog (its mmap), the worker threads.
    # glibc reserves 64 MB of address space per malloc arena (one per thread
    # that allocates at once, up to 8 per core) and RLIMIT_AS counts those
    # reservations though no memory backs them: measured at the peak, ~240 MB
    # of the ingest's ~500 MB were arena reservations. The command caps the
    # arenas to fit the limit itself (fit_malloc_to_address_limit: 2 here),
    # so it runs with no MALLOC_ARENA_MAX from outside.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")}
    out = subprocess.run([_cli(), "ingest", str(largest), "--bank", str(tmp_path / "bank"),
                          "--json"], capture_output=True, text=True, timeout=900,
                         preexec_fn=_limited, env=env)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert any(r.get("type") == "batch" and r["state"] == "done" and r["done"] == 1
               for r in rows), rows


def _jpeg_declaring(width: int, height: int) -> bytes:
    """tests/data/rgb.jpg with its frame header claiming width x height."""
    data = bytearray((DATA / "rgb.jpg").read_bytes())
    at = 2
    while data[at + 1] not in (0xC0, 0xC1, 0xC2):
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
    data[at + 5:at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(("name", "make", "code"), [
    ("bomb.png", lambda: png_declaring(100_000, 100_000), "limit_exceeded"),
    ("bomb.jpg", lambda: _jpeg_declaring(65_000, 65_000), "limit_exceeded"),
    # Within the default limits (40 MP) but the data is not there: refused as
    # corrupt, after an allocation that fits in the cap.
    ("short40mp.png", lambda: png_declaring(8_000, 5_000), "corrupt_data"),
    ("short40mp.jpg", lambda: _jpeg_declaring(8_000, 5_000), "corrupt_data"),
])
def test_bombs_refused_under_512_mb(tmp_path: pathlib.Path, name: str, make: Any,
                                    code: str) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size < 5000
    out = _run_limited([_cli(), "variants", str(path), "--out", str(tmp_path / "v"), "--json"])
    assert out.returncode == 1, (out.returncode, out.stderr[-2000:])
    (line,) = out.stdout.splitlines()
    error = json.loads(line)["error"]
    assert error["code"] == code, error
    assert name in error["message"]
    assert not (tmp_path / "v").exists() or not any((tmp_path / "v").rglob("*.*"))
