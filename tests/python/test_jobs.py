"""The ingest queue, a JobQueue, directly (a SQLite file, whose
CatalogDatabase is both the catalog and the queue): batches, jobs idempotent
by source_path, leases, completion and failure (stored as the error's code
and message), the watchdog's release, retries, counts and the state enums."""

from __future__ import annotations

import pathlib
import time

import pytest

import imagebank

core = imagebank._core


def sha(n: int) -> str:
    return f"{n:064x}"


def record(n: int, name: str = "A1_01.jpg") -> core.ImageRecord:
    r = core.ImageRecord()
    r.sha256 = sha(n)
    r.phash = 0xF0F0F0F0F0F0F0F0 + n
    r.width, r.height = 800, 1200
    r.format = "jpeg"
    r.bytes = 4321
    r.original_name = name
    r.blob_key = f"originals/{r.sha256[:2]}/{r.sha256[2:4]}/{r.sha256}.jpg"
    return r


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture()
def catalog(tmp_path: pathlib.Path) -> imagebank.CatalogDatabase:
    return core.open_sqlite_catalog(tmp_path / "jobs.db")


@pytest.fixture()
def batch(catalog: imagebank.CatalogDatabase) -> imagebank.Batch:
    brand = catalog.upsert_brand("Marca")
    coll = catalog.upsert_collection(brand.id, "Verão", "2027")
    created: imagebank.Batch = catalog.create_batch(coll.id, "/uploads/verao")
    return created


def test_state_names():
    assert (core.JOB_RECEIVED, core.JOB_LEASED, core.JOB_DONE, core.JOB_DUPLICATE,
            core.JOB_FAILED, core.JOB_CANCELLED) == (
        "received", "leased", "done", "duplicate", "failed", "cancelled")
    assert (core.BATCH_QUEUED, core.BATCH_RUNNING, core.BATCH_PAUSED, core.BATCH_DONE,
            core.BATCH_CANCELLED) == ("queued", "running", "paused", "done", "cancelled")


def test_states_are_str_enums_that_round_trip():
    assert [s.value for s in imagebank.JobState] == [
        "received", "leased", "done", "duplicate", "failed", "cancelled"]
    assert [s.value for s in imagebank.BatchState] == [
        "queued", "running", "paused", "done", "cancelled"]
    for cls in (imagebank.JobState, imagebank.BatchState):
        for state in cls:
            assert cls(state.value) is state
            assert state == state.value and str(state) == state.value
            assert isinstance(state, str)
    assert core.JOB_DONE is imagebank.JobState.DONE
    assert core.BATCH_PAUSED is imagebank.BatchState.PAUSED
    with pytest.raises(ValueError):
        imagebank.JobState("lost")


def test_rows_carry_enum_states(catalog, batch):
    assert isinstance(catalog, imagebank.CatalogStore)
    assert isinstance(catalog, imagebank.JobQueue)
    assert batch.state is imagebank.BatchState.QUEUED
    (job,) = catalog.add_jobs(batch.id, [core.JobInsert("/u/a.jpg", sha256=sha(1))])
    assert job.state is imagebank.JobState.RECEIVED and job.error is None
    # A state goes in as a member or as its name.
    assert catalog.set_batch_state(batch.id, imagebank.BatchState.PAUSED).state == "paused"
    assert catalog.set_batch_state(batch.id, "queued").state is imagebank.BatchState.QUEUED
    assert [j.id for j in catalog.list_jobs(batch.id, imagebank.JobState.RECEIVED)] == [job.id]
    insert = core.JobInsert("/u/b.jpg", state=imagebank.JobState.FAILED,
                            error=imagebank.CorruptDataError("/u/b.jpg: empty"))
    assert insert.state is imagebank.JobState.FAILED
    insert.state = "duplicate"
    assert insert.state is imagebank.JobState.DUPLICATE
    with pytest.raises(imagebank.InvalidArgumentError):
        insert.state = "lost"
    with pytest.raises(TypeError):
        catalog.fail_job(job.id, "w1", "io_error: a str is not an error")  # type: ignore[arg-type]


