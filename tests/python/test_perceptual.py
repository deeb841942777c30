"""pHash, dHash and aHash (imagebank.phash, dhash, ahash, perceptual_hashes).

compat="imagehash" must be bit-identical to imagehash 4.3 on Pillow (both
test dependencies, installed by scripts/install-deps.sh --test)."""

from __future__ import annotations

import pathlib
import random
import struct
import warnings
import zlib

import imagehash
import numpy as np
import pytest
from PIL import Image as PILImage

import imagebank
from conftest import DATA, png_chunk, png_declaring

HASH_DATA = DATA / "hash"


def imagehash_triple(img: PILImage.Image) -> tuple[int, int, int]:
    with warnings.catch_warnings():
        # Pillow warns when a palette with tRNS bytes is made "L"; the pixels
        # are what they are.
        warnings.simplefilter("ignore")
        return (
            int(str(imagehash.phash(img)), 16),
            int(str(imagehash.dhash(img)), 16),
            int(str(imagehash.average_hash(img)), 16),
        )


def pillow_opens(path) -> bool:
    try:
        with PILImage.open(path) as im:
            im.load()
        return True
    except Exception:
        return False


def imagebank_opens(path) -> bool:
    try:
        imagebank.probe(path)
        return True
    except imagebank.Error:
        return False


def image_files():
    return sorted(p for p in list(DATA.glob("*.*")) + list(HASH_DATA.glob("*.*"))
                  if p.suffix not in (".md", ".py", ".csv"))


def test_parity_with_imagehash_on_every_test_image():
    compared, mismatched = [], []
    for path in image_files():
        if not (pillow_opens(path) and imagebank_opens(path)):
            continue
        with PILImage.open(path) as im:
            want = imagehash_triple(im)
        got = imagebank.perceptual_hashes(path, compat="imagehash")
        compared.append(path.name)
        if tuple(got) != want:
            mismatched.append((path.name, [f"{v:016x}" for v in got], [f"{v:016x}" for v in want]))
    assert not mismatched, mismatched
    # Every decodable format and mode took part.
    assert len(compared) >= 50, compared
    for name in ("cmyk.jpg", "progressive.jpg", "palette_trns.png", "gray16.png", "gray1.png",
                 "rgb16.png", "gray_alpha16.png", "lossless_alpha.webp", "animated.webp",
                 "gray.avif", "tall.png", "tiny.png", "flat.png", "jpeg440.jpg"):
        assert name in compared, name


def test_parity_from_bytes_and_single_hashes():
    data = (DATA / "rgb.jpg").read_bytes()
    with PILImage.open(DATA / "rgb.jpg") as im:
        p, d, a = imagehash_triple(im)
    assert imagebank.phash(data, compat="imagehash") == p
    assert imagebank.dhash(data, compat="imagehash") == d
    assert imagebank.ahash(data, compat="imagehash") == a
    assert imagebank.phash(str(DATA / "rgb.jpg"), compat="imagehash") == p


@pytest.mark.parametrize("shape", [(32, 32), (32, 32, 3), (8, 8), (8, 9), (48, 64, 3), (64, 48, 4),
                                   (7, 5, 2), (200, 20), (20, 200, 3), (1, 1), (33, 31), (300, 41, 3)])
def test_parity_from_pixels(shape):
    rng = np.random.default_rng(sum(shape))
    for trial in range(6):
        if trial == 0:
            arr = np.full(shape, 91, np.uint8)  # flat: every AC coefficient ties
        elif trial == 1:
            arr = rng.integers(0, 2, shape, dtype=np.uint8) * 255  # extremes
        else:
            # Smooth plus noise, like a photo.
            yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
            base = 128 + 90 * np.sin(xx / (3 + trial)) * np.cos(yy / (2 + trial))
            if len(shape) == 3:
                base = base[:, :, None] + np.arange(shape[2]) * 7
            arr = np.clip(base + rng.normal(0, 20, shape), 0, 255).astype(np.uint8)
        pil = PILImage.fromarray(arr)  # "L", "LA", "RGB" or "RGBA" by shape
        assert pil.mode == ("L" if arr.ndim == 2 else ["LA", "RGB", "RGBA"][arr.shape[2] - 2])
        got = imagebank.perceptual_hashes(imagebank.Image(arr), compat="imagehash")
        assert tuple(got) == imagehash_triple(pil), (shape, trial)


