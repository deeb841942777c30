"""Bank.analyze and VisionChain from Python: plug-in analyzers in a chain
with fallback, answers kept apart from the Carteira's fields, the review
workflow, the cache, progress, and the Carteira-vs-AI colour review."""

from __future__ import annotations

import pathlib
import shutil
import threading
import time

import pytest

import imagebank
from conftest import DATA

core = imagebank._core
FAST = {"formats": ["jpeg"], "presets": ["thumbnail"]}


class Says(imagebank.VisionAnalyzer):
    """Answers `color` for every photo; raises `error` when set."""

    def __init__(self, provider: str, color: str = "vermelho",
                 error: imagebank.Error | None = None) -> None:
        super().__init__()
        self.name = provider
        self.color = color
        self.error = error
        self.calls = 0
        self.lock = threading.Lock()

    def provider(self) -> str:
        return self.name

    def model(self) -> str:
        return self.name + "-1"

    def analyze(self, image: imagebank.VisionImage,
                request: imagebank.VisionRequest) -> imagebank.VisionResult:
        with self.lock:
            self.calls += 1
        assert max(image.width, image.height) <= imagebank.VISION_MAX_SIDE
        if self.error is not None:
            raise self.error
        r = imagebank.VisionResult(provider=self.name, model=self.name + "-1")
        r.description = f"Vestido {self.color}"
        r.colors = [imagebank.VisionColor(self.color, "#c0392b", 0.8)]
        r.garment_type = "vestido"
        r.tags = ["vestido", self.color]
        r.input_tokens = 50
        r.items = [imagebank.VisionItem(label="vestido", box=(0.2, 0.1, 0.6, 0.8),
                                        colors=[imagebank.VisionColor(self.color)],
                                        confidence=0.9)]
        r.confidence = 0.8
        return r


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    b = core.Bank.open(dir=tmp_path / "bank")
    carteira = tmp_path / "c.csv"
    carteira.write_text("SKU;Descrição;Cor\nABC123;Vestido;Azul\nXYZ9;Blusa;Vermelho\n",
                        encoding="utf-8")
    b.import_carteira(carteira, brand="Aurora", collection="Verão")
    d = tmp_path / "upload"
    d.mkdir()
    shutil.copy(DATA / "rgb.jpg", d / "ABC123_FRENTE.jpg")
    shutil.copy(DATA / "orient6.jpg", d / "XYZ9_01.jpg")
    shutil.copy(DATA / "rgb.png", d / "SEMSKU_01.png")
    b.ingest(d, collection="Verão", brand="Aurora", **FAST)  # type: ignore[arg-type]
    return b


def test_answers_never_touch_the_carteira_and_disagreements_are_listed(
        bank: imagebank.Bank) -> None:
    collection = bank.collection("Verão")
    before = {p.sku: (p.fields, p.extra, p.updated_ms)
              for p in bank.catalog.list_products(collection.id)}
    seen: list[imagebank.AnalyzeProgress] = []
    fake = Says("fake")
    report = bank.analyze(vision=[], analyzers=[fake], progress=seen.append,
                          progress_interval=0.01)
    assert (report.progress.selected, report.progress.analysed,
            report.progress.failed) == (3, 3, 0)
    assert report.progress.input_tokens == 150
    assert report.by_provider == {"fake": 3}
    assert seen and seen[-1].done == 3
    after = {p.sku: (p.fields, p.extra, p.updated_ms)
             for p in bank.catalog.list_products(collection.id)}
    assert after == before
    assert after["ABC123"][0].cor == "Azul"
    review = bank.color_review("Verão")
    assert [(r.sku, r.carteira_color, r.ai_color, r.agreement) for r in review] == [
        ("ABC123", "Azul", "vermelho", "disagree"),
        ("XYZ9", "Vermelho", "vermelho", "agree")]
    assert [r.sku for r in bank.color_review(disagreements_only=True)] == ["ABC123"]
    image = review[0].image_id
    [whole, item] = bank.catalog.ai_analyses(image)
    assert whole.item_position is None and whole.error is None
    assert (whole.color, whole.garment_type, whole.provider) == ("vermelho", "vestido", "fake")
    assert whole.colors == [imagebank.VisionColor("vermelho", "#c0392b", 0.8)]
    assert item.item_position == 0
    assert [i.label for i in bank.catalog.image_items(image)] == ["vestido"]
    # Run again: nothing left, no call made.
    again = bank.analyze(vision=[], analyzers=[fake])
    assert again.progress.selected == 0 and fake.calls == 3
    key = imagebank.AnalysisKey("fake", "fake-1", imagebank.VISION_SCHEMA_VERSION)
    assert bank.catalog.find_ai_analysis(whole.sha256, key) is not None
    assert list(bank.catalog.list_images(missing_analysis=key)) == []


