"""The remote vision providers (OpenAI, Gemini, Google Cloud Vision) against
fake servers that speak each API's wire format and check every request
(vision_fakes.py): each provider in each mode, what the answer becomes, and
what the request carried."""

from __future__ import annotations

import base64
import json
import pathlib
import subprocess
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

import imagebank
from conftest import DATA
from vision_fakes import (CLOUD_VISION_ANSWER, GEMINI_USAGE, OPENAI_USAGE,
                          CloudVisionFake, GeminiFake, OpenAIFake, _FakeService)

FAKES: list[type[_FakeService]] = [OpenAIFake, GeminiFake, CloudVisionFake]
URIS = {"openai": "openai://gpt-4o-mini", "gemini": "gemini://gemini-2.5-flash",
        "google-vision": "google-vision://"}
ENV_NAMES = {"openai": "OPENAI_API_KEY", "gemini": "GEMINI_API_KEY",
             "google-vision": "GOOGLE_API_KEY"}


@pytest.fixture(scope="module")
def photo() -> imagebank.VisionImage:
    return imagebank.prepare_vision_image(DATA / "rgb.jpg")


def _big_jpeg(width: int = 2000, height: int = 1500) -> bytes:
    image = imagebank.resize(imagebank.decode(DATA / "rgb.jpg"), width, height)
    return imagebank.encode(image, "jpeg", quality=80)


def _open(fake: _FakeService, params: str = "", **kwargs: Any) -> imagebank.VisionAnalyzer:
    uri = f"{URIS[fake.provider]}?endpoint={fake.url}{params}"
    return imagebank.open_vision_analyzer(
        uri, env={ENV_NAMES[fake.provider]: fake.key}, **kwargs)


def _request(timeout: float = 10.0, want_items: bool = True) -> imagebank.VisionRequest:
    return imagebank.VisionRequest(timeout=timeout, want_items=want_items)


def _boxes(result: imagebank.VisionResult) -> list[tuple[float, ...]]:
    return [tuple(round(v, 6) for v in item.box) for item in result.items]


# ---- success: every field ------------------------------------------------


def test_openai_answer_fills_every_field(photo: imagebank.VisionImage) -> None:
    with OpenAIFake() as fake:
        r = _open(fake, "&detail=low").analyze(photo, _request())
        assert fake.problems == []
        (req,) = fake.requests
    assert (r.provider, r.model) == ("openai", "gpt-4o-mini")
    assert r.description == "Vestido midi de linho azul-marinho com botões frontais."
    assert r.tags == ["vestido", "midi", "linho", "botões"]
    assert [(c.name, c.hex, c.share) for c in r.colors] == [
        ("azul-marinho", "#1f2a44", 0.8), ("branco", "#ffffff", 0.2)]
    assert (r.material, r.garment_type, r.style) == ("linho", "vestido", "")
    assert r.confidence == pytest.approx(0.87)
    assert _boxes(r) == [(0.1, 0.05, 0.8, 0.9)]
    assert r.items[0].label == "vestido"
    assert r.items[0].attributes == {"material": "linho", "estampa": "lisa"}
    assert r.items[0].confidence == pytest.approx(0.9)
    assert (r.input_tokens, r.output_tokens) == (
        OPENAI_USAGE["prompt_tokens"], OPENAI_USAGE["completion_tokens"])
    assert json.loads(r.raw_json)["usage"] == OPENAI_USAGE
    imagebank.validate_vision_result(r)
    # What went out.
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer " + fake.key
    assert req.body["model"] == "gpt-4o-mini"
    assert req.images == [(photo.width, photo.height)]
    user = req.body["messages"][-1]["content"]
    assert [p for p in user if p["type"] == "image_url"][0]["image_url"]["detail"] == "low"
    assert req.body["response_format"]["json_schema"]["strict"] is True
    assert "português do Brasil" in req.body["messages"][0]["content"]


