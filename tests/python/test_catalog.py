"""The catalog through Python: imagebank.Bank, CatalogStore on SQLite and on a
real PostgreSQL server (scripts/pg-test-server.sh), the report command."""

from __future__ import annotations

import csv
import io
import os
import pathlib
import shutil
import subprocess
import sys
import threading

import pytest

import imagebank
from conftest import DATA, REPO

core = imagebank._core
CARTEIRA = DATA / "carteira" / "carteira.xlsx"


def sha(n: int) -> str:
    return f"{n:064x}"


def record(n: int, sku_base: str = "", view: str = "front") -> core.ImageRecord:
    r = core.ImageRecord()
    r.sha256 = sha(n)
    r.phash = 0xF00DF00DF00DF00D + n
    r.dhash = n
    r.pdq = bytes(range(32))
    r.pdq_quality = 80
    r.width, r.height = 1000, 1500
    r.format = "jpeg"
    r.bytes = 1234
    r.original_name = f"{sku_base}_{view}.jpg"
    r.sku_base = sku_base
    r.view = view
    r.blob_key = f"originals/{r.sha256[:2]}/{r.sha256[2:4]}/{r.sha256}.jpg"
    return r


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    return core.Bank.open(dir=tmp_path / "bank")


def test_open_with_defaults_creates_the_bank_dir(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    b = core.Bank.open()
    assert (tmp_path / "imagebank-data" / "bank.db").exists()
    assert b.catalog.uri == f"sqlite://{tmp_path}/imagebank-data/bank.db"
    assert b.blobs.uri.startswith("file://")
    assert b.catalog.schema_version() == core.latest_catalog_schema_version()


def test_import_carteira_then_reports(bank: imagebank.Bank):
    rec = bank.import_carteira(CARTEIRA, brand="Marca A", collection="Verão 2027")
    assert rec.products_created == 7
    assert rec.file == "carteira.xlsx"
    again = bank.import_carteira(CARTEIRA, brand="Marca A", collection="Verão 2027")
    assert (again.products_created, again.products_updated) == (0, 7)

    coll = bank.collection("Verão 2027")
    product = bank.catalog.find_product(coll.id, "123456")
    assert product.fields.nome_peca == "Blusa Básica"
    img = bank.catalog.insert_image(record(1, "123456", "front"))
    assert not img.duplicate
    bank.catalog.link_image(img.image.id, product.id, "test", "by name")

    (cov,) = bank.coverage()
    assert (cov.products, cov.products_with_photo) == (7, 1)
    assert [(v.view, v.products_with_view) for v in cov.views] == [
        ("front", 1), ("back", 0), ("detail", 0)]
    missing = list(bank.missing_photos(collection="Verão 2027", page_size=2))
    assert len(missing) == 6
    assert "123456" not in {p.sku for p in missing}
    counts = bank.status_counts()
    assert [(c.brand, c.collection, c.status, c.images) for c in counts] == [
        ("Marca A", "Verão 2027", "pending", 1)]
    with pytest.raises(imagebank.NotFoundError):
        bank.coverage(collection="Inverno")


def test_collections_lists_every_collection_by_id(bank):
    assert bank.list_collections() == []
    bank.import_carteira(CARTEIRA, brand="Marca A", collection="Verão 2027")
    bank.import_carteira(CARTEIRA, brand="Marca B", collection="Inverno 2027")
    listed = bank.list_collections()
    assert [c.name for c in listed] == ["Verão 2027", "Inverno 2027"]
    assert listed[0].id == bank.collection("Verão 2027").id
    assert listed[0].id < listed[1].id


def test_images_iterate_across_pages_with_filters(bank: imagebank.Bank):
    catalog = bank.catalog
    rows = catalog.insert_images([record(n, "ODD" if n % 2 else "EVEN") for n in range(1, 31)])
    assert [r.duplicate for r in rows] == [False] * 30
    ids = [r.id for r in catalog.list_images(page_size=7)]
    assert len(ids) == 30 and ids == sorted(ids)
    assert len(list(catalog.list_images(sku_base="ODD", page_size=4))) == 15
    assert len(list(bank.images(sku_base="EVEN"))) == 15
    got = catalog.find_image_by_sha256(sha(3))
    assert got.phash == 0xF00DF00DF00DF00D + 3  # unsigned 64-bit survives
    assert got.pdq == bytes(range(32))
    with pytest.raises(imagebank.InvalidArgumentError):
        list(catalog.list_images(page_size=0))
    with pytest.raises(imagebank.InvalidArgumentError):
        list(catalog.list_images(status="maybe"))


def test_duplicate_content_returns_the_existing_row(bank: imagebank.Bank):
    first = bank.catalog.insert_image(record(9, "A1"))
    second = bank.catalog.insert_image(record(9, "B2"))
    assert second.duplicate and second.image.id == first.image.id
    assert second.image.sku_base == "A1"
    bad = record(10)
    bad.sha256 = "not-a-hash"
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.catalog.insert_image(bad)


def test_status_workflow_raises_conflict(bank: imagebank.Bank):
    img = bank.catalog.insert_image(record(1)).image
    assert bank.catalog.set_image_status(img.id, "approved").status == "approved"
    with pytest.raises(imagebank.ConflictError):
        bank.catalog.set_image_status(img.id, "rejected")
    assert core.is_allowed_transition("pending", "pending_ai_analysis")
    assert not core.is_allowed_transition("approved", "pending")


def test_ai_analysis_is_kept_apart(bank: imagebank.Bank):
    b = bank.catalog.upsert_brand("M")
    c = bank.catalog.upsert_collection(b.id, "C")
    fields = core.CarteiraFields()
    fields.nome_peca = "Vestido"
    fields.cor = "Azul"
    bank.catalog.import_products(c.id, [core.ProductUpsert("V1", fields=fields)])
    product = bank.catalog.find_product(c.id, "V1")
    img = bank.catalog.insert_image(record(1, "V1")).image
    bank.catalog.link_image(img.id, product.id, "ingest")
    ai = core.AiAnalysis()
    ai.image_id = img.id
    ai.description = "Vestido vermelho"
    ai.color = "Vermelho"
    ai.tags = ["vestido"]
    ai.confidence = 0.9
    ai.provider = "offline"
    stored = bank.catalog.add_ai_analysis(ai)
    assert stored.id > 0
    assert bank.catalog.get_product(product.id).fields.cor == "Azul"
    (back,) = bank.catalog.ai_analyses(img.id)
    assert (back.color, back.tags) == ("Vermelho", ["vestido"])
    history = bank.catalog.sku_history("image", img.id)
    assert [(h.old_sku, h.new_sku, h.actor) for h in history] == [("", "V1", "ingest")]


def test_gil_is_released_during_store_calls(bank: imagebank.Bank):
    catalog = bank.catalog
    errors = []

    def insert(base):
        try:
            catalog.insert_images([record(base + n) for n in range(200)])
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=insert, args=(k * 1000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(list(catalog.list_images())) == 800


def test_bad_uris_raise_clear_errors(tmp_path: pathlib.Path):
    with pytest.raises(imagebank.InvalidArgumentError, match="mysql"):
        core.open_catalog_store("mysql://x")
    with pytest.raises(imagebank.InvalidArgumentError):
        core.open_blob_store("ftp://x")
    with pytest.raises(imagebank.InvalidArgumentError):
        core.Bank.open(db="sqlite://relative.db", dir=tmp_path)
    not_db = tmp_path / "bank.db"
    not_db.write_bytes(b"x" * 4096)
    with pytest.raises(imagebank.CorruptDataError, match=str(not_db)):
        core.open_sqlite_catalog(not_db)
    with pytest.raises(imagebank.UnavailableError):
        core.open_postgresql_catalog("postgresql://imagebank@127.0.0.1:1/x",
                                     connect_attempts=1)


def _cli() -> str:
    exe = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    assert exe, "the wheel installs the imagebank command next to python"
    return exe


def test_missing_photos_csv_is_safe_for_spreadsheets(tmp_path: pathlib.Path):
    b = core.Bank.open(dir=tmp_path / "bank")
    brand = b.catalog.upsert_brand("M")
    c = b.catalog.upsert_collection(brand.id, "C")
    fields = core.CarteiraFields()
    fields.nome_peca = '=HYPERLINK("http://x","a, b")'
    b.catalog.import_products(c.id, [core.ProductUpsert("+SKU1", fields=fields)])
    del b
    out = subprocess.run([_cli(), "report", "missing-photos", "--bank", str(tmp_path / "bank"),
                          "--csv"], check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["collection", "sku", "nome_peca"]
    assert rows[1][1] == "'+SKU1"
    assert rows[1][2] == "'" + fields.nome_peca


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    script = REPO / "scripts" / "pg-test-server.sh"
    d = tmp_path_factory.mktemp("pg")
    subprocess.run([script, "start", d], check=True, capture_output=True, text=True)
    try:
        yield lambda name: subprocess.run([script, "createdb", d, name], check=True,
                                          capture_output=True, text=True).stdout.strip()
    finally:
        subprocess.run([script, "stop", d], capture_output=True)


def test_the_same_api_on_postgresql(postgres, tmp_path: pathlib.Path):
    uri = postgres("pybank")
    b = core.Bank.open(db=uri, storage="memory:", dir=tmp_path)
    assert b.catalog.uri == uri
    b.import_carteira(CARTEIRA, brand="Marca A", collection="Verão 2027")
    rows = b.catalog.insert_images([record(n) for n in range(5)] + [record(0)])
    assert [r.duplicate for r in rows] == [False] * 5 + [True]
    assert len(list(b.missing_photos())) == 7
    (cov,) = b.coverage(required_views=["front"])
    assert cov.products == 7


def test_catalog_product_queries(bank: imagebank.Bank):
    bank.import_carteira(CARTEIRA, brand="Marca A", collection="Verão 2027")
    coll = bank.collection("Verão 2027")
    (imp,) = bank.catalog.carteira_imports(coll.id)
    assert (imp.file, imp.products_created) == ("carteira.xlsx", 7)
    (p,) = bank.catalog.products_by_sku_base(coll.id, "123456")
    assert p.sku == "123456"
    assert bank.catalog.products_by_sku_base(coll.id, "NOPE") == []
    missing = list(bank.catalog.products_without_photos(coll.id, page_size=3))
    assert len(missing) == 7
    assert [m.id for m in missing] == sorted(m.id for m in missing)
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.catalog.products_without_photos(page_size=0)
