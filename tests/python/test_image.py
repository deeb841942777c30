"""decode, Image, encode, resize, fit, orientation, variants, negotiate."""

from __future__ import annotations

import threading

import pytest

import imagebank
from conftest import DATA, png_declaring

np = pytest.importorskip("numpy")

RED = (234, 35, 27)  # at stored (10, 8), tests/data/README.md


def test_decode_paths_and_bytes_agree():
    a = imagebank.decode(DATA / "rgb.png")
    b = imagebank.decode((DATA / "rgb.png").read_bytes())
    c = imagebank.decode(str(DATA / "rgb.png"))
    assert a == b == c
    assert (a.width, a.height, a.channels) == (64, 48, 3)
    assert a.shape == (48, 64, 3)


def test_image_buffer_protocol_is_zero_copy():
    img = imagebank.decode(DATA / "rgba.png")
    arr = np.asarray(img)
    assert arr.shape == (48, 64, 4)
    assert arr.dtype == np.uint8
    assert tuple(arr[8, 10, :3]) == RED
    assert arr[10, 40, 3] == 255 - (40 * 191) // 63
    # A view, not a copy: two arrays share the same memory.
    assert np.shares_memory(arr, np.asarray(img))
    assert img.tobytes() == arr.tobytes()


def test_image_from_numpy_round_trip():
    arr = (np.arange(30 * 20 * 3) % 251).astype(np.uint8).reshape(20, 30, 3)
    img = imagebank.Image(arr)
    assert (img.width, img.height, img.channels) == (30, 20, 3)
    assert np.array_equal(np.asarray(img), arr)
    gray = imagebank.Image(arr[:, :, 0])
    assert gray.channels == 1
    # Strided input (a transposed view) is copied correctly.
    t = imagebank.Image(arr.transpose(1, 0, 2))
    assert np.array_equal(np.asarray(t), arr.transpose(1, 0, 2))
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.Image(arr.astype(np.float32))
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.Image(np.zeros((4, 4, 5), np.uint8))


def test_decode_orientation_shrink_and_icc():
    img = imagebank.decode(DATA / "orient6.jpg")
    assert (img.width, img.height) == (48, 64)
    raw = imagebank.decode(DATA / "orient6.jpg", auto_orient=False)
    assert (raw.width, raw.height) == (64, 48)
    assert imagebank.apply_orientation(raw, 6) == img
    small = imagebank.decode(DATA / "lossy.webp", target_width=16)
    assert (small.width, small.height) == (32, 24)
    srgb = np.asarray(imagebank.decode(DATA / "icc.png"))
    stored = np.asarray(imagebank.decode(DATA / "icc.png", to_srgb=False))
    assert tuple(stored[8, 10]) == RED
    assert srgb[8, 10, 0] >= 245 and srgb[8, 10, 1] < stored[8, 10, 1]


def test_decode_errors():
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.decode(png_declaring(20000, 20000))
    with pytest.raises(imagebank.CorruptDataError):
        imagebank.decode((DATA / "rgb.jpg").read_bytes()[:500])
    with pytest.raises(imagebank.LimitExceededError, match="scans"):
        imagebank.decode(DATA / "progressive.jpg", limits=imagebank.Limits(jpeg_max_scans=2))
    with pytest.raises(imagebank.NotFoundError):
        imagebank.decode(DATA / "missing.png")


@pytest.mark.parametrize("name", ["rgb.jpg", "rgb.png", "lossy.webp", "rgb.avif"])
def test_a_decode_out_of_time_is_deadline_exceeded(name):
    hurry = imagebank.Limits(decode_deadline=1e-9)  # rounds to 0 ms
    with pytest.raises(imagebank.DeadlineExceededError, match="deadline") as raised:
        imagebank.decode(DATA / name, limits=hurry)
    assert raised.value.code == "deadline_exceeded"


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp", "avif"])
def test_encode_round_trip(fmt):
    img = imagebank.decode(DATA / "rgb.png")
    data = imagebank.encode(img, fmt, quality=90)
    info = imagebank.probe(data)
    assert info.format == fmt
    assert (info.width, info.height) == (64, 48)
    assert not info.icc
    back = np.asarray(imagebank.decode(data)).astype(int)
    diff = np.abs(back - np.asarray(img).astype(int)).mean()
    assert diff < (0.5 if fmt == "png" else 8), diff
    assert imagebank.encode(img, fmt, quality=90) == data  # deterministic


def test_encode_options_and_errors():
    img = imagebank.decode(DATA / "rgb.png")
    assert imagebank.probe(imagebank.encode(img, "jpeg", progressive=True)).progressive
    assert not imagebank.probe(imagebank.encode(img, "jpeg", progressive=False)).progressive
    assert imagebank.probe(imagebank.encode(img, "webp", keep_srgb_icc=True)).icc
    lossless = imagebank.encode(img, "webp", lossless=True)
    assert imagebank.decode(lossless) == img
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.encode(img, "gif")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.encode(img, "jpeg", quality=0)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.encode(img, "jpeg", subsampling="411")


