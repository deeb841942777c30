"""Shared fixtures. The tests run against the installed wheel: `imagebank`
must come from site-packages, never from the source tree."""

from __future__ import annotations

import csv
import os
import pathlib
import struct
import zlib

import pytest

TESTS = pathlib.Path(__file__).resolve().parent.parent
DATA = TESTS / "data"
REPO = TESTS.parent


def _rows(name: str) -> list[dict[str, str]]:
    with open(TESTS / name, newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines))


@pytest.fixture(scope="session")
def expected_probes() -> list[dict[str, str]]:
    return _rows("probe_expected.csv")


@pytest.fixture(scope="session")
def expected_unsupported() -> list[dict[str, str]]:
    return _rows("unsupported_expected.csv")


@pytest.fixture(scope="session")
def corpus() -> pathlib.Path | None:
    path = os.environ.get("IMAGEBANK_CORPUS")
    return pathlib.Path(path) if path else None


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_declaring(width: int, height: int) -> bytes:
    """A well-formed PNG whose IHDR claims width x height (the IDAT does not
    hold that many pixels: the claim is the bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(bytes(4096)))
        + png_chunk(b"IEND", b"")
    )