def test_phash_dct_parity_on_unresized_32x32():
    # A 32x32 "L" image is not resampled: this checks the DCT, the median
    # and the bit order alone, including ties the DCT's rounding decides.
    rng = np.random.default_rng(7)
    arrays = [rng.integers(0, 256, (32, 32), dtype=np.uint8) for _ in range(150)]
    arrays += [np.full((32, 32), v, np.uint8) for v in (0, 1, 128, 255)]
    sym = np.add.outer(np.arange(32), np.arange(32)[::-1]) % 7 * 30
    arrays += [sym.astype(np.uint8), np.tile(np.arange(32, dtype=np.uint8) * 8, (32, 1)),
               np.tile(np.array([0, 255], np.uint8), (32, 16)), np.kron(np.eye(4), np.ones((8, 8))).astype(np.uint8) * 200]
    for arr in arrays:
        want = int(str(imagehash.phash(PILImage.fromarray(arr))), 16)
        assert imagebank.phash(imagebank.Image(arr), compat="imagehash") == want


def test_results_are_64_bit_ints_and_tuple_like():
    h = imagebank.perceptual_hashes(DATA / "rgb.png")
    p, d, a = h
    assert (h.phash, h.dhash, h.ahash) == (p, d, a)
    for v in h:
        assert isinstance(v, int) and 0 <= v < 2**64
    assert imagebank.phash(DATA / "rgb.png") == p
    assert imagebank.dhash(DATA / "rgb.png") == d
    assert imagebank.ahash(DATA / "rgb.png") == a
    # A photo-like image has both values of every bit in some hash.
    assert 0 < p < 2**64 - 1


def test_fast_mode_applies_orientation():
    # The same upright pixels stored rotated with an EXIF orientation tag
    # hash like the upright file.
    upright = imagebank.decode(DATA / "rgb.png")
    arr = np.asarray(upright)
    stored = np.ascontiguousarray(np.rot90(arr, k=1))  # orientation 6 shows it rotated back
    encoded = imagebank.encode(imagebank.Image(stored), "png")
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">HHHIHH", 1, 0x0112, 3, 1, 6, 0) + b"\x00\x00\x00\x00"
    idat = encoded.index(b"IDAT") - 4
    rotated = encoded[:idat] + png_chunk(b"eXIf", tiff) + encoded[idat:]
    assert imagebank.probe(rotated).orientation == 6
    assert imagebank.perceptual_hashes(rotated) == imagebank.perceptual_hashes(DATA / "rgb.png")
    # imagehash does not rotate, and neither does compat mode.
    with PILImage.open(__import__("io").BytesIO(rotated)) as im:
        assert tuple(imagebank.perceptual_hashes(rotated, compat="imagehash")) == imagehash_triple(im)


def test_fast_mode_is_close_to_imagehash():
    for name in ("rgb.jpg", "rgb.png", "lossy.webp", "progressive.jpg", "gray.png"):
        fast = imagebank.perceptual_hashes(DATA / name)
        compat = imagebank.perceptual_hashes(DATA / name, compat="imagehash")
        for f, c in zip(fast, compat):
            assert imagebank.hamming(f, c) <= 12, name
    # ...and far from an unrelated image.
    noise = imagebank.Image(np.random.default_rng(1).integers(0, 256, (48, 64, 3), dtype=np.uint8))
    assert imagebank.hamming(imagebank.phash(noise), imagebank.phash(DATA / "rgb.png")) > 12


def test_fast_mode_from_pixels_and_from_file_agree_for_lossless():
    img = imagebank.decode(DATA / "rgba.png")
    assert imagebank.perceptual_hashes(img) == imagebank.perceptual_hashes(DATA / "rgba.png")


