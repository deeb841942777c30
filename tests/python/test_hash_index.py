"""imagebank.HashIndex: exact near-duplicate search, against numpy brute force."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap
import threading

import numpy as np
import numpy.typing as npt
import pytest

import imagebank


def popcount64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    if hasattr(np, "bitwise_count"):
        return np.asarray(np.bitwise_count(x), dtype=np.int64)
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)
    return np.asarray(table[x.view(np.uint8).reshape(-1, 8)].sum(axis=1), dtype=np.int64)


def brute(ids: np.ndarray, hashes: np.ndarray, q, radius: int):
    """(ids, distances) within radius, by distance then id; hashes (n,) or (n, 4)."""
    q = np.asarray(q, dtype=np.uint64)
    x = hashes ^ q
    d = popcount64(x.reshape(-1)).reshape(x.shape)
    if d.ndim == 2:
        d = d.sum(axis=1)
    keep = d <= radius
    order = np.lexsort((ids[keep], d[keep]))
    return ids[keep][order], d[keep][order].astype(np.int32)


def clustered(n: int, seeds: int, max_flips: int, rng: np.random.Generator, words: int = 1):
    base = rng.integers(0, 2**64, size=(seeds, words), dtype=np.uint64)
    # Biased low bits, as white backgrounds give.
    base |= np.uint64(0xFF0F)
    out = base[rng.integers(0, seeds, size=n)].copy()
    for _ in range(max_flips):
        bit = rng.integers(0, 64 * words, size=n)
        flip = rng.random(n) < 0.5
        word, shift = bit // 64, (bit % 64).astype(np.uint64)
        rows = np.nonzero(flip)[0]
        out[rows, word[rows]] ^= np.left_shift(np.uint64(1), shift[rows])
    return out if words > 1 else out[:, 0].copy()


def as_int(row) -> int:
    return sum(int(w) << (64 * i) for i, w in enumerate(np.atleast_1d(row)))


@pytest.mark.parametrize("kind", ["random", "clustered"])
def test_query_equals_numpy_brute_force_64(kind):
    rng = np.random.default_rng(1)
    n = 50_000
    hashes = (
        rng.integers(0, 2**64, size=n, dtype=np.uint64)
        if kind == "random"
        else clustered(n, 300, 8, rng)
    )
    ids = rng.permutation(n).astype(np.uint64) * np.uint64(3)
    index = imagebank.HashIndex(bits=64)
    index.add_many(ids, hashes)
    assert len(index) == n
    found = 0
    for i in range(40):
        q = int(hashes[rng.integers(n)]) ^ (1 << int(rng.integers(64)))
        for radius in (0, 1, 3, 5, 8, 10):
            got_ids, got_d = index.query(q, radius)
            want_ids, want_d = brute(ids, hashes, np.uint64(q), radius)
            assert got_ids.dtype == np.uint64 and got_d.dtype == np.int32
            np.testing.assert_array_equal(got_ids, want_ids)
            np.testing.assert_array_equal(got_d, want_d)
            found += len(got_ids)
        k_ids, k_d = index.knn(q, 10)
        all_ids, all_d = brute(ids, hashes, np.uint64(q), 64)
        np.testing.assert_array_equal(k_ids, all_ids[:10])
        np.testing.assert_array_equal(k_d, all_d[:10])
    assert found > 0


def test_query_equals_numpy_brute_force_256():
    rng = np.random.default_rng(2)
    n = 20_000
    hashes = clustered(n, 200, 30, rng, words=4)
    ids = np.arange(n, dtype=np.uint64)
    index = imagebank.HashIndex(bits=256)
    index.add_many(ids, hashes)
    for i in range(20):
        row = hashes[rng.integers(n)].copy()
        row[0] ^= np.uint64(0b1011)
        q = as_int(row)
        for radius in (0, 8, 20, 32):
            got_ids, got_d = index.query(q, radius)
            want_ids, want_d = brute(ids, hashes, row, radius)
            np.testing.assert_array_equal(got_ids, want_ids)
            np.testing.assert_array_equal(got_d, want_d)
        # The same hash as 32 big-endian bytes.
        by_bytes = index.query(q.to_bytes(32, "big"), 20)
        np.testing.assert_array_equal(by_bytes[0], index.query(q, 20)[0])


def test_add_remove_replace_and_hash_forms():
    index = imagebank.HashIndex()
    index.add(1, 0b1011)
    index.add(np.uint64(2), np.uint64(0b0011))
    index.add(3, (0b0111).to_bytes(8, "big"))
    assert len(index) == 3
    ids, d = index.query(0b0011, 1)
    assert ids.tolist() == [2, 1, 3] and d.tolist() == [0, 1, 1]
    index.add(2, 0xFFFF)  # replaces
    assert len(index) == 3
    assert index.query(0b0011, 1)[0].tolist() == [1, 3]
    index.remove(1)
    with pytest.raises(imagebank.NotFoundError):
        index.remove(1)
    assert index.query(0b0011, 1)[0].tolist() == [3]
    assert index.knn(0, 0)[0].size == 0
    assert "HashIndex" in repr(index) and index.bits == 64


def test_add_many_reads_in_place_and_validates():
    index = imagebank.HashIndex()
    ids = np.arange(10, dtype=np.uint64)
    hashes = np.arange(10, dtype=np.uint64)
    with pytest.raises(imagebank.InvalidArgumentError, match="uint64"):
        index.add_many(ids.astype(np.int64), hashes)
    with pytest.raises(imagebank.InvalidArgumentError, match="uint64"):
        index.add_many(ids, hashes.astype(np.float64))
    with pytest.raises(imagebank.InvalidArgumentError, match="shape"):
        index.add_many(ids, hashes[:5])
    with pytest.raises(imagebank.InvalidArgumentError, match="shape"):
        index.add_many(ids, np.zeros((10, 4), dtype=np.uint64))
    with pytest.raises(imagebank.InvalidArgumentError, match="contiguous"):
        index.add_many(ids, np.arange(20, dtype=np.uint64)[::2])
    with pytest.raises(imagebank.InvalidArgumentError):
        index.add_many([1, 2], [3, 4])  # type: ignore[arg-type]
    assert len(index) == 0  # nothing was added by the failures
    index.add_many(ids, hashes)
    assert len(index) == 10

    wide = imagebank.HashIndex(bits=256)
    with pytest.raises(imagebank.InvalidArgumentError, match=r"\(10, 4\)"):
        wide.add_many(ids, hashes)
    wide.add_many(ids, np.zeros((10, 4), dtype=np.uint64))
    assert len(wide) == 10


def test_bad_arguments_raise_invalid_argument():
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.HashIndex(bits=128)
    index = imagebank.HashIndex()
    index.add(1, 1)
    for radius in (-1, 11):
        with pytest.raises(imagebank.InvalidArgumentError, match="radius"):
            index.query(1, radius)
    with pytest.raises(imagebank.InvalidArgumentError):
        index.query(1 << 64, 2)  # a 65-bit hash in a 64-bit index
    with pytest.raises(imagebank.InvalidArgumentError):
        index.query(b"\x00" * 32, 2)
    with pytest.raises(imagebank.InvalidArgumentError):
        index.add(-1, 5)
    with pytest.raises(imagebank.InvalidArgumentError):
        index.add(1, "ff")  # type: ignore[arg-type]
    with pytest.raises(imagebank.InvalidArgumentError):
        index.knn(1, -3)
    wide = imagebank.HashIndex(bits=256)
    with pytest.raises(imagebank.InvalidArgumentError):
        wide.query(0, 33)
    with pytest.raises(imagebank.InvalidArgumentError):
        wide.add(1, b"\x00" * 8)


def test_save_open_read_only_and_writable(tmp_path: pathlib.Path):
    rng = np.random.default_rng(3)
    n = 30_000
    hashes = clustered(n, 200, 6, rng)
    ids = np.arange(n, dtype=np.uint64) + np.uint64(100)
    index = imagebank.HashIndex()
    index.add_many(ids, hashes)
    path = tmp_path / "catalog.ibhi"
    index.save(path)

    ro = imagebank.HashIndex.open(path)
    assert ro.read_only and len(ro) == n and ro.stats()["mapped"]
    q = int(hashes[7])
    np.testing.assert_array_equal(ro.query(q, 6)[0], index.query(q, 6)[0])
    with pytest.raises(imagebank.ConflictError, match="read-only"):
        ro.add(1, 1)
    with pytest.raises(imagebank.ConflictError):
        ro.add_many(ids[:1], hashes[:1])
    with pytest.raises(imagebank.ConflictError):
        ro.remove(int(ids[0]))

    rw = imagebank.HashIndex.open(str(path), read_only=False)
    rw.remove(int(ids[0]))
    rw.add(5, 0xABC)
    rw.save(path)
    again = imagebank.HashIndex.open(path)
    assert len(again) == n
    assert again.query(0xABC, 0)[0].tolist() == [5]


def test_second_process_opens_read_only(tmp_path: pathlib.Path):
    rng = np.random.default_rng(4)
    n = 20_000
    hashes = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    ids = np.arange(n, dtype=np.uint64)
    index = imagebank.HashIndex()
    index.add_many(ids, hashes)
    path = tmp_path / "shared.ibhi"
    index.save(path)
    q = int(hashes[123]) ^ 0b101
    want = index.query(q, 4)[0].tolist()
    script = textwrap.dedent(
        f"""
        import imagebank
        idx = imagebank.HashIndex.open({str(path)!r})
        ids, d = idx.query({q}, 4)
        print(len(idx), ids.tolist(), idx.read_only)
        try:
            idx.add(1, 1)
        except imagebank.ConflictError:
            print("conflict")
        """
    )
    # While this process keeps its own index open on the same file.
    mine = imagebank.HashIndex.open(path)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [f"{n} {want} True", "conflict"]
    assert mine.query(q, 4)[0].tolist() == want


def test_corrupt_and_truncated_files(tmp_path: pathlib.Path):
    index = imagebank.HashIndex()
    index.add_many(np.arange(5000, dtype=np.uint64),
                   np.random.default_rng(5).integers(0, 2**64, 5000, dtype=np.uint64))
    path = tmp_path / "x.ibhi"
    index.save(path)
    data = path.read_bytes()
    for bad in (data[: len(data) // 2], data[:100], b"", data[:-1] + bytes([data[-1] ^ 1])):
        path.write_bytes(bad)
        with pytest.raises(imagebank.CorruptDataError) as e:
            imagebank.HashIndex.open(path)
        assert str(path) in str(e.value)
    with pytest.raises(imagebank.NotFoundError):
        imagebank.HashIndex.open(tmp_path / "missing.ibhi")


def test_threads_query_while_one_writes():
    rng = np.random.default_rng(6)
    n = 50_000
    hashes = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    index = imagebank.HashIndex()
    index.add_many(np.arange(n, dtype=np.uint64), hashes)
    errors = []

    def reader():
        try:
            for i in range(300):
                q = int(hashes[i])
                ids, _ = index.query(q, 3)
                assert i in ids.tolist()  # ids < n are never touched
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    extra = np.arange(n, n + 20_000, dtype=np.uint64)
    index.add_many(extra, rng.integers(0, 2**64, size=extra.size, dtype=np.uint64))
    for i in range(2000):
        index.add(n + 20_000 + i, int(rng.integers(0, 2**63)))
    for t in threads:
        t.join()
    assert not errors
    assert len(index) == n + 22_000
