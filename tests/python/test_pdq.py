"""PDQ (imagebank.pdq, imagebank.pdq_dihedral) against the reference's
Python bindings (the pdqhash package), fed the same decoded pixels."""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pdqhash
import pytest

import imagebank

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
MAX_BITS = 2  # the bound on every image
MAX_QUALITY_DIFF = 1


def decodable(folder: pathlib.Path) -> list[pathlib.Path]:
    out = []
    for path in sorted(folder.glob("*.*")):
        if path.suffix.lower() not in {".jpg", ".png", ".webp", ".avif"}:
            continue
        try:
            image = imagebank.decode(path)
        except imagebank.Error:
            continue  # formats or files imagebank refuses
        if min(image.width, image.height) >= 5:  # smaller: see the tiny test
            out.append(path)
    return out


IMAGES = decodable(DATA) + decodable(DATA / "hash")


def reference(pixels: np.ndarray, dihedral: bool = False):
    """pdqhash on imagebank's pixels: it takes 3 channels (alpha ignored,
    grey repeated)."""
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    if pixels.shape[2] < 3:
        pixels = np.repeat(pixels[:, :, :1], 3, axis=2)
    pixels = np.ascontiguousarray(pixels[:, :, :3])
    if dihedral:
        hashes, quality = pdqhash.compute_dihedral(pixels)
        return [(np.packbits(h).tobytes(), quality) for h in hashes]
    bits, quality = pdqhash.compute(pixels)
    return np.packbits(bits).tobytes(), quality


def test_there_is_something_to_compare():
    assert len(IMAGES) >= 40


@pytest.mark.parametrize("path", IMAGES, ids=lambda p: p.name)
def test_pdq_matches_pdqhash(path):
    image = imagebank.decode(path)
    want, want_quality = reference(np.asarray(image))
    got, quality = imagebank.pdq(image)
    assert isinstance(got, bytes) and len(got) == 32
    assert imagebank.hamming(got, want) <= MAX_BITS, (got.hex(), want.hex())
    assert abs(quality - want_quality) <= MAX_QUALITY_DIFF
    # The file and bytes forms decode the same way (small files: no
    # shrink-on-load).
    assert imagebank.pdq(path) == (got, quality)
    assert imagebank.pdq(str(path)) == (got, quality)
    assert imagebank.pdq(path.read_bytes()) == (got, quality)


@pytest.mark.parametrize("path", IMAGES, ids=lambda p: p.name)
def test_pdq_dihedral_matches_pdqhash(path):
    image = imagebank.decode(path)
    want = reference(np.asarray(image), dihedral=True)
    got = imagebank.pdq_dihedral(image)
    assert len(got) == 8
    for k, ((h, q), (wh, wq)) in enumerate(zip(got, want)):
        assert imagebank.hamming(h, wh) <= MAX_BITS, (k, h.hex(), wh.hex())
        assert abs(q - wq) <= MAX_QUALITY_DIFF
    assert got[0] == imagebank.pdq(image)
    assert imagebank.pdq_dihedral(path) == got


def test_hex_is_the_reference_text_form():
    image = imagebank.decode(DATA / "rgb.png")
    got, _ = imagebank.pdq(image)
    bits, _ = pdqhash.compute(np.ascontiguousarray(np.asarray(image)))
    # pdqhash's bit vector lists bit 255 first: its hex is the reference's
    # text form.
    assert got.hex() == np.packbits(bits).tobytes().hex()
    assert len(got.hex()) == 64


def test_structureless_images_match_too():
    """One colour, or all content in alpha: every coefficient is rounding
    noise and only the reference's own roundings give its bits."""
    solid = np.zeros((480, 640, 3), np.uint8)
    solid[...] = (17, 99, 201)
    white = np.full((700, 1000, 4), 255, np.uint8)
    white[..., 3] = np.arange(1000)[None, :] % 256
    for pixels in (solid, white):
        want, want_quality = reference(pixels)
        got, quality = imagebank.pdq(imagebank.Image(pixels))
        assert imagebank.hamming(got, want) <= MAX_BITS
        assert quality == want_quality == 0


