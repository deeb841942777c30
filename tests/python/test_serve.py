"""Serving through Python: API keys in the catalog, signed URLs, image
request plans over a real SQLite bank with local-disk storage."""

from __future__ import annotations

import base64
import hashlib
import hmac
import pathlib
import re
import threading

import pytest

import imagebank
from conftest import DATA

core = imagebank._core


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    return core.Bank.open(dir=tmp_path / "bank")


def stored_image(bank: imagebank.Bank, name: str = "orient1.jpg") -> core.ImageRecord:
    data = (DATA / name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    r = core.ImageRecord()
    r.sha256 = digest
    r.format = "jpeg"
    r.width, r.height = 64, 48
    r.bytes = len(data)
    r.original_name = name
    r.blob_key = core.original_blob_key(digest, "jpg")
    bank.blobs.put(r.blob_key, data)
    return bank.catalog.insert_image(r).image


def test_api_keys_are_made_once_checked_and_revoked(bank: imagebank.Bank) -> None:
    keys = bank.api_keys
    made = keys.create("estúdio SP", scopes=["upload"])
    assert re.fullmatch(r"ib_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", made.key)
    assert made.key not in repr(made)
    assert made.record.scopes == ["upload"]
    assert made.record.secret_hash == hashlib.sha256(made.key.encode()).hexdigest()
    assert keys.authenticate(made.key).name == "estúdio SP"
    assert keys.authorize(made.key, "read").prefix == made.record.prefix
    with pytest.raises(imagebank.PermissionDeniedError, match="review"):
        keys.authorize(made.key, "review")
    with pytest.raises(imagebank.UnauthenticatedError):
        keys.authenticate(made.key[:-1] + ("A" if made.key[-1] != "A" else "B"))
    with pytest.raises(imagebank.UnauthenticatedError):
        keys.authenticate("Bearer nonsense")
    assert core.ApiKeys.prefix_of(made.key) == made.record.prefix
    assert [k.prefix for k in bank.catalog.api_keys()] == [made.record.prefix]
    keys.revoke(made.record.prefix)
    with pytest.raises(imagebank.UnauthenticatedError, match="revoked"):
        keys.authenticate(made.key)
    with pytest.raises(imagebank.NotFoundError):
        keys.revoke("ib_ffffffff")
    with pytest.raises(imagebank.InvalidArgumentError, match="'write'"):
        keys.create("x", scopes=["write"])
    assert core.parse_api_scopes("review, read") == ["read", "review"]
    assert core.api_scopes_allow(["admin"], "upload")
    assert not core.api_scopes_allow(["upload"], "review")


def test_a_second_process_view_sees_a_revocation_without_cache(bank: imagebank.Bank) -> None:
    fresh = core.ApiKeys(bank.catalog, cache_ms=0)
    made = bank.api_keys.create("k", scopes=["read"])
    assert fresh.authenticate(made.key).prefix == made.record.prefix
    bank.catalog.revoke_api_key(made.record.prefix)
    with pytest.raises(imagebank.UnauthenticatedError):
        fresh.authenticate(made.key)


def test_catalog_key_records_validate_and_conflict(bank: imagebank.Bank) -> None:
    rec = core.ApiKeyRecord(name="n", prefix="ib_custom", secret_hash="0" * 64, scopes=["read"])
    core.validate_api_key_record(rec)
    stored = bank.catalog.insert_api_key(rec)
    assert stored.id > 0 and stored.revoked_ms is None
    assert bank.catalog.find_api_key("ib_custom") == stored
    with pytest.raises(imagebank.ConflictError):
        bank.catalog.insert_api_key(rec)
    with pytest.raises(imagebank.InvalidArgumentError, match="hash"):
        core.validate_api_key_record(
            core.ApiKeyRecord(name="n", prefix="ib_x1", secret_hash="nope", scopes=["read"])
        )


def test_signed_urls_match_an_independent_hmac_and_expire() -> None:
    secret = b"s" * 32
    signer = core.UrlSigner([("k1", secret.decode())])
    url = signer.sign("/images/42?size=grid", 2000)
    signed, sig = url.rsplit("&sig=", 1)
    assert signed == "/images/42?size=grid&exp=2000&kid=k1"
    mac = hmac.new(secret, signed.encode(), hashlib.sha256).digest()
    assert sig == base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    assert core.hmac_sha256_base64url(secret, signed.encode()) == sig
    signer.verify(url, 1999)
    with pytest.raises(imagebank.PermissionDeniedError, match="expired"):
        signer.verify(url, 2001)
    with pytest.raises(imagebank.PermissionDeniedError):
        signer.verify(url.replace("grid", "zoom"), 0)
    with pytest.raises(imagebank.UnauthenticatedError):
        signer.verify("/images/42?size=grid", 0)
    with pytest.raises(imagebank.InvalidArgumentError):
        core.UrlSigner([("k1", "short")])
    rotated = core.UrlSigner([("k2", "t" * 32), ("k1", secret.decode())])
    assert rotated.key_ids == ["k2", "k1"]
    rotated.verify(url, 0)
    assert core.UrlSigner.strip_signature("size=grid&exp=1&kid=k&sig=x") == "size=grid"
    assert core.base64url(b"\xfb\xff") == "-_8"
    assert core.constant_time_equal(b"abc", b"abc")
    assert not core.constant_time_equal(b"abc", b"abd")


def test_http_rules() -> None:
    assert core.if_none_match_matches('"a", W/"b"', '"b"')
    assert not core.if_none_match_matches('"a"', '"b"')
    assert core.parse_byte_range("bytes=-10", 100) == (90, 10)
    assert core.parse_byte_range("bytes=100-", 100) == (0, 0)
    assert core.parse_byte_range("bytes=0-1,4-5", 100) is None
    assert core.http_status("not_found") == 404
    assert core.http_status("permission_denied") == 403
    with pytest.raises(imagebank.InvalidArgumentError):
        core.http_status("nope")


def test_image_plans_negotiate_generate_and_cache(bank: imagebank.Bank) -> None:
    image = stored_image(bank)
    service = core.ImageService(bank.catalog, bank.blobs)
    plan = service.plan(str(image.id), size="grid", accept="image/avif,image/webp,*/*")
    assert plan.status == 200, plan.error
    assert plan.error is None
    assert (plan.format, plan.content_type, plan.generated) == ("avif", "image/avif", True)
    assert plan.header("Vary") == "Accept"
    assert plan.header("Cache-Control") == "public, max-age=31536000, immutable"
    data = bank.blobs.get(plan.blob_key)
    assert len(data) == plan.blob_size == plan.length
    assert core.probe(data).format == "avif"
    etag = plan.header("ETag")
    assert etag is not None
    cached = service.plan(str(image.id), size="grid", accept="image/avif", if_none_match=etag)
    assert cached.status == 304 and cached.header("Vary") == "Accept"
    old_firefox = service.plan(image.sha256, size="grid", accept="image/webp,*/*")
    assert old_firefox.format == "webp"
    fallback = service.plan(image.sha256, size="grid", accept="*/*")
    assert (fallback.format, fallback.header("Vary")) == ("jpeg", "Accept")
    stats = service.stats()
    assert (stats.variants_generated, stats.not_modified) == (3, 1)
    recorded = {(v.preset, v.format) for v in bank.catalog.variants(image.id)}
    assert recorded == {("grid", "avif"), ("grid", "webp"), ("grid", "jpeg")}


def test_image_plans_for_bad_requests_carry_the_error(bank: imagebank.Bank) -> None:
    image = stored_image(bank)
    service = core.ImageService(bank.catalog, bank.blobs, presets=["thumbnail"], formats=["webp", "jpeg"])
    bad = service.plan("../etc", size="thumbnail")
    assert bad.status == 400 and isinstance(bad.error, imagebank.InvalidArgumentError)
    missing = service.plan("4242", size="thumbnail")
    assert missing.status == 404 and isinstance(missing.error, imagebank.NotFoundError)
    assert service.plan(str(image.id), size="grid").status == 400  # not served
    none = service.plan(str(image.id), size="thumbnail", accept="text/html")
    assert none.status == 406
    ranged = service.plan(str(image.id), range="bytes=0-99")
    assert (ranged.status, ranged.offset, ranged.length) == (206, 0, 100)
    assert ranged.header("Content-Range") == f"bytes 0-99/{image.bytes}"
    with pytest.raises(imagebank.InvalidArgumentError):
        core.ImageService(bank.catalog, bank.blobs, formats=["gif"])


def test_concurrent_plans_for_one_missing_variant_encode_once(bank: imagebank.Bank) -> None:
    image = stored_image(bank)
    service = core.ImageService(bank.catalog, bank.blobs)
    plans: list[core.ImagePlan] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        p = service.plan(str(image.id), size="zoom", format="avif")
        with lock:
            plans.append(p)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.status for p in plans] == [200] * 8
    assert len({p.blob_key for p in plans}) == 1
    # Released GIL and single flight: one encode however the threads raced.
    assert service.stats().variants_generated == 1


def test_plan_cached_needs_no_io_once_warm(bank: imagebank.Bank) -> None:
    image = stored_image(bank)
    service = core.ImageService(bank.catalog, bank.blobs)
    assert service.plan_cached(str(image.id), size="grid", format="jpeg") is None
    assert service.plan(str(image.id), size="grid", format="jpeg").generated
    assert service.plan(str(image.id), size="grid", format="jpeg").status == 200
    warm = service.plan_cached(str(image.id), size="grid", format="jpeg")
    assert warm is not None and warm.status == 200 and not warm.generated
    assert service.plan_cached(str(image.id)) is None  # originals need the storage
