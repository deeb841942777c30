"""imagebank.read_carteira and `imagebank carteira`: the committed fixtures of
tests/data/carteira (made by its make.py) cover every rule; one test also
builds a workbook with openpyxl (a test dependency) to compare values."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import zipfile

import pytest

import imagebank
from conftest import DATA

CART = DATA / "carteira"


def read(name: str, **kwargs) -> imagebank.Carteira:
    return imagebank.read_carteira(CART / name, **kwargs)


def by_sku(c: imagebank.Carteira) -> dict[str, imagebank.CarteiraRow]:
    return {r.sku: r for r in c.rows}


def issues(c: imagebank.Carteira, severity: str, part: str) -> list[imagebank.CarteiraIssue]:
    return [i for i in c.issues if i.severity == severity and part in i.message]


# ------------------------------------------------------------ workbook


def test_workbook_sheets_rows_and_skus():
    c = read("carteira.xlsx")
    assert c.sheets == ["Feminino", "Masculino", "Resumo", "Por Categoria"]
    assert c.skus() == ["001234", "123456", "ABC-77", "XYZ 9", "98765", "004567", "M-100"]
    assert len(c) == 7
    assert isinstance(c.rows, list)
    first = c.rows[0]
    assert (first.sheet, first.row, first.sku) == ("Feminino", 5, "001234")


def test_workbook_typed_fields_in_canonical_order():
    rows = by_sku(read("carteira.xlsx"))
    a = rows["001234"]
    assert a.fields == {
        "sku": "001234",
        "nome_peca": "Vestido Midi Floral",
        "categoria": "Vestidos",
        "subcategoria": "Midi",
        "cor": "Azul",
        "tamanho": "M",
        "quantidade": 12,
        "preco_custo": 89.9,
        "preco_venda": 199.9,
        "data_entrega": "2026-03-15",
    }
    assert list(a.fields) == [f for f in imagebank.carteira_fields() if f in a.fields]
    assert type(a.fields["quantidade"]) is int
    assert type(a.fields["preco_custo"]) is float
    assert a.extra == {"Observação": "Tecido leve"}

    b = rows["123456"]  # pt-BR text numbers and a dd/mm/aaaa date
    assert b.fields["quantidade"] == 1200
    assert b.fields["preco_custo"] == 1234.56
    assert b.fields["preco_venda"] == 59.9
    assert b.fields["data_entrega"] == "2026-04-20"
    assert b.extra == {"column L": "extra solto"}

    m = rows["004567"]  # the other sheet's synonyms; a "000000" format
    assert m.fields["nome_peca"] == "Camisa Social"
    assert m.fields["tipo_peca"] == "Camisa"
    assert m.fields["marca"] == "Aurora"
    assert m.fields["colecao"] == "Inverno 2026"
    assert m.fields["origem"] == "Nacional"
    assert m.fields["fornecedor"] == "Têxtil Aurora"
    assert m.fields["data_entrega"] == "2026-05-02"
    assert m.extra == {"EAN": "7891234567895", "Ativo": "true", "Código": "C-1"}
    assert rows["98765"].sku == "98765"  # a float cell, never "98765.0"
    assert rows["M-100"].fields["data_entrega"] == "2026-03-19"


def test_workbook_issues():
    c = read("carteira.xlsx")
    (missing,) = issues(c, "error", "no SKU")
    assert (missing.sheet, missing.row) == ("Feminino", 7)
    (conflict,) = issues(c, "warning", "repeats row 5")
    assert conflict.row == 9
    assert "cor 'Azul' / 'Verde'" in conflict.message
    (same,) = issues(c, "info", "same values")
    assert same.sheet == "Masculino"
    assert [i.sheet for i in issues(c, "info", "no product table")] == ["Resumo", "Por Categoria"]
    assert len(issues(c, "warning", "'Fornecdor'")) == 1
    # Kept as text, with a warning.
    assert by_sku(c)["ABC-77"].fields["quantidade"] == "a combinar"
    assert len(issues(c, "warning", "is not a number")) == 1
    assert len(c.issues) == 9
    assert c.issues[0].to_dict() == {
        "sheet": "Feminino", "row": 7, "severity": "error",
        "message": missing.message,
    }


def test_handmade_parts_and_1904_dates():
    c = read("handmade.xlsx")
    assert [r.sku for r in c.rows] == ["000042", "F-7", "2026-03-15"]
    assert c.rows[0].fields["nome_peca"] == "Saia"
    assert c.rows[0].extra["Observação"] == "Linha\r\ndois A_x0041_B"
    assert c.rows[0].extra["Erro"] == "#N/A"
    assert c.rows[1].fields["nome_peca"] == "Vestido"
    assert c.issues == []
    d = read("date1904.xlsx").rows[0]
    assert d.fields["data_entrega"] == "2026-03-15"
    assert d.extra == {"Lançamento": "2026-02-01", "Revisão": "2025-12-31"}


def test_legacy_xls():
    c = read("carteira.xls")
    assert c.sheets == ["Feminino", "Resumo"]
    assert [r.sku for r in c.rows] == ["X-001", "4321"]
    assert c.rows[0].fields["data_entrega"] == "2026-06-01"
    assert c.rows[0].fields["nome_peca"] == "Casaco de Lã"
    assert len(issues(c, "error", "no SKU")) == 1


# ----------------------------------------------------------------- CSV


def test_semicolon_windows1252_csv():
    c = read("carteira_cp1252.csv")
    assert c.sheets == ["carteira_cp1252"]
    assert [r.sku for r in c.rows] == ["00123", "00124"]
    r = c.rows[0]
    assert r.row == 4
    assert r.fields == {
        "sku": "00123", "nome_peca": "Camiseta Básica", "colecao": "Verão 2026",
        "quantidade": 1200, "preco_custo": 1234.56, "preco_venda": 59.9,
        "data_entrega": "2026-03-15",
    }
    assert c.rows[1].fields["nome_peca"] == 'Calça Jeans "Slim"'
    assert [i.severity for i in c.issues] == ["info", "error", "info"]
    assert "Windows-1252" in c.issues[0].message
    assert c.issues[0].sheet == "" and c.issues[0].row == 0


def test_utf8_bom_csv_with_quoted_newlines():
    c = read("carteira_utf8_bom.csv")
    assert [r.sku for r in c.rows] == ["A-1", "A-2", "A-3"]
    assert c.rows[0].fields["nome_peca"] == 'Vestido "Longo", Floral'
    assert c.rows[0].extra == {"Observação": "Linha um\nLinha dois"}
    assert c.rows[1].fields["preco_venda"] == 1234.5
    assert c.rows[2].row == 4
    assert c.issues == []


@pytest.mark.parametrize("name", ["carteira_tab.tsv", "carteira_utf16.txt"])
def test_tab_and_utf16(name):
    c = read(name)
    assert [r.fields for r in c.rows] == [
        {"sku": "T-1", "nome_peca": "Regata", "marca": "Aurora", "colecao": "Verão",
         "quantidade": 10, "preco_custo": 12.5},
        {"sku": "T-2", "nome_peca": "Camiseta", "marca": "Aurora", "colecao": "Verão",
         "quantidade": 20, "preco_custo": 15.0},
    ]


def test_unclosed_quote_keeps_rows_before():
    c = read("unclosed_quote.csv")
    assert c.skus() == ["A-1"]
    (e,) = issues(c, "error", "never closed")
    assert e.row == 3


# ------------------------------------------------------ sources, options


def test_bytes_buffers_and_pathlike_read_alike():
    path = CART / "carteira.xlsx"
    want = [r.to_dict() for r in imagebank.read_carteira(path).rows]
    data = path.read_bytes()
    for src in (data, bytearray(data), memoryview(data), str(path)):
        got = imagebank.read_carteira(src, name="carteira.xlsx")
        assert [r.to_dict() for r in got.rows] == want
    c = imagebank.read_carteira("SKU;Nome\nA;x\n".encode(), name="lista.csv")
    assert c.sheets == ["lista"]
    assert imagebank.read_carteira(b"SKU;Nome\nA;x\n").sheets == ["<memory>"]


def test_sheet_filter_and_limits():
    c = read("carteira.xlsx", sheets=["MASCULINO"])
    assert c.sheets == ["Masculino"]
    assert c.skus() == ["004567", "ABC-77", "M-100"]
    with pytest.raises(imagebank.NotFoundError, match="no sheet named 'Inverno'"):
        read("carteira.xlsx", sheets=["Inverno"])
    limits = imagebank.CarteiraLimits(max_rows=10)
    assert limits.max_rows == 10 and limits.max_sheets == 256
    with pytest.raises(imagebank.LimitExceededError, match="more than 10 rows"):
        read("carteira.xlsx", limits=limits)
    with pytest.raises(imagebank.LimitExceededError, match="4 sheets"):
        read("carteira.xlsx", limits=imagebank.CarteiraLimits(max_sheets=3))
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.read_carteira(b"SKU,Nome\nA,abcdef\n", limits=imagebank.CarteiraLimits(max_cell_bytes=3))


@pytest.mark.parametrize("name,error,part", [
    ("zip_bomb.xlsx", imagebank.LimitExceededError, "zip bomb"),
    ("lying_zip_bomb.xlsx", imagebank.LimitExceededError, "zip bomb"),
    ("billion_laughs.xlsx", imagebank.LimitExceededError, "DOCTYPE"),
    ("external_entity.xlsx", imagebank.LimitExceededError, "DOCTYPE"),
    ("truncated.xlsx", imagebank.CorruptDataError, "truncated or damaged zip"),
    ("malformed_only.xlsx", imagebank.CorruptDataError, "malformed XML"),
])
def test_hostile_files_raise_clear_errors(name, error, part):
    with pytest.raises(error) as info:
        imagebank.read_carteira((CART / name).read_bytes(), name=name)
    message = str(info.value)
    assert message.startswith(name + ": "), message
    assert part in message
    assert isinstance(info.value, imagebank.Error)


# ------------------------------------------- spreadsheets from ERPs and suites

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _rels(*type_target: tuple[str, str]) -> str:
    items = "".join(f'<Relationship Id="rId{i}" Type="{_REL}{t}" Target="{target}"/>'
                    for i, (t, target) in enumerate(type_target, 1))
    return ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{items}</Relationships>')


def small_xlsx(sep: str) -> bytes:
    """A one-sheet workbook whose entry names use `sep` ("\\" as a Windows
    ERP export writes them)."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    parts = {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": _rels(("officeDocument", "xl/workbook.xml")),
        "xl/workbook.xml":
            f'<workbook {main} xmlns:r="{_REL[:-1]}"><sheets>'
            '<sheet name="Pedido ERP" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            _rels(("worksheet", "worksheets/sheet1.xml"), ("sharedStrings", "sharedStrings.xml")),
        "xl/sharedStrings.xml":
            f'<sst {main}><si><t>Referência</t></si><si><t>Descrição</t></si>'
            '<si><t>Qtde</t></si><si><t>Blusa</t></si></sst>',
        "xl/worksheets/sheet1.xml":
            f'<worksheet {main}><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c></row>'
            '<row r="2"><c r="A2"><v>1001</v></c><c r="B2" t="s"><v>3</v></c>'
            '<c r="C2"><v>12</v></c></row></sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name.replace("/", sep), text)
    return out.getvalue()