def test_openai_compatible_endpoint_with_a_path(photo: imagebank.VisionImage) -> None:
    # endpoint= may be an SDK-style base URL: <path>/chat/completions.
    with OpenAIFake() as fake:
        a = imagebank.open_vision_analyzer(
            f"openai://llava?endpoint={fake.url}/v1",
            env={"OPENAI_API_KEY": fake.key})
        r = a.analyze(photo, _request())
        assert fake.requests[0].path == "/v1/chat/completions"
        assert fake.requests[0].body["model"] == "llava"
    assert r.model == "llava"


def test_gemini_answer_converts_box_2d(photo: imagebank.VisionImage) -> None:
    with GeminiFake() as fake:
        r = _open(fake).analyze(photo, _request())
        assert fake.problems == []
        (req,) = fake.requests
    assert (r.provider, r.model) == ("gemini", "gemini-2.5-flash")
    assert r.description == "Saia midi plissada."
    assert r.tags == ["saia", "plissada"]
    assert [(c.name, c.hex, c.share) for c in r.colors] == [("vinho", "#6e162a", 0.9)]
    assert (r.material, r.garment_type, r.style) == ("", "saia", "casual")
    # [ymin, xmin, ymax, xmax] per mille -> (x, y, w, h).
    assert _boxes(r) == [(0.25, 0.1, 0.5, 0.8), (0.0, 0.4, 0.2, 0.2)]
    assert [i.label for i in r.items] == ["saia", "bolsa"]
    assert r.items[1].attributes == {"material": "couro"}
    assert r.items[1].confidence == 0
    assert r.input_tokens == GEMINI_USAGE["promptTokenCount"]
    assert r.output_tokens == (GEMINI_USAGE["candidatesTokenCount"]
                               + GEMINI_USAGE["thoughtsTokenCount"])
    assert json.loads(r.raw_json)["usageMetadata"] == GEMINI_USAGE
    assert req.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert req.headers["x-goog-api-key"] == fake.key
    assert "key" not in req.query
    assert req.body["generationConfig"]["responseMimeType"] == "application/json"


def test_cloud_vision_answer_reads_labels_colours_and_objects(
        photo: imagebank.VisionImage) -> None:
    with CloudVisionFake() as fake:
        a = _open(fake)
        assert a.max_batch() == 16
        r = a.analyze(photo, _request())
        assert fake.problems == []
        (req,) = fake.requests
    assert (r.provider, r.model) == ("google-vision", "builtin/stable")
    assert r.description == "" and r.style == ""
    assert r.garment_type == "vestido" and r.material == "jeans"
    assert r.tags == ["vestido", "jeans", "manga"]  # "Woman" and "Art" left out
    assert r.confidence == pytest.approx(0.96)
    assert [(c.name, c.hex) for c in r.colors] == [
        ("azul-marinho", "#19234b"), ("vermelho", "#c81e00")]  # blue omitted = 0
    assert [c.share for c in r.colors] == pytest.approx([0.6, 0.15])
    assert _boxes(r) == [(0.2, 0.0, 0.6, 0.95)]  # the person is no piece
    assert r.items[0].label == "vestido"
    assert r.items[0].confidence == pytest.approx(0.91)
    assert (r.input_tokens, r.output_tokens) == (0, 0)
    assert json.loads(r.raw_json) == {"responses": [CLOUD_VISION_ANSWER]}
    assert req.path == "/v1/images:annotate"
    assert req.headers["x-goog-api-key"] == fake.key
    types = [f["type"] for f in req.body["requests"][0]["features"]]
    assert types == ["LABEL_DETECTION", "IMAGE_PROPERTIES", "OBJECT_LOCALIZATION"]


def test_items_are_left_out_when_not_wanted(photo: imagebank.VisionImage) -> None:
    for cls in FAKES:
        with cls() as fake:
            r = _open(fake).analyze(photo, _request(want_items=False))
            assert r.items == [], cls.__name__
            if cls is CloudVisionFake:
                types = [f["type"] for f in fake.requests[0].body["requests"][0]["features"]]
                assert "OBJECT_LOCALIZATION" not in types


@pytest.mark.parametrize("cls", FAKES)
def test_photos_go_out_downscaled(cls: type[_FakeService]) -> None:
    big = imagebank.prepare_vision_image(_big_jpeg())
    assert (big.width, big.height) == (1024, 768)
    with cls() as fake:
        _open(fake).analyze(big, _request())
        assert fake.requests[0].images == [(1024, 768)]
        assert fake.problems == []