def test_a_failure_is_stored_as_its_code_and_retries_read_the_code(catalog, batch):
    jobs = catalog.add_jobs(batch.id, [
        core.JobInsert(f"/u/F{n}.jpg", sha256=sha(n)) for n in range(1, 5)])
    catalog.finish_receiving(batch.id)
    leased = catalog.lease_jobs(core.LeaseOptions("w1", max_jobs=4))
    assert [j.id for j in leased] == [j.id for j in jobs]
    errors = [imagebank.IoError("/u/F1.jpg: no space left on device"),
              imagebank.UnavailableError("the bucket is unreachable"),
              imagebank.CorruptDataError("io_error: only the message says so"),
              imagebank.DeadlineExceededError("decode took longer than the deadline")]
    for job, error in zip(leased, errors):
        failed = catalog.fail_job(job.id, "w1", error)
        assert type(failed.error) is type(error)
        assert str(failed.error) == str(error)
    # A resume re-queues storage failures only, read from the code.
    assert catalog.retry_failed_jobs(batch.id, only_retryable=True) == 2
    assert [catalog.get_job(j.id).state for j in jobs] == [
        "received", "received", "failed", "failed"]
    assert catalog.retry_failed_jobs(batch.id) == 2


def test_add_jobs_is_idempotent_by_source_path(catalog: imagebank.CatalogDatabase, batch: imagebank.Batch):
    assert (batch.state, batch.receiving) == ("queued", True)
    existing = catalog.insert_image(record(99, "OLD_01.jpg")).image
    jobs = catalog.add_jobs(batch.id, [
        core.JobInsert("/u/A1_01.jpg", original_name="A1_01.jpg", sha256=sha(1), bytes=10),
        core.JobInsert("/u/A1_02.jpg", original_name="A1_02.jpg", sha256=sha(2), bytes=20),
        core.JobInsert("/u/bad.jpg", original_name="bad.jpg", state="failed",
                       error=imagebank.CorruptDataError("/u/bad.jpg: the file is empty")),
        core.JobInsert("/u/copy.jpg", original_name="copy.jpg", sha256=sha(99),
                       state="duplicate", image_id=existing.id),
    ])
    assert [j.state for j in jobs] == ["received", "received", "failed", "duplicate"]
    assert jobs[3].image_id == existing.id and jobs[0].image_id is None
    assert (jobs[1].bytes, jobs[1].sha256, jobs[1].attempts) == (20, sha(2), 0)

    # A resumed receive step sends the same paths again: they are kept as were.
    again = catalog.add_jobs(batch.id, [
        core.JobInsert("/u/A1_02.jpg", original_name="other", sha256=sha(7)),
        core.JobInsert("/u/A1_03.jpg", original_name="A1_03.jpg", sha256=sha(3)),
    ])
    assert again[0] == jobs[1]
    assert again[1].id > jobs[3].id
    assert catalog.job_source_paths(batch.id) == [
        "/u/A1_01.jpg", "/u/A1_02.jpg", "/u/bad.jpg", "/u/copy.jpg", "/u/A1_03.jpg"]
    refused = catalog.get_job(jobs[2].id).error
    assert isinstance(refused, imagebank.CorruptDataError)
    assert str(refused) == "/u/bad.jpg: the file is empty"
    assert "state='failed'" in repr(jobs[2])

    every = list(catalog.list_jobs(batch.id, page_size=2))
    assert [j.id for j in every] == sorted(j.id for j in every) and len(every) == 5
    assert [j.source_path for j in catalog.list_jobs(batch.id, "received")] == [
        "/u/A1_01.jpg", "/u/A1_02.jpg", "/u/A1_03.jpg"]
    assert len(list(catalog.list_jobs(batch.id, after_id=every[2].id))) == 2

    counts = catalog.job_counts(batch.id)
    assert (counts.received, counts.failed, counts.duplicate) == (3, 1, 1)
    assert (counts.total, counts.open) == (5, 3)

    with pytest.raises(imagebank.InvalidArgumentError, match="image_id"):
        catalog.add_jobs(batch.id, [core.JobInsert("/u/x.jpg", state="duplicate")])
    with pytest.raises(imagebank.InvalidArgumentError, match="sha256"):
        catalog.add_jobs(batch.id, [core.JobInsert("/u/x.jpg", sha256="nope")])
    with pytest.raises(imagebank.InvalidArgumentError):
        list(catalog.list_jobs(batch.id, "lost"))
    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.list_jobs(batch.id, page_size=0)
    with pytest.raises(imagebank.NotFoundError):
        catalog.get_job(12345)
    with pytest.raises(imagebank.NotFoundError):
        catalog.add_jobs(999, [core.JobInsert("/u/x.jpg")])


