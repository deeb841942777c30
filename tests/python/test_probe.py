from __future__ import annotations

import io
import os
import pathlib
import random
import struct
import threading

import pytest

import imagebank
from conftest import DATA, png_declaring

FIELDS = ["width", "height", "channels", "bit_depth", "orientation", "frames"]
FLAGS = ["has_alpha", "progressive", "icc"]


def check(info: imagebank.ImageInfo, row: dict[str, str]) -> None:
    assert info.format == row["format"], row["file"]
    for f in FIELDS:
        assert getattr(info, f) == int(row[f]), (row["file"], f)
    for f in FLAGS:
        assert getattr(info, f) == (row[f] == "1"), (row["file"], f)


def test_ground_truth_from_path_str_pathlike_bytes_and_buffers(expected_probes):
    assert len(expected_probes) >= 30
    for row in expected_probes:
        path = DATA / row["file"]
        data = path.read_bytes()
        infos = [
            imagebank.probe(str(path)),
            imagebank.probe(path),
            imagebank.probe(data),
            imagebank.probe(bytearray(data)),
            imagebank.probe(memoryview(data)),
        ]
        for info in infos:
            check(info, row)
            assert info.bytes == len(data)
            assert info == infos[0]


def test_to_dict_matches_cli_keys():
    info = imagebank.probe(DATA / "icc_exif.webp")
    d = info.to_dict()
    assert d == {
        "format": "webp",
        "width": 64,
        "height": 48,
        "channels": 3,
        "bit_depth": 8,
        "has_alpha": False,
        "orientation": 8,
        "progressive": False,
        "icc": True,
        "frames": 1,
        "bytes": os.path.getsize(DATA / "icc_exif.webp"),
        "tolerated": [],
    }
    assert "orientation=8" in repr(info)
    assert (info.display_width, info.display_height) == (48, 64)


def test_bytes_are_data_not_a_file_name():
    # A bytes object holding a path is image data (and not an image).
    with pytest.raises(imagebank.UnsupportedFormatError):
        imagebank.probe(str(DATA / "rgb.jpg").encode() + b"\0" * 16)


def test_non_contiguous_buffer_and_wrong_type_are_invalid_argument():
    data = (DATA / "rgb.png").read_bytes()
    strided = memoryview(data)[::2]
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.probe(strided)
    with pytest.raises(TypeError):
        imagebank.probe(12345)  # type: ignore[arg-type]


def test_error_classes_codes_and_messages(tmp_path: pathlib.Path):
    with pytest.raises(imagebank.NotFoundError) as e:
        imagebank.probe(tmp_path / "missing.jpg")
    assert isinstance(e.value, FileNotFoundError)
    assert e.value.code == "not_found"
    assert "missing.jpg: no such file" in str(e.value)

    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(imagebank.CorruptDataError, match="empty.jpg: file is empty"):
        imagebank.probe(empty)

    with pytest.raises(imagebank.InvalidArgumentError, match="is a directory"):
        imagebank.probe(tmp_path)

    with pytest.raises(imagebank.UnsupportedFormatError, match="unrecognised"):
        imagebank.probe(b"this is not an image at all")


def test_error_hierarchy():
    codes = {
        imagebank.InvalidArgumentError: "invalid_argument",
        imagebank.NotFoundError: "not_found",
        imagebank.CorruptDataError: "corrupt_data",
        imagebank.UnsupportedFormatError: "unsupported_format",
        imagebank.LimitExceededError: "limit_exceeded",
        imagebank.IoError: "io_error",
        imagebank.UnavailableError: "unavailable",
        imagebank.ConflictError: "conflict",
        imagebank.InternalError: "internal",
        imagebank.DeadlineExceededError: "deadline_exceeded",
        imagebank.UnauthenticatedError: "unauthenticated",
        imagebank.PermissionDeniedError: "permission_denied",
        imagebank.RateLimitedError: "rate_limited",
        imagebank.QuotaExhaustedError: "quota_exhausted",
        imagebank.RefusedError: "refused",
    }
    for cls, code in codes.items():
        assert issubclass(cls, imagebank.Error)
        assert cls.code == code
    assert issubclass(imagebank.InvalidArgumentError, ValueError)
    assert issubclass(imagebank.IoError, OSError)
    # A deadline was a limit before it had its own code; it is a timeout.
    assert issubclass(imagebank.DeadlineExceededError, imagebank.LimitExceededError)
    assert issubclass(imagebank.DeadlineExceededError, TimeoutError)


def test_unsupported_formats_are_named(expected_unsupported):
    for row in expected_unsupported:
        with pytest.raises(imagebank.UnsupportedFormatError) as e:
            imagebank.probe(DATA / row["file"])
        assert f"unsupported format {row['format']}" in str(e.value)
        assert imagebank.sniff_format((DATA / row["file"]).read_bytes()[:512]) == row["format"]


