#!/usr/bin/env python3
"""Make the demo catalog of scripts/run.sh from the real-photo corpus.

Usage: make-demo-catalog.py CORPUS_DIR OUT_DIR [--seed N]

OUT_DIR (re-created) gets what a brand's studio and buying team hand over for
the "Verão 2027" collection of the fictional brand Aurora Moda:

  photos/       studio photos named by SKU and angle (VER27-1001_FRENTE.jpg,
                VER27-1002_01.jpg, VER27-1003-B.jpg, VER27-1004/FRENTE.jpg,
                studio-day-2/...), with the usual accidents on purpose: exact
                duplicates, near duplicates under another angle's name, the
                same photo under two SKUs (a byte copy and a resized copy:
                cross-SKU conflicts), photos without a SKU, and one
                truncated JPEG
  carteira.xlsx the Carteira de Compras (purchase orders): a title row above
                messy Portuguese headers, one row per SKU and size for some
                SKUs, and SKUs that have no photo yet
  manifest.json every photo: path, sku, view, case, derived_from

The corpus holds 30 wallpapers, too few for a distinct picture per angle, so
each angle is a different crop (another region of the picture), a mirror or a
rotation of one, and every two pictures meant to be distinct are checked to lie
more than 10 bits apart in pHash (imagehash). The same seed gives the same
files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import imagehash
import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from PIL import Image, ImageOps, ImageStat

PREFIX = "VER27"
MAX_SIDE = 1600  # long side of a demo photo: keeps the demo ingest quick
MIN_DISTANCE = 11  # pHash bits between two pictures meant to be distinct
NEAR_MAX_DISTANCE = 4  # a near duplicate must stay this close to its original
FLAT_STDDEV = 10.0  # below this grey-level spread a picture has no features
CORPUS_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".avif"}

# The photos, as the studio names them. "{s}" is the SKU. A name ending in
# "/" under a folder means a per-SKU folder: the grammar takes the SKU from
# the folder. The extension picks the format (mostly JPEG).
SHOOTS: list[tuple[int, str, list[str]]] = [
    # (SKU number, folder under photos/, file names)
    (1001, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg", "{s}_DETALHE.jpg"]),
    (1002, "", ["{s}_01.jpg", "{s}_02.jpg"]),
    (1003, "", ["{s}.jpg", "{s}-B.jpg"]),
    (1004, "{s}", ["FRENTE.jpg", "COSTAS.jpg", "DETALHE.jpg"]),
    (1005, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg", "{s}_LATERAL.webp"]),
    (1006, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg"]),
    (1007, "", ["{s}_FRENTE.jpg"]),
    (1008, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg", "{s}_DETALHE.jpg",
                "{s}_LOOK.jpg"]),
    (1009, "{s}", ["01.jpg", "02.jpg"]),
    (1010, "", ["{s}_FRENTE.jpg"]),
    (1011, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg", "{s}_DETALHE.jpg"]),
    (1012, "", ["{s}_FRENTE.png", "{s}_COSTAS.jpg"]),
    (1013, "", ["{s}_FRENTE.jpg", "{s}_DETALHE.jpg"]),
    (1014, "", ["{s}_01.jpg", "{s}_02.jpg", "{s}_03.jpg"]),
    (1015, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg"]),
    (1016, "", ["{s}_FRENTE.webp"]),
    (1017, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg", "{s}_DETALHE.png"]),
    (1018, "", ["{s}.jpg", "{s}-B.jpg", "{s}-C.jpg"]),
    (1019, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg"]),
    (1020, "", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg", "{s}_DETALHE.jpg"]),
    (1021, "studio-day-2", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg",
                            "{s}_DETALHE.jpg"]),
    (1022, "studio-day-2", ["{s}_FRENTE.png", "{s}_COSTAS.jpg"]),
    (1023, "studio-day-2/{s}", ["FRENTE.jpg", "COSTAS.jpg"]),
    (1024, "studio-day-2", ["{s}_FRENTE.jpg"]),
    (1025, "studio-day-2", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg",
                            "{s}_DETALHE.jpg"]),
    (1026, "studio-day-2", ["{s}_01.jpg", "{s}_02.jpg"]),
    (1027, "studio-day-2", ["{s}_FRENTE.webp", "{s}_COSTAS.webp"]),
    (1028, "studio-day-2", ["{s}_FRENTE.jpg", "{s}_DETALHE.jpg"]),
    (1029, "studio-day-2", ["{s}_FRENTE.jpg"]),
    (1030, "studio-day-2", ["{s}_FRENTE.jpg", "{s}_COSTAS.jpg",
                            "{s}_DETALHE.jpg", "{s}_LOOK.jpg"]),
]
# In the Carteira, not yet photographed.
SKUS_WITHOUT_PHOTOS = list(range(1031, 1041))

# Photos no SKU can be read from (camera names) or whose SKU the Carteira
# does not list: (path under photos/, SKU the name carries or None).
NO_SKU = [
    ("IMG_4521.jpg", None),
    ("DSC_0042.jpg", None),
    ("studio-day-2/WhatsApp Image 2027-01-12 at 10.22.31.jpeg", None),
    ("XYZ999_FRENTE.jpg", "XYZ999"),
    ("studio-day-2/VER27-2099_FRENTE.jpg", "VER27-2099"),
]
# Byte-identical copies: (copy, original), paths under photos/.
EXACT_DUPLICATES = [
    ("VER27-1001_FRENTE - Copia.jpg", "VER27-1001_FRENTE.jpg"),
    # uploaded again on the second studio day
    ("studio-day-2/VER27-1005_COSTAS.jpg", "VER27-1005_COSTAS.jpg"),
    # another SKU's photo saved under this SKU's name
    ("studio-day-2/VER27-1012_LOOK.jpg", "VER27-1011_FRENTE.jpg"),
]
# The same picture again under another angle's name: (copy, original, how).
NEAR_DUPLICATES = [
    ("VER27-1002_03.jpg", "VER27-1002_01.jpg", "jpeg q55"),
    ("VER27-1006_DETALHE.jpg", "VER27-1006_FRENTE.jpg", "resize 70%"),
    ("studio-day-2/VER27-1022_LATERAL.jpg",
     "studio-day-2/VER27-1022_COSTAS.jpg", "jpeg q50"),
    # another SKU's photo, resized for a marketplace, saved under this SKU's
    # name: a cross-SKU conflict like VER27-1012_LOOK above
    ("studio-day-2/VER27-1013_LOOK.jpg", "VER27-1014_02.jpg", "resize 70%"),
]
# A JPEG cut short (an interrupted upload): (path, fraction of bytes kept).
CORRUPT = ("VER27-1010_COSTAS.jpg", 0.40)

# The grammar's view words (src/sku/rules.cpp) for the names used here.
VIEW_WORDS = {"FRENTE": "front", "COSTAS": "back", "DETALHE": "detail",
              "LATERAL": "side", "LOOK": "look"}

# Candidate derivations of a corpus picture, tried in order: a region
# (left, top, right, bottom as fractions; regions of one picture start at
# least 35% apart or differ by a transform) and a transform.
DERIVATIONS: list[tuple[str, tuple[float, float, float, float], str]] = [
    ("left half", (0.0, 0.0, 0.5, 1.0), ""),
    ("right half", (0.5, 0.0, 1.0, 1.0), "mirror"),
    ("whole", (0.0, 0.0, 1.0, 1.0), "rotate 90"),
    ("top-left", (0.0, 0.0, 0.6, 0.6), ""),
    ("bottom-right", (0.4, 0.4, 1.0, 1.0), "mirror"),
    ("middle", (0.25, 0.0, 0.75, 1.0), "rotate 90"),
    ("whole", (0.0, 0.0, 1.0, 1.0), "mirror"),
    ("top half", (0.0, 0.0, 1.0, 0.5), "rotate 270"),
    ("bottom half", (0.0, 0.5, 1.0, 1.0), ""),
    ("top-right", (0.4, 0.0, 1.0, 0.6), "rotate 90"),
    ("bottom-left", (0.0, 0.4, 0.6, 1.0), ""),
]


@dataclass
class Source:
    name: str
    image: Image.Image
    next_derivation: int = 0


@dataclass
class Made:
    path: str  # under OUT_DIR
    sku: str | None
    view: str | None
    sequence: str | None
    case: str
    derived_from: dict
    extra: dict = field(default_factory=dict)


def warn(message: str) -> None:
    print(f"make-demo-catalog: warning: {message}", file=sys.stderr)


def load_sources(corpus: Path) -> tuple[list[Source], list[str]]:
    """The corpus pictures with features, one per distinct picture."""
    sources: list[Source] = []
    hashes: list[imagehash.ImageHash] = []
    skipped: list[str] = []
    files = sorted(p for p in corpus.iterdir()
                   if p.is_file() and p.suffix.lower() in CORPUS_EXTENSIONS)
    if not files:
        sys.exit(f"make-demo-catalog: no photos in {corpus}")
    for path in files:
        with Image.open(path) as im:
            if im.format == "JPEG":
                scale = 1
                while min(im.size) // (scale * 2) >= 1200 and scale < 8:
                    scale *= 2
                if scale > 1:
                    im.draft("RGB", (im.width // scale, im.height // scale))
            im = ImageOps.exif_transpose(im)
            # Alpha dropped, as a JPEG would: an overlay drawn only in its
            # alpha channel has no picture left and is skipped below.
            rgb = im.convert("RGB")
        if ImageStat.Stat(rgb.convert("L")).stddev[0] < FLAT_STDDEV:
            skipped.append(f"{path.name} (too flat to hash without alpha)")
            continue
        h = imagehash.phash(rgb)
        twin = next((s.name for s, o in zip(sources, hashes)
                     if h - o < MIN_DISTANCE), None)
        if twin:
            skipped.append(f"{path.name} (the same picture as {twin})")
            continue
        sources.append(Source(path.name, rgb))
        hashes.append(h)
    return sources, skipped


def derive(source: Source, index: int) -> tuple[Image.Image, str]:
    label, (l, t, r, b), transform = DERIVATIONS[index]
    w, h = source.image.size
    im = source.image.crop((round(l * w), round(t * h), round(r * w),
                            round(b * h)))
    if transform == "mirror":
        im = ImageOps.mirror(im)
    elif transform == "rotate 90":
        im = im.transpose(Image.Transpose.ROTATE_90)
    elif transform == "rotate 270":
        im = im.transpose(Image.Transpose.ROTATE_270)
    if max(im.size) > MAX_SIDE:
        im.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    what = label + (f", {transform}" if transform else "")
    return im, what


class Pictures:
    """Hands out distinct pictures: derivations of one corpus picture per
    product, each more than MIN_DISTANCE pHash bits from every other."""

    def __init__(self, sources: list[Source]):
        self.sources = sources
        self.hashes: list[tuple[str, imagehash.ImageHash]] = []
        self.rejected = 0

    def take(self, first_source: int, label: str) -> tuple[Image.Image, dict]:
        n = len(self.sources)
        for k in range(n):
            source = self.sources[(first_source + k) % n]
            while source.next_derivation < len(DERIVATIONS):
                index = source.next_derivation
                source.next_derivation += 1
                im, what = derive(source, index)
                if ImageStat.Stat(im.convert("L")).stddev[0] < FLAT_STDDEV:
                    continue  # a flat region of the picture: no features
                h = imagehash.phash(im)
                close = next(((p, h - o) for p, o in self.hashes
                              if h - o < MIN_DISTANCE), None)
                if close:
                    self.rejected += 1
                    warn(f"{label}: {source.name} ({what}) is {close[1]} bits "
                         f"from {close[0]}; trying another derivation")
                    continue
                self.hashes.append((label, h))
                return im, {"corpus": source.name, "transform": what,
                            "phash": str(h)}
        sys.exit("make-demo-catalog: the corpus has too few distinct pictures")


def encode(im: Image.Image, suffix: str, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    suffix = suffix.lower()
    if suffix in (".jpg", ".jpeg"):
        im.save(buf, "JPEG", quality=quality, optimize=True)
    elif suffix == ".png":
        im.save(buf, "PNG", compress_level=6)
    elif suffix == ".webp":
        im.save(buf, "WEBP", quality=min(quality, 85), method=4)
    else:
        raise ValueError(f"no encoder for {suffix}")
    return buf.getvalue()


def parse_name(name: str) -> tuple[str | None, str | None]:
    """(view, sequence) as the SKU grammar reads the demo's file names."""
    stem = Path(name).stem
    if stem.endswith(" - Copia"):
        stem = stem[: -len(" - Copia")]
    token = re.split(r"[_/-]", stem)[-1] if re.search(r"[_-]", stem) else stem
    if re.fullmatch(rf"{PREFIX}-\d+", stem):
        return "", ""  # the bare SKU: the main photo, no view
    if token in VIEW_WORDS:
        return VIEW_WORDS[token], token
    return "", token