@pytest.mark.parametrize("cls", FAKES)
def test_photos_that_were_not_prepared_are_refused_before_sending(
        cls: type[_FakeService]) -> None:
    too_big = imagebank.VisionImage("a" * 64, _big_jpeg(), name="grande.jpg")
    not_jpeg = imagebank.VisionImage("b" * 64, (DATA / "rgb.png").read_bytes(),
                                     name="foto.png")
    with cls() as fake:
        a = _open(fake)
        with pytest.raises(imagebank.InvalidArgumentError, match="grande.jpg.*1024"):
            a.analyze(too_big, _request())
        with pytest.raises(imagebank.InvalidArgumentError, match="foto.png.*not a JPEG"):
            a.analyze(not_jpeg, _request())
        assert fake.requests == []


# ---- failures: each mode ---------------------------------------------------

FAILURES: dict[str, type[imagebank.Error]] = {
    "unauthorized": imagebank.UnauthenticatedError,
    "quota": imagebank.QuotaExhaustedError,
    "server_error": imagebank.UnavailableError,
    "truncated": imagebank.CorruptDataError,
    "malformed": imagebank.CorruptDataError,
    "refusal": imagebank.RefusedError,
}


@pytest.mark.parametrize("mode", sorted(FAILURES))
@pytest.mark.parametrize("cls", FAKES)
def test_failures_are_classified(cls: type[_FakeService], mode: str,
                                 photo: imagebank.VisionImage) -> None:
    if mode not in cls.modes:
        pytest.skip(f"{cls.provider} has no {mode}")
    with cls(mode) as fake:
        with pytest.raises(FAILURES[mode]) as info:
            _open(fake).analyze(photo, _request())
        assert fake.problems == []
        assert len(fake.requests) == 1
    message = str(info.value)
    assert cls.provider in message
    assert photo.name in message
    assert fake.key not in message  # OpenAI's 401 echoes the key it got
    assert info.value.retry_after is None


@pytest.mark.parametrize("cls", FAKES)
def test_rate_limits_carry_the_delay(cls: type[_FakeService],
                                     photo: imagebank.VisionImage) -> None:
    with cls("rate_limited", retry_after=7) as fake:
        with pytest.raises(imagebank.RateLimitedError) as info:
            _open(fake).analyze(photo, _request())
    assert info.value.retry_after == pytest.approx(7.0)


def test_quota_is_not_a_rate_limit_even_with_a_delay(photo: imagebank.VisionImage) -> None:
    # Gemini sends RetryInfo with a per-day QuotaFailure too: still quota.
    with GeminiFake("quota") as fake:
        with pytest.raises(imagebank.QuotaExhaustedError):
            _open(fake).analyze(photo, _request())


@pytest.mark.parametrize("cls", FAKES)
def test_a_slow_answer_ends_at_the_timeout(cls: type[_FakeService],
                                           photo: imagebank.VisionImage) -> None:
    with cls("slow", slow_seconds=3.0) as fake:
        start = time.monotonic()
        with pytest.raises(imagebank.DeadlineExceededError, match=cls.provider):
            _open(fake).analyze(photo, _request(timeout=0.4))
        took = time.monotonic() - start
    assert 0.3 < took < 2.5
    # timeout_ms= in the URI caps the request's timeout.
    with cls("slow", slow_seconds=3.0) as fake:
        start = time.monotonic()
        with pytest.raises(imagebank.DeadlineExceededError):
            _open(fake, "&timeout_ms=300").analyze(photo, _request(timeout=30))
        assert time.monotonic() - start < 2.5


