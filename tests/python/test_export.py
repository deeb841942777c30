"""Bank.export from Python: the catalog as CSV (read back with the csv
module), XLSX (read back with openpyxl, as a spreadsheet user would) and
JSON Lines, into files and streams; signed URLs that UrlSigner verifies;
the catalog reads an export pages through."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import shutil
import threading
import time

import pytest

import imagebank
from conftest import DATA

core = imagebank._core
FAST = {"formats": ["jpeg"], "presets": ["thumbnail"]}


class Says(imagebank.VisionAnalyzer):
    """Says every photo is a blue linen dress."""

    def provider(self) -> str:
        return "fake"

    def model(self) -> str:
        return "fake-1"

    def analyze(self, image: imagebank.VisionImage,
                request: imagebank.VisionRequest) -> imagebank.VisionResult:
        r = imagebank.VisionResult(provider="fake", model="fake-1")
        r.description = "Vestido azul de linho"
        r.colors = [imagebank.VisionColor("azul", "#1f4e99", 0.7),
                    imagebank.VisionColor("branco", "#ffffff", 0.2)]
        r.garment_type = "vestido"
        r.material = "linho"
        r.tags = ["vestido", "linho"]
        r.confidence = 0.8
        return r


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    """Aurora / Verão: ABC123 (front and back photos), XYZ9 (one photo),
    =HACK (no photo, hostile text); Nimbus / Inverno: QWE1 (none)."""
    b = core.Bank.open(dir=tmp_path / "bank")
    carteira = tmp_path / "c.csv"
    carteira.write_text(
        "SKU;Descrição;Cor;Preço Venda\n"
        "ABC123;Vestido \"Midi\", linho;Azul;189.9\n"
        "XYZ9;Blusa;Vermelho;59\n"
        "=HACK;=cmd|' /C calc'!A0;;\n", encoding="utf-8")
    b.import_carteira(carteira, brand="Aurora", collection="Verão")
    other = tmp_path / "o.csv"
    other.write_text("SKU;Descrição\nQWE1;Bolsa\n", encoding="utf-8")
    b.import_carteira(other, brand="Nimbus", collection="Inverno")
    d = tmp_path / "upload"
    d.mkdir()
    shutil.copy(DATA / "rgb.jpg", d / "ABC123_FRENTE.jpg")
    shutil.copy(DATA / "orient6.jpg", d / "ABC123_COSTAS.jpg")
    shutil.copy(DATA / "rgb.png", d / "XYZ9_01.png")
    b.ingest(d, collection="Verão", brand="Aurora", **FAST)  # type: ignore[arg-type]
    return b


def rows_of(text: str, delimiter: str = ",") -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return {row["sku"]: row for row in reader}


def test_csv_has_a_row_per_product_with_counts_coverage_and_escapes(
        bank: imagebank.Bank, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "produtos.csv"
    report = bank.export(out)
    assert isinstance(report, imagebank.ExportReport)
    assert (report.format, report.products, report.images) == ("csv", 4, 3)
    assert report.bytes == out.stat().st_size
    assert not (tmp_path / "produtos.csv.part").exists()
    rows = rows_of(out.read_text(encoding="utf-8"))
    assert list(rows) == ["ABC123", "XYZ9", "'=HACK", "QWE1"]
    abc = rows["ABC123"]
    assert (abc["marca_catalogo"], abc["colecao_catalogo"]) == ("Aurora", "Verão")
    assert abc["nome_peca"] == 'Vestido "Midi", linho'
    assert abc["preco_venda"] == "189.9"
    assert (abc["fotos"], abc["fotos_frente"], abc["fotos_costas"],
            abc["fotos_detalhe"]) == ("2", "1", "1", "0")
    assert (abc["cobertura"], abc["vistas_faltando"]) == ("incompleta", "detalhe")
    assert abc["imagens"] == "2"
    assert (abc["imagens_pendentes"], abc["imagens_rejeitadas"]) == ("2", "0")
    # The front photo is the cover, the back one after it.
    assert abc["url_capa"].startswith("/images/")
    assert abc["urls"].split(" ")[0] == abc["url_capa"]
    assert len(abc["urls"].split(" ")) == 2
    assert rows["XYZ9"]["fotos_sem_vista"] == "1"
    hack = rows["'=HACK"]
    assert hack["nome_peca"] == "'=cmd|' /C calc'!A0"
    assert (hack["cobertura"], hack["url_capa"]) == ("sem foto", "")
    # Nothing analysed yet: no ia_ columns at all.
    assert not [c for c in report.columns if c.startswith("ia_")]

    # Excel-Brazil flavour: ';' and a byte order mark.
    semi = bank.export(tmp_path / "excel.csv", csv_delimiter=";", bom=True,
                       collection="Verão")
    raw = (tmp_path / "excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfsku;") and semi.products == 3
    assert "XYZ9" in rows_of(raw[3:].decode("utf-8"), ";")


def test_xlsx_reads_back_in_openpyxl_with_numbers_and_ai_columns(
        bank: imagebank.Bank, tmp_path: pathlib.Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    bank.analyze(vision=[], analyzers=[Says()], collection="Verão")
    out = tmp_path / "produtos.xlsx"
    seen: list[imagebank.ExportProgress] = []
    report = bank.export(out, progress=seen.append, page_size=1)
    assert report.analysed == 2 and seen and seen[-1].products == 4
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["Produtos", "Parâmetros"]
    sheet = book["Produtos"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = table[0]
    assert header == report.columns
    assert len(table) == 5
    row = dict(zip(header, table[1]))
    assert row["sku"] == "ABC123"
    # Numbers are numbers; text that looks like a formula stays text.
    assert row["fotos"] == 2 and isinstance(row["fotos"], (int, float))
    assert row["preco_venda"] == pytest.approx(189.9)
    assert row["ia_tipo_peca"] == "vestido"
    assert row["ia_cores"] == "azul, branco"
    assert row["ia_confianca"] == pytest.approx(0.8)
    assert row["cor"] == "Azul"  # the Carteira's, untouched
    hack = dict(zip(header, table[3]))
    assert hack["sku"] == "=HACK" and hack["nome_peca"] == "=cmd|' /C calc'!A0"
    assert dict(zip(header, table[4]))["ia_tipo_peca"] is None  # QWE1
    full = openpyxl.load_workbook(out)  # not read-only: panes and filter
    produtos = full["Produtos"]
    assert produtos.freeze_panes == "A2"
    assert produtos.auto_filter.ref is not None
    assert produtos.auto_filter.ref.startswith("A1:")
    params = {r[0]: r[1] for r in full["Parâmetros"].iter_rows(min_row=2, values_only=True)}
    assert params["formato"] == "xlsx" and params["produtos"] == "4"


def test_jsonl_to_a_stream_and_signed_urls_verify(bank: imagebank.Bank) -> None:
    buffer = io.BytesIO()
    keys = [("k1", "s" * 32)]
    expires = int(time.time()) + 3600
    report = bank.export(buffer, format="jsonl", url_base="https://img.example.com",
                         url_size="thumbnail", signing_keys=keys, url_expires=expires,
                         brand="Aurora")
    lines = buffer.getvalue().decode("utf-8").splitlines()
    assert report.products == len(lines) == 3
    objects = {o["sku"]: o for o in map(json.loads, lines)}
    abc = objects["ABC123"]
    assert abc["fotos_por_vista"] == {"costas": 1, "frente": 1}
    assert "ia" not in abc
    signer = imagebank.UrlSigner(keys)
    for image in abc["imagens"]:
        url = image["url"]
        assert url.startswith("https://img.example.com/images/")
        target = url[len("https://img.example.com"):]
        assert f"?size=thumbnail&exp={expires}&kid=k1&sig=" in target
        signer.verify(target, int(time.time()))
        with pytest.raises(imagebank.PermissionDeniedError):
            signer.verify(target.replace("thumbnail", "original"), int(time.time()))
    assert objects["=HACK"]["url_capa"] is None


def test_bad_options_and_scopes_raise_before_writing(
        bank: imagebank.Bank, tmp_path: pathlib.Path) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(imagebank.NotFoundError, match="Ninguém"):
        bank.export(out, brand="Ninguém")
    with pytest.raises(imagebank.InvalidArgumentError, match="url_base"):
        bank.export(out, url_base="ftp://x")
    with pytest.raises(imagebank.InvalidArgumentError, match="senha"):
        bank.export(out, columns=["sku", "senha"])
    with pytest.raises(imagebank.InvalidArgumentError, match="format"):
        bank.export(tmp_path / "x.pdf")
    with pytest.raises(imagebank.InvalidArgumentError, match="url_expires"):
        bank.export(out, signing_keys=[("k1", "s" * 32)])
    assert not out.exists() and not (tmp_path / "x.csv.part").exists()
    with pytest.raises(imagebank.NotFoundError):
        bank.validate_export(collection="Outono")
    bank.validate_export(format="xlsx", brand="Nimbus", collection="Inverno")

    class Broken(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        bank.export(Broken(), format="csv")  # type: ignore[arg-type]


def test_catalog_reads_of_an_export(bank: imagebank.Bank) -> None:
    catalog = bank.catalog
    verao = bank.collection("Verão")
    products = {p.sku: p for p in catalog.list_products(verao.id)}
    images = catalog.images_of_products([products["ABC123"].id, products["XYZ9"].id])
    assert [i.view for i in images] == ["back", "front", ""]
    views = catalog.photo_views(collection_id=verao.id)
    assert isinstance(views, imagebank.PhotoViews)
    assert (views.views, views.analysed) == (["", "back", "front"], False)
    assert catalog.latest_ai_analyses([i.id for i in images]) == []
    bank.analyze(vision=[], analyzers=[Says()], images=[images[0].id])
    [latest] = catalog.latest_ai_analyses([i.id for i in images])
    assert (latest.image_id, latest.garment_type) == (images[0].id, "vestido")
    assert catalog.photo_views(collection_id=verao.id).analysed
    with pytest.raises(imagebank.InvalidArgumentError):
        catalog.images_of_products([])


def test_export_releases_the_gil(bank: imagebank.Bank, tmp_path: pathlib.Path) -> None:
    # Another Python thread runs while exports are written.
    ticks = 0
    done = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        for n in range(20):
            bank.export(tmp_path / f"p{n}.xlsx")
    finally:
        done.set()
        t.join()
    assert ticks > 0