def test_resize_crop_fit():
    img = imagebank.decode(DATA / "rgb.png")
    half = imagebank.resize(img, 32, 24)
    assert half.shape == (24, 32, 3)
    assert imagebank.resize(img, 32, 24, filter="box").shape == (24, 32, 3)
    part = imagebank.crop(img, 4, 4, 12, 8)
    assert tuple(np.asarray(part)[4, 6]) == RED
    assert imagebank.fit_to(img, 32, 32).shape == (24, 32, 3)
    assert imagebank.fit_to(img, 32, 32, fit="cover").shape == (32, 32, 3)
    padded = np.asarray(imagebank.fit_to(img, 32, 32, fit="pad"))
    assert padded.shape == (32, 32, 3)
    assert tuple(padded[0, 0]) == (255, 255, 255)
    assert imagebank.fit_to(img, 640, 480).shape == (48, 64, 3)  # no upscale
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.crop(img, 60, 40, 10, 10)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.resize(img, 0, 10)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.fit_to(img, 10, 10, fit="stretch")


def test_make_variants_presets_formats_and_keys():
    presets = imagebank.default_presets()
    assert [p.name for p in presets] == ["thumbnail", "small", "grid", "detail", "header", "zoom"]
    tiny = imagebank.Preset("tiny", 32, 32, fit="cover")
    out = imagebank.make_variants(DATA / "rgb.png", presets=[tiny, "small"],
                                  formats=["webp", "jpeg"])
    assert [(v.preset, v.format) for v in out] == [
        ("tiny", "webp"), ("tiny", "jpeg"), ("small", "webp"), ("small", "jpeg")]
    for v in out:
        info = imagebank.probe(v.data)
        assert (info.format, info.width, info.height) == (v.format, v.width, v.height)
    assert (out[0].width, out[0].height) == (32, 32)
    assert (out[2].width, out[2].height) == (64, 48)  # small: never upscaled
    same = imagebank.make_variants((DATA / "rgb.png").read_bytes(), presets=[tiny],
                                   formats=["webp"])
    assert same[0].data == out[0].data
    key = imagebank.variant_key("ab" * 32, "grid", "webp")
    assert key.startswith("variants/" + "ab" * 32 + "/grid.") and key.endswith(".webp")
    imagebank.validate_blob_key(key)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.Preset("Bad Name", 10, 10)
    with pytest.raises(imagebank.NotFoundError):
        imagebank.make_variants(DATA / "rgb.png", presets=["nope"])
    with pytest.raises(imagebank.CorruptDataError):
        imagebank.make_variants((DATA / "rgb.jpg").read_bytes()[:300])


def test_negotiate():
    chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
    n = imagebank.negotiate(chrome)
    assert (n.format, n.acceptable, n.vary_accept) == ("avif", True, True)
    assert imagebank.negotiate("image/webp,*/*", available=["jpeg", "webp"]).format == "webp"
    assert imagebank.negotiate("image/webp;q=0.9, image/avif;q=0.5").format == "webp"
    # A wildcard vouches only for the universal formats: a browser that names
    # neither AVIF nor WebP gets JPEG; old Firefox ("image/webp,*/*") WebP.
    assert imagebank.negotiate("image/*, image/avif;q=0").format == "jpeg"
    assert imagebank.negotiate("image/webp,*/*").format == "webp"
    assert imagebank.negotiate("garbage;;;").format == "jpeg"
    none = imagebank.negotiate("text/html", available=["avif", "webp", "jpeg"])
    assert none.acceptable is False and none.format == "jpeg"


def test_gil_released_during_variants():
    """Another Python thread keeps running while make_variants works."""
    stop = threading.Event()
    ticks = 0

    def spin():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        imagebank.make_variants(DATA / "rgb.png", formats=["avif"])
    finally:
        stop.set()
        t.join()
    assert ticks > 1000


def test_sizes_and_fingerprints():
    assert imagebank.shrink_on_load_factor(5640, 3172, 1, 300, 300) == 4
    assert imagebank.shrink_on_load_factor(5640, 3172, 1, 0, 0) == 1
    assert imagebank.fitted_size(3840, 2160, 1200, 1200) == (1200, 675)
    assert imagebank.fitted_size(3840, 2160, 500, 500, fit="cover") == (500, 500)
    assert imagebank.fitted_size(64, 48, 640, 480) == (64, 48)
    assert imagebank.fitted_size(64, 48, 640, 480, upscale=True) == (640, 480)
    fp = imagebank.encoder_fingerprint("jpeg")
    assert fp.startswith("jpeg:q80:p1:420:o1|libjpeg-turbo")
    assert imagebank.encoder_fingerprint("jpeg", quality=70) != fp
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.fitted_size(64, 48, 10, 10, fit="stretch")


def test_format_names_presets_and_extensions():
    assert imagebank.format_from_name("jpg") == "jpeg"
    assert imagebank.format_from_name("webp") == "webp"
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.format_from_name("bogus")
    assert [imagebank.file_extension(f) for f in ("jpeg", "png", "webp", "avif")] == ["jpg", "png", "webp", "avif"]
    zoom = imagebank.find_preset("zoom")
    assert (zoom.name, zoom.width, zoom.height, zoom.fit) == ("zoom", 2400, 2400, "fit")
    with pytest.raises(imagebank.NotFoundError) as e:
        imagebank.find_preset("huge")
    assert "huge" in str(e.value)
    imagebank.validate_preset(imagebank.Preset("banner", 1600, 600, fit="cover"))
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.validate_preset(imagebank.Preset("bad name!", 100, 100))
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.validate_preset(imagebank.Preset("nobox"))