def test_bad_input(tmp_path: pathlib.Path):
    good = (DATA / "rgb.jpg").read_bytes()
    cases = {
        "truncated": (good[: len(good) // 2], imagebank.CorruptDataError),
        "empty": (b"", imagebank.CorruptDataError),
        "garbage": (b"\xff\xd8\xff" + bytes(range(256)) * 4, imagebank.CorruptDataError),
        "huge": (png_declaring(100_000, 100_000), imagebank.LimitExceededError),
        "gif": ((DATA / "sample.gif").read_bytes(), imagebank.UnsupportedFormatError),
        "unknown": (b"not an image at all, just text", imagebank.UnsupportedFormatError),
    }
    # Corrupt pixel data in a structurally valid PNG (chunk CRCs right, the
    # zlib stream inside the IDAT not).
    ihdr = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    bad_png = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
               + png_chunk(b"IDAT", b"\x78\x9c" + b"\xff" * 30) + png_chunk(b"IEND", b""))
    cases["bad_png"] = (bad_png, imagebank.CorruptDataError)
    for compat in (None, "imagehash"):
        for name, (data, error) in cases.items():
            path = tmp_path / f"{name}.img"
            path.write_bytes(data)
            with pytest.raises(error) as e:
                imagebank.perceptual_hashes(path, compat=compat)
            assert str(path) in str(e.value), (name, compat)
            with pytest.raises(error):
                imagebank.phash(data, compat=compat)
    with pytest.raises(imagebank.NotFoundError):
        imagebank.phash(tmp_path / "missing.jpg")
    limits = imagebank.Limits()
    limits.max_pixels = 1000
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.phash(DATA / "rgb.jpg", compat="imagehash", limits=limits)


def test_bad_arguments():
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.phash(DATA / "rgb.jpg", compat="pillow")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.perceptual_hashes(DATA / "rgb.jpg", compat="")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.dhash(12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        imagebank.ahash(DATA / "rgb.jpg", "imagehash")  # type: ignore[call-arg]  # compat is keyword-only


def test_threads_give_the_same_hashes():
    import concurrent.futures

    files = [p for p in image_files() if p.suffix in (".jpg", ".png")][:12]
    want = [imagebank.perceptual_hashes(p, compat="imagehash") for p in files]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda p: imagebank.perceptual_hashes(p, compat="imagehash"), files * 3))
    assert got == want * 3


def test_corrupt_png_row_data_is_an_error():
    # A valid PNG whose pixel rows use an undefined filter type (7).
    raw = b"".join(b"\x07" + bytes(3 * 8) for _ in range(8))
    ihdr = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw))
            + png_chunk(b"IEND", b""))
    for compat in (None, "imagehash"):
        with pytest.raises(imagebank.CorruptDataError):
            imagebank.perceptual_hashes(data, compat=compat)


def test_random_corruptions_never_crash():
    good = (DATA / "progressive.jpg").read_bytes()
    rng = random.Random(11)
    for _ in range(60):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        for compat in (None, "imagehash"):
            try:
                h = imagebank.perceptual_hashes(bytes(data), compat=compat)
                assert all(0 <= v < 2**64 for v in h)
            except (imagebank.CorruptDataError, imagebank.UnsupportedFormatError,
                    imagebank.LimitExceededError):
                pass


def test_fast_mode_progressive_jpeg_at_one_eighth():
    # Large enough for the 1/8 decode, where a progressive file is read only
    # up to the scan that completes the luma DC.
    yy, xx = np.mgrid[0:512, 0:640]
    base = 120 + 80 * np.sin(xx / 37.0) * np.cos(yy / 23.0)
    arr = np.clip(np.stack([base, base * 0.8 + 30, 255 - base], axis=2), 0, 255).astype(np.uint8)
    img = imagebank.Image(arr)
    progressive = imagebank.encode(img, "jpeg", quality=85, progressive=True)
    baseline = imagebank.encode(img, "jpeg", quality=85, progressive=False)
    fast_p = imagebank.perceptual_hashes(progressive)
    fast_b = imagebank.perceptual_hashes(baseline)
    compat = imagebank.perceptual_hashes(progressive, compat="imagehash")
    with PILImage.open(__import__("io").BytesIO(progressive)) as im:
        assert tuple(compat) == imagehash_triple(im)
    for p, b, c in zip(fast_p, fast_b, compat):
        assert imagebank.hamming(p, b) <= 4
        assert imagebank.hamming(p, c) <= 8
    # A file cut short is still an error (its end-of-image marker is gone).
    with pytest.raises(imagebank.CorruptDataError):
        imagebank.perceptual_hashes(progressive[: len(progressive) // 3])