def test_lease_complete_fail_release_retry(catalog: imagebank.CatalogDatabase, batch: imagebank.Batch):
    other = catalog.insert_image(record(50, "OTHER_01.jpg")).image
    j1, j2, j3 = catalog.add_jobs(batch.id, [
        core.JobInsert(f"/u/A1_0{n}.jpg", original_name=f"A1_0{n}.jpg", sha256=sha(n))
        for n in (1, 2, 3)])
    catalog.finish_receiving(batch.id)

    leased = catalog.lease_jobs(core.LeaseOptions("w1", max_jobs=2, lease_ms=60_000,
                                                  batch_id=batch.id))
    assert [j.id for j in leased] == [j1.id, j2.id]
    assert all(j.state == "leased" and j.worker == "w1" and j.attempts == 1
               for j in leased)
    assert leased[0].lease_until_ms > now_ms()
    assert catalog.get_batch(batch.id).state == "running"
    assert catalog.lease_holders() == ["w1"]
    assert catalog.renew_leases("w1", [j1.id, j2.id, j3.id], 120_000) == 2
    assert catalog.renew_leases("w2", [j1.id], 120_000) == 0

    # The first job ends with its image, variants and a near duplicate.
    outcome = core.JobOutcome(
        record(1),
        [core.VariantRecord("thumbnail", "jpeg", 300, 300, 1000, "variants/a/t.jpg")],
        [core.NearDuplicate(other_image_id=other.id, distance=3)])
    with pytest.raises(imagebank.ConflictError):
        catalog.complete_job(j1.id, "w2", outcome)
    stored = catalog.complete_job(j1.id, "w1", outcome)
    assert not stored.duplicate
    done = catalog.get_job(j1.id)
    assert (done.state, done.image_id, done.worker) == ("done", stored.image.id, "")
    assert [(v.preset, v.image_id) for v in catalog.variants(stored.image.id)] == [
        ("thumbnail", stored.image.id)]
    (near,) = catalog.near_duplicates(stored.image.id)
    assert near == core.NearDuplicate(other.id, 3, image_id=stored.image.id)
    assert catalog.near_duplicates(other.id) == [near]  # either side
    assert catalog.near_duplicates(after_image_id=stored.image.id) == []
    hashes = catalog.image_hashes(after_id=0, limit=10)
    assert [(h.id, h.phash) for h in hashes] == [
        (other.id, other.phash), (stored.image.id, record(1).phash)]
    assert catalog.image_hashes(after_id=other.id)[0].id == stored.image.id

    # The second fails on storage: it waits for its retry, then is due again.
    retry = catalog.fail_job(j2.id, "w1", imagebank.IoError("disk full"),
                             retry_at_ms=now_ms() + 60_000)
    assert retry.state == "received"
    assert isinstance(retry.error, imagebank.IoError) and str(retry.error) == "disk full"
    assert retry.lease_until_ms > now_ms()
    assert [j.id for j in catalog.lease_jobs(core.LeaseOptions("w2", max_jobs=5))] == [j3.id]
    with pytest.raises(imagebank.ConflictError):
        catalog.fail_job(j2.id, "w1", imagebank.IoError("again"))  # not leased any more

    # w2 dies holding j3: the watchdog gives it back, then fails it once it
    # used its attempts.
    assert catalog.release_leases(now_ms(), "w2", max_attempts=3) == 1
    assert catalog.get_job(j3.id).state == "received"
    (j3_again,) = catalog.lease_jobs(core.LeaseOptions("w3", batch_id=batch.id))
    assert (j3_again.id, j3_again.attempts) == (j3.id, 2)
    assert catalog.release_leases(now_ms() + 10**9, max_attempts=2) == 1
    gone = catalog.get_job(j3.id)
    assert gone.state == "failed" and isinstance(gone.error, imagebank.InternalError)

    counts = catalog.job_counts(batch.id)
    assert (counts.done, counts.received, counts.failed, counts.open) == (1, 1, 1, 1)
    assert catalog.job_counts(batch.id, since_ms=now_ms() + 10**9).finished_since == 0
    assert catalog.job_counts(batch.id, since_ms=0).finished_since == 2

    # Only storage failures are retryable; the stopped-worker one is not.
    assert catalog.retry_failed_jobs(batch.id, only_retryable=True) == 0
    assert catalog.retry_failed_jobs(batch.id) == 1
    back = catalog.get_job(j3.id)
    assert (back.state, back.attempts, back.error) == ("received", 0, None)
    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.lease_jobs(core.LeaseOptions("", max_jobs=1))
    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.release_leases(now_ms(), max_attempts=0)


