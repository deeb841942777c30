"""The offline analyzer through open_vision_analyzer("offline://"): synthetic
photos with known answers, tests/data, and the real photo corpus when
IMAGEBANK_CORPUS is set."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import imagebank
from conftest import DATA


def _photo(array: np.ndarray, name: str = "synthetic.jpg") -> imagebank.VisionImage:
    h, w, _ = array.shape
    return imagebank.VisionImage("0" * 64, b"", name=name, width=w, height=h,
                                 rgb=np.ascontiguousarray(array).tobytes())


def _analyze(image: imagebank.VisionImage, uri: str = "offline://",
             **request: object) -> imagebank.VisionResult:
    analyzer = imagebank.open_vision_analyzer(uri)
    result = analyzer.analyze(image, imagebank.VisionRequest(**request))  # type: ignore[arg-type]
    imagebank.validate_vision_result(result)
    return result


def test_opens_with_params_and_refuses_unknown_ones() -> None:
    analyzer = imagebank.open_vision_analyzer("offline://?colors=2&tolerance=10")
    assert (analyzer.provider(), analyzer.model()) == ("offline", "offline-1")
    for bad in ("offline://?colour=2", "offline://?colors=0", "offline://other"):
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.open_vision_analyzer(bad)


def test_navy_and_white_piece_on_white() -> None:
    a = np.full((400, 300, 3), 255, dtype=np.uint8)
    a[50:350, 75:225] = (0x1F, 0x2A, 0x44)
    a[150:200, 100:200] = (250, 250, 250)
    r = _analyze(_photo(a))
    assert [c.name for c in r.colors] == ["azul-marinho", "branco"]
    assert r.colors[0].share > r.colors[1].share
    assert r.description == "Peça em azul-marinho e branco sobre fundo branco."
    assert {"azul-marinho", "branco", "fundo-branco"} <= set(r.tags)
    assert r.quality is not None and r.quality.white_background
    assert r.quality.background_hex == "#ffffff"
    assert (r.garment_type, r.material, r.style) == ("", "", "")
    assert len(r.items) == 1 and r.items[0].label == ""
    assert r.items[0].box == pytest.approx((0.25, 0.125, 0.5, 0.75), abs=0.01)
    assert len(r.blurhash) == 28
    raw = json.loads(r.raw_json)
    assert raw["mask"] == "ok" and raw["background"]["white"] is True
    assert 0.5 < r.confidence <= 1


def test_two_blobs_are_two_items_and_output_is_deterministic() -> None:
    a = np.full((200, 400, 3), 255, dtype=np.uint8)
    a[40:180, 20:180] = (0x80, 0x00, 0x20)
    a[60:160, 250:350] = (0x80, 0x80, 0x00)
    image = _photo(a)
    r = _analyze(image)
    assert [i.colors[0].name for i in r.items] == ["vinho", "verde-oliva"]
    assert r == _analyze(image)
    assert r.raw_json == _analyze(image).raw_json
    assert _analyze(image, want_items=False).items == []
    assert [c.name for c in _analyze(image, "offline://?colors=1").colors] == ["vinho"]


@pytest.mark.parametrize("array", [
    np.full((100, 200, 3), 255, dtype=np.uint8),   # all background
    np.full((1, 1, 3), 7, dtype=np.uint8),         # 1 x 1
    np.full((64, 64, 3), 128, dtype=np.uint8),     # flat grey
])
def test_nothing_to_separate_measures_no_piece(array: np.ndarray) -> None:
    r = _analyze(_photo(array))
    assert (r.colors, r.items, r.description, r.confidence) == ([], [], "", 0.0)
    assert json.loads(r.raw_json)["mask"] == "all-background"
    assert r.quality is not None and r.quality.foreground_share == 0


def test_busy_border_is_not_guessed() -> None:
    noisy = np.random.default_rng(4).integers(0, 256, (128, 128, 3), dtype=np.uint8)
    r = _analyze(_photo(noisy))
    assert r.colors == [] and r.confidence == 0 and "fundo-variado" in r.tags


def test_jpeg_only_and_bad_input() -> None:
    prepared = imagebank.prepare_vision_image(DATA / "rgb.jpg")
    jpeg_only = imagebank.VisionImage(prepared.sha256, prepared.jpeg, name="rgb.jpg")
    from_jpeg = _analyze(jpeg_only)
    assert from_jpeg.provider == "offline" and from_jpeg.blurhash
    with pytest.raises(imagebank.InvalidArgumentError, match="nothing.jpg"):
        _analyze(imagebank.VisionImage("0" * 64, b"", name="nothing.jpg"))
    with pytest.raises(imagebank.InvalidArgumentError):
        _analyze(prepared, locale="en")


def _photos(folder: pathlib.Path) -> list[pathlib.Path]:
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))


def test_every_test_data_photo_gives_a_valid_result() -> None:
    analyzer = imagebank.open_vision_analyzer("offline://")
    request = imagebank.VisionRequest()
    for path in _photos(DATA):
        try:
            prepared = imagebank.prepare_vision_image(path)
        except imagebank.Error:
            continue  # animated or unsupported: not the analyzer's business
        r = analyzer.analyze(prepared, request)
        imagebank.validate_vision_result(r)
        assert r.quality is not None and r.blurhash, path


def test_real_photo_corpus(corpus: pathlib.Path | None) -> None:
    if corpus is None:
        pytest.skip("set IMAGEBANK_CORPUS (../shared/corpus/fetch-photos)")
    analyzer = imagebank.open_vision_analyzer("offline://")
    request = imagebank.VisionRequest()
    photos = _photos(corpus)
    assert photos
    for path in photos:
        prepared = imagebank.prepare_vision_image(path)
        r = analyzer.analyze(prepared, request)
        imagebank.validate_vision_result(r)
        assert r == analyzer.analyze(prepared, request), path
        assert r.quality is not None and r.quality.sharpness >= 0
        assert len(r.items) <= 4 and len(r.colors) <= 3
        for c in r.colors:
            assert c.name and c.hex.startswith("#") and 0 < c.share <= 1
