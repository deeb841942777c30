"""Cross-SKU conflicts through imagebank.Bank: the same photo filed under two
SKUs is flagged at ingest, listed, and resolved by relinking, discarding or
dismissing; the catalog's store methods and the finding type directly."""

from __future__ import annotations

import pathlib
import shutil
from typing import Any

import pytest

import imagebank
from conftest import DATA

core = imagebank._core
FAST: dict[str, Any] = {"formats": ["jpeg"], "presets": ["thumbnail"]}


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    b = core.Bank.open(dir=tmp_path / "bank")
    carteira = tmp_path / "c.csv"
    carteira.write_text("SKU;Descrição\nAB1;Saia\nAB2;Blusa\nAB3;Calça\n",
                        encoding="utf-8")
    b.import_carteira(carteira, brand="Marca", collection="Verão")
    return b


def ingest(bank: imagebank.Bank, folder: pathlib.Path, files: dict[str, str]) -> int:
    folder.mkdir()
    for name, source in files.items():
        shutil.copy(DATA / source, folder / name)
    batch = bank.ingest(folder, collection="Verão", workers=1, **FAST)
    return int(batch.id)


def test_the_same_photo_under_two_skus_is_a_conflict(
        bank: imagebank.Bank, tmp_path: pathlib.Path) -> None:
    batch = ingest(bank, tmp_path / "p", {
        "AB1_FRENTE.jpg": "rgb.jpg",
        "AB1_FRENTE - Copia.jpg": "rgb.jpg",  # the same SKU: no conflict
        "AB2_FRENTE.jpg": "rgb.jpg",
        "IMG_0001.jpg": "rgb.jpg",  # a camera name: no SKU, no conflict
    })
    found = list(bank.conflicts())
    assert len(found) == 1
    c = found[0]
    assert isinstance(c, core.SkuConflict)
    assert (c.kind, c.state) == ("exact", "open")
    assert (c.image_sku, c.other_sku, c.other_name) == ("AB1", "AB2", "AB2_FRENTE.jpg")
    assert c.other_image_id is None and c.image_id is not None
    assert c.batch_id == batch and c.distance == 0
    assert "AB2_FRENTE.jpg" in repr(c)
    assert bank.catalog.get_conflict(c.id) == c
    review = bank.review(batch)
    assert review.conflict_count == 1 and review.conflicts == [c]
    assert list(bank.conflicts(batch_id=batch + 1)) == []
    assert [x.id for x in bank.conflicts(collection="Verão")] == [c.id]
    with pytest.raises(imagebank.NotFoundError):
        bank.conflicts(collection="Inverno")
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.conflicts(page_size=0)
    items, after = bank.catalog.list_conflicts(limit=5)
    assert items == [c] and after == 0

    with pytest.raises(imagebank.InvalidArgumentError, match="relink, discard or dismiss"):
        bank.resolve_conflict(c.id, "forget", reviewer="ana")
    with pytest.raises(imagebank.NotFoundError):
        bank.resolve_conflict(c.id, "relink", sku="ZZ9", reviewer="ana")
    done = bank.resolve_conflict(c.id, "relink", sku="AB2", reviewer="ana")
    assert (done.conflict.state, done.conflict.resolved_sku) == ("relinked", "AB2")
    assert done.discarded is None and done.discarded_blob_keys == []
    image = bank.catalog.get_image(c.image_id)
    assert image.sku_base == "AB2"
    assert image.product_id == bank.catalog.find_product(bank.collection("Verão").id, "AB2").id
    with pytest.raises(imagebank.ConflictError):
        bank.resolve_conflict(c.id, "dismiss", reviewer="ana")
    assert list(bank.conflicts()) == []
    assert [x.state for x in bank.conflicts(open_only=False)] == ["relinked"]


def test_discarding_removes_the_photo_and_its_objects(
        bank: imagebank.Bank, tmp_path: pathlib.Path) -> None:
    ingest(bank, tmp_path / "p", {"AB1_FRENTE.jpg": "rgb.jpg"})
    later = ingest(bank, tmp_path / "q", {"AB3_COSTAS.jpg": "rgb.jpg"})
    (c,) = bank.conflicts(batch_id=later)
    assert (c.image_sku, c.other_sku) == ("AB1", "AB3")
    assert c.image_id is not None
    image = bank.catalog.get_image(c.image_id)
    keys = {image.blob_key} | {v.blob_key for v in bank.catalog.variants(image.id)}
    done = bank.resolve_conflict(c.id, "discard", reviewer="bo")
    assert done.conflict.state == "discarded" and done.conflict.image_id is None
    assert done.discarded is not None and done.discarded.id == image.id
    assert set(done.discarded_blob_keys) == keys
    with pytest.raises(imagebank.NotFoundError):
        bank.catalog.get_image(image.id)
    for key in keys:
        with pytest.raises(imagebank.NotFoundError):
            bank.blobs.head(key)


def test_a_dismissed_conflict_keeps_the_photo(
        bank: imagebank.Bank, tmp_path: pathlib.Path) -> None:
    ingest(bank, tmp_path / "p", {"AB1_FRENTE.jpg": "gray.jpg", "AB2_FRENTE.jpg": "gray.jpg"})
    (c,) = bank.conflicts()
    done = bank.catalog.resolve_conflict(c.id, "dismiss", reviewer="x")
    assert done.conflict.state == "dismissed" and done.conflict.resolved_by == "x"
    assert c.image_id is not None
    assert bank.catalog.get_image(c.image_id).sku_base == "AB1"
    with pytest.raises(imagebank.NotFoundError):
        bank.catalog.get_conflict(c.id + 100)


def test_a_finding_travels_with_a_job() -> None:
    f = core.ConflictFinding("near", 7, "AB2", 3)
    assert (f.kind, f.image_id, f.sku, f.distance) == ("near", 7, "AB2", 3)
    assert f == core.ConflictFinding("near", 7, "AB2", 3)
    with pytest.raises(imagebank.InvalidArgumentError):
        core.ConflictFinding("same", 7, "AB2")
    job = core.JobInsert("/x/AB2.jpg")
    job.conflicts = [f]
    assert job.conflicts == [f]