def test_fallback_after_quota_and_failures_are_kept(bank: imagebank.Bank) -> None:
    ids = [i.id for i in bank.catalog.list_images()]
    for i in ids:
        bank.catalog.set_image_status(i, "pending_ai_analysis")
    broke = Says("openai", error=imagebank.QuotaExhaustedError("insufficient_quota"))
    report = bank.analyze(vision=[], analyzers=[broke], status="pending_ai_analysis",
                          workers=1)
    assert report.progress.failed == 3 and broke.calls == 1
    assert len(report.failures) == 3
    assert isinstance(report.failures[0].error, imagebank.QuotaExhaustedError)
    assert report.given_up and "quota_exhausted" in report.given_up[0]
    assert {bank.catalog.get_image(i).status for i in ids} == {"pending_ai_analysis"}
    attempts = bank.catalog.ai_analyses(ids[0])
    assert len(attempts) == 1 and isinstance(attempts[0].error, imagebank.QuotaExhaustedError)

    broke2 = Says("openai", error=imagebank.QuotaExhaustedError("insufficient_quota"))
    backup = Says("backup", color="azul")
    report = bank.analyze(vision=[], analyzers=[broke2, backup], status="pending_ai_analysis")
    assert report.progress.analysed == 3 and report.by_provider == {"backup": 3}
    assert {bank.catalog.get_image(i).status for i in ids} == {"pending"}


def test_rate_limits_are_honoured_across_the_chain(bank: imagebank.Bank) -> None:
    times: list[float] = []

    class Throttled(Says):
        def analyze(self, image: imagebank.VisionImage,
                    request: imagebank.VisionRequest) -> imagebank.VisionResult:
            times.append(time.monotonic())
            if len(times) == 1:
                error = imagebank.RateLimitedError("rate_limit_exceeded")
                error.retry_after = 0.3
                raise error
            return super().analyze(image, request)

    t = Throttled("openai")
    report = bank.analyze(vision=[], analyzers=[t], workers=1)
    assert report.progress.analysed == 3 and report.progress.failed == 0
    assert len(times) == 4  # one refused call, then three answers
    assert times[1] - times[0] >= 0.29  # the provider's retry delay held


def test_the_chain_alone_and_bad_options(bank: imagebank.Bank) -> None:
    img = imagebank.prepare_vision_image(DATA / "rgb.jpg")
    chain = imagebank.VisionChain(
        [Says("a", error=imagebank.RefusedError("policy")), Says("b")],
        limits={"b": imagebank.VisionLimit(requests_per_minute=6000)})
    out = chain.analyze(img, imagebank.VisionRequest())
    assert out.result is not None and out.result.provider == "b"
    assert [a.provider for a in out.attempts] == ["a", "b"]
    assert isinstance(out.attempts[0].error, imagebank.RefusedError)
    assert out.attempts[1].error is None and out.attempts[1].tries == 1
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.VisionChain([Says("a"), Says("a")])
    with pytest.raises(imagebank.InvalidArgumentError, match="unknown provider"):
        bank.analyze(vision=["nonsense"])
    with pytest.raises(imagebank.NotFoundError):
        bank.analyze(vision=[], analyzers=[Says("x")], collection="Inverno")
    assert imagebank.compare_colors("Azul Marinho", "azul-marinho") == "agree"
    assert imagebank.compare_colors("AZUL", "azul-marinho") == "partial"
    assert imagebank.compare_colors("Verde", "rosa") == "disagree"


def test_a_run_falls_back_from_a_quota_to_the_next_service(
        bank: imagebank.Bank, caplog: pytest.LogCaptureFixture) -> None:
    """OpenAI (fake, wire format) answers 429 insufficient_quota: the run
    gives it up after one call and Gemini (fake) answers every photo; the
    attempt that failed is stored with its reason, the Carteira untouched."""
    from vision_fakes import GeminiFake, OpenAIFake

    collection = bank.collection("Verão")
    before = {p.sku: p.fields for p in bank.catalog.list_products(collection.id)}
    with OpenAIFake("quota") as openai, GeminiFake() as gemini:
        report = bank.analyze(
            vision=[f"openai://gpt-4o-mini?endpoint={openai.url}",
                    f"gemini://gemini-2.5-flash?endpoint={gemini.url}", "offline"],
            env={"OPENAI_API_KEY": OpenAIFake.default_key,
                 "GEMINI_API_KEY": GeminiFake.default_key},
            workers=1)
        assert openai.problems == [] and gemini.problems == []
        assert len(openai.requests) == 1 and len(gemini.requests) == 3
    assert report.by_provider == {"gemini": 3}
    assert report.progress.analysed == 3 and report.progress.failed == 0
    assert report.progress.input_tokens > 0
    assert len(report.given_up) == 1 and "quota_exhausted" in report.given_up[0]
    first = min(i.id for i in bank.catalog.list_images())
    rows = bank.catalog.ai_analyses(first)
    failed = [r for r in rows if r.error is not None]
    assert [(r.provider, type(r.error)) for r in failed] == [
        ("openai", imagebank.QuotaExhaustedError)]
    answers = [r for r in rows if r.error is None and r.item_position is None]
    assert [r.provider for r in answers] == ["gemini"]
    assert answers[0].garment_type and answers[0].colors
    after = {p.sku: p.fields for p in bank.catalog.list_products(collection.id)}
    assert after == before
    assert any("given up" in m for m in caplog.messages)