def test_cloud_vision_per_image_error_inside_a_200(photo: imagebank.VisionImage) -> None:
    with CloudVisionFake("per_image_error") as fake:
        a = _open(fake)
        with pytest.raises(imagebank.InvalidArgumentError, match="Bad image data"):
            a.analyze(photo, _request())
        others = [imagebank.prepare_vision_image(DATA / n)
                  for n in ("rgb.jpg", "gray.jpg", "orient6.jpg")]
        out = a.analyze_batch(others, _request())
        assert len(fake.requests) == 2
        assert len(fake.requests[1].body["requests"]) == 3  # one exchange
    assert isinstance(out[0], imagebank.InvalidArgumentError)
    assert "rgb.jpg" in str(out[0])
    assert [type(r) for r in out[1:]] == [imagebank.VisionResult] * 2
    ok = out[1]
    assert isinstance(ok, imagebank.VisionResult)
    assert ok.garment_type == "vestido"


def test_cloud_vision_batches_up_to_16(photo: imagebank.VisionImage) -> None:
    with CloudVisionFake() as fake:
        a = _open(fake)
        out = a.analyze_batch([photo] * 16, _request())
        assert all(isinstance(r, imagebank.VisionResult) for r in out)
        assert len(fake.requests) == 1 and len(fake.requests[0].images) == 16
        over = a.analyze_batch([photo] * 17, _request())
        assert all(isinstance(r, imagebank.InvalidArgumentError) for r in over)
        assert len(fake.requests) == 1
        # A photo that fails the checks is not sent; the others are.
        bad = imagebank.VisionImage("c" * 64, b"not a jpeg", name="lixo.bin")
        mixed = a.analyze_batch([photo, bad, photo], _request())
        assert isinstance(mixed[1], imagebank.InvalidArgumentError)
        assert isinstance(mixed[0], imagebank.VisionResult)
        assert len(fake.requests[1].images) == 2
        # A failure of the whole exchange is every photo's.
    with CloudVisionFake("server_error") as fake:
        out = _open(fake).analyze_batch([photo, photo], _request())
        assert all(isinstance(r, imagebank.UnavailableError) for r in out)


def test_analyzers_serve_several_threads(photo: imagebank.VisionImage) -> None:
    with OpenAIFake() as fake:
        a = _open(fake)
        results: list[object] = []
        lock = threading.Lock()

        def work() -> None:
            for _ in range(3):
                try:
                    r: object = a.analyze(photo, _request())
                except imagebank.Error as e:
                    r = e
                with lock:
                    results.append(r)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(fake.requests) == 18
    assert all(isinstance(r, imagebank.VisionResult) for r in results), results


# ---- opening ---------------------------------------------------------------


def test_missing_keys_name_the_variable_not_a_value() -> None:
    for provider, name in ENV_NAMES.items():
        with pytest.raises(imagebank.InvalidArgumentError, match=name):
            imagebank.open_vision_analyzer(URIS[provider], env={})
    with pytest.raises(imagebank.InvalidArgumentError, match=r"\$MINHA_CHAVE"):
        imagebank.open_vision_analyzer("openai://?key_env=MINHA_CHAVE",
                                       env={"OPENAI_API_KEY": "sk-x"})
    with pytest.raises(imagebank.InvalidArgumentError, match="detail"):
        imagebank.open_vision_analyzer("openai://?detail=max",
                                       env={"OPENAI_API_KEY": "sk-x"})
    with pytest.raises(imagebank.InvalidArgumentError, match="unknown parameter"):
        imagebank.open_vision_analyzer("gemini://?temperature=0",
                                       env={"GEMINI_API_KEY": "g"})


def test_key_env_picks_the_variable(photo: imagebank.VisionImage) -> None:
    with OpenAIFake() as fake:
        a = imagebank.open_vision_analyzer(
            f"openai://?endpoint={fake.url}&key_env=LOJA_OPENAI",
            env={"LOJA_OPENAI": fake.key, "OPENAI_API_KEY": "sk-wrong"})
        a.analyze(photo, _request())
        assert fake.requests[0].headers["authorization"] == "Bearer " + fake.key


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip(f"cannot make a test certificate: {e}")
    return str(cert), str(key)


