"""BlobStore from Python: the memory and local-disk stores, the key helpers,
errors as imagebank.Error subclasses, and the GIL released during I/O."""

from __future__ import annotations

import os
import pathlib
import threading

import pytest

import imagebank
import imagebank._core as core

SHA = "0123456789abcdef" * 4


@pytest.fixture(params=["memory", "fs"])
def store(request, tmp_path: pathlib.Path) -> imagebank.BlobStore:
    if request.param == "memory":
        return core.make_memory_blob_store()
    return core.open_fs_blob_store(tmp_path / "bank")


# --- keys ---------------------------------------------------------------------

def test_key_builders():
    assert core.original_blob_key(SHA, "jpg") == f"originals/01/23/{SHA}.jpg"
    core.validate_blob_key("originals/01/23/x.jpg")


@pytest.mark.parametrize("key", ["", "/a", "a/", "a//b", "../x", "a/../b", "sp ace", "é", "x" * 1025])
def test_invalid_keys_raise_invalid_argument(key):
    with pytest.raises(imagebank.errors.InvalidArgumentError):
        core.validate_blob_key(key)


def test_builders_reject_bad_digests():
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="64 lowercase"):
        core.original_blob_key(SHA.upper(), "jpg")
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="extension"):
        core.original_blob_key(SHA, ".jpg")
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="preset"):
        core.variant_key(SHA, "a/b", "jpeg")


# --- the store ----------------------------------------------------------------

def test_round_trip_and_bytes_like_inputs(store: imagebank.BlobStore):
    store.put("a/bytes", b"\x00\x01binary\xff")
    store.put("a/bytearray", bytearray(b"mutable"))
    store.put("a/memoryview", memoryview(b"0123456789")[2:5])
    store.put("a/empty", b"")
    assert store.get("a/bytes") == b"\x00\x01binary\xff"
    assert store.get("a/bytearray") == b"mutable"
    assert store.get("a/memoryview") == b"234"
    assert store.get("a/empty") == b""
    assert isinstance(store.get("a/bytes"), bytes)


def test_numpy_buffers_are_accepted(store: imagebank.BlobStore):
    np = pytest.importorskip("numpy")
    arr = np.arange(1000, dtype=np.uint16)
    store.put("np", arr)
    assert store.get("np") == arr.tobytes()
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="contiguous"):
        store.put("np2", arr[::2])


def test_str_is_not_bytes(store: imagebank.BlobStore):
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="encode"):
        store.put("k", "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes-like"):
        store.put("k", 42)  # type: ignore[arg-type]
    assert not store.exists("k")


def test_ranges(store: imagebank.BlobStore):
    data = bytes(range(256)) * 40
    store.put("r", data)
    assert store.get("r", offset=100) == data[100:]
    assert store.get("r", offset=100, length=10) == data[100:110]
    assert store.get("r", offset=10200, length=500) == data[10200:]
    assert store.get("r", offset=len(data)) == b""
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="past the end"):
        store.get("r", offset=len(data) + 1)
    with pytest.raises(TypeError):
        store.get("r", offset=-1)


def test_missing_keys(store: imagebank.BlobStore):
    with pytest.raises(imagebank.errors.NotFoundError, match="nope"):
        store.get("nope")
    with pytest.raises(imagebank.errors.NotFoundError):
        store.head("nope")
    assert store.exists("nope") is False
    store.remove("nope")  # idempotent
    with pytest.raises(imagebank.Error):
        store.get("bad key")


