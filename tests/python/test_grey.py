"""The grey views (decode_pillow_grey, decode_fast_grey, pillow_grey), the
format table (format_info) and the blob-range helpers."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage  # installed with ImageHash (py_test)

import imagebank
from conftest import DATA


@pytest.mark.parametrize(
    "name", ["rgb.jpg", "cmyk.jpg", "gray.png", "palette.png", "rgb16.png", "interlaced.png", "lossy.webp"]
)
def test_pillow_grey_is_pillows_convert_L(name: str) -> None:
    ours = np.asarray(imagebank.decode_pillow_grey(DATA / name))
    with PILImage.open(DATA / name) as im:
        theirs = np.asarray(im.convert("L"))
    assert ours.shape[:2] == theirs.shape
    assert np.array_equal(ours.reshape(theirs.shape), theirs)


def test_pillow_grey_of_pixels_and_bytes_agree() -> None:
    data = (DATA / "rgb.png").read_bytes()
    from_bytes = imagebank.decode_pillow_grey(data)
    from_pixels = imagebank.pillow_grey(imagebank.decode(data, auto_orient=False, to_srgb=False))
    assert from_bytes == from_pixels
    assert from_bytes.channels == 1


def test_fast_grey_is_upright_and_shrinks_on_load() -> None:
    info = imagebank.probe(DATA / "orient6.jpg")
    full = imagebank.decode_fast_grey(DATA / "orient6.jpg")
    assert (full.width, full.height, full.channels) == (info.display_width, info.display_height, 1)
    small = imagebank.decode_fast_grey(DATA / "orient6.jpg", min_side=1)
    assert small.width < full.width and small.height < full.height
    # Pillow's view keeps the stored orientation.
    stored = imagebank.decode_pillow_grey(DATA / "orient6.jpg")
    assert (stored.width, stored.height) == (info.width, info.height)


def test_grey_errors_name_the_file(tmp_path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"not an image, just some words of text" * 4)
    with pytest.raises(imagebank.UnsupportedFormatError, match="notes.txt"):
        imagebank.decode_fast_grey(junk)
    with pytest.raises(imagebank.UnsupportedFormatError, match="notes.txt"):
        imagebank.decode_pillow_grey(junk)
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.decode_pillow_grey(DATA / "rgb.jpg", limits=imagebank.Limits(max_pixels=4))


def test_format_table() -> None:
    rows = imagebank.format_infos()
    assert rows[0].name == "unknown"
    names = [r.name for r in rows]
    assert {"jpeg", "png", "webp", "avif", "heic"} <= set(names)
    jpeg = imagebank.format_info("jpg")
    assert (jpeg.name, jpeg.mime_type, jpeg.extension) == ("jpeg", "image/jpeg", "jpg")
    assert jpeg.can_decode and jpeg.can_encode and jpeg.shrink_on_load
    assert not imagebank.format_info("heic").can_decode
    for r in rows[1:]:
        assert imagebank.mime_type(r.name) == r.mime_type
        if r.can_encode:
            assert imagebank.file_extension(r.name) == r.extension


def test_resolve_range_and_quote() -> None:
    assert imagebank.resolve_range("k", 100) == (0, 100)
    assert imagebank.resolve_range("k", 100, offset=90, length=50) == (90, 10)
    assert imagebank.resolve_range("k", 100, offset=100) == (100, 0)
    with pytest.raises(imagebank.InvalidArgumentError, match='"k"'):
        imagebank.resolve_range("k", 100, offset=101)
    assert imagebank.quote_blob_key("a\nb") == '"a\\x0ab"'