def test_batch_states(catalog: imagebank.CatalogDatabase, batch: imagebank.Batch):
    (j1,) = catalog.add_jobs(batch.id, [core.JobInsert("/u/A.jpg", sha256=sha(1))])
    assert catalog.list_batches() == [catalog.get_batch(batch.id)]
    paused = catalog.set_batch_state(batch.id, "paused")
    assert paused.state == "paused"
    assert catalog.lease_jobs(core.LeaseOptions("w1")) == []  # not runnable
    catalog.set_batch_state(batch.id, "queued")
    assert len(catalog.lease_jobs(core.LeaseOptions("w1"))) == 1
    assert catalog.finish_receiving(batch.id).receiving is False

    second = catalog.create_batch(batch.collection_id, "second")
    catalog.add_jobs(second.id, [core.JobInsert("/u/B.jpg", sha256=sha(2))])
    cancelled = catalog.set_batch_state(second.id, "cancelled")
    assert cancelled.state == "cancelled"
    assert catalog.job_counts(second.id).cancelled == 1
    with pytest.raises(imagebank.ConflictError):
        catalog.set_batch_state(second.id, "queued")
    with pytest.raises(imagebank.ConflictError):
        catalog.add_jobs(second.id, [core.JobInsert("/u/C.jpg")])
    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.set_batch_state(batch.id, "sleeping")
    assert [b.id for b in catalog.list_batches()] == [batch.id, second.id]
    assert "state='cancelled'" in repr(cancelled)


def test_list_products_pages(catalog: imagebank.CatalogDatabase, batch: imagebank.Batch):
    products = [core.ProductUpsert(f"SKU{n:02d}") for n in range(7)]
    catalog.import_products(batch.collection_id, products)
    listed = list(catalog.list_products(batch.collection_id, page_size=3))
    assert [p.sku for p in listed] == [f"SKU{n:02d}" for n in range(7)]
    after = list(catalog.list_products(batch.collection_id, after_id=listed[4].id))
    assert [p.sku for p in after] == ["SKU05", "SKU06"]
    assert list(catalog.list_products(9999)) == []


def test_images_linked_filter(catalog: imagebank.CatalogDatabase, batch: imagebank.Batch):
    catalog.import_products(batch.collection_id, [core.ProductUpsert("A1")])
    product = catalog.find_product(batch.collection_id, "A1")
    a = catalog.insert_image(record(1)).image
    b = catalog.insert_image(record(2)).image
    catalog.link_image(a.id, product.id, "test")
    assert [i.id for i in catalog.list_images(linked=True)] == [a.id]
    assert [i.id for i in catalog.list_images(linked=False)] == [b.id]
    assert len(list(catalog.list_images())) == 2


def test_option_types_are_editable():
    o = core.LeaseOptions("host:1:abc")
    assert (o.max_jobs, o.lease_ms, o.batch_id) == (1, 300_000, None)
    o.batch_id = 4
    assert "batch_id=4" in repr(o)
    j = core.JobInsert("/x.jpg")
    assert (j.state, j.image_id, j.bytes) == ("received", None, 0)
    c1 = core.JobOutcome(record(1))
    assert c1.variants == [] and c1.near_duplicates == []


def test_list_source_paths_pages_in_byte_order(catalog: imagebank.CatalogDatabase,
                                               batch: imagebank.Batch):
    paths = ["/u/a/c.jpg", "/u/a-b.jpg", "/u/a.jpg", "/u/B.jpg", "/u/b.jpg",
             "/u/Ásia.jpg", "/u/10.jpg", "/u/9.jpg"]
    catalog.add_jobs(batch.id, [core.JobInsert(p) for p in paths])
    got: list[str] = []
    after = ""
    while page := catalog.list_source_paths(batch.id, after=after, limit=3):
        assert len(page) <= 3
        got += page
        after = page[-1]
    assert got == sorted(paths, key=lambda p: p.encode())
    assert got[:2] == ["/u/10.jpg", "/u/9.jpg"]
    assert catalog.list_source_paths(batch.id, after="/u/a/", limit=2) == [
        "/u/a/c.jpg", "/u/b.jpg"]
    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.list_source_paths(batch.id, limit=0)
    with pytest.raises(imagebank.NotFoundError):
        catalog.list_source_paths(987654)