def name_sku(rel: str) -> str:
    """The SKU a demo path carries, in its file name or its folder."""
    return re.findall(rf"{PREFIX}-\d+", rel)[-1]


def make_photos(out: Path, sources: list[Source],
                rng: random.Random) -> tuple[list[Made], int]:
    photos = out / "photos"
    pictures = Pictures(sources)
    order = list(range(len(sources)))
    rng.shuffle(order)
    made: list[Made] = []
    by_path: dict[str, Made] = {}
    group = 0  # the corpus picture of each product: one per product in turn

    def write(rel: str, data: bytes) -> None:
        target = photos / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def add(m: Made) -> None:
        made.append(m)
        by_path[m.path] = m

    for number, folder, names in SHOOTS:
        sku = f"{PREFIX}-{number}"
        start = order[group % len(order)]
        group += 1
        for name in names:
            rel = "/".join(x for x in (folder.format(s=sku),
                                       name.format(s=sku)) if x)
            im, origin = pictures.take(start, rel)
            data = encode(im, Path(rel).suffix)
            write(rel, data)
            view, sequence = parse_name(Path(rel).name)
            add(Made("photos/" + rel, sku, view, sequence, "normal", origin,
                     {"width": im.width, "height": im.height,
                      "bytes": len(data)}))

    for rel, carried in NO_SKU:
        im, origin = pictures.take(order[group % len(order)], rel)
        group += 1
        data = encode(im, Path(rel).suffix)
        write(rel, data)
        extra = {"width": im.width, "height": im.height, "bytes": len(data)}
        if carried:
            extra["name_sku"] = carried
            extra["note"] = f"{carried} is not in the Carteira"
        else:
            extra["note"] = "camera file name: no SKU"
        add(Made("photos/" + rel, None, None, None, "no_sku", origin, extra))

    for rel, original in EXACT_DUPLICATES:
        data = (photos / original).read_bytes()
        write(rel, data)
        view, sequence = parse_name(Path(rel).name)
        extra = {"bytes": len(data)}
        if name_sku(rel) != name_sku(original):
            extra["conflict"] = f"the photo of {name_sku(original)}"
        add(Made("photos/" + rel, name_sku(rel), view, sequence,
                 "exact_duplicate",
                 {"photo": "photos/" + original, "transform": "byte copy"},
                 extra))

    for rel, original, how in NEAR_DUPLICATES:
        src = by_path["photos/" + original]
        with Image.open(photos / original) as im:
            im = im.convert("RGB")
        h_original = imagehash.phash(im)
        if how.startswith("resize"):
            im = im.resize((round(im.width * 0.7), round(im.height * 0.7)),
                           Image.Resampling.LANCZOS)
            data = encode(im, Path(rel).suffix, quality=85)
        else:
            data = encode(im, Path(rel).suffix, quality=int(how.split("q")[1]))
        with Image.open(io.BytesIO(data)) as check:
            distance = int(imagehash.phash(check.convert("RGB")) - h_original)
        if distance > NEAR_MAX_DISTANCE:
            warn(f"{rel}: {distance} bits from {original}, not a near "
                 "duplicate any more")
        write(rel, data)
        view, sequence = parse_name(Path(rel).name)
        extra = {"width": im.width, "height": im.height, "bytes": len(data)}
        if name_sku(rel) != src.sku:
            extra["conflict"] = f"the photo of {src.sku}"
        add(Made("photos/" + rel, name_sku(rel), view, sequence,
                 "near_duplicate",
                 {"photo": "photos/" + original, "transform": how,
                  "phash_distance": distance},
                 extra))

    rel, keep = CORRUPT
    im, origin = pictures.take(order[group % len(order)], rel)
    data = encode(im, ".jpg")
    cut = data[: int(len(data) * keep)]
    write(rel, cut)
    view, sequence = parse_name(Path(rel).name)
    origin["transform"] += f", truncated to {keep:.0%} of {len(data)} bytes"
    add(Made("photos/" + rel, name_sku(rel), view, sequence, "corrupt",
             origin, {"bytes": len(cut)}))
    return made, pictures.rejected


