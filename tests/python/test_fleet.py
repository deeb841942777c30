"""Four workers on one PostgreSQL and one MinIO, broken on purpose: random
SIGKILLs, PostgreSQL down for 10 s, MinIO killed mid multipart upload; at
the end nothing lost, duplicated or orphaned, and no upload left pending.
A small run of scripts/fleet-chaos-test.py (IMAGEBANK_FLEET_PHOTOS sets the
size; the closing note's run is 1,000 photos) with the installed
`imagebank` command."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
from typing import Any

import pytest

from servers import s3_skipped

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "fleet-chaos-test.py"


def test_fleet_of_four_workers_survives_kills_and_restarts() -> None:
    if s3_skipped():
        pytest.skip("IMAGEBANK_SKIP_S3=1")
    exe = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.fail("the wheel's imagebank command is not installed next to python")
    photos = int(os.environ.get("IMAGEBANK_FLEET_PHOTOS", "60"))
    out = subprocess.run([sys.executable, str(SCRIPT), "--cli", exe, "--photos", str(photos),
                          "--workers", "4", "--kills", "4", "--pg-down", "10", "--seed", "3"],
                         capture_output=True, text=True, timeout=1800)
    assert out.stdout.strip(), out.stderr[-4000:]
    s: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert s["ok"], s
    assert out.returncode == 0
    assert s["jobs"].get("done", 0) + s["jobs"].get("failed", 0) == photos
    assert s["lost"] == 0 and s["duplicated"] == 0 and s["orphans"] == 0, s
    assert s["missing_objects"] == 0 and s["pending_multipart_uploads"] == 0, s
    assert s["worker_kills"] == 4
    assert s["pg_restarts"] == 1 and s["pg_down_seconds"] >= 10
    assert s["minio_restarts"] == 1 and s["multipart_in_flight_at_minio_kill"] >= 1, s
    assert s["image_rows"] == s["jobs"].get("done", 0)
    # A --follow worker waits for its catalog: none gave up while it was down.
    assert s["worker_exits"] == [], s["events"]
