"""The S3 BlobStore from Python, against a real MinIO on loopback: options
and URIs, a round trip through the BlobStore class, errors as
imagebank.Error subclasses, and threads running in parallel (GIL released).
Skipped only when IMAGEBANK_SKIP_S3=1."""

from __future__ import annotations

import pathlib
import threading
import uuid

import pytest

import imagebank
import imagebank._core as core

from servers import MINIO_PASSWORD, MINIO_USER, Minio, s3_skipped


@pytest.fixture(scope="module")
def minio():
    if s3_skipped():
        pytest.skip("IMAGEBANK_SKIP_S3=1")
    server = Minio()
    yield server
    server.stop()


def options(minio, prefix: str | None = None) -> core.S3Options:
    o = core.S3Options(
        "imagebank-py", prefix=prefix or uuid.uuid4().hex[:12], endpoint=minio.endpoint,
        credentials=core.S3Credentials(MINIO_USER, MINIO_PASSWORD), create_bucket=True)
    o.connect_timeout = 2.0
    o.request_timeout = 20.0
    o.max_attempts = 3
    return o


# --- no server needed -----------------------------------------------------------

def test_parse_uri_fills_the_options():
    o = core.parse_s3_uri(
        "s3://bank/photos?endpoint=http://127.0.0.1:9000&region=sa-east-1&addressing=path"
        "&request_timeout_ms=1500")
    assert (o.bucket, o.prefix, o.endpoint, o.region) == (
        "bank", "photos", "http://127.0.0.1:9000", "sa-east-1")
    assert o.addressing == "path"
    assert o.request_timeout == pytest.approx(1.5)
    assert o.credentials is None
    assert "bank" in repr(o)


@pytest.mark.parametrize("uri", ["s3://UPPER", "s3://bucket?nope=1", "http://bucket",
                                 "s3://bucket?endpoint=ftp://x", "s3://bucket/a/../b"])
def test_bad_uris_raise_invalid_argument(uri):
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="S3 URI"):
        core.parse_s3_uri(uri)


def test_secrets_stay_out_of_reprs():
    c = core.S3Credentials("AKID", "very-secret", "token-too")
    assert "very-secret" not in repr(c) and "token-too" not in repr(c)
    o = core.S3Options("bucket", credentials=c)
    assert "very-secret" not in repr(o)


def test_bad_option_values_raise():
    o = core.S3Options("bucket")
    with pytest.raises(imagebank.errors.InvalidArgumentError):
        o.addressing = "sideways"
    with pytest.raises(imagebank.errors.InvalidArgumentError):
        o.connect_timeout = -1.0


def test_unreachable_endpoint_is_unavailable():
    with socket_closed_port() as port:
        o = core.S3Options("bucket", endpoint=f"http://127.0.0.1:{port}",
                           credentials=core.S3Credentials("a", "b"))
        o.max_attempts = 2
        o.backoff_base = 0.01
        o.backoff_cap = 0.02
        with pytest.raises(imagebank.errors.UnavailableError):
            core.open_s3_blob_store(o)


class socket_closed_port:
    def __enter__(self) -> int:
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])

    def __exit__(self, *exc) -> None:
        return None


# --- against MinIO ------------------------------------------------------------

def test_round_trip_through_the_blob_store_class(minio):
    store = core.open_s3_blob_store(options(minio))
    assert isinstance(store, core.BlobStore)
    assert store.uri.startswith("s3://imagebank-py/")
    data = bytes(range(256)) * 100
    store.put("originals/ab/cd/x.jpg", data)
    assert store.get("originals/ab/cd/x.jpg") == data
    assert store.get("originals/ab/cd/x.jpg", offset=10, length=5) == data[10:15]
    info = store.head("originals/ab/cd/x.jpg")
    assert info.size == len(data) and info.modified_ms > 0
    page = store.list("originals/")
    assert [b.key for b in page.blobs] == ["originals/ab/cd/x.jpg"]
    store.remove("originals/ab/cd/x.jpg")
    store.remove("originals/ab/cd/x.jpg")
    with pytest.raises(imagebank.errors.NotFoundError):
        store.get("originals/ab/cd/x.jpg")


