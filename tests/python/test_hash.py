"""SHA-256 and Hamming distance (imagebank.sha256, imagebank.hamming)."""

from __future__ import annotations

import hashlib
import pathlib
import random

import pytest

import imagebank

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"


def test_sha256_of_bytes_and_paths_matches_hashlib():
    assert imagebank.sha256(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert imagebank.sha256(b"") == hashlib.sha256(b"").hexdigest()
    big = random.Random(3).randbytes(3 * 2**20 + 5)  # more than one read block
    assert imagebank.sha256(big) == hashlib.sha256(big).hexdigest()
    assert imagebank.sha256(memoryview(big)[7:]) == hashlib.sha256(big[7:]).hexdigest()
    for path in sorted(DATA.glob("*.*"))[:10]:
        want = hashlib.sha256(path.read_bytes()).hexdigest()
        assert imagebank.sha256(path) == want, path
        assert imagebank.sha256(str(path)) == want, path


def test_sha256_errors(tmp_path: pathlib.Path):
    with pytest.raises(imagebank.NotFoundError) as e:
        imagebank.sha256(tmp_path / "missing.jpg")
    assert "missing.jpg" in str(e.value)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.sha256(12345)  # type: ignore[arg-type]
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.sha256(tmp_path)  # a directory is not a file


def test_hamming_64_and_256_bits():
    rng = random.Random(5)
    for _ in range(200):
        a, b = rng.getrandbits(64), rng.getrandbits(64)
        assert imagebank.hamming(a, b) == (a ^ b).bit_count()
        c, d = rng.getrandbits(256), rng.getrandbits(256)
        assert imagebank.hamming(c, d) == (c ^ d).bit_count()
        # The same hashes as big-endian bytes.
        assert imagebank.hamming(c.to_bytes(32, "big"), d.to_bytes(32, "big")) == (c ^ d).bit_count()
        assert imagebank.hamming(a.to_bytes(8, "big"), b.to_bytes(8, "big")) == (a ^ b).bit_count()
    # imagehash's hex form parses with int(x, 16).
    assert imagebank.hamming(int("ffffffffffffffff", 16), 0) == 64


def test_hamming_rejects_bad_hashes():
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.hamming(-1, 0)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.hamming(1 << 256, 0)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.hamming(b"\x00" * 7, b"\x00" * 7)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.hamming("ff", "00")  # type: ignore[arg-type]
