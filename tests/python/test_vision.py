"""The vision interface: analyzer URIs, the photo analyzers receive, result
checks, and analyzers written in Python (the trampoline)."""

from __future__ import annotations

import threading

import pytest

import imagebank
from conftest import DATA


def _result(provider: str = "mine", model: str = "m1") -> imagebank.VisionResult:
    r = imagebank.VisionResult(provider=provider, model=model)
    r.colors = [imagebank.VisionColor("azul", "#1f3a93", 0.7)]
    r.tags = ["vestido"]
    r.items = [imagebank.VisionItem(label="vestido", box=(0.1, 0.1, 0.5, 0.8), confidence=0.9)]
    return r


def test_uris_parse_and_lists_expand() -> None:
    scheme, model, params = imagebank.parse_vision_uri(
        "openai://gpt-4o-mini?detail=low&endpoint=http%3A%2F%2F127.0.0.1%3A9")
    assert (scheme, model) == ("openai", "gpt-4o-mini")
    assert params == {"detail": "low", "endpoint": "http://127.0.0.1:9"}
    assert imagebank.parse_vision_list("openai, gemini,offline") == [
        "openai://", "gemini://", "offline://"]
    with pytest.raises(imagebank.InvalidArgumentError, match="twice"):
        imagebank.parse_vision_list("offline,offline")
    with pytest.raises(imagebank.InvalidArgumentError, match="unknown provider 'claude'"):
        imagebank.open_vision_analyzer("claude://opus")
    assert set(imagebank.vision_schemes()) == {"openai", "gemini", "google-vision", "offline"}


def test_prepared_photo_is_small_upright_rgb_and_jpeg() -> None:
    img = imagebank.prepare_vision_image(DATA / "orient6.jpg")
    upright = imagebank.decode(DATA / "orient6.jpg")
    assert (img.width, img.height) == (upright.width, upright.height)
    assert len(img.rgb) == img.width * img.height * 3
    assert img.jpeg[:2] == b"\xff\xd8"
    assert img.sha256 == imagebank.sha256(DATA / "orient6.jpg")
    assert max(img.width, img.height) <= imagebank.VISION_MAX_SIDE
    with pytest.raises(imagebank.Error, match="<memory>"):
        imagebank.prepare_vision_image(b"not a photo at all")


def test_result_contract_is_checked() -> None:
    imagebank.validate_vision_result(_result())
    assert imagebank.main_color(_result()) == "azul"
    bad = _result()
    bad.items = bad.items * 5
    with pytest.raises(imagebank.CorruptDataError, match="5 items"):
        imagebank.validate_vision_result(bad)
    off = _result()
    off.items = [imagebank.VisionItem(label="x", box=(0.8, 0.0, 0.5, 1.0))]
    with pytest.raises(imagebank.CorruptDataError, match="box"):
        imagebank.validate_vision_result(off)


class Echo(imagebank.VisionAnalyzer):
    """A plug-in: says the photo's size, from another thread's call."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def provider(self) -> str:
        return "echo"

    def model(self) -> str:
        return "e1"

    def analyze(self, image: imagebank.VisionImage,
                request: imagebank.VisionRequest) -> imagebank.VisionResult:
        self.threads.add(threading.get_ident())
        r = _result("echo", "e1")
        r.description = f"{image.width}x{image.height} {request.locale}"
        return r


class Throttled(imagebank.VisionAnalyzer):
    def provider(self) -> str:
        return "throttled"

    def model(self) -> str:
        return "t1"

    def analyze(self, image: imagebank.VisionImage,
                request: imagebank.VisionRequest) -> imagebank.VisionResult:
        error = imagebank.RateLimitedError("too many requests")
        error.retry_after = 2.5
        raise error


class Broken(imagebank.VisionAnalyzer):
    def provider(self) -> str:
        return "broken"

    def model(self) -> str:
        return "b1"

    def analyze(self, image: imagebank.VisionImage,
                request: imagebank.VisionRequest) -> imagebank.VisionResult:
        raise KeyError("oops")


def test_python_analyzers_plug_in_through_cpp() -> None:
    img = imagebank.prepare_vision_image(DATA / "orient6.jpg")
    echo = Echo()
    # analyze_batch runs in C++ (GIL released) and calls back into Python.
    results = echo.analyze_batch([img, img], imagebank.VisionRequest(locale="pt-BR"))
    assert [type(r) for r in results] == [imagebank.VisionResult] * 2
    first = results[0]
    assert isinstance(first, imagebank.VisionResult)
    assert first.description == f"{img.width}x{img.height} pt-BR"
    assert first.provider == "echo"


def test_python_analyzer_errors_keep_code_and_retry_after() -> None:
    img = imagebank.prepare_vision_image(DATA / "orient6.jpg")
    [throttled] = Throttled().analyze_batch([img], imagebank.VisionRequest())
    assert isinstance(throttled, imagebank.RateLimitedError)
    assert throttled.retry_after == 2.5
    assert "throttled" in str(throttled)
    [broken] = Broken().analyze_batch([img], imagebank.VisionRequest())
    assert isinstance(broken, imagebank.InternalError)
    assert "broken" in str(broken) and "oops" in str(broken)


def test_request_defaults_and_bounds() -> None:
    r = imagebank.VisionRequest()
    assert (r.locale, r.want_items, r.schema_version, r.timeout) == (
        "pt-BR", True, imagebank.VISION_SCHEMA_VERSION, 60.0)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.VisionRequest(timeout=0)
