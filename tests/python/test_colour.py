"""Colour science and picture measurements: CIELAB, CIEDE2000, pt-BR colour
names, BlurHash (against the reference `blurhash` package), background masks
and removal."""

from __future__ import annotations

import numpy as np
import pytest

import imagebank
from conftest import DATA


def _canvas(w: int, h: int, rgb: tuple[int, int, int]) -> np.ndarray:
    a = np.empty((h, w, 3), dtype=np.uint8)
    a[:, :] = rgb
    return a


def test_ciede2000_on_sharma_pairs_and_symmetry() -> None:
    # Three of Sharma, Wu & Dalal's pairs (the C++ tests check all 34).
    pairs = [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
    ]
    for x, y, expected in pairs:
        assert imagebank.ciede2000(x, y) == pytest.approx(expected, abs=5e-5)
        assert imagebank.ciede2000(y, x) == pytest.approx(expected, abs=5e-5)


def test_lab_conversions() -> None:
    assert imagebank.srgb_to_lab((255, 255, 255)) == pytest.approx((100, 0, 0), abs=1e-3)
    red = imagebank.srgb_to_lab((255, 0, 0))
    assert red == pytest.approx((54.2896, 80.8144, 69.8897), abs=3e-3)
    assert imagebank.lab_to_srgb(red) == (255, 0, 0)
    pixels = bytes([255, 0, 0, 0, 0, 128, 9])
    labs = imagebank.srgb_to_lab_pixels(pixels)
    assert len(labs) == 2 and labs[0] == red
    assert imagebank.rgb_hex((31, 42, 68)) == "#1f2a44"
    with pytest.raises(imagebank.InvalidArgumentError, match="0-255"):
        imagebank.srgb_to_lab((256, 0, 0))


def test_colour_names() -> None:
    def name(rgb: tuple[int, int, int]) -> str:
        return imagebank.name_color(imagebank.srgb_to_lab(rgb))

    assert name((0, 0, 128)) == "azul-marinho"
    assert name((0x80, 0x00, 0x20)) == "vinho"
    assert name((0x80, 0x80, 0x00)) == "verde-oliva"
    assert name((0xD2, 0xB4, 0x8C)) == "bege"
    assert [name((v, v, v)) for v in (10, 128, 250)] == ["preto", "cinza", "branco"]
    table = dict(imagebank.colour_names())
    assert {"preto", "branco", "azul-marinho", "lilás"} <= set(table)
    assert all(len(rgb) == 3 for rgb in table.values())


def test_blurhash_matches_the_reference_package() -> None:
    blurhash = pytest.importorskip("blurhash")
    from PIL import Image as PILImage

    for path in ("rgb.jpg", "orient1.jpg", "rgb.png", "progressive.jpg"):
        pil = PILImage.open(DATA / path).convert("RGB")
        pil.thumbnail((64, 64))
        array = np.asarray(pil)
        ours = imagebank.blurhash_encode(imagebank.Image(array), 4, 3)
        theirs = blurhash.encode(array, components_x=4, components_y=3)
        assert ours == theirs, path
    # A 1 x 1 picture and 9 x 9 components.
    tiny = _canvas(1, 1, (200, 10, 30))
    assert imagebank.blurhash_encode(imagebank.Image(tiny), 9, 9) == blurhash.encode(
        tiny, components_x=9, components_y=9)


def test_blurhash_decode_and_errors() -> None:
    a = _canvas(32, 16, (20, 20, 220))
    a[:, :16] = (220, 20, 20)
    h = imagebank.blurhash_encode(imagebank.Image(a))
    assert len(h) == 28
    back = np.asarray(imagebank.blurhash_decode(h, 32, 16))
    assert back.shape == (16, 32, 3)
    assert back[8, 2, 0] > back[8, 2, 2] + 100
    assert back[8, 29, 2] > back[8, 29, 0] + 100
    with pytest.raises(imagebank.InvalidArgumentError, match="base 83"):
        imagebank.blurhash_decode(h[:-1] + '"', 8, 8)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.blurhash_decode(h[:-2], 8, 8)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.blurhash_encode(imagebank.Image(a), 0, 3)


def test_find_background_of_a_rectangle_on_white() -> None:
    a = _canvas(64, 48, (255, 255, 255))
    a[12:36, 16:40] = (200, 20, 30)
    mask = imagebank.find_background(imagebank.Image(a))
    assert mask.colour == (255, 255, 255)
    assert mask.white_background and mask.uniformity == 1.0
    bg = np.frombuffer(mask.background, dtype=np.uint8).reshape(48, 64)
    expected = np.ones((48, 64), dtype=np.uint8)
    expected[12:36, 16:40] = 0
    assert (bg == expected).all()
    assert mask.background_share == pytest.approx(1 - 24 * 24 / (64 * 48))
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.find_background(imagebank.Image(a), tolerance=0)


def test_remove_background_cuts_out_a_logo() -> None:
    a = _canvas(40, 40, (255, 255, 255))
    a[9:31, 9:31] = (128, 128, 128)  # anti-aliased rim
    a[10:30, 10:30] = (0, 0, 0)
    out = np.asarray(imagebank.remove_background(imagebank.Image(a)))
    assert out.shape == (40, 40, 4)
    assert out[2, 2, 3] == 0 and out[20, 20, 3] == 255
    assert abs(int(out[20, 9, 3]) - 127) <= 2
    assert out[20, 9, :3].max() <= 3  # no white halo
    noisy = np.random.default_rng(1).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    with pytest.raises(imagebank.InvalidArgumentError, match="not one colour"):
        imagebank.remove_background(imagebank.Image(noisy))
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.remove_background(imagebank.Image(a), feather=99)
