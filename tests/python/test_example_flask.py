"""examples/python/flask_app.py: a Flask app serving a bank's images through
imagebank, driven through Flask's WSGI test client."""

from __future__ import annotations

import hashlib
import importlib.util
import pathlib
import sys
from types import ModuleType

import pytest

import imagebank
from conftest import DATA, REPO

pytest.importorskip("flask")


def load_example() -> ModuleType:
    path = REPO / "examples" / "python" / "flask_app.py"
    spec = importlib.util.spec_from_file_location("flask_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["flask_app"] = module
    spec.loader.exec_module(module)
    return module


def add_photo(bank_dir: pathlib.Path) -> int:
    bank = imagebank.Bank.open(dir=bank_dir)
    data = (DATA / "orient1.jpg").read_bytes()
    r = imagebank._core.ImageRecord()
    r.sha256 = hashlib.sha256(data).hexdigest()
    r.format = "jpeg"
    r.bytes = len(data)
    r.original_name = "ABC123_FRENTE.jpg"
    r.blob_key = imagebank._core.original_blob_key(r.sha256, "jpg")
    bank.blobs.put(r.blob_key, data)
    return bank.catalog.insert_image(r).image.id


def test_the_flask_example_negotiates_caches_and_ranges(tmp_path: pathlib.Path) -> None:
    image_id = add_photo(tmp_path / "bank")
    client = load_example().create_app(str(tmp_path / "bank"), url_secret="").test_client()
    r = client.get(f"/images/{image_id}?size=grid", headers={"Accept": "image/avif,image/webp,*/*"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/avif"
    assert r.headers["Vary"] == "Accept"
    assert imagebank.probe(r.data).format == "avif"
    etag = r.headers["ETag"]
    again = client.get(f"/images/{image_id}?size=grid", headers={"Accept": "image/avif", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    jpeg = client.get(f"/images/{image_id}?size=thumbnail", headers={"Accept": "*/*"})
    assert jpeg.headers["Content-Type"] == "image/jpeg" and jpeg.headers["Vary"] == "Accept"
    part = client.get(f"/images/{image_id}", headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == (DATA / "orient1.jpg").read_bytes()[:4]
    bad = client.get(f"/images/{image_id}?size=huge")
    assert bad.status_code == 400 and bad.json is not None and bad.json["code"] == "invalid_argument"
    assert client.get("/images/99999?size=grid").status_code == 404


def test_the_flask_example_refuses_unsigned_and_tampered_urls(tmp_path: pathlib.Path) -> None:
    image_id = add_photo(tmp_path / "bank")
    client = load_example().create_app(str(tmp_path / "bank"), url_secret="x" * 32).test_client()
    assert client.get(f"/images/{image_id}?size=grid").status_code == 401
    signed = client.get(f"/sign/{image_id}?size=grid").json
    assert signed is not None
    url = signed["url"]
    assert client.get(url).status_code == 200
    assert client.get(url.replace("size=grid", "size=zoom")).status_code == 403
