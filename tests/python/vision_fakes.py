"""Fake vision services on loopback, one class per provider, speaking each
API's wire format (OpenAI Chat Completions, Gemini generateContent, Google
Cloud Vision images:annotate).

Each fake checks what it receives as the real service would (method and
path, the key, the JSON body's shape, the photo: valid base64 of a JPEG no
larger than 1024 px on a side) and answers 400 naming the fault when a check
fails, so a bug in how imagebank builds a request fails a test. Otherwise it
answers according to its ``mode``:

    ok, unauthorized, rate_limited, quota, server_error, refusal (OpenAI and
    Gemini), truncated, malformed, slow, per_image_error (Cloud Vision)

Use as a context manager; ``.url`` is what ``endpoint=`` takes, ``.requests``
what arrived (parsed), ``.problems`` the checks that failed::

    with OpenAIFake("rate_limited", retry_after=7) as fake:
        a = imagebank.open_vision_analyzer(
            "openai://gpt-4o-mini?endpoint=" + fake.url,
            env={"OPENAI_API_KEY": fake.key})
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar

import imagebank

MAX_SIDE = 1024

# What the fakes answer in mode "ok", so tests can compare field by field.
OPENAI_ANSWER: dict[str, Any] = {
    "description": "Vestido midi de linho azul-marinho com botões frontais.",
    "tags": ["vestido", "midi", "linho", "botões"],
    "colors": [{"name": "azul-marinho", "hex": "#1F2A44", "share": 0.8},
               {"name": "branco", "hex": "#ffffff", "share": 0.2}],
    "material": "linho",
    "garment_type": "vestido",
    "style": None,
    "items": [{"label": "vestido", "box": [0.1, 0.05, 0.8, 0.9],
               "colors": [{"name": "azul-marinho", "hex": "#1f2a44", "share": 1.0}],
               "material": "linho", "pattern": "lisa", "confidence": 0.9}],
    "confidence": 0.87,
}
OPENAI_USAGE = {"prompt_tokens": 1156, "completion_tokens": 142, "total_tokens": 1298}

GEMINI_ANSWER: dict[str, Any] = {
    "description": "Saia midi plissada.",
    "tags": ["saia", "plissada"],
    "colors": [{"name": "vinho", "hex": "#6e162a", "share": 0.9}],
    "material": None,
    "garment_type": "saia",
    "style": "casual",
    "items": [{"label": "saia", "box_2d": [100, 250, 900, 750], "colors": [],
               "material": None, "pattern": None, "confidence": 0.8},
              {"label": "bolsa", "box_2d": [400, 0, 600, 200], "colors": [],
               "material": "couro", "pattern": None, "confidence": None}],
    "confidence": 0.7,
}
GEMINI_USAGE = {"promptTokenCount": 1290, "candidatesTokenCount": 96,
                "thoughtsTokenCount": 31, "totalTokenCount": 1417}

CLOUD_VISION_ANSWER: dict[str, Any] = {
    "labelAnnotations": [
        {"mid": "/m/01d40f", "description": "Dress", "score": 0.96, "topicality": 0.96},
        {"mid": "/m/03bt1vf", "description": "Woman", "score": 0.9, "topicality": 0.9},
        {"mid": "/m/0fly7", "description": "Denim", "score": 0.82, "topicality": 0.82},
        {"mid": "/m/0h8mhzd", "description": "Sleeve", "score": 0.8, "topicality": 0.8},
        {"mid": "/m/0jjw", "description": "Art", "score": 0.6, "topicality": 0.6},
    ],
    "imagePropertiesAnnotation": {"dominantColors": {"colors": [
        # Proto3 JSON leaves zero fields out: blue is 0 here.
        {"color": {"red": 200, "green": 30}, "score": 0.3, "pixelFraction": 0.15},
        {"color": {"red": 25, "green": 35, "blue": 75}, "score": 0.6,
         "pixelFraction": 0.6},
    ]}},
    "localizedObjectAnnotations": [
        {"mid": "/m/01d40f", "name": "Dress", "score": 0.91, "boundingPoly": {
            "normalizedVertices": [{"x": 0.2}, {"x": 0.8}, {"x": 0.8, "y": 0.95},
                                   {"x": 0.2, "y": 0.95}]}},
        {"mid": "/m/01g317", "name": "Person", "score": 0.88, "boundingPoly": {
            "normalizedVertices": [{}, {"x": 1}, {"x": 1, "y": 1}, {"y": 1}]}},
    ],
}


@dataclasses.dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lowercase
    body: Any  # the parsed JSON, or None
    images: list[tuple[int, int]]  # (width, height) of each photo received


class _Answer:
    def __init__(self, status: int, body: bytes | str | dict[str, Any],
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        if isinstance(body, dict):
            body = json.dumps(body)
        self.body = body.encode() if isinstance(body, str) else body
        self.headers = headers or {}


class _BadRequest(Exception):
    pass


def _jpeg_size(data: object, where: str) -> tuple[int, int]:
    """The size of the base64 JPEG in `data`, or _BadRequest."""
    if not isinstance(data, str) or not data:
        raise _BadRequest(f"{where}: no base64 image data")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as e:
        raise _BadRequest(f"{where}: invalid base64 ({e})") from None
    try:
        info = imagebank.probe(raw)
    except imagebank.Error as e:
        raise _BadRequest(f"{where}: not an image ({e})") from None
    if info.format != "jpeg":
        raise _BadRequest(f"{where}: a {info.format}, not a JPEG")
    if max(info.width, info.height) > MAX_SIDE:
        raise _BadRequest(f"{where}: {info.width}x{info.height} is larger than "
                          f"{MAX_SIDE} px")
    return (info.width, info.height)


def _check_strict_schema(schema: object, at: str) -> None:
    if not isinstance(schema, dict):
        raise _BadRequest(f"{at}: not a schema object")
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds:
        props = schema.get("properties")
        if not isinstance(props, dict):
            raise _BadRequest(f"{at}: an object without properties")
        if schema.get("additionalProperties") is not False:
            raise _BadRequest(f"{at}: strict mode needs additionalProperties false")
        if sorted(schema.get("required", [])) != sorted(props):
            raise _BadRequest(f"{at}: strict mode needs every property required")
        for name, sub in props.items():
            _check_strict_schema(sub, f"{at}.{name}")
    if "array" in kinds:
        _check_strict_schema(schema.get("items"), f"{at}[]")


class _FakeService:
    provider: ClassVar[str] = ""
    modes: ClassVar[frozenset[str]] = frozenset()
    default_key: ClassVar[str] = ""

    def __init__(self, mode: str = "ok", *, key: str | None = None,
                 retry_after: int = 7, slow_seconds: float = 3.0,
                 tls: tuple[str, str] | None = None) -> None:
        """`tls`: (certificate, key) PEM files: serve HTTPS as "localhost"."""
        if mode not in self.modes:
            raise ValueError(f"{type(self).__name__}: unknown mode {mode!r} "
                             f"(known: {', '.join(sorted(self.modes))})")
        self.mode = mode
        self.key = key or self.default_key
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.tls = tls
        self.requests: list[FakeRequest] = []
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------

    def __enter__(self) -> _FakeService:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                fake._serve(self)

            def do_GET(self) -> None:
                fake._serve(self)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up or refused our certificate

        self._server = Server(("127.0.0.1", 0), Handler)
        if self.tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.tls)
            self._server.socket = ctx.wrap_socket(self._server.socket,
                                                  server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def url(self) -> str:
        assert self._server is not None, "use the fake as a context manager"
        port = self._server.server_address[1]
        if self.tls is not None:
            return f"https://localhost:{port}"
        return f"http://127.0.0.1:{port}"

    # ---- serving ---------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(h.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        headers = {k.lower(): v for k, v in h.headers.items()}
        length = int(headers.get("content-length", "0") or 0)
        raw = h.rfile.read(length) if length > 0 else b""
        body: Any = None
        request = FakeRequest(h.command, parsed.path, query, headers, None, [])
        try:
            if h.command != "POST":
                raise _BadRequest(f"{h.command} {parsed.path}: expected POST")
            if not headers.get("content-type", "").startswith("application/json"):
                raise _BadRequest("Content-Type is not application/json")
            try:
                body = json.loads(raw)
            except ValueError as e:
                raise _BadRequest(f"the body is not JSON ({e})") from None
            request.body = body
            answer = self._check_path(parsed.path) or self._check_key(request)
            if answer is None:
                self._check_body(request)
                answer = self._answer(request)
        except _BadRequest as e:
            with self._lock:
                self.problems.append(str(e))
            answer = self._bad_request(str(e))
        with self._lock:
            self.requests.append(request)
        if self.mode == "slow" and answer.status == 200:
            time.sleep(self.slow_seconds)
        try:
            h.send_response(answer.status)
            h.send_header("Content-Type", "application/json; charset=UTF-8")
            h.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow mode's point)

    # Each provider fills these in.
    def _check_path(self, path: str) -> _Answer | None:
        raise NotImplementedError

    def _check_key(self, request: FakeRequest) -> _Answer | None:
        raise NotImplementedError

    def _check_body(self, request: FakeRequest) -> None:
        raise NotImplementedError

    def _answer(self, request: FakeRequest) -> _Answer:
        raise NotImplementedError

    def _bad_request(self, message: str) -> _Answer:
        raise NotImplementedError


# ---- OpenAI ---------------------------------------------------------------


def _openai_error(status: int, message: str, type_: str, code: str | None,
                  headers: dict[str, str] | None = None) -> _Answer:
    return _Answer(status, {"error": {"message": message, "type": type_,
                                      "param": None, "code": code}}, headers)


class OpenAIFake(_FakeService):
    """POST /v1/chat/completions with ``Authorization: Bearer <key>``."""

    provider = "openai"
    modes = frozenset({"ok", "unauthorized", "rate_limited", "quota",
                       "server_error", "refusal", "truncated", "malformed",
                       "slow"})
    default_key = "sk-test-0123456789"

    def _check_path(self, path: str) -> _Answer | None:
        if path != "/v1/chat/completions":
            return _openai_error(404, f"Invalid URL (POST {path})",
                                 "invalid_request_error", None)
        return None

    def _check_key(self, request: FakeRequest) -> _Answer | None:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return _openai_error(401, "You didn't provide an API key.",
                                 "invalid_request_error", None)
        given = auth[len("Bearer "):]
        if given != self.key or self.mode == "unauthorized":
            # The real service echoes (part of) the key it was given.
            return _openai_error(
                401, f"Incorrect API key provided: {given}. You can find "
                "your API key in your account settings.",
                "invalid_request_error", "invalid_api_key")
        return None

    def _check_body(self, request: FakeRequest) -> None:
        b = request.body
        if not isinstance(b, dict):
            raise _BadRequest("the body is not a JSON object")
        if not isinstance(b.get("model"), str) or not b["model"]:
            raise _BadRequest("'model' is missing")
        messages = b.get("messages")
        if not isinstance(messages, list) or not messages:
            raise _BadRequest("'messages' is missing")
        for m in messages:
            if not isinstance(m, dict) or m.get("role") not in (
                    "system", "developer", "user", "assistant"):
                raise _BadRequest("a message without a valid role")
            content = m.get("content")
            if isinstance(content, list):
                for part in content:
                    if not isinstance(part, dict):
                        raise _BadRequest("a content part is not an object")
                    if part.get("type") == "image_url":
                        url = part.get("image_url", {}).get("url", "")
                        prefix = "data:image/jpeg;base64,"
                        if not url.startswith(prefix):
                            raise _BadRequest("image_url is not a JPEG data URL")
                        detail = part["image_url"].get("detail", "auto")
                        if detail not in ("low", "high", "auto"):
                            raise _BadRequest(f"invalid detail {detail!r}")
                        request.images.append(
                            _jpeg_size(url[len(prefix):], "image_url"))
                    elif part.get("type") != "text":
                        raise _BadRequest(f"unknown content type {part.get('type')!r}")
            elif not isinstance(content, str):
                raise _BadRequest("a message without content")
        if len(request.images) != 1:
            raise _BadRequest(f"{len(request.images)} images sent, expected 1")
        rf = b.get("response_format")
        if not isinstance(rf, dict) or rf.get("type") != "json_schema":
            raise _BadRequest("response_format is not json_schema")
        js = rf.get("json_schema")
        if not isinstance(js, dict) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}",
                                                        str(js.get("name", ""))):
            raise _BadRequest("json_schema needs a name")
        if js.get("strict") is not True:
            raise _BadRequest("json_schema is not strict")
        _check_strict_schema(js.get("schema"), "schema")
        if "max_tokens" in b and not (isinstance(b["max_tokens"], int)
                                      and b["max_tokens"] > 0):
            raise _BadRequest("max_tokens must be a positive integer")

    def _bad_request(self, message: str) -> _Answer:
        return _openai_error(400, message, "invalid_request_error", None)

    def _completion(self, content: str | None, finish: str,
                    refusal: str | None = None) -> _Answer:
        return _Answer(200, {
            "id": "chatcmpl-fake", "object": "chat.completion",
            "created": 1700000000, "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {
                "role": "assistant", "content": content, "refusal": refusal},
                "logprobs": None, "finish_reason": finish}],
            "usage": OPENAI_USAGE, "system_fingerprint": "fp_fake"})

    def _answer(self, request: FakeRequest) -> _Answer:
        text = json.dumps(OPENAI_ANSWER, ensure_ascii=False)
        if self.mode == "rate_limited":
            return _openai_error(
                429, "Rate limit reached for gpt-4o-mini on requests per min "
                "(RPM): Limit 3, Used 3, Requested 1.", "requests",
                "rate_limit_exceeded",
                {"retry-after": str(self.retry_after),
                 "x-ratelimit-remaining-requests": "0",
                 "x-ratelimit-reset-requests": "20s",
                 "x-ratelimit-reset-tokens": "6m0s"})
        if self.mode == "quota":
            return _openai_error(
                429, "You exceeded your current quota, please check your plan "
                "and billing details.", "insufficient_quota", "insufficient_quota")
        if self.mode == "server_error":
            return _openai_error(500, "The server had an error while processing "
                                 "your request. Sorry about that!", "server_error",
                                 None)
        if self.mode == "refusal":
            return self._completion(None, "stop",
                                    "I'm sorry, I can't help with that request.")
        if self.mode == "truncated":
            return self._completion(text[: len(text) // 2], "length")
        if self.mode == "malformed":
            return self._completion(
                "Claro! A peça é um vestido azul-marinho de linho.", "stop")
        return self._completion(text, "stop")


# ---- Google (shared by Gemini and Cloud Vision) ----------------------------


def _google_error(code: int, status: str, message: str,
                  details: list[dict[str, Any]] | None = None) -> _Answer:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return _Answer(code, {"error": error})


class _GoogleFake(_FakeService):
    quota_metric: ClassVar[str] = ""

    def _check_key(self, request: FakeRequest) -> _Answer | None:
        given = request.headers.get("x-goog-api-key") or request.query.get("key")
        if not given:
            return _google_error(
                403, "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without "
                "established identity). Please use API Key or other form of API "
                "consumer identity to call this API.")
        if given != self.key or self.mode == "unauthorized":
            return _google_error(
                400, "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                  "reason": "API_KEY_INVALID", "domain": "googleapis.com",
                  "metadata": {"service": self.quota_metric.split("/")[0]}}])
        return None

    def _bad_request(self, message: str) -> _Answer:
        return _google_error(400, "INVALID_ARGUMENT", message)

    def _limit_answer(self) -> _Answer | None:
        metric = self.quota_metric
        if self.mode == "rate_limited":
            return _google_error(
                429, "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and "
                "billing details.",
                [{"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                  "violations": [{"quotaMetric": metric,
                                  "quotaId": "RequestsPerMinutePerProject",
                                  "quotaValue": "10"}]},
                 {"@type": "type.googleapis.com/google.rpc.RetryInfo",
                  "retryDelay": f"{self.retry_after}s"}])
        if self.mode == "quota":
            return _google_error(
                429, "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and "
                "billing details.",
                [{"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                  "violations": [{"quotaMetric": metric,
                                  "quotaId": "RequestsPerDayPerProject-FreeTier",
                                  "quotaValue": "250"}]},
                 # Google sends a delay even for a per-day quota.
                 {"@type": "type.googleapis.com/google.rpc.RetryInfo",
                  "retryDelay": "41s"}])
        if self.mode == "server_error":
            return _google_error(500, "INTERNAL",
                                 "An internal error has occurred. Please retry "
                                 "or report in https://developers.generativeai"
                                 ".google/guide/troubleshooting")
        return None


# ---- Gemini ---------------------------------------------------------------


class GeminiFake(_GoogleFake):
    """POST /v1beta/models/{model}:generateContent with ``x-goog-api-key``."""

    provider = "gemini"
    modes = frozenset({"ok", "unauthorized", "rate_limited", "quota",
                       "server_error", "refusal", "truncated", "malformed",
                       "slow"})
    default_key = "gemini-test-key"
    quota_metric = "generativelanguage.googleapis.com/generate_content_requests"

    def _check_path(self, path: str) -> _Answer | None:
        if not re.fullmatch(r"/v1beta/models/[A-Za-z0-9._-]+:generateContent", path):
            return _google_error(404, "NOT_FOUND",
                                 f"The requested URL {path} was not found.")
        return None

    def _check_body(self, request: FakeRequest) -> None:
        b = request.body
        if not isinstance(b, dict):
            raise _BadRequest("the body is not a JSON object")
        contents = b.get("contents")
        if not isinstance(contents, list) or not contents:
            raise _BadRequest("* GenerateContentRequest.contents: contents is not "
                              "specified")
        for c in contents:
            parts = c.get("parts") if isinstance(c, dict) else None
            if not isinstance(parts, list) or not parts:
                raise _BadRequest("a content without parts")
            for p in parts:
                inline = p.get("inline_data", p.get("inlineData"))
                if inline is None:
                    if not isinstance(p.get("text"), str):
                        raise _BadRequest("a part without text or inline_data")
                    continue
                mime = inline.get("mime_type", inline.get("mimeType"))
                if mime != "image/jpeg":
                    raise _BadRequest(f"inline_data mime type {mime!r}")
                request.images.append(_jpeg_size(inline.get("data"), "inline_data"))
        if len(request.images) != 1:
            raise _BadRequest(f"{len(request.images)} images sent, expected 1")
        config = b.get("generationConfig", b.get("generation_config"))
        if not isinstance(config, dict):
            raise _BadRequest("generationConfig is missing")
        if config.get("responseMimeType") != "application/json":
            raise _BadRequest("responseMimeType is not application/json")
        schema = config.get("responseSchema")
        if not isinstance(schema, dict) or str(schema.get("type")).upper() != "OBJECT":
            raise _BadRequest("responseSchema is not an object schema")
        if "box_2d" not in json.dumps(schema):
            raise _BadRequest("responseSchema has no box_2d")

    def _generated(self, text: str, finish: str) -> _Answer:
        return _Answer(200, {
            "candidates": [{"content": {"parts": [{"text": text}], "role": "model"},
                            "finishReason": finish, "index": 0}],
            "usageMetadata": GEMINI_USAGE, "modelVersion": "gemini-2.5-flash",
            "responseId": "fake"})

    def _answer(self, request: FakeRequest) -> _Answer:
        limited = self._limit_answer()
        if limited is not None:
            return limited
        text = json.dumps(GEMINI_ANSWER, ensure_ascii=False)
        if self.mode == "refusal":
            return _Answer(200, {
                "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
                "usageMetadata": {"promptTokenCount": 1290, "totalTokenCount": 1290},
                "modelVersion": "gemini-2.5-flash"})
        if self.mode == "truncated":
            return self._generated(text[: len(text) // 2], "MAX_TOKENS")
        if self.mode == "malformed":
            broken = dict(GEMINI_ANSWER)
            broken["items"] = [{"label": "saia", "box_2d": [100, 250, 900],
                                "colors": [], "material": None, "pattern": None,
                                "confidence": 0.8}]
            return self._generated(json.dumps(broken), "STOP")
        return self._generated(text, "STOP")


# ---- Cloud Vision ---------------------------------------------------------


class CloudVisionFake(_GoogleFake):
    """POST /v1/images:annotate with ``x-goog-api-key`` (or ``?key=``).

    Mode per_image_error: the first photo of the request gets an ``error``
    inside the 200 answer; the others are annotated. Cloud Vision has no
    refusal, so there is no such mode."""

    provider = "google-vision"
    modes = frozenset({"ok", "unauthorized", "rate_limited", "quota",
                       "server_error", "truncated", "malformed", "slow",
                       "per_image_error"})
    default_key = "vision-test-key"
    quota_metric = "vision.googleapis.com/default_requests"
    features = frozenset({"LABEL_DETECTION", "IMAGE_PROPERTIES",
                          "OBJECT_LOCALIZATION", "TEXT_DETECTION",
                          "SAFE_SEARCH_DETECTION", "CROP_HINTS", "WEB_DETECTION",
                          "FACE_DETECTION", "LOGO_DETECTION",
                          "LANDMARK_DETECTION", "DOCUMENT_TEXT_DETECTION"})

    def _check_path(self, path: str) -> _Answer | None:
        if path != "/v1/images:annotate":
            return _google_error(404, "NOT_FOUND",
                                 f"The requested URL {path} was not found.")
        return None

    def _check_body(self, request: FakeRequest) -> None:
        b = request.body
        reqs = b.get("requests") if isinstance(b, dict) else None
        if not isinstance(reqs, list) or not reqs:
            raise _BadRequest("'requests' is missing")
        if len(reqs) > 16:
            raise _BadRequest("Too many images per request. Max is 16.")
        for i, r in enumerate(reqs):
            if not isinstance(r, dict):
                raise _BadRequest(f"requests[{i}] is not an object")
            image = r.get("image")
            content = image.get("content") if isinstance(image, dict) else None
            request.images.append(_jpeg_size(content, f"requests[{i}].image"))
            types = [f.get("type") for f in r.get("features", [])
                     if isinstance(f, dict)]
            unknown = [t for t in types if t not in self.features]
            if unknown:
                raise _BadRequest(f"requests[{i}]: unknown feature {unknown[0]!r}")
            for needed in ("LABEL_DETECTION", "IMAGE_PROPERTIES"):
                if needed not in types:
                    raise _BadRequest(f"requests[{i}]: no {needed}")

    def _answer(self, request: FakeRequest) -> _Answer:
        limited = self._limit_answer()
        if limited is not None:
            return limited
        count = len(request.body["requests"])
        responses: list[dict[str, Any]] = [CLOUD_VISION_ANSWER] * count
        if self.mode == "per_image_error":
            responses = [{"error": {"code": 3, "message": "Bad image data."}}] + \
                responses[1:]
        body = json.dumps({"responses": responses})
        if self.mode == "truncated":
            return _Answer(200, body[: len(body) // 2])
        if self.mode == "malformed":
            return _Answer(200, "<html><body>Proxy error</body></html>")
        return _Answer(200, body)
