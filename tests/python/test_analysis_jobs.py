"""The analysis stage of ingest from Python: Bank.ingest(vision=...,
analyzers=...) queues an analyze job per new photo beside the files; an
analyzer that is down never holds the variants back and the analyses resume
like any job; the queue's job kinds; Bank.open_vision and analyze_image."""

from __future__ import annotations

import pathlib
import shutil
import threading

import pytest

import imagebank
from conftest import DATA

core = imagebank._core
FAST = {"formats": ["jpeg"], "presets": ["thumbnail"], "retry_seconds": 0.001}


class Namer(imagebank.VisionAnalyzer):
    """Calls every photo verde; raises `error` while it is set."""

    def __init__(self) -> None:
        super().__init__()
        self.error: imagebank.Error | None = None
        self.calls = 0
        self.threads: set[int] = set()
        self.lock = threading.Lock()

    def provider(self) -> str:
        return "namer"

    def model(self) -> str:
        return "n1"

    def analyze(self, image: imagebank.VisionImage,
                request: imagebank.VisionRequest) -> imagebank.VisionResult:
        with self.lock:
            self.calls += 1
            self.threads.add(threading.get_ident())
        if self.error is not None:
            raise self.error
        r = imagebank.VisionResult(provider="namer", model="n1")
        r.description = "foto " + image.name
        r.colors = [imagebank.VisionColor("verde", "#2e7d32", 0.7)]
        r.confidence = 0.6
        return r


@pytest.fixture()
def shoot(tmp_path: pathlib.Path) -> pathlib.Path:
    d = tmp_path / "upload"
    d.mkdir()
    shutil.copy(DATA / "rgb.jpg", d / "ABC123_FRENTE.jpg")
    shutil.copy(DATA / "orient6.jpg", d / "XYZ9_01.jpg")
    shutil.copy(DATA / "rgb.png", d / "SEMSKU_01.png")
    return d


def img(job: imagebank.Job) -> int:
    assert job.image_id is not None
    return job.image_id


def kinds(bank: imagebank.Bank, batch_id: int) -> dict[str, list[imagebank.Job]]:
    out: dict[str, list[imagebank.Job]] = {"process": [], "analyze": []}
    for job in bank.jobs.list_jobs(batch_id):
        out[job.kind].append(job)
    return out


def test_each_new_photo_is_analysed_as_a_job_of_its_own(
        tmp_path: pathlib.Path, shoot: pathlib.Path) -> None:
    bank = core.Bank.open(dir=tmp_path / "bank")
    namer = Namer()
    batch = bank.ingest(shoot, analyzers=[namer], vision=["offline"],
                        analysis_workers=2, **FAST)  # type: ignore[arg-type]
    assert batch.state == "done"
    # Plug-ins cannot be reopened: the label names providers and models.
    assert batch.analysis == "namer:n1,offline:offline-1"
    jobs = kinds(bank, batch.id)
    assert len(jobs["process"]) == 3 and len(jobs["analyze"]) == 3
    made = {j.source_path: j.image_id for j in jobs["process"]}
    for job in jobs["analyze"]:
        assert job.kind is imagebank.JobKind.ANALYZE
        assert job.state == "done", job.error
        assert job.image_id == made[job.source_path]
        answers = [a for a in bank.catalog.ai_analyses(img(job))
                   if a.error is None]
        assert [a.provider for a in answers] == ["namer"]
        assert bank.catalog.get_image(img(job)).status == "pending"
    assert namer.calls == 3
    assert threading.get_ident() not in namer.threads
    progress = bank.batch(batch.id)
    assert (progress.counts.done, progress.counts.total) == (3, 3)
    assert (progress.analysis.done, progress.analysis.total) == (3, 3)
    counts = bank.jobs.job_counts(batch.id, kind="analyze")
    assert counts.done == 3
    assert bank.jobs.job_counts(batch.id).total == 6