# The Carteira: what the buying team ordered.
PRODUCTS = {
    "Vestido": (["Midi", "Longo", "Curto", "Chemise"],
                ["Linho", "Viscose", "Crepe", "Tricoline", "Seda"],
                ["P", "M", "G"], (119.9, 259.9)),
    "Blusa": (["Regata", "Manga Longa", "Cropped", "Ombro a Ombro"],
              ["Viscose", "Algodão", "Tricô", "Crepe"],
              ["PP", "P", "M", "G"], (49.9, 129.9)),
    "Calça": (["Pantalona", "Wide Leg", "Alfaiataria", "Jogger"],
              ["Linho", "Jeans", "Sarja", "Viscose"],
              ["36", "38", "40", "42"], (99.9, 219.9)),
    "Saia": (["Midi", "Mini", "Envelope", "Plissada"],
             ["Linho", "Couro Sintético", "Viscose", "Tule"],
             ["P", "M", "G"], (79.9, 179.9)),
    "Jaqueta": (["Jeans", "Bomber", "Alfaiataria", "Corta-vento"],
                ["Jeans", "Nylon", "Sarja", "Suede"],
                ["P", "M", "G"], (149.9, 329.9)),
}
COLOURS = ["Off White", "Preto", "Azul Marinho", "Terracota", "Verde Oliva",
           "Rosa Chá", "Caramelo", "Estampado Floral", "Areia", "Vinho",
           "Azul Céu", "Listrado P&B"]
