"""Ingest through imagebank.Bank: real photos (tests/data) and bad files into
a temporary bank, progress callbacks, stopping and resuming, the batch
controls and reconciliation after a late Carteira import."""

from __future__ import annotations

import hashlib
import os
import pathlib
import re
import shutil
import signal
import threading
import time
from typing import Any

import numpy as np

import pytest

import imagebank
from conftest import DATA

core = imagebank._core
FAST: dict[str, Any] = {"formats": ["jpeg"], "presets": ["thumbnail", "small"]}


class Boom(Exception):
    pass


def write_carteira(path: pathlib.Path, skus: list[str]) -> pathlib.Path:
    path.write_text("SKU;Descrição\n" + "".join(f"{s};Peça {s}\n" for s in skus),
                    encoding="utf-8")
    return path


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    return core.Bank.open(dir=tmp_path / "bank")


@pytest.fixture()
def photos(tmp_path: pathlib.Path) -> pathlib.Path:
    """Five good photos (one an exact copy under another name) and three bad
    files: empty, truncated, GIF."""
    d = tmp_path / "upload"
    d.mkdir()
    shutil.copy(DATA / "rgb.jpg", d / "ABC123_FRENTE.jpg")
    shutil.copy(DATA / "rgb.png", d / "ABC123_COSTAS.png")
    shutil.copy(DATA / "lossy.webp", d / "ABC123_DETALHE.webp")
    shutil.copy(DATA / "orient6.jpg", d / "XYZ9_01.jpg")
    shutil.copy(DATA / "gray.jpg", d / "NOSKU77_01.jpg")
    shutil.copy(DATA / "rgb.jpg", d / "COPIA_01.jpg")
    (d / "VAZIO_01.jpg").write_bytes(b"")
    jpeg = (DATA / "progressive.jpg").read_bytes()
    (d / "CORTADO_01.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    shutil.copy(DATA / "sample.gif", d / "ANIM_01.gif")
    return d


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """24 distinct noise photos, enough for a run of about a second on one
    worker: long enough to stop it midway."""
    d = tmp_path_factory.mktemp("many")
    rng = np.random.default_rng(7)
    for i in range(24):
        pixels = rng.integers(0, 256, size=(600, 800, 3), dtype=np.uint8)
        (d / f"LOTE{i:03d}_01.jpg").write_bytes(
            imagebank.encode(core.Image(pixels), "jpeg", quality=70))
    return d


def test_ingest_a_folder(bank: imagebank.Bank, photos: pathlib.Path, tmp_path: pathlib.Path):
    bank.import_carteira(write_carteira(tmp_path / "c.csv", ["ABC123", "XYZ9"]),
                         brand="Marca", collection="Verão 2027")
    # One worker: jobs are processed in path order, so ABC123_FRENTE.jpg is
    # stored before its copy COPIA_01.jpg (the duplicate).
    batch = bank.ingest(photos, collection="Verão 2027", workers=1, **FAST)
    assert (batch.state, batch.receiving) == ("done", False)
    assert str(photos) in batch.source

    progress = bank.batch(batch.id)
    c = progress.counts
    assert (c.done, c.duplicate, c.failed, c.open, c.total) == (5, 1, 3, 0, 9)
    assert progress.last_error == ""  # set only while this process runs it

    failed = {j.original_name: j for j in bank.jobs.list_jobs(batch.id, state="failed")}
    assert set(failed) == {"VAZIO_01.jpg", "CORTADO_01.jpg", "ANIM_01.gif"}
    assert isinstance(failed["VAZIO_01.jpg"].error, imagebank.CorruptDataError)
    assert isinstance(failed["CORTADO_01.jpg"].error, imagebank.CorruptDataError)
    assert isinstance(failed["ANIM_01.gif"].error, imagebank.UnsupportedFormatError)
    for name, job in failed.items():
        assert str(photos / name) in str(job.error)
        assert job.source_path == str(photos / name)
        assert job.image_id is None

    (dup,) = bank.jobs.list_jobs(batch.id, "duplicate")
    assert dup.original_name == "COPIA_01.jpg"
    original = bank.catalog.find_image_by_sha256(dup.sha256)
    assert dup.image_id == original.id
    assert original.original_name == "ABC123_FRENTE.jpg"

    coll = bank.collection("Verão 2027")
    abc = bank.catalog.find_product(coll.id, "ABC123")
    xyz = bank.catalog.find_product(coll.id, "XYZ9")
    images = {i.original_name: i for i in bank.images(batch_id=batch.id)}
    assert set(images) == {"ABC123_FRENTE.jpg", "ABC123_COSTAS.png",
                           "ABC123_DETALHE.webp", "XYZ9_01.jpg", "NOSKU77_01.jpg"}
    assert {images[n].product_id for n in images if n.startswith("ABC123")} == {abc.id}
    assert images["ABC123_COSTAS.png"].view == "back"
    assert images["XYZ9_01.jpg"].product_id == xyz.id
    assert images["NOSKU77_01.jpg"].product_id is None
    assert [i.original_name for i in bank.images(linked=False)] == ["NOSKU77_01.jpg"]
    assert len(list(bank.catalog.list_images(linked=True, collection_id=coll.id))) == 4
    # EXIF orientation 6: the stored size is the upright one.
    rotated = images["XYZ9_01.jpg"]
    assert rotated.width < rotated.height

    for image in images.values():
        assert bank.blobs.head(image.blob_key).size == image.bytes
        variants = bank.catalog.variants(image.id)
        assert sorted((v.preset, v.format) for v in variants) == [
            ("small", "jpeg"), ("thumbnail", "jpeg")]
        for v in variants:
            assert bank.blobs.head(v.blob_key).size == v.bytes > 0

    # What a person reviews: the unmatched photo and the failed files.
    review = bank.review(batch.id)
    assert isinstance(review, core.BatchReview)
    assert (review.batch_id, review.unmatched) == (batch.id, 1)
    assert review.near_duplicate_count == len(review.near_duplicates)
    assert {j.original_name for j in review.failed} == set(failed)
    for j in review.failed:
        want = failed[j.original_name].error
        assert (type(j.error), str(j.error)) == (type(want), str(want))
    assert review.failed_count == len(failed) > 1
    # A big batch's review lists the first ones and counts them all.
    short = bank.review(batch.id, max_named=1)
    assert (short.failed_count, len(short.failed)) == (len(failed), 1)
    assert short.failed[0].id == min(j.id for j in review.failed)
    with pytest.raises(imagebank.NotFoundError):
        bank.review(batch.id + 100)

    # The same folder again: every photo is already in the bank.
    again = bank.ingest([photos / "ABC123_FRENTE.jpg", str(photos / "XYZ9_01.jpg")],
                        **FAST)
    c = bank.batch(again.id).counts
    assert (again.state, c.duplicate, c.done, c.failed) == ("done", 2, 0, 0)
    nothing = bank.review(again.id)
    assert (nothing.unmatched, nothing.near_duplicate_count, nothing.failed) == (0, 0, [])


def test_progress_callback_sees_the_batch(bank: imagebank.Bank, photos: pathlib.Path):
    seen: list[core.BatchProgress] = []
    batch = bank.ingest(os.fspath(photos), workers=2, progress=seen.append,
                        progress_interval=0.02, **FAST)
    assert seen and all(isinstance(p, core.BatchProgress) for p in seen)
    assert {p.batch.id for p in seen} == {batch.id}
    last = seen[-1]
    assert last.counts.open == 0 and last.counts.total == 9
    assert last.files_found == 9
    assert "CORTADO_01.jpg" in last.last_error or "VAZIO_01.jpg" in last.last_error \
        or "ANIM_01.gif" in last.last_error
    assert last.elapsed_ms >= 0 and last.at_ms > 0
    assert last.eta_seconds is None or last.eta_seconds >= 0
    assert "BatchProgress(batch=" in repr(last)


def test_a_raising_progress_callback_stops_the_run(bank: imagebank.Bank, many: pathlib.Path):
    seen = []

    def progress(p):
        seen.append(p)
        if p.counts.open > 0:
            raise Boom("stop here")

    with pytest.raises(Boom, match="stop here"):
        bank.ingest(many, workers=1, progress=progress, progress_interval=0.02, **FAST)
    batch_id = seen[0].batch.id
    stopped = bank.batch(batch_id)
    assert stopped.batch.state in ("queued", "running")
    assert stopped.counts.open > 0
    # Not called again once it raised.
    assert seen[-1].counts.open > 0
    assert [p.counts.open > 0 for p in seen].count(True) == 1

    done = bank.resume(batch_id, **FAST)
    assert (done.id, done.state) == (batch_id, "done")
    c = bank.batch(batch_id).counts
    assert (c.done, c.failed, c.total) == (24, 0, 24)
    assert len(list(bank.images())) == 24


def test_ctrl_c_stops_the_run(bank: imagebank.Bank, many: pathlib.Path):
    sent: list[int] = []

    def progress(p):
        if not sent and p.counts.open > 0:
            sent.append(p.batch.id)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        bank.ingest(many, workers=1, progress=progress, progress_interval=0.02, **FAST)
    stopped = bank.batch(sent[0])
    assert stopped.counts.open > 0
    assert bank.resume(sent[0], **FAST).state == "done"


def test_ctrl_c_without_a_progress_callback(bank: imagebank.Bank, many: pathlib.Path):
    timer = threading.Timer(0.15, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            bank.ingest(many, workers=1, **FAST)
    finally:
        timer.join()
    (stopped,) = bank.batches()
    assert stopped.counts.open > 0
    assert bank.resume(stopped.batch.id, **FAST).state == "done"


def test_the_gil_is_released_while_ingesting(bank: imagebank.Bank, many: pathlib.Path):
    count = 0
    stop = threading.Event()

    def tick():
        nonlocal count
        while not stop.is_set():
            count += 1  # needs the GIL after every sleep
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        before = count
        started = time.monotonic()
        batch = bank.ingest(sorted(many.iterdir())[:12], workers=1, **FAST)
        during = count - before
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        t.join()
    assert batch.state == "done"
    assert elapsed > 0.1
    assert during > 20


def test_pause_then_resume(bank: imagebank.Bank, many: pathlib.Path):
    def progress(p):
        if p.counts.open > 0 and p.batch.state != "paused":
            bank.pause(p.batch.id)

    paused = bank.ingest(many, workers=1, progress=progress, progress_interval=0.02,
                         **FAST)
    assert paused.state == "paused"
    progress_now = bank.batch(paused.id)
    assert progress_now.counts.open > 0
    assert progress_now.counts.leased == 0
    assert bank.work(**FAST).done == 0  # a paused batch is not worked on

    assert bank.resume(paused.id, **FAST).state == "done"
    assert bank.batch(paused.id).counts.done == 24
    with pytest.raises(imagebank.ConflictError):
        bank.pause(paused.id)


def test_cancel_keeps_the_done_work(bank: imagebank.Bank, many: pathlib.Path):
    def progress(p):
        if p.counts.done > 0 and p.batch.state != "cancelled":
            bank.cancel(p.batch.id)

    cancelled = bank.ingest(many, workers=1, progress=progress, progress_interval=0.02,
                            **FAST)
    assert cancelled.state == "cancelled"
    c = bank.batch(cancelled.id).counts
    assert c.cancelled > 0 and c.done > 0 and c.open == 0
    assert c.done + c.cancelled == 24
    assert len(list(bank.images(batch_id=cancelled.id))) == c.done
    # A cancelled batch stays so.
    assert bank.resume(cancelled.id).state == "cancelled"
    with pytest.raises(imagebank.ConflictError):
        bank.retry_failed(cancelled.id)


def test_retry_failed_and_the_batch_list(bank: imagebank.Bank, photos: pathlib.Path):
    first = bank.ingest(photos, **FAST)
    second = bank.ingest(photos / "XYZ9_01.jpg", **FAST)
    # The empty file was refused when received (never stored): it stays
    # failed; the two that failed processing are queued again.
    assert bank.retry_failed(first.id) == 2
    assert bank.batch(first.id).counts.received == 2
    again = bank.resume(first.id, **FAST)
    assert again.state == "done"
    c = bank.batch(first.id).counts
    assert (c.done, c.failed) == (5, 3)
    failed = list(bank.jobs.list_jobs(first.id, "failed"))
    assert sorted(j.attempts for j in failed) == [0, 1, 1]
    assert bank.retry_failed(second.id) == 0

    listed = bank.batches()
    assert [p.batch.id for p in listed] == [first.id, second.id]
    assert [p.batch.state for p in listed] == ["done", "done"]
    direct = core.batch_progress(bank.jobs, second.id)
    assert (direct.batch, direct.counts) == (listed[1].batch, listed[1].counts)
    assert direct.counts.duplicate == 1
    with pytest.raises(imagebank.NotFoundError):
        bank.batch(999)
    with pytest.raises(imagebank.NotFoundError):
        bank.resume(999)


def test_work_processes_queued_batches(bank: imagebank.Bank, photos: pathlib.Path):
    queue = bank.jobs
    batch = queue.create_batch(0, "by hand")
    job = queue.add_jobs(batch.id, [core.JobInsert("/nowhere/X_01.jpg",
                                                   original_name="X_01.jpg")])[0]
    queue.finish_receiving(batch.id)
    report = bank.work(**FAST)
    assert isinstance(report, core.WorkReport)
    assert (report.done, report.failed, report.stopped) == (0, 1, False)
    assert "WorkReport(" in repr(report)
    assert queue.get_job(job.id).state == "failed"
    assert queue.get_batch(batch.id).state == "done"


def test_work_follow_runs_until_ctrl_c(bank: imagebank.Bank):
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            bank.work(follow=True, **FAST)
    finally:
        timer.join()
    assert time.monotonic() - started < 10


def test_reconcile_after_a_late_carteira(bank: imagebank.Bank, photos: pathlib.Path, tmp_path: pathlib.Path):
    batch = bank.ingest(photos, collection="Inverno", brand="Marca", season="2027",
                        workers=1, **FAST)
    assert batch.state == "done"
    unlinked = list(bank.images(linked=False))
    assert len(unlinked) == 5 and all(i.product_id is None for i in unlinked)

    bank.import_carteira(write_carteira(tmp_path / "late.csv", ["ABC123", "XYZ9"]),
                         brand="Marca", collection="Inverno")
    report = bank.reconcile()
    assert isinstance(report, core.ReconcileReport)
    assert (report.examined, report.linked, report.still_unmatched) == (5, 4, 1)
    assert [i.original_name for i in bank.images(linked=False)] == ["NOSKU77_01.jpg"]

    coll = bank.collection("Inverno")
    xyz = bank.catalog.find_product(coll.id, "XYZ9")
    (image,) = bank.images(sku_base="XYZ9")
    assert image.product_id == xyz.id
    history = bank.catalog.sku_history("image", image.id)
    assert [(h.old_sku, h.new_sku, h.actor) for h in history][-1] == ("", "XYZ9", "reconcile")

    assert bank.reconcile(collection="Inverno").linked == 0
    with pytest.raises(imagebank.NotFoundError):
        bank.reconcile(collection="Nenhuma")


def test_bad_options_raise_naming_the_value(bank: imagebank.Bank, photos: pathlib.Path):
    with pytest.raises(imagebank.InvalidArgumentError, match="gigante"):
        bank.ingest(photos, presets=["thumbnail", "gigante"])
    with pytest.raises(imagebank.InvalidArgumentError, match="bmpx"):
        bank.ingest(photos, formats=["jpeg", "bmpx"])
    with pytest.raises(imagebank.InvalidArgumentError, match="gif"):
        bank.ingest(photos, formats=["gif"])
    with pytest.raises(imagebank.InvalidArgumentError, match="lease_seconds"):
        bank.ingest(photos, lease_seconds=-1)
    with pytest.raises(imagebank.InvalidArgumentError, match="max_attempts"):
        bank.ingest(photos, max_attempts=0)
    with pytest.raises(imagebank.InvalidArgumentError, match="no such file"):
        bank.ingest(photos / "missing.jpg")
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.ingest([])
    with pytest.raises(imagebank.InvalidArgumentError, match="Nenhuma"):
        bank.ingest(photos, collection="Nenhuma")  # no brand to create it
    with pytest.raises(TypeError):
        bank.ingest(photos, progress=42)  # type: ignore[arg-type]
    assert bank.batches() == []  # nothing was created


def test_validate_ingest_options_names_the_option():
    # Valid options pass without raising.
    imagebank.validate_ingest_options()
    imagebank.validate_ingest_options(max_attempts=100, lease_seconds=0.2,
                                      near_radius=-1, formats=["png"])
    bad: dict[str, dict[str, Any]] = {
        "max_attempts": {"max_attempts": 0},
        "lease_seconds": {"lease_seconds": 0.1},
        "retry_seconds": {"retry_seconds": -1},
        "progress_interval": {"progress_interval": 0},
        "near_radius": {"near_radius": 11},
        "max_storage_failures": {"max_storage_failures": 0},
        "presets": {"presets": []},
        "formats": {"formats": []},
        "'gif'": {"formats": ["jpeg", "gif"]},
    }
    for named, kwargs in bad.items():
        with pytest.raises(imagebank.InvalidArgumentError, match=named):
            imagebank.validate_ingest_options(**kwargs)
    with pytest.raises(imagebank.InvalidArgumentError, match="lease_seconds"):
        imagebank.validate_ingest_options(lease_seconds=float("nan"))


def test_ingest_option_defaults_are_the_libraries(bank):
    # The defaults shown are IngestOptions' own: 300 s leases, 2 s retries.
    doc = core.Bank.ingest.__doc__
    assert doc is not None
    for name, default in [("workers", "0"), ("max_attempts", "3"), ("lease_seconds", "300.0"),
                          ("retry_seconds", "2.0"), ("near_radius", "5"),
                          ("progress_interval", "0.5"), ("max_storage_failures", "8")]:
        assert re.search(rf"\b{name}: [^=]*= {re.escape(default)}[,)]", doc), name
    assert "formats (None = ['avif', 'webp', 'jpeg'])" in doc
    assert "(None = ['thumbnail', 'small', 'grid', 'detail', 'header', 'zoom'])" in doc


def test_parse_formats():
    assert imagebank.parse_formats("avif,webp,jpeg") == ["avif", "webp", "jpeg"]
    assert imagebank.parse_formats("jpg,,png,") == ["jpeg", "png"]
    assert imagebank.parse_formats("") == []
    for bad in ("bmpx", "gif", "JPEG"):
        with pytest.raises(imagebank.InvalidArgumentError, match=f"'{bad}'"):
            imagebank.parse_formats("webp," + bad)


def test_custom_presets(bank: imagebank.Bank, photos: pathlib.Path):
    tiny = core.Preset("tiny", 64, 64)
    batch = bank.ingest(photos / "ABC123_FRENTE.jpg", presets=[tiny, "thumbnail"],
                        formats=["webp"])
    (image,) = bank.images(batch_id=batch.id)
    got = {v.preset: (v.format, v.width) for v in bank.catalog.variants(image.id)}
    assert got["tiny"] == ("webp", 64)
    assert got["thumbnail"][0] == "webp"


def test_receive_only_leaves_the_processing_to_workers(bank: imagebank.Bank,
                                                       photos: pathlib.Path):
    queue = bank.jobs
    batch = queue.create_batch(0, str(photos) + "\n")
    received = bank.receive(batch.id, **FAST)
    assert received.receiving is False
    counts = queue.job_counts(batch.id)
    # Every file has its job (the empty one refused on receipt); none is
    # processed yet.
    assert (counts.received, counts.failed, counts.done) == (8, 1, 0)
    assert list(bank.catalog.list_images()) == []
    assert bank.receive(batch.id, **FAST).receiving is False  # again: a no-op
    assert queue.job_counts(batch.id).received == 8
    report = bank.work(**FAST)
    assert report.done + report.duplicates + report.failed == 8
    assert report.duplicates == 1  # COPIA_01.jpg
    assert queue.get_batch(batch.id).state == "done"
    upload = bank.open_upload_batch(label="x")
    with pytest.raises(imagebank.ConflictError):
        bank.receive(upload.id)


def test_upload_batches(bank: imagebank.Bank, tmp_path: pathlib.Path):
    carteira = write_carteira(tmp_path / "c.csv", ["ABC123"])
    bank.import_carteira(carteira, collection="Verão", brand="Aurora")
    batch = bank.open_upload_batch(collection="Verão", label="estúdio")
    assert core.is_upload_batch(batch)
    assert batch.source == "upload:estúdio\n"
    assert batch.receiving

    data = (DATA / "rgb.jpg").read_bytes()
    spool = tmp_path / "spool.bin"
    spool.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    job = bank.receive_upload(batch.id, spool, "ABC123_FRENTE.jpg", sha256=digest)
    assert (job.state, job.sha256, job.bytes) == ("received", digest, len(data))
    # The same content under the same name: the same job.
    assert bank.receive_upload(batch.id, spool, "ABC123_FRENTE.jpg").id == job.id
    small = imagebank.Limits()
    small.max_file_bytes = 10
    big = bank.receive_upload(batch.id, spool, "grande.jpg", limits=small)
    assert big.state == "failed" and "grande.jpg" in str(big.error)

    with pytest.raises(imagebank.InvalidArgumentError, match=r"\.\."):
        bank.receive_upload(batch.id, spool, "a/../b.jpg")
    assert core.normalize_upload_name("pasta\\Ação.jpg") == "pasta/Ação.jpg"
    with pytest.raises(imagebank.InvalidArgumentError):
        core.normalize_upload_name("x\x01.jpg")
    # The size is the file's also when the SHA-256 comes with it.
    big_file = tmp_path / "big.bin"
    big_file.write_bytes(os.urandom(300_000))
    sized = bank.receive_upload(batch.id, big_file, "big.bin",
                                sha256=hashlib.sha256(big_file.read_bytes()).hexdigest())
    assert sized.bytes == 300_000
    with pytest.raises(imagebank.NotFoundError):
        bank.receive_upload(batch.id, tmp_path / "missing", "a.jpg")

    resumed = bank.resume(batch.id, **FAST)
    assert resumed.receiving and resumed.state != "done"
    assert bank.batch(batch.id).counts.done == 1
    assert not bank.finish_upload(batch.id).receiving
    assert bank.resume(batch.id, **FAST).state == "done"
    with pytest.raises(imagebank.ConflictError):
        bank.receive_upload(batch.id, spool, "ABC123_COSTAS.jpg")

    image = bank.catalog.find_image_by_sha256(digest)
    assert image.product_id is not None

    photos = tmp_path / "p"
    photos.mkdir()
    shutil.copy(DATA / "gray.jpg", photos / "X_01.jpg")
    from_paths = bank.ingest(photos, **FAST)
    assert not core.is_upload_batch(from_paths)
    with pytest.raises(imagebank.ConflictError):
        bank.finish_upload(from_paths.id)


def test_list_images_by_brand_and_near_duplicates(bank: imagebank.Bank, tmp_path: pathlib.Path):
    # rgb.jpg and gray.jpg are the same picture in colour and in grey: a
    # near-duplicate pair (pHash distance 0); rgb.png is not near them.
    a = tmp_path / "a"
    a.mkdir()
    shutil.copy(DATA / "rgb.jpg", a / "A1_01.jpg")
    shutil.copy(DATA / "gray.jpg", a / "A1_02.jpg")
    b = tmp_path / "b"
    b.mkdir()
    shutil.copy(DATA / "orient6.jpg", b / "B1_01.jpg")
    bank.ingest(a, collection="Verão", brand="Aurora", **FAST)
    bank.ingest(b, collection="Inverno", brand="Boreal", **FAST)
    catalog = bank.catalog
    names = lambda **kw: sorted(i.original_name for i in catalog.list_images(**kw))  # noqa: E731
    assert names(near_duplicate=True) == ["A1_01.jpg", "A1_02.jpg"]
    assert names(near_duplicate=False) == ["B1_01.jpg"]
    aurora = next(x for x in catalog.brands() if x.name == "Aurora")
    boreal = next(x for x in catalog.brands() if x.name == "Boreal")
    assert names(brand_id=aurora.id) == ["A1_01.jpg", "A1_02.jpg"]
    assert names(brand_id=boreal.id, near_duplicate=True) == []
    assert names(brand_id=9999) == []
