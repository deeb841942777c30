"""ImageService.plan(..., background="removed"): a logo cut out onto
transparency, on demand, under its own key."""

from __future__ import annotations

import hashlib
import pathlib

import numpy as np
import pytest

import imagebank

core = imagebank._core


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    return core.Bank.open(dir=tmp_path / "bank")


def stored_logo(bank: imagebank.Bank) -> core.ImageRecord:
    a = np.full((80, 120, 3), 255, dtype=np.uint8)
    a[20:60, 30:90] = (10, 30, 120)
    data = core.encode(core.Image(a), "png")
    digest = hashlib.sha256(data).hexdigest()
    r = core.ImageRecord()
    r.sha256 = digest
    r.format = "png"
    r.width, r.height = 120, 80
    r.bytes = len(data)
    r.original_name = "logo.png"
    r.blob_key = core.original_blob_key(digest, "png")
    bank.blobs.put(r.blob_key, data)
    return bank.catalog.insert_image(r).image


def test_removed_background_is_a_transparent_png_apart_from_variants(
        bank: imagebank.Bank) -> None:
    image = stored_logo(bank)
    service = core.ImageService(bank.catalog, bank.blobs)
    plan = service.plan(str(image.id), size="thumbnail", background="removed")
    assert plan.status == 200, plan.error
    assert (plan.format, plan.generated) == ("png", True)
    assert ".nobg1." in plan.blob_key
    cut = np.asarray(core.decode(bank.blobs.get(plan.blob_key)))
    assert cut.shape[2] == 4
    assert cut[0, 0, 3] == 0 and cut[cut.shape[0] // 2, cut.shape[1] // 2, 3] == 255
    assert bank.catalog.variants(image.id) == []
    normal = service.plan(str(image.id), size="thumbnail")
    assert normal.blob_key != plan.blob_key
    assert normal.header("ETag") != plan.header("ETag")
    bad = service.plan(str(image.id), size="thumbnail", format="jpeg", background="removed")
    assert bad.status == 400 and isinstance(bad.error, imagebank.InvalidArgumentError)
    assert service.plan(str(image.id), size="thumbnail", background="x").status == 400