_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def small_ods(extra_rows: str = "") -> bytes:
    """An .ods written the way LibreOffice Calc writes one (pandas' odf
    reader reads it: test_ods_matches_what_pandas_reads): a merged title
    (covered cells), repeated blank rows and cells, typed values in
    attributes, text in <text:p> with <text:s/>."""
    def cell(kind: str, shown: str, attr: str = "") -> str:
        return (f'<table:table-cell office:value-type="{kind}" {attr} '
                f'calcext:value-type="{kind}"><text:p>{shown}</text:p></table:table-cell>')

    def text(t: str) -> str:
        return cell("string", t)

    pad = '<table:table-cell table:number-columns-repeated="1018"/>'
    rows = (
        '<table:table-row><table:table-cell table:number-columns-spanned="2" '
        'office:value-type="string" calcext:value-type="string"><text:p>Carteira Verão</text:p>'
        '</table:table-cell><table:covered-table-cell/>'
        '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        '<table:table-row>' + text("Cód. Produto") + text("Descrição") + text("Qtde")
        + text("Preço Venda") + text("Data Entrega") + text("Ativo") + pad + '</table:table-row>'
        '<table:table-row>' + cell("float", "001234", 'office:value="1234"')
        + text("Blusa<text:s/>de<text:s text:c=\"2\"/>linho")
        + cell("float", "12", 'office:value="12"')
        + cell("currency", "R$ 59,90", 'office:value="59.9" office:currency="BRL"')
        + cell("date", "15/03/26", 'office:date-value="2026-03-15"')
        + cell("boolean", "VERDADEIRO", 'office:boolean-value="true"') + pad
        + '</table:table-row>' + extra_rows
        + '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
        'office:version="1.3"><office:body><office:spreadsheet>'
        '<table:table table:name="Feminino">'
        '<table:table-column table:number-columns-repeated="1024"/>'
        + rows + '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIME}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize("sep", ["/", "\\"])
def test_xlsx_with_either_separator(sep: str, tmp_path: pathlib.Path):
    data = small_xlsx(sep)
    c = imagebank.read_carteira(data, name="relatorio_erp.xlsx")
    assert c.sheets == ["Pedido ERP"]
    assert [r.fields for r in c.rows] == [
        {"sku": "1001", "nome_peca": "Blusa", "quantidade": 12}]
    if sep == "/":  # the same file is what openpyxl reads
        import openpyxl

        path = tmp_path / "erp.xlsx"
        path.write_bytes(data)
        ws = openpyxl.load_workbook(path)["Pedido ERP"]
        assert [list(r) for r in ws.iter_rows(values_only=True)] == [
            ["Referência", "Descrição", "Qtde"], [1001, "Blusa", 12]]


def test_ods_read_like_xlsx():
    c = imagebank.read_carteira(small_ods(), name="carteira.ods")
    assert c.sheets == ["Feminino"]
    assert c.issues == []
    (r,) = c.rows
    assert r.row == 5
    assert r.fields == {"sku": "001234", "nome_peca": "Blusa de  linho", "quantidade": 12,
                        "preco_venda": 59.9, "data_entrega": "2026-03-15"}
    assert r.extra == {"Ativo": "true"}
    # The same issues as every format: a row without SKU.
    c = imagebank.read_carteira(small_ods(
        '<table:table-row><table:table-cell/><table:table-cell office:value-type="string">'
        '<text:p>sem sku</text:p></table:table-cell></table:table-row>'), name="c.ods")
    (e,) = issues(c, "error", "no SKU")
    assert e.row == 6 and e.sheet == "Feminino"


def test_ods_matches_what_pandas_reads(tmp_path: pathlib.Path):
    """The hand-made .ods is valid: pandas' odf engine reads the same cells."""
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("odf")
    path = tmp_path / "carteira.ods"
    path.write_bytes(small_ods())
    frame = pandas.read_excel(path, engine="odf", header=None, nrows=5)
    assert frame.iloc[0, 0] == "Carteira Verão"
    assert list(frame.iloc[3, :3]) == ["Cód. Produto", "Descrição", "Qtde"]
    # (Not the boolean: pandas reads it from the text shown, true only for
    # "TRUE", where Calc in Portuguese shows VERDADEIRO; the value is in
    # office:boolean-value, which imagebank reads.)
    assert list(frame.iloc[4, :5]) == [1234, "Blusa de  linho", 12, 59.9,
                                       pandas.Timestamp("2026-03-15")]


def test_empty_ods_and_xlsb():
    c = read("planilha.ods")  # a content.xml without any table
    assert c.sheets == [] and len(issues(c, "warning", "no sheets")) == 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("_rels/.rels", _rels(("officeDocument", "xl/workbook.bin")))
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(imagebank.UnsupportedFormatError,
                       match=r"^vendas.xlsb: an Excel binary workbook \(.xlsb\).*Save As"):
        imagebank.read_carteira(out.getvalue(), name="vendas.xlsb")


def test_xls_that_made_freexl_leak_reads_in_the_helper():
    """carteira.xls with one byte changed made freexl leak 672 bytes per read
    in-process; the wheel reads .xls in its installed helper program."""
    data = bytearray((CART / "carteira.xls").read_bytes())
    data[2243] = 0x2C
    for _ in range(3):
        c = imagebank.read_carteira(bytes(data), name="vazamento.xls")
        assert c.sheets == ["Feminino", "Resumo"]
    damaged = (CART / "carteira.xls").read_bytes()[:1000]
    with pytest.raises(imagebank.CorruptDataError, match="^cortado.xls: not a readable .xls"):
        imagebank.read_carteira(damaged, name="cortado.xls")


def test_malformed_sheet_costs_only_that_sheet():
    c = read("malformed.xlsx")
    assert c.skus() == ["G-1", "Q-1"]
    (e,) = issues(c, "error", "malformed XML")
    assert e.sheet == "Quebrada"


def test_other_errors():
    with pytest.raises(imagebank.NotFoundError, match="no such file"):
        imagebank.read_carteira(CART / "nao_existe.xlsx")
    with pytest.raises(imagebank.CorruptDataError, match="^vazio.csv: empty file$"):
        imagebank.read_carteira(b"", name="vazio.csv")
    with pytest.raises(imagebank.UnsupportedFormatError, match="binary"):
        imagebank.read_carteira((DATA / "rgb.jpg").read_bytes(), name="foto.jpg")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.read_carteira(12)  # type: ignore[arg-type]


def test_objects_outlive_the_carteira_and_print():
    rows = read("carteira.xlsx").rows
    issue = read("carteira.xlsx").issues[0]
    assert rows[0].fields["sku"] == "001234"  # the Carteira is kept alive
    assert repr(rows[0]) == "CarteiraRow(sheet='Feminino', row=5, sku='001234')"
    assert repr(issue).startswith("CarteiraIssue(severity='error', sheet='Feminino', row=7")
    c = read("carteira_tab.tsv")
    assert repr(c) == "Carteira(rows=2, issues=0, sheets=['carteira_tab'])"
    assert c.to_dict() == {
        "sheets": ["carteira_tab"],
        "rows": [r.to_dict() for r in c.rows],
        "issues": [],
    }
    assert c.rows[0].to_dict()["fields"]["sku"] == "T-1"
    assert imagebank.carteira_fields() == [
        "sku", "nome_peca", "categoria", "subcategoria", "tipo_peca", "origem",
        "marca", "colecao", "cor", "tamanho", "quantidade", "preco_custo",
        "preco_venda", "fornecedor", "data_entrega"]


def test_values_match_what_openpyxl_reads(tmp_path: pathlib.Path):
    """Random values written by openpyxl read back as openpyxl reads them:
    text as written (trimmed), whole numbers as int, floats to the last bit
    of what the file holds, date cells as ISO dates."""
    import openpyxl  # a test dependency (scripts/install-deps.sh)

    rng = random.Random(7)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Aleatório"
    ws.append(["Título da carteira"])
    ws.append([])
    ws.append(["SKU", "Nome", "Qtde", "Preço", "Data Entrega", "Notas"])
    for i in range(300):
        sku = rng.choice([f"{rng.randrange(10**6):06d}", f"REF-{i}", f" {i}A "])
        name = "".join(rng.choice("abcçãé \"';,\t") for _ in range(rng.randrange(1, 12)))
        date = dt.datetime(2020, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        ws.append([sku, name.strip() or "x", rng.randrange(0, 10**6),
                   rng.uniform(0, 10**5), date, f"nota {i}"])
        ws.cell(ws.max_row, 5).number_format = "DD/MM/YYYY"
    path = tmp_path / "aleatorio.xlsx"
    wb.save(path)

    expected, seen = [], set()
    for sku, name, qty, price, date, _ in openpyxl.load_workbook(path).active.iter_rows(
            min_row=4, values_only=True):
        if sku.strip() in seen:
            continue  # a repeated random SKU is reported, not returned twice
        seen.add(sku.strip())
        expected.append({"sku": sku.strip(), "nome_peca": name, "quantidade": qty,
                         "preco_venda": price, "data_entrega": date.date().isoformat()})
    c = imagebank.read_carteira(path)
    assert [r.fields for r in c.rows] == expected
    assert all(i.message.startswith("SKU ") for i in c.issues)


def test_large_sheet_read_on_worker_threads(tmp_path: pathlib.Path):
    """A sheet past 1 MiB of XML is inflated, parsed and assembled on three
    threads: the rows still come whole and in order."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Grande")
    ws.append(["Carteira de Compras"])
    ws.append(["Referência", "Descrição", "Qtde", "Data Entrega", "Obs"])
    n = 15_000
    for i in range(n):
        ws.append([f"G{i:06d}", f"Peça número {i} — ação", i % 97,
                   dt.datetime(2026, 1, 1) + dt.timedelta(days=i % 365), "x" * (i % 7)])
    path = tmp_path / "grande.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 1 << 20
    c = imagebank.read_carteira(path)
    assert len(c) == n
    assert c.issues == []
    for i in (0, 1, 4999, 5000, n - 1):
        r = c.rows[i]
        assert r.row == i + 3
        assert r.fields == {
            "sku": f"G{i:06d}", "nome_peca": f"Peça número {i} — ação",
            "quantidade": i % 97,
            "data_entrega": (dt.date(2026, 1, 1) + dt.timedelta(days=i % 365)).isoformat()}
        assert r.extra == ({"Obs": "x" * (i % 7)} if i % 7 else {})
    assert c.skus() == [f"G{i:06d}" for i in range(n)]
    limits = imagebank.CarteiraLimits(max_rows=10_000)
    with pytest.raises(imagebank.LimitExceededError, match="more than 10000 rows"):
        imagebank.read_carteira(path, limits=limits)


# ----------------------------------------------------------------- CLI


def cli() -> str:
    exe = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    assert exe, "the imagebank command is installed next to python"
    return exe


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([cli(), *args], capture_output=True, text=True, timeout=60)


def test_cli_json_lines():
    p = run("carteira", "--json", str(CART / "carteira.xlsx"))
    assert p.returncode == 0, p.stderr
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    rows = [x for x in lines if x["type"] == "row"]
    found = [x for x in lines if x["type"] == "issue"]
    assert lines[-1]["type"] == "summary"
    assert [x["type"] for x in lines] == ["row"] * 7 + ["issue"] * 9 + ["summary"]
    assert rows[0] == {
        "type": "row", "sheet": "Feminino", "row": 5,
        "fields": read("carteira.xlsx").rows[0].fields,
        "extra": {"Observação": "Tecido leve"},
    }
    assert set(found[0]) == {"type", "sheet", "row", "severity", "message"}
    summary = lines[-1]
    assert summary["rows"] == 7 and summary["skus"] == 7
    assert summary["sheets"] == ["Feminino", "Masculino", "Resumo", "Por Categoria"]
    assert summary["issues"] == {"error": 1, "warning": 5, "info": 3}


def test_cli_json_numbers_read_as_python_writes_them():
    p = run("carteira", "--json", str(CART / "carteira_tab.tsv"))
    assert p.returncode == 0, p.stderr
    first, second = p.stdout.splitlines()[:2]
    assert '"quantidade":10,"preco_custo":12.5}' in first
    assert '"preco_custo":15.0}' in second  # a float stays a float


def test_cli_text_and_exit_statuses():
    p = run("carteira", str(CART / "carteira_cp1252.csv"))
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[0].endswith("carteira_cp1252.csv: 1 sheet (carteira_cp1252), 2 rows, 2 SKUs; "
                           "issues: 1 error, 0 warnings, 2 info")
    assert any(line.startswith("  error   'carteira_cp1252' row 6: no SKU") for line in out), out
    p = run("carteira", "--json", str(CART / "nao_existe.csv"))
    assert p.returncode == 1
    err = json.loads(p.stdout)
    assert err["error"]["code"] == "not_found"
    p = run("carteira", str(CART / "zip_bomb.xlsx"))
    assert p.returncode == 1
    assert "limit_exceeded" in p.stderr
    assert run("carteira").returncode == 2
    p = run("carteira", "--json", "--sheet", "Masculino", str(CART / "carteira.xlsx"))
    assert p.returncode == 0
    assert json.loads(p.stdout.splitlines()[-1])["sheets"] == ["Masculino"]
