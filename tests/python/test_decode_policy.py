"""The decoding policy through Python: Limits.fail_on, ImageInfo.tolerated,
each crafted class at each level, and the record an ingest keeps
(ImageRecord.decode_tolerance)."""

from __future__ import annotations

import hashlib
import pathlib

import pytest

import imagebank
import decode_cases as dc
from conftest import DATA

core = imagebank._core


def lim(level: str) -> imagebank.Limits:
    return imagebank.Limits(fail_on=level)


def test_limits_fail_on():
    assert imagebank.Limits().fail_on == "error"
    limits = imagebank.Limits()
    limits.fail_on = "warning"
    assert limits.fail_on == "warning"
    assert "fail_on='warning'" in repr(limits)
    with pytest.raises(imagebank.InvalidArgumentError, match="fail_on"):
        imagebank.Limits(fail_on="strict")
    with pytest.raises(imagebank.InvalidArgumentError, match="fail_on"):
        limits.fail_on = "never"


def test_clean_file_tolerates_nothing():
    info = imagebank.probe(dc.encoded("JPEG"), limits=lim("warning"))
    assert info.tolerated == []
    assert info.to_dict()["tolerated"] == []


def test_extraneous_bytes_accepted_by_default_and_recorded():
    b = dc.jpeg_extraneous_bytes()
    info = imagebank.probe(b)
    assert info.tolerated == ["jpeg_extraneous_bytes"]
    clean = imagebank.decode(dc.encoded("JPEG"))
    assert imagebank.decode(b) == clean
    # The hashes decode it too.
    assert imagebank.phash(b) == imagebank.phash(dc.encoded("JPEG"))
    with pytest.raises(imagebank.CorruptDataError, match="extraneous"):
        imagebank.probe(b, limits=lim("warning"))
    with pytest.raises(imagebank.CorruptDataError):
        imagebank.decode(b, limits=lim("warning"))


def test_appended_data_decodes_the_primary_image():
    primary = dc.encoded("JPEG", 20)
    for b in (primary + b"T" * 4000, primary + dc.encoded("JPEG", 230)):
        info = imagebank.probe(b, limits=lim("warning"))
        assert info.tolerated == []
        assert imagebank.decode(b, limits=lim("warning")) == imagebank.decode(primary)


def test_corrupt_scan_refused_unless_truncated_or_none():
    b = dc.jpeg_bad_huffman()
    with pytest.raises(imagebank.CorruptDataError, match="Huffman"):
        imagebank.decode(b)
    img = imagebank.decode(b, limits=lim("truncated"))
    assert (img.width, img.height) == (96, 64)


def test_truncated_jpeg_refused_unless_none():
    jpeg = dc.encoded("JPEG")
    cut = jpeg[: len(jpeg) * 6 // 10]
    for level in ("truncated", "error", "warning"):
        with pytest.raises(imagebank.CorruptDataError, match="truncated"):
            imagebank.decode(cut, limits=lim(level))
    assert imagebank.probe(cut, limits=lim("none")).tolerated == ["truncated"]
    img = imagebank.decode(cut, limits=lim("none"))
    assert (img.width, img.height) == (96, 64)


def test_png_classes():
    png = dc.encoded("PNG")
    bad_text = dc.png_with(png, dc.chunk(b"tEXt", b"a\x00b", 0x5A), b"IDAT")
    assert imagebank.probe(bad_text).tolerated == ["png_ancillary_crc"]
    assert imagebank.decode(bad_text) == imagebank.decode(png)
    with pytest.raises(imagebank.CorruptDataError, match="CRC"):
        imagebank.probe(bad_text, limits=lim("warning"))
    phys_late = dc.png_with(png, dc.chunk(b"pHYs", bytes(9)), b"IEND")
    assert imagebank.decode(phys_late, limits=lim("warning")) == imagebank.decode(png)
    bad_idat = dc.png_bad_idat_crc()
    # libspng alone misses a bad CRC on the last IDAT; browsers refuse it.
    with pytest.raises(imagebank.CorruptDataError, match="IDAT.*CRC"):
        imagebank.decode(bad_idat)
    img = imagebank.decode(bad_idat, limits=lim("truncated"))
    assert img == imagebank.decode(png)


def test_avif_without_pixi():
    b = dc.avif_without_pixi()
    assert imagebank.probe(b).tolerated == ["avif_not_strict"]
    assert imagebank.decode(b) == imagebank.decode(DATA / "rgb.avif")
    with pytest.raises(imagebank.CorruptDataError):
        imagebank.probe(b, limits=lim("warning"))


def test_every_class_against_pillow():
    # Where Pillow (and browsers) show a file without complaint, so does the
    # default policy; what the default refuses is truncated or corrupt.
    for case in dc.cases():
        pillow = dc.pillow_outcome(case.data)
        try:
            imagebank.decode(case.data)
            ours = "decodes"
        except imagebank.CorruptDataError as e:
            ours = "refuses"
            assert "truncated" in str(e) or "corrupt" in str(e).lower(), case.name
        if ours == "refuses":
            assert "truncated" in case.name or "bad" in case.name or "CRC" in case.name, (
                case.name, pillow)


def test_ingest_records_the_tolerance(tmp_path: pathlib.Path):
    photos = tmp_path / "in"
    photos.mkdir()
    (photos / "ABC1_01.jpg").write_bytes(dc.jpeg_extraneous_bytes())
    (photos / "ABC1_02.jpg").write_bytes(dc.encoded("JPEG", 200))
    bank = core.Bank.open(dir=tmp_path / "bank")
    batch = bank.ingest(photos, workers=1, formats=["jpeg"], presets=["thumbnail"])
    assert bank.batch(batch.id).counts.done == 2
    def stored(name: str) -> core.ImageRecord:
        sha = hashlib.sha256((photos / name).read_bytes()).hexdigest()
        return bank.catalog.find_image_by_sha256(sha)

    assert stored("ABC1_01.jpg").decode_tolerance == "jpeg_extraneous_bytes"
    assert stored("ABC1_02.jpg").decode_tolerance == ""
    # The same file under fail_on=warning fails its job, naming the file.
    strict = core.Bank.open(dir=tmp_path / "strict")
    b2 = strict.ingest(photos, workers=1, formats=["jpeg"], presets=["thumbnail"],
                       limits=lim("warning"))
    failed = list(strict.jobs.list_jobs(b2.id, state="failed"))
    assert [j.original_name for j in failed] == ["ABC1_01.jpg"]
    assert isinstance(failed[0].error, imagebank.CorruptDataError)
