"""examples/dask/regenerate.py on a Dask LocalCluster of two worker
processes against a real PostgreSQL and MinIO: one worker is SIGKILLed
while it works, its task runs again elsewhere, and every image ends with
exactly one variant of the new preset per format, its object in the
bucket."""
from __future__ import annotations

import os
import pathlib
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

import imagebank
from servers import MINIO_PASSWORD, MINIO_USER, Minio, s3_skipped

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "dask"
FORMATS = ["avif", "webp"]


@pytest.fixture(scope="module")
def bank_uris(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    if s3_skipped():
        pytest.skip("IMAGEBANK_SKIP_S3=1")
    script = REPO / "scripts" / "pg-test-server.sh"
    pg_dir = tmp_path_factory.mktemp("pg")
    subprocess.run([script, "start", pg_dir], check=True, capture_output=True)
    minio = Minio()
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                            "PYTHONPATH")}
    # The Dask workers inherit the credentials and import the example.
    os.environ.update(AWS_ACCESS_KEY_ID=MINIO_USER, AWS_SECRET_ACCESS_KEY=MINIO_PASSWORD,
                      PYTHONPATH=os.pathsep.join(p for p in (str(EXAMPLE), saved["PYTHONPATH"])
                                                 if p))
    try:
        db = subprocess.run([script, "createdb", pg_dir, "daskbank"], check=True,
                            capture_output=True, text=True).stdout.strip()
        yield db, f"s3://bank?endpoint={minio.endpoint}&create_bucket=true"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        minio.stop()
        subprocess.run([script, "stop", pg_dir], capture_output=True)


def _photos(folder: pathlib.Path, n: int) -> None:
    from PIL import Image

    rng = random.Random(5)
    folder.mkdir()
    for i in range(n):
        img = Image.new("RGB", (5, 5))
        img.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(25)])
        img.resize((1400, 1000), Image.Resampling.BILINEAR).save(folder / f"DK{i:03d}_FRENTE.jpg")


def test_regenerate_on_dask_survives_a_killed_worker(bank_uris: tuple[str, str],
                                                     tmp_path: pathlib.Path) -> None:
    distributed = pytest.importorskip("distributed")
    if str(EXAMPLE) not in sys.path:
        sys.path.insert(0, str(EXAMPLE))
    import regenerate

    db, storage = bank_uris
    n = 36
    _photos(tmp_path / "photos", n)
    bank = imagebank.Bank.open(db, storage)
    bank.ingest([str(tmp_path / "photos")], presets=["thumbnail"], formats=["jpeg"])
    ids = [r.id for r in bank.catalog.image_hashes()]
    assert len(ids) == n
    spec = regenerate.PresetSpec.parse("vitrine:900x1200:cover")
    ranges = regenerate.id_ranges(bank, 4)
    assert len(ranges) == 9 and ranges[0][0] == min(ids) and ranges[-1][1] == max(ids)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        futures = [client.submit(regenerate.regenerate_range, db, storage, first, last, spec,
                                 FORMATS, key=f"regen-{first}", retries=3)
                   for first, last in ranges]
        # Kill a worker while it holds a task, after some tasks finished.
        deadline = time.monotonic() + 300
        while sum(f.done() for f in futures) < 2:
            assert time.monotonic() < deadline, "no task finished"
            time.sleep(0.05)
        pids: dict[str, int] = client.run(os.getpid)
        busy = [w for w, keys in client.processing().items() if keys]
        assert busy, "no worker was busy"
        os.kill(pids[busy[0]], signal.SIGKILL)
        reports: list[dict[str, Any]] = client.gather(futures)

    assert sum(r["failed"] for r in reports) == 0, reports
    # Every image done once: made now, or skipped by a re-run that found it.
    assert sum(r["made"] + r["skipped"] for r in reports) == n
    per_image: dict[int, list[Any]] = {}
    for image_id in ids:
        rows = [v for v in bank.catalog.variants(image_id) if v.preset == "vitrine"]
        per_image[image_id] = rows
        assert sorted(v.format for v in rows) == sorted(FORMATS), (image_id, rows)
        for v in rows:
            assert bank.blobs.head(v.blob_key).size == v.bytes
            # cover 900x1200 of a 1400x1000 photo: cropped to 3:4, never enlarged
            assert (v.width, v.height) == (750, 1000)
    vitrine = [b.key for b in bank.blobs.iter_blobs() if "/vitrine." in b.key]
    assert len(vitrine) == len(set(vitrine)) == n * len(FORMATS)

    # Run again: everything is found in place, nothing made twice.
    again = regenerate.regenerate_range(db, storage, min(ids), max(ids), spec, FORMATS)
    assert again["made"] == 0 and again["skipped"] == n