def test_every_truncated_prefix_is_corrupt_data(expected_probes):
    for row in expected_probes:
        data = (DATA / row["file"]).read_bytes()
        for n in range(len(data)):
            with pytest.raises(imagebank.CorruptDataError):
                imagebank.probe(data[:n])


def test_random_bytes_never_crash():
    rng = random.Random(7)
    for _ in range(300):
        blob = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 2000)))
        with pytest.raises((imagebank.UnsupportedFormatError, imagebank.CorruptDataError)):
            imagebank.probe(blob)


def test_flipped_header_bytes_never_crash(expected_probes):
    for row in expected_probes[::3]:
        data = bytearray((DATA / row["file"]).read_bytes())
        for i in range(min(len(data), 300)):
            data[i] ^= 0xFF
            try:
                imagebank.probe(bytes(data))
            except (
                imagebank.CorruptDataError,
                imagebank.UnsupportedFormatError,
                imagebank.LimitExceededError,
            ):
                pass
            data[i] ^= 0xFF


def test_declared_100000_square_is_limit_exceeded():
    bomb = png_declaring(100_000, 100_000)
    assert len(bomb) < 200
    with pytest.raises(imagebank.LimitExceededError, match="100000x100000"):
        imagebank.probe(bomb)
    # The header is well-formed: with the limits raised it probes.
    roomy = imagebank.Limits(max_dimension=200_000, max_pixels=20_000_000_000)
    info = imagebank.probe(bomb, limits=roomy)
    assert (info.width, info.height) == (100_000, 100_000)


def test_webp_and_avif_size_claims():
    webp = bytearray((DATA / "animated.webp").read_bytes())
    vp8x = webp.index(b"VP8X")
    webp[vp8x + 12 : vp8x + 15] = (99_999).to_bytes(3, "little")
    webp[vp8x + 15 : vp8x + 18] = (99_999).to_bytes(3, "little")
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.probe(bytes(webp))
    avif = bytearray((DATA / "rgb.avif").read_bytes())
    ispe = avif.index(b"ispe")
    avif[ispe + 8 : ispe + 16] = struct.pack(">II", 40_000, 40_000)
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.probe(bytes(avif))


def test_limits_object():
    lim = imagebank.Limits()
    assert lim.max_pixels == 40_000_000
    assert lim.max_dimension == 16_384
    assert lim.max_file_bytes == 50_000_000
    assert lim.jpeg_max_scans == 100
    assert lim.fail_on == "error"
    assert lim.max_metadata_bytes == 1 << 20
    assert lim.max_frames == 1
    assert lim.decode_deadline == pytest.approx(10.0)
    lim.max_dimension = 63
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.probe(DATA / "rgb.jpg", limits=lim)
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.probe(DATA / "icc.png", limits=imagebank.Limits(max_metadata_bytes=100))
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.Limits(decode_deadline=0)
    with pytest.raises(TypeError):
        imagebank.Limits(12)  # type: ignore[call-arg]
    assert "max_dimension=63" in repr(lim)


def test_format_helpers():
    assert imagebank.mime_type("avif") == "image/avif"
    assert imagebank.is_supported("webp")
    assert not imagebank.is_supported("heic")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.mime_type("bogus")
    assert imagebank.sniff_format((DATA / "rgb.avif").read_bytes()[:64]) == "avif"
    assert imagebank.sniff_format(b"") == "unknown"


def test_gil_is_released_during_probe(corpus):
    """Threads probing in parallel make progress while another thread runs
    Python code; with the GIL held the counter could not advance."""
    path = DATA / "rgb.jpg"
    stop = threading.Event()
    counter = 0

    def spin() -> None:
        nonlocal counter
        while not stop.is_set():
            counter += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        results: list[imagebank.ImageInfo] = []
        workers = [
            threading.Thread(target=lambda: results.extend(imagebank.probe(path) for _ in range(300)))
            for _ in range(4)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        stop.set()
        t.join()
    assert len(results) == 1200
    assert all(r.width == 64 for r in results)
    assert counter > 0


def test_real_photos(corpus):
    if corpus is None:
        pytest.skip("IMAGEBANK_CORPUS not set (scripts/test.sh sets it)")
    photos = sorted(p for p in corpus.iterdir() if p.suffix in (".jpg", ".png"))
    assert len(photos) >= 20
    for p in photos:
        info = imagebank.probe(p)
        assert info.format == ("jpeg" if p.suffix == ".jpg" else "png")
        assert info.bytes == p.stat().st_size
        assert info.width >= 1000
        assert imagebank.probe(p.read_bytes()) == info
    big = imagebank.probe(corpus / "Elephants_5640x3172.jpg")
    assert (big.width, big.height, big.progressive) == (5640, 3172, True)