def test_dihedral_order_is_numpy_rotations_and_flips():
    # Sizes where the downsample is exactly symmetric (see pdq_test.cpp).
    y, x = np.mgrid[0:576, 0:320]
    pixels = np.stack([x * 255 // 320, y * 255 // 576, (x * y) % 251], axis=2).astype(np.uint8)
    pixels[50:120, 30:90] = (250, 20, 20)
    variants = imagebank.pdq_dihedral(imagebank.Image(pixels))
    transformed = [
        pixels,
        np.rot90(pixels),  # counter-clockwise
        np.rot90(pixels, 2),
        np.rot90(pixels, 3),
        pixels[::-1],  # upside down
        pixels[:, ::-1],  # left-right
        pixels.transpose(1, 0, 2),
        np.rot90(pixels, 2).transpose(1, 0, 2),
    ]
    for k, t in enumerate(transformed):
        direct, _ = imagebank.pdq(imagebank.Image(np.ascontiguousarray(t)))
        assert imagebank.hamming(direct, variants[k][0]) == 0, k


def test_alpha_ignored_grey_is_luma():
    rng = np.random.default_rng(4)
    rgb = rng.integers(0, 256, (90, 120, 3), dtype=np.uint8)
    rgba = np.concatenate([rgb, rng.integers(0, 256, (90, 120, 1), dtype=np.uint8)], axis=2)
    assert imagebank.pdq(imagebank.Image(rgba)) == imagebank.pdq(imagebank.Image(rgb))
    grey = rgb[:, :, 1].copy()
    assert imagebank.pdq(imagebank.Image(grey)) == imagebank.pdq(
        imagebank.Image(np.repeat(grey[:, :, None], 3, axis=2))
    )


def test_quality_flat_and_busy():
    flat = np.full((100, 200, 3), 90, np.uint8)
    assert imagebank.pdq(imagebank.Image(flat))[1] == 0
    y, x = np.mgrid[0:256, 0:256]
    checker = (((x // 8 + y // 8) % 2) * 255).astype(np.uint8)
    assert imagebank.pdq(imagebank.Image(checker))[1] == 100


def test_tiny_images_are_invalid_argument(tmp_path: pathlib.Path):
    # pdqhash returns an all-zero hash of quality 0 for these, which would
    # match every other tiny image; imagebank refuses them.
    bits, quality = pdqhash.compute(np.zeros((4, 4, 3), np.uint8))
    assert not bits.any() and quality == 0
    for shape in [(1, 1, 3), (3, 5, 3), (100, 4, 1), (4, 100, 4)]:
        with pytest.raises(imagebank.InvalidArgumentError, match=r"\d+x\d+"):
            imagebank.pdq(imagebank.Image(np.zeros(shape, np.uint8)))
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.pdq_dihedral(imagebank.Image(np.zeros(shape, np.uint8)))
    # 5x5 is the smallest hashed.
    h, _ = imagebank.pdq(imagebank.Image(np.arange(75, dtype=np.uint8).reshape(5, 5, 3)))
    assert len(h) == 32
    # Through a file, the error names it.
    png = imagebank.encode(imagebank.Image(np.zeros((3, 3, 3), np.uint8)), "png")
    path = tmp_path / "tiny.png"
    path.write_bytes(png)
    with pytest.raises(imagebank.InvalidArgumentError, match="tiny.png"):
        imagebank.pdq(path)


def test_bad_input_raises_the_right_errors(tmp_path: pathlib.Path):
    with pytest.raises(imagebank.NotFoundError, match="missing.jpg"):
        imagebank.pdq(tmp_path / "missing.jpg")
    with pytest.raises(imagebank.UnsupportedFormatError):
        imagebank.pdq(b"not an image at all")
    cut = (DATA / "rgb.jpg").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(cut[: len(cut) // 2])
    with pytest.raises(imagebank.CorruptDataError, match="cut.jpg"):
        imagebank.pdq(path)
    with pytest.raises(imagebank.CorruptDataError):
        imagebank.pdq_dihedral(path)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.pdq(12345)  # type: ignore[arg-type]
    limits = imagebank.Limits()
    limits.max_pixels = 100
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.pdq(DATA / "rgb.png", limits=limits)


def test_os_pathlike_and_memoryview():
    path = DATA / "rgb.jpg"

    class P(os.PathLike[str]):
        def __fspath__(self):
            return str(path)

    want = imagebank.pdq(path)
    assert imagebank.pdq(P()) == want
    assert imagebank.pdq(memoryview(path.read_bytes())) == want


def test_corpus_within_two_bits(corpus):
    """With IMAGEBANK_CORPUS set: the 30 real photos, up to 18 MP."""
    if corpus is None:
        pytest.skip("set IMAGEBANK_CORPUS to run the corpus parity check")
    worst = 0
    for path in decodable(corpus):
        image = imagebank.decode(path)
        want, want_quality = reference(np.asarray(image))
        got, quality = imagebank.pdq(image)
        worst = max(worst, imagebank.hamming(got, want))
        assert abs(quality - want_quality) <= MAX_QUALITY_DIFF, path
    assert worst <= MAX_BITS
