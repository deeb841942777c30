"""Images over imagebank-server: auth (API keys, signed URLs, public mode),
negotiation, ETags and 304, ranges, on-demand variants (one encode for many
concurrent requests), and the image record of the API."""

from __future__ import annotations

import json
import pathlib
import subprocess
import threading
from collections.abc import Callable

import pytest

import imagebank

from .conftest import _program
from .server_harness import Server, get

URL_KEYS = "t1:" + "s" * 40


def make_key(bank: pathlib.Path, scope: str) -> str:
    cli = _program("IMAGEBANK_CLI_BIN", "imagebank")
    out = subprocess.run(
        [cli, "keys", "create", "--name", f"test-{scope}", "--scope", scope,
         "--bank", str(bank), "--json"],
        check=True, capture_output=True, text=True, timeout=60).stdout
    return str(json.loads(out)["key"])


def bearer(key: str) -> str:
    return f"Authorization: Bearer {key}\r\n"


@pytest.fixture()
def signed(start_server: Callable[..., Server],
           monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setenv("IMAGEBANK_URL_KEYS", URL_KEYS)
    return start_server()


def test_images_need_a_key_or_a_signed_url(signed: Server, bank_dir: pathlib.Path) -> None:
    r = get(signed.port, "/images/1?size=thumbnail")
    assert r.status == 401
    assert r.header("content-type") == "application/problem+json"
    assert json.loads(r.body)["code"] == "unauthenticated"
    bad = get(signed.port, "/images/1?size=thumbnail", headers=bearer("ib_00000000_" + "A" * 43))
    assert bad.status == 401
    upload_only = make_key(bank_dir, "upload")
    # Every scope reads: an uploader's key sees images.
    assert get(signed.port, "/images/1?size=thumbnail", headers=bearer(upload_only)).status == 200

    key = make_key(bank_dir, "read")
    record = get(signed.port, "/api/v1/images/1", headers=bearer(key))
    assert record.status == 200, record.body
    body = json.loads(record.body)
    assert body["id"] == 1 and len(body["sha256"]) == 64
    assert any(v["preset"] == "thumbnail" and v["format"] == "jpeg" for v in body["variants"])
    stored = imagebank._core.Bank.open(dir=bank_dir).catalog.get_image(1)
    assert body["hashes"] == {"phash": f"{stored.phash:016x}", "dhash": f"{stored.dhash:016x}",
                              "pdq": bytes(stored.pdq).hex(), "pdq_quality": stored.pdq_quality}
    assert (body["near_duplicates"], body["analyses"], body["items"]) == ([], [], [])
    url = body["urls"]["thumbnail"]
    assert "&sig=" in url and "kid=t1" in url
    img = get(signed.port, url, headers="Accept: image/webp,*/*\r\n")
    assert img.status == 200
    assert img.header("content-type") == "image/webp"
    assert img.header("vary") == "Accept"
    assert imagebank.probe(img.body).format == "webp"
    tampered = get(signed.port, url.replace("size=thumbnail", "size=zoom"))
    assert tampered.status == 403
    assert json.loads(tampered.body)["code"] == "permission_denied"
    assert get(signed.port, "/api/v1/images/1").status == 401


def test_negotiation_etags_ranges_and_errors(start_server: Callable[..., Server]) -> None:
    s = start_server("--public-images")
    chrome = "Accept: image/avif,image/webp,image/apng,image/*,*/*;q=0.8\r\n"
    r = get(s.port, "/images/1?size=thumbnail", headers=chrome)
    assert r.status == 200 and r.header("content-type") == "image/avif"
    assert r.header("cache-control") == "public, max-age=31536000, immutable"
    assert r.header("vary") == "Accept"
    etag = r.header("etag")
    assert etag and etag.startswith('"')
    again = get(s.port, "/images/1?size=thumbnail", headers=chrome + f"If-None-Match: {etag}\r\n")
    assert again.status == 304 and again.body == b"" and again.header("etag") == etag
    old = get(s.port, "/images/1?size=thumbnail", headers="Accept: */*\r\n")
    assert old.header("content-type") == "image/jpeg" and old.header("vary") == "Accept"
    head = get(s.port, "/images/1?size=thumbnail", method="HEAD", headers="Accept: */*\r\n")
    assert head.status == 200 and head.header("content-length") == str(len(old.body))

    whole = get(s.port, "/images/1")
    assert whole.status == 200 and whole.header("accept-ranges") == "bytes"
    etag_original = whole.header("etag") or ""
    assert len(etag_original) == 66  # the SHA-256 in quotes
    part = get(s.port, "/images/1", headers="Range: bytes=2-9\r\n")
    assert part.status == 206 and part.body == whole.body[2:10]
    assert part.header("content-range") == f"bytes 2-9/{len(whole.body)}"
    beyond = get(s.port, "/images/1", headers=f"Range: bytes={len(whole.body)}-\r\n")
    assert beyond.status == 416 and beyond.header("content-range") == f"bytes */{len(whole.body)}"

    for target, status in [("/images/1?size=huge", 400), ("/images/1?size=grid&format=gif", 400),
                           ("/images/999?size=grid", 404), ("/images/abc", 400),
                           ("/images/%2e%2e%2fbank.db", 400)]:
        bad = get(s.port, target)
        assert bad.status == status, (target, bad.body)
        assert bad.header("content-type") == "application/problem+json"
    assert get(s.port, "/images/1?size=grid", headers="Accept: text/html\r\n").status == 406


def test_many_requests_for_one_missing_variant_make_it_once(start_server: Callable[..., Server]) -> None:
    s = start_server("--public-images")

    def generated() -> float:
        text = get(s.port, "/metrics").body.decode()
        line = next(x for x in text.splitlines() if x.startswith("imagebank_variants_generated "))
        return float(line.split()[1])

    before = generated()
    statuses: list[int] = []
    bodies: set[bytes] = set()
    lock = threading.Lock()
    start = threading.Barrier(100)

    def ask() -> None:
        start.wait()
        r = get(s.port, "/images/1?size=detail&format=avif")
        with lock:
            statuses.append(r.status)
            bodies.add(r.body)

    threads = [threading.Thread(target=ask) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 100
    assert len(bodies) == 1
    assert generated() - before == 1
    metrics = get(s.port, "/metrics").body.decode()
    assert 'imagebank_images_served_total{status="200",kind="variant",path="storage"}' in metrics


def test_a_warm_variant_is_answered_from_memory(start_server: Callable[..., Server],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGEBANK_URL_KEYS", URL_KEYS)
    s = start_server()
    signer = imagebank.UrlSigner([("t1", URL_KEYS.split(":", 1)[1])])
    url = signer.sign("/images/1?size=small&format=jpeg", 4102444800)
    bodies = {get(s.port, url).body for _ in range(5)}
    assert len(bodies) == 1
    text = get(s.port, "/metrics").body.decode()
    served = {line.split("{", 1)[1].split("}")[0]: float(line.split()[-1])
              for line in text.splitlines() if line.startswith("imagebank_images_served_total{")}
    assert served['status="200",kind="variant",path="storage"'] >= 1
    assert served['status="200",kind="variant",path="memory"'] >= 1
    assert float(next(x for x in text.splitlines()
                      if x.startswith("imagebank_memory_cache_bytes ")).split()[1]) > 0
    # The memory path checks signatures too.
    assert get(s.port, url.replace("small", "zoom")).status == 403
    assert get(s.port, url[: url.index("&sig=")]).status == 401
