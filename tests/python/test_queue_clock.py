"""The queue keeps lease times on the database's clock: a worker on a machine
whose clock is hours off (run under Debian's faketime) neither releases a live
lease nor takes a lease that its peers see as expired. PostgreSQL only: the
queue several machines share (SQLite's clock is its one machine's)."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

import imagebank

core = imagebank._core
REPO = pathlib.Path(__file__).resolve().parents[2]


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    script = REPO / "scripts" / "pg-test-server.sh"
    d = tmp_path_factory.mktemp("pg")
    subprocess.run([script, "start", d], check=True, capture_output=True, text=True)
    try:
        yield lambda name: subprocess.run([script, "createdb", d, name], check=True,
                                          capture_output=True, text=True).stdout.strip()
    finally:
        subprocess.run([script, "stop", d], capture_output=True)


def skewed(offset: str, uri: str, code: str) -> dict[str, int]:
    """Runs `code` (with `catalog` open on `uri` and `now_ms()`) in a Python
    whose clock is `offset` off, and returns the JSON it prints."""
    faketime = shutil.which("faketime")
    assert faketime, "faketime is missing: scripts/install-deps.sh --test installs it"
    program = textwrap.dedent("""
        import json, sys, time
        import imagebank
        core = imagebank._core
        def now_ms():
            return int(time.time() * 1000)
        catalog = core.open_postgresql_catalog(sys.argv[1])
        out = {"now_ms": now_ms()}
    """) + textwrap.dedent(code) + "\nprint(json.dumps(out))\n"
    env = dict(os.environ, FAKETIME_DONT_FAKE_MONOTONIC="1")
    done = subprocess.run([faketime, "-f", offset, sys.executable, "-c", program, uri],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_worker_with_a_wrong_clock_cannot_break_leases(postgres):
    uri = postgres("clock")
    catalog = core.open_postgresql_catalog(uri)
    brand = catalog.upsert_brand("Marca")
    coll = catalog.upsert_collection(brand.id, "Verão", "2027")
    batch = catalog.create_batch(coll.id, "/uploads/verao")
    catalog.add_jobs(batch.id, [core.JobInsert(f"/uploads/verao/A{n}_01.jpg",
                                                           original_name=f"A{n}_01.jpg")
                                for n in range(3)])

    # A worker whose clock is two hours ahead: its "now" is far past every
    # lease, yet it releases nothing that is live.
    (held,) = catalog.lease_jobs(core.LeaseOptions("w1", max_jobs=1, lease_ms=60_000))
    ahead = skewed("+2h", uri, """
        out["released"] = catalog.release_leases(now_ms(), None, 3)
    """)
    assert ahead["now_ms"] - now_ms() > 7_000_000  # the clock really is off
    assert ahead["released"] == 0
    assert catalog.get_job(held.id).state == "leased"

    # A worker two hours behind leases for 60 s of real time: a watchdog with
    # the right clock does not see that lease as long expired.
    behind = skewed("-2h", uri, """
        (job,) = catalog.lease_jobs(core.LeaseOptions("w2", max_jobs=1, lease_ms=60_000))
        out["job"] = job.id
        out["until"] = job.lease_until_ms
    """)
    assert now_ms() - behind["now_ms"] > 7_000_000
    assert abs(behind["until"] - (now_ms() + 60_000)) < 30_000
    assert catalog.release_leases(now_ms(), None, 3) == 0
    assert catalog.get_job(behind["job"]).worker == "w2"

    # Its retry times are moved onto the queue's clock too: "in 60 s" from a
    # clock two hours behind is still 60 s from now, not two hours ago.
    failed = skewed("-2h", uri, """
        out["retry"] = catalog.fail_job(
            %d, "w2", imagebank.IoError("disk full"),
            retry_at_ms=now_ms() + 60_000).lease_until_ms
    """ % behind["job"])
    assert abs(failed["retry"] - (now_ms() + 60_000)) < 30_000
    leased = [j.id for j in catalog.lease_jobs(core.LeaseOptions("w3", max_jobs=5))]
    assert len(leased) == 1 and behind["job"] not in leased

    # Time that really passes still expires leases: a release "10 minutes
    # from now" by either clock frees w1's lease.
    late = skewed("+2h", uri, """
        out["released"] = catalog.release_leases(now_ms() + 600_000, "nobody", 3)
    """)
    assert late["released"] >= 1
    assert catalog.get_job(held.id).state == "received"
