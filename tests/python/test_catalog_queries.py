"""The catalog's browsing queries through the Python API: products by
collection, brand, SKU prefix, photo presence and missing view, with their
photo counts (CatalogStore.query_products); near-duplicate pairs still
awaiting a decision (CatalogStore.near_duplicates_to_review)."""

from __future__ import annotations

import pathlib

import pytest

import imagebank

core = imagebank._core


def sha(n: int) -> str:
    return f"{n:064x}"


def record(n: int, view: str = "", collection_id: int | None = None) -> core.ImageRecord:
    r = core.ImageRecord()
    r.sha256 = sha(n)
    r.phash = 0xF0F0F0F0F0F0F0F0 + n
    r.width, r.height = 800, 1200
    r.format = "jpeg"
    r.bytes = 4321
    r.original_name = f"photo{n}.jpg"
    r.view = view
    r.collection_id = collection_id
    r.blob_key = f"originals/{r.sha256[:2]}/{r.sha256[2:4]}/{r.sha256}.jpg"
    return r


@pytest.fixture()
def catalog(tmp_path: pathlib.Path) -> imagebank.CatalogDatabase:
    return core.open_sqlite_catalog(tmp_path / "queries.db")


def test_query_products_filters_and_counts(catalog):
    marca_a, marca_b = catalog.upsert_brand("Marca A"), catalog.upsert_brand("Marca B")
    verao = catalog.upsert_collection(marca_a.id, "Verão", "")
    inverno = catalog.upsert_collection(marca_b.id, "Inverno", "")
    fields = core.CarteiraFields()
    fields.nome_peca = "Blusa"
    catalog.import_products(verao.id, [core.ProductUpsert(s, fields=fields)
                                       for s in ("ABC1", "ABC2", "XYZ9")])
    catalog.import_products(inverno.id, [core.ProductUpsert("ABC3")])
    abc1 = catalog.find_product(verao.id, "ABC1")
    abc2 = catalog.find_product(verao.id, "ABC2")
    for n, (product, view) in enumerate([(abc1, "front"), (abc1, "front"),
                                         (abc1, "back"), (abc2, "detail")], 1):
        image = catalog.insert_image(record(n, view)).image
        catalog.link_image(image.id, product.id, "test")
    rejected = catalog.insert_image(record(9, "back")).image
    catalog.link_image(rejected.id, abc2.id, "test")
    catalog.set_image_status(rejected.id, "rejected")

    everything = list(catalog.query_products())
    assert [s.product.sku for s in everything] == ["ABC1", "ABC2", "XYZ9", "ABC3"]
    first = everything[0]
    assert isinstance(first, imagebank.ProductSummary)
    assert (first.product.id, first.product.collection_id) == (abc1.id, verao.id)
    assert first.product.fields.nome_peca == "Blusa"
    assert first.photos == 3
    assert all(isinstance(v, imagebank.ViewPhotos) for v in first.views)
    assert [(v.view, v.photos) for v in first.views] == [("back", 1), ("front", 2)]
    assert [(v.view, v.photos) for v in everything[1].views] == [("detail", 1)]
    assert (everything[2].photos, everything[2].views) == (0, [])

    def skus(**filters: object) -> list[str]:
        return [s.product.sku for s in catalog.query_products(**filters)]

    assert skus(collection_id=inverno.id) == ["ABC3"]
    assert skus(brand_id=marca_a.id) == ["ABC1", "ABC2", "XYZ9"]
    assert skus(sku_prefix="ABC") == ["ABC1", "ABC2", "ABC3"]
    assert skus(sku_prefix="ABC2") == ["ABC2"]
    assert skus(sku_prefix="abc") == []
    assert skus(has_photo=True) == ["ABC1", "ABC2"]
    assert skus(has_photo=False) == ["XYZ9", "ABC3"]
    assert skus(missing_view="back") == ["ABC2", "XYZ9", "ABC3"]  # ABC2's back is rejected
    assert skus(missing_view="front", has_photo=True, collection_id=verao.id) == ["ABC2"]
    # Pages of one, after an id.
    assert skus(page_size=1) == ["ABC1", "ABC2", "XYZ9", "ABC3"]
    assert skus(after_id=abc2.id) == ["XYZ9", "ABC3"]

    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.query_products(page_size=0)
    with pytest.raises(imagebank.InvalidArgumentError):
        list(catalog.query_products(missing_view=""))


def test_near_duplicates_to_review(catalog):
    brand = catalog.upsert_brand("Marca")
    verao = catalog.upsert_collection(brand.id, "Verão", "")
    known = catalog.insert_image(record(1, collection_id=verao.id)).image
    batch = catalog.create_batch(verao.id, "/uploads")
    catalog.add_jobs(batch.id, [core.JobInsert("/u/a.jpg", sha256=sha(2))])
    (job,) = catalog.lease_jobs(core.LeaseOptions("w1", batch_id=batch.id))
    stored = catalog.complete_job(job.id, "w1", core.JobOutcome(
        record(2), [], [core.NearDuplicate(other_image_id=known.id, distance=3)]))

    (pair,) = catalog.near_duplicates_to_review()
    assert isinstance(pair, imagebank.NearDuplicatePair)
    assert pair.pair == core.NearDuplicate(known.id, 3, image_id=stored.image.id)
    assert (pair.image.id, pair.other.id) == (stored.image.id, known.id)
    assert pair.other.original_name == "photo1.jpg"
    # The known photo is in the collection, so the pair is too.
    assert len(catalog.near_duplicates_to_review(verao.id)) == 1
    assert catalog.near_duplicates_to_review(after_image_id=stored.image.id) == []
    other = catalog.upsert_collection(brand.id, "Inverno", "")
    assert catalog.near_duplicates_to_review(other.id) == []
    with pytest.raises(imagebank.NotFoundError):
        catalog.near_duplicates_to_review(9999)
    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.near_duplicates_to_review(limit=0)
    # Deciding settles it: a rejected copy leaves the list.
    catalog.set_image_status(stored.image.id, "rejected")
    assert catalog.near_duplicates_to_review() == []
