#!/usr/bin/env python3
"""Writes the Carteira test fixtures of this folder (see README.md).

Needs openpyxl and xlwt (Debian: python3-openpyxl python3-xlwt; or pip).
The output is reproducible: zip timestamps and document dates are fixed, so
running it again changes no file unless this script changed.

    python3 tests/data/carteira/make.py
"""
from __future__ import annotations

import datetime as dt
import io
import pathlib
import re
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import xlwt
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = pathlib.Path(__file__).resolve().parent
FIXED = (2026, 1, 1, 0, 0, 0)
NOW = dt.datetime(2026, 1, 1)

# ---------------------------------------------------------------- helpers


def normalised_zip(entries: list[tuple[str, bytes]], level: int = 6) -> bytes:
    """A zip of the entries in order, every timestamp fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, FIXED)
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=None if stored else level)
    return out.getvalue()


def entries_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(n, z.read(n)) for n in z.namelist()]


def fix_dates(entries):
    """openpyxl stamps docProps/core.xml with the time of saving."""
    out = []
    for name, data in entries:
        if name == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                          rb"\g<1>2026-01-01T00:00:00Z", data)
        out.append((name, data))
    return out


def saved(wb: openpyxl.Workbook) -> list[tuple[str, bytes]]:
    wb.properties.created = NOW
    wb.properties.modified = NOW
    buf = io.BytesIO()
    wb.save(buf)
    return fix_dates(entries_of(buf.getvalue()))


INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)


def to_shared_strings(entries):
    """Rewrites openpyxl's inline strings the way Excel writes text: indexes
    into xl/sharedStrings.xml."""
    strings: list[bytes] = []
    index: dict[bytes, int] = {}

    def repl(m):
        text = m.group(3)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return b'<c ' + m.group(1) + b't="s"' + m.group(2) + b'><v>%d</v></c>' % index[text]

    out = []
    for name, data in entries:
        if name.startswith("xl/worksheets/"):
            data = INLINE.sub(repl, data)
        elif name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/sharedStrings" '
                b'Target="sharedStrings.xml"/></Relationships>')
        elif name == "[Content_Types].xml":
            data = data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        out.append((name, data))
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'count="%d" uniqueCount="%d">' % (len(strings), len(strings))
           + b"".join(b'<si><t xml:space="preserve">' + s + b"</t></si>" for s in strings)
           + b"</sst>")
    out.append(("xl/sharedStrings.xml", sst))
    return out


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)
    print(f"{name}: {len(data)} bytes")


# ------------------------------------------------------------ workbooks


def carteira_xlsx() -> bytes:
    """Title rows, two product sheets with different synonyms, a summary
    sheet and a category table without SKUs; text in shared strings."""
    wb = openpyxl.Workbook()
    fem = wb.active
    fem.title = "Feminino"
    fem["A1"] = "Carteira de Compras — Verão 2026"
    fem["A3"] = "Fornecedor: Têxtil Aurora"
    fem.append(["Cód. Produto", "Nome da Peça", "Categoria", "Sub-Categoria",
                "Cor Principal", "Tam", "Qtde", "Preço Custo", "Preço Venda",
                "Data Entrega", "Observação", None, "Observação"])
    rows = [
        ["001234", "Vestido Midi Floral", "Vestidos", "Midi", "Azul", "M", 12,
         89.9, 199.9, dt.datetime(2026, 3, 15), "  Tecido leve  "],
        [123456, "Blusa Básica", "Blusas", "Manga Curta", "Branco", "P",
         "1.200", "1.234,56", "R$ 59,90", "20/04/2026", None, "extra solto"],
        [None, "Peça sem código", "Vestidos", None, "Preto", "G", 3, 10, 20],
        [],
        ["001234", "Vestido Midi Floral", "Vestidos", "Midi", "Verde", "M", 12,
         89.9, 199.9, dt.datetime(2026, 3, 15)],
        ["ABC-77", "Saia Lápis", "Saias", None, None, "38", "a combinar", None,
         None, "31/02/2026"],
        ["   XYZ 9  ", "Top Cropped", "Tops", None, "Rosa", "PP", 5, 19.95,
         0.1 + 0.2, None, None, None, "segunda obs"],
        [98765.0, "Macacão", "Macacões", None, "Preto", "M", 2.0, 150, 399],
    ]
    for r in rows:
        fem.append(r)
    fem["J5"].number_format = "DD/MM/YYYY"
    fem["J9"].number_format = "DD/MM/YYYY"

    mas = wb.create_sheet("Masculino")
    mas.append(["Referência", "Descrição do Produto", "Tipo de Peça", "Marca",
                "Coleção", "Color", "Size", "Quantidade Pedida", "Custo", "PV",
                "Fornecdor", "Origem", "Data de Entrega", "EAN", "Ativo",
                "Código"])
    mas.append([4567, "Camisa Social", "Camisa", "Aurora", "Inverno 2026",
                "Azul Marinho", "G", 30, 45.5, 129.0, "Têxtil Aurora",
                "Nacional", dt.datetime(2026, 5, 2), 7891234567895, True, "C-1"])
    mas["A2"].number_format = "000000"
    mas["M2"].number_format = "yyyy-mm-dd"
    mas.append(["ABC-77", "Saia Lápis", None, None, None, None, "38"])
    mas.append(["M-100", "Bermuda", "Bermuda", "Aurora", "Verão 2026", "Bege",
                "42", 10, "45,50", 99, "Têxtil Aurora", "Importado", 46100])

    resumo = wb.create_sheet("Resumo")
    resumo["A1"] = "Resumo da Coleção"
    resumo["A3"] = "Total de peças"
    resumo["B3"] = 1234
    resumo["A4"] = "Valor total"
    resumo["B4"] = 99999.9

    cat = wb.create_sheet("Por Categoria")
    cat.append(["Categoria", "Quantidade", "Valor"])
    cat.append(["Vestidos", 24, 4797.6])
    cat.append(["Blusas", 1200, 71880])
    return normalised_zip(to_shared_strings(saved(wb)))


def date1904_xlsx() -> bytes:
    """The 1904 date system, built-in and custom date formats, and
    openpyxl's inline strings."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Datas"
    ws.append(["SKU", "Data Entrega", "Lançamento", "Revisão", "Custo"])
    ws.append(["D-1", dt.datetime(2026, 3, 15), dt.datetime(2026, 2, 1),
               dt.datetime(2025, 12, 31), 10.5])
    ws["B2"].number_format = "DD/MM/YYYY"
    ws["C2"].number_format = "mm-dd-yy"  # built-in 14
    ws["D2"].number_format = '[$-416]d" de "mmmm" de "yyyy'
    ws["E2"].number_format = '"R$" #,##0.00'  # money, not a date
    return normalised_zip(saved(wb))