def test_uri_form_opens_too(minio):
    prefix = uuid.uuid4().hex[:12]
    import os
    old = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ["AWS_ACCESS_KEY_ID"] = MINIO_USER
    os.environ["AWS_SECRET_ACCESS_KEY"] = MINIO_PASSWORD
    try:
        store = core.open_s3_blob_store(
            f"s3://imagebank-py2/{prefix}?endpoint={minio.endpoint}&create_bucket=true")
        store.put("k", b"v")
        assert store.get("k") == b"v"
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_put_file_multipart(minio, tmp_path: pathlib.Path):
    o = options(minio)
    o.multipart_threshold = 5 << 20
    o.part_size = 5 << 20
    store = core.open_s3_blob_store(o)
    path = tmp_path / "big.bin"
    data = bytes((i * 131) & 0xFF for i in range(12 << 20))
    path.write_bytes(data)
    store.put_file("big.bin", path)
    assert store.head("big.bin").size == len(data)
    assert store.get("big.bin") == data


def test_wrong_secret_raises_io_error_naming_the_code(minio):
    o = options(minio)
    o.credentials = core.S3Credentials(MINIO_USER, "wrong-secret")
    with pytest.raises(imagebank.errors.IoError, match="SignatureDoesNotMatch"):
        core.open_s3_blob_store(o)


def test_threads_share_a_store(minio):
    store = core.open_s3_blob_store(options(minio))
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                key = f"t{n}/k{i}"
                store.put(key, key.encode())
                assert store.get(key) == key.encode()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store.list("", max_keys=1000).blobs) == 80


def test_uri_sets_the_multipart_sizes():
    o = core.parse_s3_uri("s3://bank?multipart_threshold=6291456&part_size=5242880")
    assert (o.multipart_threshold, o.part_size) == (6 << 20, 5 << 20)
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="part_size"):
        core.parse_s3_uri("s3://bank?part_size=lots")


def _left_behind_upload(minio):
    boto3 = pytest.importorskip("boto3", reason="scripts/install-deps.sh --test installs boto3")
    o = options(minio)
    o.bucket = "imagebank-py-uploads"
    store = core.open_s3_blob_store(o)
    s3 = boto3.client("s3", endpoint_url=minio.endpoint, aws_access_key_id=MINIO_USER,
                      aws_secret_access_key=MINIO_PASSWORD, region_name="us-east-1")
    # A writer killed between its parts: the upload stays open on the server,
    # under the bank's prefix (MinIO lists uploads by a prefix only when it is
    # a whole key, so the bank must find it in the whole listing).
    key = f"{o.prefix}/originals/ab/cd/{uuid.uuid4().hex}.jpg"
    s3.create_multipart_upload(Bucket=o.bucket, Key=key)

    def pending() -> list[str]:
        listed = s3.list_multipart_uploads(Bucket=o.bucket).get("Uploads", [])
        return sorted(u["Key"] for u in listed)

    assert key in pending()
    return store, key, pending, s3, o.bucket


def test_abort_stale_uploads_leaves_young_uploads_alone(minio):
    store, key, pending, _, _ = _left_behind_upload(minio)
    # Too young to be stale: a writer may still be sending it.
    assert core.abort_stale_uploads(store, older_than=3600) == 0
    assert key in pending()
    with pytest.raises(imagebank.errors.InvalidArgumentError):
        core.abort_stale_uploads(store, older_than=-1)
    assert core.abort_stale_uploads(core.make_memory_blob_store(), older_than=0) == 0


def test_abort_stale_uploads_cleans_what_killed_writers_left(minio):
    store, key, pending, s3, bucket = _left_behind_upload(minio)
    # Another bank's upload in the same bucket, outside this bank's prefix.
    other = f"another-bank/originals/{uuid.uuid4().hex}.jpg"
    s3.create_multipart_upload(Bucket=bucket, Key=other)
    assert core.abort_stale_uploads(store, older_than=0) == 1
    assert key not in pending()
    assert other in pending()
    assert core.abort_stale_uploads(store, older_than=0) == 0