def test_https_endpoints_verify_the_certificate(
        certificate: tuple[str, str], photo: imagebank.VisionImage) -> None:
    cert, _ = certificate
    with OpenAIFake(tls=certificate) as fake:
        assert fake.url.startswith("https://")
        with pytest.raises(imagebank.UnavailableError, match="certificate"):
            _open(fake).analyze(photo, _request())
        r = _open(fake, ca_file=cert).analyze(photo, _request())
        assert r.garment_type == "vestido"
        r = _open(fake, verify_tls=False).analyze(photo, _request())
        assert r.garment_type == "vestido"
        assert len(fake.requests) == 2


# ---- the fakes themselves refuse bad requests ------------------------------


def _post(url: str, body: object, headers: dict[str, str]) -> tuple[int, str]:
    data = json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_fakes_refuse_malformed_requests(photo: imagebank.VisionImage) -> None:
    jpeg = _b64(photo.jpeg)
    big = _b64(_big_jpeg())
    png = _b64((DATA / "rgb.png").read_bytes())
    with OpenAIFake() as fake:
        url = fake.url + "/v1/chat/completions"
        auth = {"Authorization": "Bearer " + fake.key}

        def body(image: str, strict: bool = True) -> dict[str, Any]:
            schema = {"type": "object", "properties": {"a": {"type": "string"}},
                      "required": ["a"], "additionalProperties": False}
            if not strict:
                schema["required"] = []
            return {"model": "m", "messages": [{"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64," + image}}]}],
                "response_format": {"type": "json_schema", "json_schema": {
                    "name": "r", "strict": True, "schema": schema}}}

        assert _post(url, body(jpeg), auth)[0] == 200
        assert _post(url, body(jpeg), {})[0] == 401
        assert _post(url, body(jpeg), {"Authorization": "Bearer nope"})[0] == 401
        status, text = _post(url, body(big), auth)
        assert status == 400 and "larger than 1024" in text
        status, text = _post(url, body(png), auth)
        assert status == 400 and "not a JPEG" in text
        status, text = _post(url, body(jpeg[:-3] + "*=="), auth)
        assert status == 400 and "base64" in text
        status, text = _post(url, body(jpeg, strict=False), auth)
        assert status == 400 and "required" in text
        assert _post(fake.url + "/v1/completions", body(jpeg), auth)[0] == 404
    with GeminiFake() as fake:
        url = fake.url + "/v1beta/models/gemini-2.5-flash:generateContent"
        parts = [{"inline_data": {"mime_type": "image/jpeg", "data": jpeg}}]
        ok = {"contents": [{"parts": parts}], "generationConfig": {
            "responseMimeType": "application/json",
            "responseSchema": {"type": "OBJECT", "properties": {"box_2d": {}}}}}
        assert _post(url, ok, {"x-goog-api-key": fake.key})[0] == 200
        assert _post(url + "?key=" + fake.key, ok, {})[0] == 200
        status, text = _post(url, {"contents": [{"parts": parts}]},
                             {"x-goog-api-key": fake.key})
        assert status == 400 and "generationConfig" in text
        status, text = _post(url, ok, {"x-goog-api-key": "wrong"})
        assert status == 400 and "API_KEY_INVALID" in text
    with CloudVisionFake() as fake:
        url = fake.url + "/v1/images:annotate"
        one = {"image": {"content": jpeg},
               "features": [{"type": "LABEL_DETECTION"}, {"type": "IMAGE_PROPERTIES"}]}
        assert _post(url, {"requests": [one]}, {"x-goog-api-key": fake.key})[0] == 200
        status, text = _post(url, {"requests": [one] * 17}, {"x-goog-api-key": fake.key})
        assert status == 400 and "Max is 16" in text
        status, text = _post(url, {"requests": [{"image": {"content": jpeg}}]},
                             {"x-goog-api-key": fake.key})
        assert status == 400 and "LABEL_DETECTION" in text
        assert len(fake.problems) == 2
    with pytest.raises(ValueError, match="unknown mode"):
        CloudVisionFake("refusal")


def test_fakes_module_is_importable_for_other_tests() -> None:
    here = pathlib.Path(__file__).parent
    assert (here / "vision_fakes.py").exists()
    assert {"ok", "rate_limited", "quota", "slow"} <= OpenAIFake.modes
    assert "per_image_error" in CloudVisionFake.modes