def xls_file() -> bytes:
    """A legacy .xls (BIFF8) as Excel 97-2003 saves it."""
    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.XFStyle()
    date_style.num_format_str = "DD/MM/YYYY"
    ws = wb.add_sheet("Feminino")
    ws.write(0, 0, "Carteira de Compras — Inverno 2026")
    header = ["Referência", "Descrição", "Coleção", "Qtde", "Preço Venda",
              "Data Entrega", "Observação"]
    for c, h in enumerate(header):
        ws.write(2, c, h)
    data = [
        ["X-001", "Casaco de Lã", "Inverno 2026", 10, 459.9, dt.date(2026, 6, 1), "forrado"],
        [4321, "Cachecol", "Inverno 2026", 25, 79.5, dt.date(2026, 6, 15), None],
        [None, "Luvas", "Inverno 2026", 5, 39.9, None, None],
    ]
    for r, row in enumerate(data, start=3):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write(r, c, v, date_style)
            else:
                ws.write(r, c, v)
    resumo = wb.add_sheet("Resumo")
    resumo.write(0, 0, "Total")
    resumo.write(0, 1, 40)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------- hand-made parts

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
T_DOC = RNS + "/officeDocument"
T_SHEET = RNS + "/worksheet"


def rels(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{escape(g)}"/>'
                   for i, t, g in items)
    return f'<?xml version="1.0"?><Relationships xmlns="{PKG}">{body}</Relationships>'.encode()