SUPPLIERS = [("Confecções Serra Azul Ltda", "Nacional"),
             ("Tecelagem Vale do Itajaí", "Nacional"),
             ("Malharia Santa Clara", "Nacional"),
             ("Atelier Bom Retiro", "Nacional"),
             ("Ningbo Textile Trading Co.", "Importado")]
HEADERS = ["Referência", "Descrição", "Categoria", "Sub Categoria", "Cor",
           "Tamanho", "Qtde", "Preço Custo", "Preço Venda", "Fornecedor",
           "Data Entrega", "Origem", "Obs."]
FIXED_TIME = dt.datetime(2026, 8, 5, 9, 30, 0)


def carteira_rows(skus: list[str], rng: random.Random,
                  multi_size: set[str]) -> list[list]:
    rows = []
    categories = list(PRODUCTS)
    used: set[str] = set()
    for sku in skus:
        description = ""
        while not description or description in used:
            category = rng.choice(categories)
            subs, fabrics, sizes, (low, high) = PRODUCTS[category]
            sub = rng.choice(subs)
            colour = rng.choice(COLOURS)
            fabric = rng.choice([f for f in fabrics if f not in sub])
            description = f"{category} {sub} {fabric} {colour}"
        used.add(description)
        supplier, origin = rng.choice(SUPPLIERS)
        # Prices end in ,90 as shops write them; cost about 40% of price.
        price = round(rng.uniform(low, high)) + 0.9
        cost = round(price * rng.uniform(0.36, 0.44), 2)
        delivery = dt.date(2026, 10, 1) + dt.timedelta(
            days=rng.randrange(0, 70))
        note = rng.choice(["", "", "", "Reposição da coleção anterior",
                           "Aguardando aprovação da peça piloto",
                           "Foto no estúdio"])
        grid = sizes if sku in multi_size else ["U"]
        for size in grid:
            qty = rng.randrange(12, 60, 6) if size != "U" else rng.randrange(
                60, 240, 12)
            rows.append([sku, description, category, sub, colour, size, qty,
                         cost, price, supplier, delivery, origin,
                         note or None])
    return rows


