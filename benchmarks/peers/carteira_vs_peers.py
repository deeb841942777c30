#!/usr/bin/env python3
"""Carteira import: imagebank vs openpyxl and python-calamine, in one run.

The same .xlsx, 100,000 product rows x 15 columns (the 15 canonical fields
under pt-BR headers, a title row above them, text as openpyxl writes it:
inline strings), is generated once with openpyxl's write-only mode and
cached. Each tool reads it to Python rows:

  imagebank   c = imagebank.read_carteira(path); [r.fields for r in c.rows]
              (rows typed and normalised: pt-BR headers mapped to canonical
              fields, dates to ISO, repeated SKUs checked)
  openpyxl    load_workbook(path, read_only=True), then
              [list(r) for r in ws.iter_rows(values_only=True)]
  calamine    python_calamine.load_workbook(path), then
              sheet.to_python()

The tools run interleaved, --repeats times each, and the median is kept.
Printed: a markdown table with each tool's median and the ratios against
the targets of the issue (imagebank >= 10x openpyxl, >= 1x calamine;
reported, never asserted). All three must read the same number of product
rows and the same SKU column, else the exit status is 1.

Usage: carteira_vs_peers.py [--rows N] [--repeats N] [--cache DIR] [--json FILE]
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import pathlib
import random
import statistics
import sys
import tempfile
import time

import openpyxl
import python_calamine

import imagebank

TARGETS = {"openpyxl": 10.0, "calamine": 1.0}
HEADERS = ["SKU", "Nome da Peça", "Categoria", "Subcategoria", "Tipo de Peça",
           "Origem", "Marca", "Coleção", "Cor", "Tamanho", "Quantidade",
           "Preço Custo", "Preço Venda", "Fornecedor", "Data Entrega"]
TITLE_ROWS = 2  # a title and a blank row above the header


def cache_dir(arg: str | None) -> pathlib.Path:
    if arg:
        return pathlib.Path(arg)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(tempfile.gettempdir())
    return pathlib.Path(base) / "imagebank-bench"


def generate(path: pathlib.Path, rows: int) -> None:
    """100k rows of plausible Carteira data, deterministic."""
    rng = random.Random(2026)
    words = ["Vestido", "Blusa", "Saia", "Calça", "Camisa", "Bermuda", "Casaco",
             "Regata", "Macacão", "Jaqueta"]
    adjectives = ["Midi", "Floral", "Básica", "Slim", "Linho", "Jeans", "Tricô",
                  "Cropped", "Longo", "Listrado"]
    colours = ["Azul", "Preto", "Branco", "Verde", "Rosa", "Bege", "Vinho"]
    sizes = ["PP", "P", "M", "G", "GG", "36", "38", "40", "42"]
    brands = ["Aurora", "Maré", "Cerrado", "Ipê"]
    suppliers = ["Têxtil Aurora", "Confecções Sul", "Malharia Norte"]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Carteira")
    ws.append(["Carteira de Compras — Verão 2026"])
    ws.append([])
    ws.append(HEADERS)
    start = dt.datetime(2026, 1, 5)
    for i in range(rows):
        piece = rng.choice(words)
        ws.append([
            f"SKU{i:07d}",
            f"{piece} {rng.choice(adjectives)}",
            piece + "s",
            rng.choice(adjectives),
            piece,
            rng.choice(["Nacional", "Importado"]),
            rng.choice(brands),
            "Verão 2026",
            rng.choice(colours),
            rng.choice(sizes),
            rng.randrange(1, 500),
            round(rng.uniform(10, 400), 2),
            round(rng.uniform(30, 1200), 2),
            rng.choice(suppliers),
            start + dt.timedelta(days=rng.randrange(180)),
        ])
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.replace(path)


def read_imagebank(path):
    c = imagebank.read_carteira(path)
    rows = [r.fields for r in c.rows]
    return [r["sku"] for r in rows]


def read_openpyxl(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return [r[0] for r in rows[TITLE_ROWS + 1:]]


def read_calamine(path):
    wb = python_calamine.load_workbook(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    return [r[0] for r in rows[TITLE_ROWS + 1:]]


TOOLS = {"imagebank": read_imagebank, "openpyxl": read_openpyxl, "calamine": read_calamine}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cache", help="folder of the generated workbook")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    folder = cache_dir(args.cache)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"carteira_{args.rows}x15.xlsx"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        generate(path, args.rows)

    times: dict[str, list[float]] = {t: [] for t in TOOLS}
    skus: dict[str, list] = {}
    for _ in range(args.repeats):
        for name, fn in TOOLS.items():
            start = time.perf_counter()
            got = fn(path)
            times[name].append(time.perf_counter() - start)
            skus[name] = got

    medians = {t: statistics.median(v) for t, v in times.items()}
    same = skus["imagebank"] == skus["openpyxl"] == skus["calamine"]
    size_mb = path.stat().st_size / 1e6
    print(f"{path.name}: {args.rows} rows x 15 columns, {size_mb:.1f} MB; "
          f"median of {args.repeats} interleaved runs; imagebank {imagebank.__version__}, "
          f"openpyxl {openpyxl.__version__}, python-calamine "
          f"{importlib.metadata.version('python-calamine')}, Python {sys.version.split()[0]}")
    print()
    print("| tool | median s | rows/s | imagebank speed-up | target |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds in medians.items():
        ratio = seconds / medians["imagebank"]
        target = TARGETS.get(name)
        print(f"| {name} | {seconds:.3f} | {args.rows / seconds:,.0f} | "
              f"{'' if name == 'imagebank' else f'{ratio:.2f}x'} | "
              f"{'' if target is None else f'>= {target:g}x ' + ('met' if ratio >= target else 'NOT met')} |")
    print()
    print(f"same rows and SKU column: {'yes' if same else 'NO'} "
          f"({len(skus['imagebank'])} / {len(skus['openpyxl'])} / {len(skus['calamine'])} rows)")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {"rows": args.rows, "file_mb": size_mb, "medians": medians, "times": times,
             "same": same}, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
