"""kill -9 during an ingest, resume, and nothing is lost or duplicated: a
shorter run of scripts/ingest-crash-test.py (the full one is 2,000 photos and
20 kills) with the installed `imagebank` command, on SQLite and on a real
PostgreSQL server with two worker processes."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
from typing import Any

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "ingest-crash-test.py"


def _cli() -> str:
    exe = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.fail("the wheel's imagebank command is not installed next to python")
    return exe


def _run(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(SCRIPT), "--cli", _cli(), "--seed", "7",
                          "--min-gap", "0.2", "--max-gap", "1.0", *args],
                         capture_output=True, text=True, timeout=900)
    assert out.stdout.strip(), out.stderr
    summary: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["ok"], summary
    assert out.returncode == 0
    return summary


def test_sqlite_survives_kill_9():
    s = _run("--images", "240", "--kills", "6")
    assert s["jobs"] == {"done": 240}
    assert s["kills"] >= 3
    assert s["image_rows"] == 240
    assert s["variant_rows"] == 720
    assert s["orphan_blobs"] == 0
    assert s["integrity"] == "ok"


def test_postgresql_with_two_workers_survives_kill_9():
    s = _run("--images", "240", "--kills", "6", "--postgres")
    assert s["jobs"] == {"done": 240}
    assert s["kills"] >= 3
    assert s["image_rows"] == 240
    assert s["orphan_blobs"] == 0
    assert s["integrity"] == "ok"