def write_carteira(path: Path, skus: list[str], rng: random.Random) -> dict:
    multi_size = set(rng.sample(skus, 7))
    rows = carteira_rows(skus, rng, multi_size)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Carteira Verão 27"
    bold = Font(bold=True)
    ws["A1"] = "CARTEIRA DE COMPRAS - VERÃO 2027"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Aurora Moda · emitida em 05/08/2026 · valores em R$"
    ws.append([])  # a blank row before the header, as real sheets have
    ws.append(HEADERS)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="FFD9E1F2")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(row)
    for r in range(header_row + 1, ws.max_row + 1):
        ws.cell(r, 8).number_format = '"R$" #,##0.00'
        ws.cell(r, 9).number_format = '"R$" #,##0.00'
        ws.cell(r, 11).number_format = "DD/MM/YYYY"
    for col, width in zip("ABCDEFGHIJKLM",
                          (13, 44, 11, 15, 17, 9, 7, 12, 12, 28, 13, 10, 36)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)

    # A summary sheet, as buyers keep one: it has no SKU column, so the
    # reader skips it.
    summary = wb.create_sheet("Resumo")
    summary.append(["Categoria", "Qtde", "Valor Custo (R$)"])
    for cell in summary[1]:
        cell.font = bold
    totals: dict[str, list[float]] = {}
    for row in rows:
        t = totals.setdefault(row[2], [0, 0.0])
        t[0] += row[6]
        t[1] += row[6] * row[7]
    for category in sorted(totals):
        qty, value = totals[category]
        summary.append([category, qty, round(value, 2)])
        summary.cell(summary.max_row, 3).number_format = '"R$" #,##0.00'
    summary.append(["TOTAL", sum(t[0] for t in totals.values()),
                    round(sum(t[1] for t in totals.values()), 2)])
    summary.cell(summary.max_row, 3).number_format = '"R$" #,##0.00'

    wb.properties.creator = "Compras Aurora Moda"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(reproducible_zip(buf.getvalue()))
    return {"rows": len(rows), "skus": len(skus),
            "skus_with_size_rows": sorted(multi_size),
            "header_row": header_row}