def minimal_xlsx(sheets: list[tuple[str, bytes]], extra: list[tuple[str, bytes]] = (),
                 level: int = 6) -> bytes:
    """A workbook with the given sheet parts (name, XML) and nothing else."""
    sheet_elems = "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                          for i, (n, _) in enumerate(sheets))
    workbook = (f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{RNS}">'
                f"<sheets>{sheet_elems}</sheets></workbook>").encode()
    wb_rels = [(f"rId{i + 1}", T_SHEET, f"worksheets/sheet{i + 1}.xml")
               for i in range(len(sheets))]
    extra = list(extra)
    for name, _ in extra:
        if name == "xl/sharedStrings.xml":
            wb_rels.append(("rIdS", RNS + "/sharedStrings", "sharedStrings.xml"))
    entries = [("_rels/.rels", rels([("rId1", T_DOC, "xl/workbook.xml")])),
               ("xl/workbook.xml", workbook),
               ("xl/_rels/workbook.xml.rels", rels(wb_rels))]
    entries += [(f"xl/worksheets/sheet{i + 1}.xml", xml) for i, (_, xml) in enumerate(sheets)]
    entries += extra
    return normalised_zip(entries, level)


def sheet_xml(rows_xml: str) -> bytes:
    return f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{rows_xml}</sheetData></worksheet>'.encode()


GOOD_SHEET = sheet_xml(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>SKU</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Nome</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>G-1</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>Boa</t></is></c></row>')


def handmade_xlsx() -> bytes:
    """What generators other than openpyxl write: namespace prefixes, rich
    text and phonetic runs, _xHHHH_ escapes, formula strings, booleans,
    errors, ISO dates, cells and rows without references, an absolute
    relationship target, zero-padding and locale-tagged date formats."""
    x = f'xmlns:x="{NS}" xmlns:r="{RNS}"'
    workbook = (f'<?xml version="1.0"?><x:workbook {x}><x:workbookPr/>'
                '<x:sheets><x:sheet name="Produtos" sheetId="1" r:id="rId1"/></x:sheets>'
                "</x:workbook>").encode()
    sst = (f'<?xml version="1.0"?><x:sst {x} count="6" uniqueCount="6">'
           "<x:si><x:t>Código</x:t></x:si>"                                   # 0
           "<x:si><x:r><x:t>Nome da </x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>Peça</x:t></x:r></x:si>"  # 1
           '<x:si><x:t>Saia</x:t><x:rPh sb="0" eb="1"><x:t>サイア</x:t></x:rPh></x:si>'  # 2
           "<x:si><x:t>Linha_x000D__x000A_dois A_x005F_x0041_B</x:t></x:si>"  # 3
           "<x:si><x:t>Observação</x:t></x:si>"                               # 4
           "<x:si><x:t>Data Entrega</x:t></x:si>"                             # 5
           "</x:sst>").encode()
    styles = (f'<?xml version="1.0"?><x:styleSheet {x}>'
              '<x:numFmts count="4">'
              '<x:numFmt numFmtId="164" formatCode="000000"/>'
              '<x:numFmt numFmtId="165" formatCode="[$-416]dd/mm/yyyy;@"/>'
              '<x:numFmt numFmtId="166" formatCode="&quot;Dia&quot; 0"/>'
              '<x:numFmt numFmtId="167" formatCode="[Red]0.00"/>'
              "</x:numFmts>"
              '<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>'
              '<x:cellXfs count="6"><x:xf numFmtId="0"/><x:xf numFmtId="164"/>'
              '<x:xf numFmtId="165"/><x:xf numFmtId="14"/><x:xf numFmtId="166"/>'
              '<x:xf numFmtId="167"/></x:cellXfs></x:styleSheet>').encode()
    sheet = (f'<?xml version="1.0"?><x:worksheet {x}><x:sheetData>'
             # Header: shared, rich, plain inline; a styled blank in between.
             '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c>'
             '<x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" s="1"/>'
             '<x:c r="D1" t="s"><x:v>4</x:v></x:c><x:c r="E1" t="s"><x:v>5</x:v></x:c>'
             '<x:c r="F1" t="inlineStr"><x:is><x:t>Ativo</x:t></x:is></x:c>'
             '<x:c r="G1" t="inlineStr"><x:is><x:t>Erro</x:t></x:is></x:c>'
             '<x:c r="H1" t="inlineStr"><x:is><x:t>Dia</x:t></x:is></x:c>'
             '<x:c r="I1" t="inlineStr"><x:is><x:t>Valor</x:t></x:is></x:c></x:row>'
             # Zero-padded SKU, phonetic run, escapes, bool, error, ISO date.
             '<x:row r="2"><x:c r="A2" s="1"><x:v>42</x:v></x:c>'
             '<x:c r="B2" t="s"><x:v>2</x:v></x:c>'
             '<x:c r="D2" t="s"><x:v>3</x:v></x:c>'
             '<x:c r="E2" t="d"><x:v>2026-03-15T00:00:00</x:v></x:c>'
             '<x:c r="F2" t="b"><x:v>1</x:v></x:c>'
             '<x:c r="G2" t="e"><x:v>#N/A</x:v></x:c>'
             '<x:c r="H2" s="4"><x:v>7</x:v></x:c>'
             '<x:c r="I2" s="5"><x:v>-3.5</x:v></x:c></x:row>'
             # No references at all: cells count from A, the row follows 2.
             "<x:row><x:c t=\"str\"><x:f>\"F-\"&amp;\"7\"</x:f><x:v>F-7</x:v></x:c>"
             '<x:c t="inlineStr"><x:is><x:r><x:t>Vest</x:t></x:r><x:r><x:t>ido</x:t></x:r></x:is></x:c>'
             "<x:c/><x:c/><x:c s=\"2\"><x:v>46096</x:v></x:c></x:row>"
             # Row 5 with a gap before it (rows 4 absent).
             '<x:row r="5"><x:c r="A5" s="3"><x:v>46096</x:v></x:c>'
             '<x:c r="B5" t="inlineStr"><x:is><x:t>SKU que é data</x:t></x:is></x:c></x:row>'
             "</x:sheetData></x:worksheet>").encode()
    entries = [
        ("_rels/.rels", rels([("rId1", T_DOC, "/xl/workbook.xml")])),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels([
            ("rId1", T_SHEET, "/xl/worksheets/sheet1.xml"),
            ("rId2", RNS + "/sharedStrings", "sharedStrings.xml"),
            ("rId3", RNS + "/styles", "styles.xml")])),
        ("xl/sharedStrings.xml", sst),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", sheet),
    ]
    return normalised_zip(entries)


