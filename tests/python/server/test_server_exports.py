"""GET /api/v1/exports/{format} on the real imagebank-server: the catalog
streamed chunked as CSV, XLSX (read back with openpyxl) and JSON Lines,
image URLs the server itself accepts without a key, the read scope, and
refusals answered before the download starts."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from .conftest import DATA
from .server_harness import Server
from .test_server_api import call, cli, make_key, problem, q


@pytest.fixture(scope="module")
def export_bank(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("exports")
    bank = root / "bank"
    carteira = root / "c.csv"
    carteira.write_text("SKU;Descrição;Preço Venda\nABC123;Vestido, midi;189.9\n"
                        "XYZ9;=1+1;\n", encoding="utf-8")
    cli(bank, "carteira", str(carteira), "--import", "--brand", "Aurora",
        "--collection", "Verão")
    photos = root / "photos"
    photos.mkdir()
    shutil.copy(DATA / "rgb.jpg", photos / "ABC123_FRENTE.jpg")
    shutil.copy(DATA / "rgb.png", photos / "ABC123_COSTAS.png")
    cli(bank, "ingest", str(photos), "--collection", "Verão", "--brand", "Aurora",
        "--formats", "jpeg", "--presets", "thumbnail")
    return bank


@pytest.fixture(scope="module")
def served(server_bin: str, export_bank: pathlib.Path) -> Iterator[Server]:
    s = Server(server_bin, export_bank)
    yield s
    code, err = s.terminate()
    assert code == 0, err


def test_exports_stream_each_format(served: Server, export_bank: pathlib.Path) -> None:
    read = make_key(export_bank, "planilha", "read")
    r = call(served.port, "GET", "/api/v1/exports/csv?collection=" + q("Verão"), read)
    assert r.status == 200, r.body
    assert r.header("transfer-encoding") == "chunked"
    assert r.header("content-type") == "text/csv; charset=utf-8"
    assert r.header("content-disposition") == 'attachment; filename="imagebank-produtos.csv"'
    assert r.body.startswith(b"\xef\xbb\xbf")
    rows = {row["sku"]: row for row in csv.DictReader(
        io.StringIO(r.body.decode("utf-8-sig"), newline=""))}
    assert list(rows) == ["ABC123", "XYZ9"]
    abc = rows["ABC123"]
    assert (abc["fotos"], abc["fotos_frente"], abc["fotos_costas"]) == ("2", "1", "1")
    assert abc["nome_peca"] == "Vestido, midi"
    assert rows["XYZ9"]["nome_peca"] == "'=1+1"
    # The URLs are absolute (on the Host the client used: `call` sends
    # "Host: t") and signed by the server's own keys: they work without one.
    cover = abc["url_capa"]
    assert cover.startswith("http://t/images/") and "&sig=" in cover
    image = call(served.port, "GET", cover.removeprefix("http://t"))
    assert image.status == 200 and image.body[:3] == b"\xff\xd8\xff"

    r = call(served.port, "GET", "/api/v1/exports/jsonl?brand=Aurora&size=thumbnail", read)
    assert r.status == 200 and r.header("content-type") == "application/x-ndjson"
    objects = [json.loads(line) for line in r.body.decode("utf-8").splitlines()]
    assert [o["sku"] for o in objects] == ["ABC123", "XYZ9"]
    assert all("size=thumbnail" in i["url"] for i in objects[0]["imagens"])

    r = call(served.port, "GET", "/api/v1/exports/xlsx?delimiter=;", read)
    assert r.status == 200 and r.body.startswith(b"PK\x03\x04")
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(r.body), read_only=True)
    table = list(book["Produtos"].iter_rows(values_only=True))
    header = table[0]
    first = dict(zip(header, table[1]))
    assert len(table) == 3
    assert first["sku"] == "ABC123" and first["fotos"] == 2
    assert first["preco_venda"] == pytest.approx(189.9)


def test_exports_use_the_public_url_behind_a_proxy(
        server_bin: str, export_bank: pathlib.Path) -> None:
    read = make_key(export_bank, "proxy", "read")
    s = Server(server_bin, export_bank, "--public-url", "https://imagens.aurora.com.br/")
    try:
        r = call(s.port, "GET", "/api/v1/exports/jsonl", read)
        assert r.status == 200, r.body
        first = json.loads(r.body.decode("utf-8").splitlines()[0])
        urls = [first["url_capa"]] + [i["url"] for i in first["imagens"]]
        assert all(u.startswith("https://imagens.aurora.com.br/images/") for u in urls), urls
    finally:
        code, err = s.terminate()
        assert code == 0, err
    # Not an http(s) origin: the server refuses to start, naming the option.
    bad = subprocess.run([server_bin, "--bank", str(export_bank), "--listen", "127.0.0.1:0",
                          "--public-url", "ftp://imagens"], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode != 0 and "--public-url" in bad.stderr, bad.stderr


def test_exports_need_read_and_refuse_before_streaming(
        served: Server, export_bank: pathlib.Path) -> None:
    read = make_key(export_bank, "leitura", "read")
    problem(call(served.port, "GET", "/api/v1/exports/csv"), 401, "unauthenticated")
    for target, status, code in [
            ("/api/v1/exports/pdf", 400, "invalid_argument"),
            ("/api/v1/exports/csv?collection=Nope", 404, "not_found"),
            ("/api/v1/exports/csv?brand=Nope", 404, "not_found"),
            ("/api/v1/exports/csv?delimiter=%7C", 400, "invalid_argument"),
            ("/api/v1/exports/csv?size=..%2Fx", 400, "invalid_argument"),
            ("/api/v1/exports/csv?limit=1", 400, "invalid_argument")]:
        r = call(served.port, "GET", target, read)
        problem(r, status, code)