def reproducible_zip(data: bytes) -> bytes:
    """The same .xlsx bytes for the same content: openpyxl stamps the save
    time into docProps/core.xml and the zip entries."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename,
                                    FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(entry, content)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Make the imagebank demo catalog (photos named by SKU, "
        "a Carteira de Compras and a manifest) from the real-photo corpus.")
    parser.add_argument("corpus", type=Path, metavar="CORPUS_DIR")
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: not a folder")

    rng = random.Random(args.seed)
    if args.out.exists():
        shutil.rmtree(args.out)
    (args.out / "photos").mkdir(parents=True)

    sources, skipped = load_sources(args.corpus)
    made, rejected = make_photos(args.out, sources, rng)

    with_photos = [f"{PREFIX}-{n}" for n, _, _ in SHOOTS]
    without = [f"{PREFIX}-{n}" for n in SKUS_WITHOUT_PHOTOS]
    carteira_skus = sorted(with_photos + without)
    carteira = write_carteira(args.out / "carteira.xlsx", carteira_skus, rng)

    manifest = {
        "seed": args.seed,
        "corpus": str(args.corpus),
        "corpus_used": [s.name for s in sources],
        "corpus_skipped": skipped,
        "carteira": {"path": "carteira.xlsx", **carteira,
                     "skus_with_photos": with_photos,
                     "skus_without_photos": without},
        "photos": [{"path": m.path, "sku": m.sku, "view": m.view,
                    "sequence": m.sequence, "case": m.case,
                    "derived_from": m.derived_from, **m.extra}
                   for m in sorted(made, key=lambda m: m.path)],
    }
    (args.out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")

    counts: dict[str, int] = {}
    for m in made:
        counts[m.case] = counts.get(m.case, 0) + 1
    formats: dict[str, int] = {}
    for m in made:
        ext = Path(m.path).suffix.lower().lstrip(".").replace("jpeg", "jpg")
        formats[ext] = formats.get(ext, 0) + 1
    folders = sorted({str(Path(m.path).parent.relative_to("photos"))
                      for m in made} - {"."})
    err = sys.stderr
    print(f"demo catalog in {args.out} (seed {args.seed}):", file=err)
    print(f"  corpus: {len(sources)} distinct pictures used, "
          f"{len(skipped)} skipped (featureless or the same picture)",
          file=err)
    print(f"  photos: {len(made)} files ("
          + ", ".join(f"{n} {k}" for k, n in sorted(formats.items()))
          + f") for {len(with_photos)} SKUs; folders: "
          + ", ".join(folders), file=err)
    print(f"    {counts.get('normal', 0)} normal, "
          f"{counts.get('exact_duplicate', 0)} exact duplicates, "
          f"{counts.get('near_duplicate', 0)} near duplicates, "
          f"{counts.get('no_sku', 0)} without a Carteira SKU, "
          f"{counts.get('corrupt', 0)} corrupt"
          + (f" ({rejected} too-alike derivation(s) replaced)"
             if rejected else ""), file=err)
    for case in ("exact_duplicate", "near_duplicate", "no_sku", "corrupt"):
        for m in (m for m in made if m.case == case):
            how = m.derived_from.get("photo") or m.extra.get("note", "")
            if case == "corrupt":
                how = "a JPEG cut at 40%"
            print(f"      {case:<15} {m.path[len('photos/'):]}"
                  + (f"  <- {how[len('photos/'):]}"
                     if how.startswith("photos/") else f"  ({how})")
                  + (f"  [cross-SKU conflict: {m.extra['conflict']}]"
                     if "conflict" in m.extra else ""),
                  file=err)
    print(f"  carteira.xlsx: {carteira['skus']} SKUs in {carteira['rows']} "
          f"rows ({len(carteira['skus_with_size_rows'])} SKUs with a row per "
          f"size), {len(without)} SKUs without photos "
          f"({without[0]}..{without[-1]})", file=err)
    print("  manifest.json: every photo with its SKU, view and case", file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