def zip_bomb_xlsx() -> bytes:
    """40 MB of spaces inside the sheet, deflated about 1000:1."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'.encode()
    body = b" " * (40 * 1000 * 1000)
    tail = b"</sheetData></worksheet>"
    return minimal_xlsx([("Bomba", head + body + tail)], level=9)


def lying_zip_bomb_xlsx() -> bytes:
    """The same bomb whose zip headers claim the sheet inflates to 1000
    bytes: only limits enforced while inflating can stop it."""
    data = bytearray(zip_bomb_xlsx())
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                               (b"PK\x01\x02", 24, 28, 46)):
        at = 0
        while (at := data.find(sig, at)) >= 0:
            n = int.from_bytes(data[at + name_len_at:at + name_len_at + 2], "little")
            if data[at + name_at:at + name_at + n] == name:
                data[at + size_at:at + size_at + 4] = (1000).to_bytes(4, "little")
            at += 4
    return bytes(data)


def billion_laughs_xlsx() -> bytes:
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10)]
    sst = (f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(lol)}]>'
           f'<sst xmlns="{NS}"><si><t>&lol9;</t></si></sst>').encode()
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return minimal_xlsx([("Risos", sheet)], [("xl/sharedStrings.xml", sst)])


def external_entity_xlsx() -> bytes:
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
             f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
             "<is><t>&e;</t></is></c></row></sheetData></worksheet>").encode()
    return minimal_xlsx([("Externa", sheet)])


def malformed_xlsx() -> bytes:
    bad = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>SKU</t></is></c>'
                    '<c r="B1" t="inlineStr"><is><t>Nome</t></is></c></row>'
                    '<row r="2"><c r="A2" t="inlineStr"><is><t>Q-1</t></is></c></row>'
                    '<row r="3"><c r="A3"><v>1</v></row>')
    return minimal_xlsx([("Boa", GOOD_SHEET), ("Quebrada", bad)])


def malformed_only_xlsx() -> bytes:
    return minimal_xlsx([("Quebrada", b'<?xml version="1.0"?><worksheet><sheetData><row>')])


def repeated_cells_xlsx() -> bytes:
    """One row repeating the reference A2 5000 times."""
    cells = '<c r="A2" t="inlineStr"><is><t>x</t></is></c>' * 5000
    return minimal_xlsx([("Repetida", sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>SKU</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Nome</t></is></c></row>'
        f'<row r="2">{cells}</row>'))])


def ods() -> bytes:
    return normalised_zip([
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
    ])


# ------------------------------------------------------------------ CSV

CP1252_CSV = (
    "Carteira de Compras - Coleção Verão 2026;;;;;;\r\n"
    ";;;;;;\r\n"
    "Referência;Descrição;Coleção;Qtde;Preço Custo;Preço Venda;Data Entrega\r\n"
    "00123;Camiseta Básica;Verão 2026;1.200;1.234,56;R$ 59,90;15/03/2026\r\n"
    '00124;Calça Jeans "Slim";Verão 2026;30;45,5;129,00;01/04/2026\r\n'
    ";Sem referência;Verão 2026;5;1,00;2,00;01/04/2026\r\n"
    "00123;Camiseta Básica;Verão 2026;1.200;1.234,56;R$ 59,90;15/03/2026\r\n"
)

UTF8_BOM_CSV = (
    "SKU,Nome,Cor,Tamanho,Preço Venda,Observação\n"
    'A-1,"Vestido ""Longo"", Floral",Azul,M,199.90,"Linha um\nLinha dois"\n'
    'A-2,Blusa,Branco,P,"1,234.50",\n'
    '"A-3","Saia\r\nMidi",Preto,G,89,"sem ""aspas"" no fim"\n'
)

TAB_TEXT = (
    "Código\tNome da Peça\tGrife\tQtd\tCusto\tEstação\n"
    "T-1\tRegata\tAurora\t10\t12,5\tVerão\n"
    "T-2\tCamiseta\tAurora\t20\t15\tVerão\n"
)

UNCLOSED_CSV = (
    "SKU,Nome,Cor\n"
    "A-1,Vestido,Azul\n"
    'A-2,"Blusa sem fim,Branco\n'
    "A-3,Saia,Preto\n"
)


def main() -> None:
    write("carteira.xlsx", carteira_xlsx())
    write("date1904.xlsx", date1904_xlsx())
    write("handmade.xlsx", handmade_xlsx())
    write("carteira.xls", xls_file())
    write("zip_bomb.xlsx", zip_bomb_xlsx())
    write("lying_zip_bomb.xlsx", lying_zip_bomb_xlsx())
    write("billion_laughs.xlsx", billion_laughs_xlsx())
    write("external_entity.xlsx", external_entity_xlsx())
    whole = carteira_xlsx()
    write("truncated.xlsx", whole[: len(whole) * 6 // 10])
    write("malformed.xlsx", malformed_xlsx())
    write("malformed_only.xlsx", malformed_only_xlsx())
    write("repeated_cells.xlsx", repeated_cells_xlsx())
    write("planilha.ods", ods())
    write("carteira_cp1252.csv", CP1252_CSV.encode("cp1252"))
    write("carteira_utf8_bom.csv", b"\xef\xbb\xbf" + UTF8_BOM_CSV.encode())
    write("carteira_tab.tsv", TAB_TEXT.encode())
    write("carteira_utf16.txt", b"\xff\xfe" + TAB_TEXT.replace("\n", "\r\n").encode("utf-16-le"))
    write("unclosed_quote.csv", UNCLOSED_CSV.encode())


if __name__ == "__main__":
    main()