def test_an_analyzer_that_is_down_never_holds_variants_back(
        tmp_path: pathlib.Path, shoot: pathlib.Path) -> None:
    bank = core.Bank.open(dir=tmp_path / "bank")
    namer = Namer()
    namer.error = imagebank.UnavailableError("namer is down")
    batch = bank.ingest(shoot, analyzers=[namer], max_attempts=2,
                        **FAST)  # type: ignore[arg-type]
    assert batch.state == "done"
    jobs = kinds(bank, batch.id)
    assert all(j.state == "done" for j in jobs["process"])
    for job in jobs["process"]:
        assert bank.catalog.variants(img(job))
    for job in jobs["analyze"]:
        assert job.state == "failed"
        assert job.attempts == 2
        assert isinstance(job.error, imagebank.UnavailableError)
        assert job.source_path in str(job.error)
        assert "namer is down" in str(job.error)
        # Left where it was: waiting for its analysis.
        assert bank.catalog.get_image(img(job)).status == "pending_ai_analysis"
    # 3 photos x 2 job attempts x 3 tries of the chain (max_tries).
    assert namer.calls == 18
    review = bank.review(batch.id)
    assert sorted(j.kind for j in review.failed) == ["analyze"] * 3

    namer.error = None
    again = bank.resume(batch.id, analyzers=[namer], **FAST)  # type: ignore[arg-type]
    assert again.state == "done"
    assert all(j.state == "done" for j in kinds(bank, batch.id)["analyze"])
    assert namer.calls == 18 + 3


def test_a_resume_without_analyzers_reopens_the_batchs_own(
        tmp_path: pathlib.Path, shoot: pathlib.Path) -> None:
    bank = core.Bank.open(dir=tmp_path / "bank")
    queue = bank.jobs
    batch = queue.create_batch(0, str(shoot) + "\n", analysis="offline://")
    assert batch.analysis == "offline://"
    ended = bank.resume(batch.id, **FAST)  # type: ignore[arg-type]
    assert ended.state == "done"
    analyses = kinds(bank, batch.id)["analyze"]
    assert len(analyses) == 3 and all(j.state == "done" for j in analyses)
    blurhashes = [a.blurhash for j in analyses
                  for a in bank.catalog.ai_analyses(img(j))
                  if a.provider == "offline" and a.item_position is None]
    assert len(blurhashes) == 3 and all(blurhashes)


def test_bad_analysis_options_are_refused_before_anything_runs(
        tmp_path: pathlib.Path, shoot: pathlib.Path) -> None:
    bank = core.Bank.open(dir=tmp_path / "bank")
    with pytest.raises(imagebank.InvalidArgumentError, match="analysis.workers"):
        bank.ingest(shoot, vision=["offline"], analysis_workers=0)
    with pytest.raises(imagebank.InvalidArgumentError, match="nope|unknown"):
        bank.ingest(shoot, vision=["nope"])
    assert bank.batches() == []


def test_the_queue_keeps_job_kinds_apart(tmp_path: pathlib.Path) -> None:
    bank = core.Bank.open(dir=tmp_path / "bank")
    queue = bank.jobs
    batch = queue.create_batch(0, "by hand", analysis="gemini://")
    queue.add_jobs(batch.id, [imagebank.JobInsert("/a/1.jpg", original_name="1.jpg",
                                                  sha256="a" * 64, bytes=10)])
    none = queue.lease_jobs(imagebank.LeaseOptions("w", kind="analyze"))
    assert none == []
    (job,) = queue.lease_jobs(imagebank.LeaseOptions("w"))
    assert job.kind == "process"
    assert "kind='process'" in repr(imagebank.LeaseOptions("w"))
    with pytest.raises(imagebank.InvalidArgumentError, match="job kind"):
        imagebank.LeaseOptions("w", kind="describe")
    with pytest.raises(imagebank.ConflictError):
        queue.finish_job(job.id, "someone else")
    done = queue.finish_job(job.id, "w")
    assert done.state == "done"


def test_open_vision_and_analyze_image(tmp_path: pathlib.Path,
                                       shoot: pathlib.Path) -> None:
    bank = core.Bank.open(dir=tmp_path / "bank")
    batch = bank.ingest(shoot, **FAST)  # type: ignore[arg-type]
    image_id = next(img(j) for j in bank.jobs.list_jobs(batch.id))
    image = bank.catalog.get_image(image_id)
    namer = Namer()
    chain = bank.open_vision(vision=[], analyzers=[namer], max_tries=1)
    first = imagebank.analyze_image(bank.catalog, bank.blobs, chain, image)
    assert (first.provider, first.cached, first.error) == ("namer", False, None)
    again = imagebank.analyze_image(bank.catalog, bank.blobs, chain, image)
    assert again.cached and namer.calls == 1
    namer.error = imagebank.RateLimitedError("slow down")
    down = imagebank.analyze_image(bank.catalog, bank.blobs, chain, image,
                                   force=True)
    assert isinstance(down.error, imagebank.RateLimitedError)
    assert down.retryable
    assert [a.provider for a in down.attempts] == ["namer"]
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.open_vision(vision=["nope"])
    offline = bank.open_vision()
    done = imagebank.analyze_image(bank.catalog, bank.blobs, offline, image)
    assert done.provider == "offline" and done.error is None