def test_head_remove_and_list(store: imagebank.BlobStore):
    for i in range(25):
        store.put(f"p/{i:02d}", b"x" * i)
    info = store.head("p/07")
    assert (info.key, info.size) == ("p/07", 7)
    assert info.modified_ms > 0
    assert "p/07" in repr(info)
    page = store.list("p/", max_keys=10)
    assert [b.key for b in page.blobs] == [f"p/{i:02d}" for i in range(10)]
    assert page.next_start_after == "p/09"
    assert len(page) == 10
    rest = store.list("p/", start_after=page.next_start_after, max_keys=100)
    assert len(rest.blobs) == 15 and rest.next_start_after == ""
    assert [b.key for b in store.iter_blobs("p/", page_size=4)] == [f"p/{i:02d}" for i in range(25)]
    assert [b.size for b in store.iter_blobs("p/1")] == list(range(10, 20))
    store.remove("p/07")
    assert not store.exists("p/07")
    assert len(list(store.iter_blobs())) == 24
    with pytest.raises(imagebank.errors.InvalidArgumentError):
        store.list(max_keys=0)


def test_put_file(store: imagebank.BlobStore, tmp_path: pathlib.Path):
    src = tmp_path / "source.bin"
    data = os.urandom(3 << 20)
    src.write_bytes(data)
    store.put_file("f/path", src)
    store.put_file("f/str", str(src))
    assert store.get("f/path") == data
    assert store.get("f/str") == data
    with pytest.raises(imagebank.errors.NotFoundError, match="missing.bin"):
        store.put_file("f/missing", tmp_path / "missing.bin")
    assert not store.exists("f/missing")


def test_threads_share_a_store(store: imagebank.BlobStore):
    blobs = {f"t/{i}": os.urandom(50000) for i in range(40)}
    errors = []

    def work(keys):
        try:
            for k in keys:
                store.put(k, blobs[k])
                assert store.get(k) == blobs[k]
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    keys = sorted(blobs)
    threads = [threading.Thread(target=work, args=(keys[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(b.key for b in store.iter_blobs("t/")) == keys


# --- the local disk -------------------------------------------------------------

def test_fs_store_layout_and_uri(tmp_path: pathlib.Path):
    store = core.open_fs_blob_store(tmp_path / "bank")
    assert store.uri == f"file://{tmp_path / 'bank'}"
    assert repr(store).startswith("<BlobStore 'file://")
    key = core.original_blob_key(SHA, "jpg")
    store.put(key, b"jpeg")
    assert (tmp_path / "bank" / key).read_bytes() == b"jpeg"
    assert isinstance(store, core.BlobStore)
    assert core.make_memory_blob_store().uri == "memory:"


def test_fs_store_refuses_a_file_root(tmp_path: pathlib.Path):
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(imagebank.errors.InvalidArgumentError, match="not a directory"):
        core.open_fs_blob_store(tmp_path / "file")
    with pytest.raises(imagebank.errors.NotFoundError):
        core.open_fs_blob_store(tmp_path / "missing", create_root=False)
    assert not (tmp_path / "missing").exists()


def test_fs_sweep_of_stale_temp_files(tmp_path: pathlib.Path):
    root = tmp_path / "bank"
    store = core.open_fs_blob_store(root)
    store.put("a/obj", b"keep")
    stale = root / "a" / ".~ib-tmp.00000000000000aa"
    stale.write_bytes(b"crashed")
    old = stale.stat().st_mtime - 7200
    os.utime(stale, (old, old))
    assert [b.key for b in store.iter_blobs()] == ["a/obj"]
    report = core.sweep_fs_blob_store_temp_files(root, older_than=3600)
    assert (report.removed, report.kept, report.removed_bytes) == (1, 0, 7)
    assert not stale.exists()
    assert store.get("a/obj") == b"keep"
    with pytest.raises(imagebank.errors.InvalidArgumentError):
        core.sweep_fs_blob_store_temp_files(root, older_than=-1)


def test_gil_is_released_during_puts(tmp_path: pathlib.Path):
    """A Python thread keeps running while another thread is inside put_file."""
    store = core.open_fs_blob_store(tmp_path / "bank")
    src = tmp_path / "src"
    src.write_bytes(os.urandom(1 << 20))
    done = threading.Event()
    ticks = 0

    def ticker():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    t = threading.Thread(target=ticker)
    t.start()
    try:
        for i in range(20):
            store.put_file(f"g/{i}", src)
    finally:
        done.set()
        t.join()
    assert ticks > 1000
