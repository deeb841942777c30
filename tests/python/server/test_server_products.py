"""Products over the JSON API (GET /api/v1/products with its filters and
cursor pages, GET /api/v1/products/{id} with photos by view, signed URLs and
SKU history) and the near-duplicate pairs report as JSON and CSV, on a bank
of noise pictures whose only near duplicates are the ones made on purpose."""

from __future__ import annotations

import csv
import io
import pathlib
import random
import sqlite3
import struct
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from .server_harness import Server, get
from .test_server_api import call, cli, make_key, ok_json, problem, q

SUMMER = "Verão 2027"
WINTER = "Inverno"


def chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def noise_png(seed: int, note: bytes = b"") -> bytes:
    """64x64 RGB noise: pictures of different seeds are far apart in pHash;
    the same seed with another `note` is the same picture in other bytes."""
    rnd = random.Random(seed)
    rows = b"".join(b"\x00" + rnd.randbytes(64 * 3) for _ in range(64))
    extra = chunk(b"tEXt", b"Comment\x00" + note) if note else b""
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
            + extra + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def product_bank(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Aurora / Verão 2027: AB100 (front, back and one without a view),
    AB101 (none), AB200 (detail), ZZ1 (none), and "@copia.png", an unmatched
    copy of AB100's front in other bytes (the near duplicate). Boreal /
    Inverno: AB300 (front)."""
    root = tmp_path_factory.mktemp("products")
    bank = root / "bank"
    summer_sheet = root / "verao.tsv"
    summer_sheet.write_text("Código\tNome da Peça\tCor\n"
                            "AB100\tSaia Plissê\tAzul\n"
                            "AB101\t=1+1\tVerde\n"
                            "AB200\tBlusa\tBranco\n"
                            "ZZ1\tCinto\tPreto\n", encoding="utf-8")
    winter_sheet = root / "inverno.tsv"
    winter_sheet.write_text("Código\tNome da Peça\nAB300\tCasaco\n", encoding="utf-8")
    cli(bank, "carteira", str(summer_sheet), "--import", "--brand", "Aurora",
        "--collection", SUMMER)
    cli(bank, "carteira", str(winter_sheet), "--import", "--brand", "Boreal",
        "--collection", WINTER)
    summer, winter = root / "summer", root / "winter"
    summer.mkdir()
    winter.mkdir()
    for name, png in [("AB100_FRENTE.png", noise_png(1)),
                      ("AB100_COSTAS.png", noise_png(2)),
                      ("AB100_02.png", noise_png(3)),
                      ("AB200_DETALHE.png", noise_png(4)),
                      ("@copia.png", noise_png(1, b"copia"))]:
        (summer / name).write_bytes(png)
    (winter / "AB300_FRENTE.png").write_bytes(noise_png(5))
    common = ["--formats", "jpeg", "--presets", "thumbnail"]
    cli(bank, "ingest", str(summer), "--collection", SUMMER, *common)
    cli(bank, "ingest", str(winter), "--collection", WINTER, *common)
    # A rename in the product's SKU history (no CLI command makes one).
    with sqlite3.connect(bank / "bank.db") as db:
        db.execute("INSERT INTO sku_history (subject, subject_id, old_sku, new_sku, "
                   "actor, reason, at_ms) SELECT 'product', id, 'AB-100', 'AB100', "
                   "'ana', 'typo', 1700000000000 FROM products WHERE sku = 'AB100'")
    return bank


@pytest.fixture(scope="module")
def srv(server_bin: str, product_bank: pathlib.Path) -> Iterator[Server]:
    s = Server(server_bin, product_bank)
    yield s
    code, err = s.terminate()
    assert code == 0, err


@pytest.fixture(scope="module")
def key(product_bank: pathlib.Path) -> str:
    return make_key(product_bank, "catalog-team", "read")


def products(port: int, key: str, query: str = "") -> list[dict[str, Any]]:
    """Every page of GET /api/v1/products?query, followed by its cursor."""
    items: list[dict[str, Any]] = []
    after = ""
    for _ in range(100):
        page = ok_json(call(port, "GET", f"/api/v1/products?limit=2{query}{after}", key))
        items += page["items"]
        if page["next"] is None:
            return items
        after = "&after=" + page["next"]
    raise AssertionError("the cursor never ended")


def skus(port: int, key: str, query: str = "") -> list[str]:
    return [p["sku"] for p in products(port, key, query)]


def test_products_list_with_fields_and_photo_counts(srv: Server, key: str) -> None:
    body = ok_json(call(srv.port, "GET", "/api/v1/products", key))
    assert body["next"] is None
    items = body["items"]
    assert [p["sku"] for p in items] == ["AB100", "AB101", "AB200", "ZZ1", "AB300"]
    ab100 = items[0]
    assert ab100["fields"]["nome_peca"] == "Saia Plissê"
    assert ab100["fields"]["cor"] == "Azul"
    assert set(ab100["fields"]) >= {"nome_peca", "categoria", "preco_venda", "data_entrega"}
    assert ab100["sku_base"] == "AB100" and isinstance(ab100["collection_id"], int)
    assert isinstance(ab100["carteira_import_id"], int) and ab100["extra"] == {}
    assert ab100["photo_count"] == 3
    assert ab100["views"] == [{"view": "", "photos": 1}, {"view": "back", "photos": 1},
                              {"view": "front", "photos": 1}]
    assert items[1]["photo_count"] == 0 and items[1]["views"] == []
    assert items[2]["views"] == [{"view": "detail", "photos": 1}]
    assert items[4]["collection_id"] != ab100["collection_id"]


def test_products_filters(srv: Server, key: str) -> None:
    assert skus(srv.port, key, "&collection=" + q(SUMMER)) == ["AB100", "AB101", "AB200",
                                                               "ZZ1"]
    assert skus(srv.port, key, "&collection=" + WINTER) == ["AB300"]
    assert skus(srv.port, key, "&brand=Boreal") == ["AB300"]
    assert skus(srv.port, key, "&brand=Aurora") == ["AB100", "AB101", "AB200", "ZZ1"]
    # sku is a prefix: a whole SKU is its own prefix; case counts.
    assert skus(srv.port, key, "&sku=AB1") == ["AB100", "AB101"]
    assert skus(srv.port, key, "&sku=AB") == ["AB100", "AB101", "AB200", "AB300"]
    assert skus(srv.port, key, "&sku=AB100") == ["AB100"]
    assert skus(srv.port, key, "&sku=ab1") == []
    assert skus(srv.port, key, "&sku=" + q("AB1%")) == []
    assert skus(srv.port, key, "&has_photo=true") == ["AB100", "AB200", "AB300"]
    assert skus(srv.port, key, "&has_photo=false") == ["AB101", "ZZ1"]
    assert skus(srv.port, key, "&has_photo=0") == ["AB101", "ZZ1"]
    assert skus(srv.port, key, "&missing_view=front") == ["AB101", "AB200", "ZZ1"]
    assert skus(srv.port, key, "&missing_view=back") == ["AB101", "AB200", "ZZ1", "AB300"]
    assert skus(srv.port, key, "&missing_view=detail") == ["AB100", "AB101", "ZZ1", "AB300"]
    assert skus(srv.port, key, "&missing_view=front&has_photo=true&brand=Aurora") == [
        "AB200"]
    # Empty means any.
    assert skus(srv.port, key, "&collection=&sku=&has_photo=&missing_view=") == [
        "AB100", "AB101", "AB200", "ZZ1", "AB300"]


def test_products_cursor_pages(srv: Server, key: str) -> None:
    first = ok_json(call(srv.port, "GET", "/api/v1/products?limit=2", key))
    assert [p["sku"] for p in first["items"]] == ["AB100", "AB101"]
    assert first["next"] == str(first["items"][-1]["id"])
    second = ok_json(call(srv.port, "GET", f"/api/v1/products?limit=2&after={first['next']}",
                          key))
    assert [p["sku"] for p in second["items"]] == ["AB200", "ZZ1"]
    third = ok_json(call(srv.port, "GET", f"/api/v1/products?limit=2&after={second['next']}",
                         key))
    assert [p["sku"] for p in third["items"]] == ["AB300"] and third["next"] is None
    last = ok_json(call(srv.port, "GET", "/api/v1/products?limit=500&after=999999", key))
    assert last == {"items": [], "next": None}
    # Pages under a filter follow the filter.
    assert skus(srv.port, key, "&has_photo=true") == ["AB100", "AB200", "AB300"]


def test_products_refuse_bad_input(srv: Server, key: str) -> None:
    for target, status, code in [
            ("/api/v1/products?collection=Nope", 404, "not_found"),
            ("/api/v1/products?brand=Nope", 404, "not_found"),
            ("/api/v1/products?has_photo=yes", 400, "invalid_argument"),
            ("/api/v1/products?missing_view=side", 400, "invalid_argument"),
            ("/api/v1/products?limit=0", 400, "invalid_argument"),
            ("/api/v1/products?limit=501", 400, "invalid_argument"),
            ("/api/v1/products?limit=ten", 400, "invalid_argument"),
            ("/api/v1/products?after=-1", 400, "invalid_argument"),
            ("/api/v1/products?after=1.5", 400, "invalid_argument"),
            ("/api/v1/products?color=blue", 400, "invalid_argument"),
            ("/api/v1/products?sku=A&sku=B", 400, "invalid_argument"),
            ("/api/v1/products?sku=%FF", 400, "invalid_argument"),
            ("/api/v1/products/0", 400, "invalid_argument"),
            ("/api/v1/products/abc", 400, "invalid_argument"),
            ("/api/v1/products/99999", 404, "not_found"),
            ("/api/v1/products/1?x=1", 400, "invalid_argument")]:
        problem(call(srv.port, "GET", target, key), status, code)


def test_product_detail_photos_urls_and_history(srv: Server, key: str) -> None:
    ab100 = products(srv.port, key, "&sku=AB100")[0]
    body = ok_json(call(srv.port, "GET", f"/api/v1/products/{ab100['id']}", key))
    assert {k: body[k] for k in ab100} == ab100, "the list item's fields, the same"
    assert [g["view"] for g in body["photos"]] == ["", "back", "front"]
    names = {g["view"]: [i["original_name"] for i in g["images"]] for g in body["photos"]}
    assert names == {"": ["AB100_02.png"], "back": ["AB100_COSTAS.png"],
                     "front": ["AB100_FRENTE.png"]}
    front = body["photos"][2]["images"][0]
    assert front["status"] == "pending" and (front["width"], front["height"]) == (64, 64)
    assert set(front["urls"]) == {"original", "thumbnail", "small", "grid", "detail",
                                  "header", "zoom"}
    # The URL is signed: it serves the image without a key.
    thumb = front["urls"]["thumbnail"]
    assert thumb.startswith(f"/images/{front['id']}?size=thumbnail&") and "sig=" in thumb
    r = get(srv.port, thumb)
    assert r.status == 200 and r.header("content-type") == "image/jpeg"
    assert get(srv.port, f"/images/{front['id']}?size=thumbnail").status == 401
    assert body["sku_history"] == [{"old_sku": "AB-100", "new_sku": "AB100", "actor": "ana",
                                    "reason": "typo", "at_ms": 1700000000000}]

    zz1 = products(srv.port, key, "&sku=ZZ1")[0]
    empty = ok_json(call(srv.port, "GET", f"/api/v1/products/{zz1['id']}", key))
    assert (empty["photos"], empty["views"], empty["photo_count"], empty["sku_history"]) == (
        [], [], 0, [])
    assert empty["fields"]["nome_peca"] == "Cinto"


def near_pairs(port: int, key: str, query: str = "") -> Any:
    return ok_json(call(port, "GET", "/api/v1/reports/near-duplicates" + query, key))


def test_near_duplicates_report_json_and_csv(srv: Server, key: str) -> None:
    report = near_pairs(srv.port, key)
    assert report["truncated"] is False
    (pair,) = report["items"]
    assert {pair["image"]["original_name"], pair["other"]["original_name"]} == {
        "AB100_FRENTE.png", "@copia.png"}
    assert pair["image"]["id"] == pair["image_id"] > pair["other_image_id"] == \
        pair["other"]["id"]
    assert pair["algorithm"] == "phash" and pair["distance"] == 0
    assert pair["image"]["status"] == pair["other"]["status"] == "pending"
    assert near_pairs(srv.port, key, "?collection=" + q(SUMMER))["items"] == [pair]
    assert near_pairs(srv.port, key, "?collection=" + WINTER + "&format=json") == {
        "items": [], "truncated": False}

    r = call(srv.port, "GET", "/api/v1/reports/near-duplicates?format=csv", key)
    assert r.status == 200
    assert r.header("content-type") == "text/csv; charset=utf-8"
    assert r.header("content-disposition") == 'attachment; filename="near-duplicates.csv"'
    assert r.body.startswith(b"\xef\xbb\xbf")
    text = r.body.decode("utf-8-sig")
    assert text.count("\r\n") == 2 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["image_id", "image_name", "image_sku", "image_view", "image_status",
                       "other_image_id", "other_name", "other_sku", "other_view",
                       "other_status", "distance", "algorithm"]
    row = dict(zip(rows[0], rows[1]))
    assert row["image_id"] == str(pair["image_id"])
    # "@copia.png" would run as a formula: the cell starts with an apostrophe.
    assert {row["image_name"], row["other_name"]} == {"AB100_FRENTE.png", "'@copia.png"}
    assert row["distance"] == "0" and row["algorithm"] == "phash"

    for target, status, code in [
            ("/api/v1/reports/near-duplicates?collection=Nope", 404, "not_found"),
            ("/api/v1/reports/near-duplicates?format=xml", 400, "invalid_argument"),
            ("/api/v1/reports/near-duplicates?status=pending", 400, "invalid_argument")]:
        problem(call(srv.port, "GET", target, key), status, code)


def test_every_key_reads_products_and_none_is_401(srv: Server, product_bank: pathlib.Path,
                                                  key: str) -> None:
    targets = ["/api/v1/products", "/api/v1/products/1",
               "/api/v1/reports/near-duplicates", "/api/v1/reports/near-duplicates?format=csv"]
    for target in targets:
        problem(call(srv.port, "GET", target), 401, "unauthenticated")
        problem(call(srv.port, "GET", target, "ib_00000000_" + "A" * 43), 401,
                "unauthenticated")
    # Read is every key's scope (an uploader follows its batches), so no key
    # is refused with 403 here; a revoked one is 401.
    upload = make_key(product_bank, "studio", "upload")
    for target in targets:
        assert call(srv.port, "GET", target, upload).status == 200, target
    cli(product_bank, "keys", "revoke", "_".join(upload.split("_")[:2]))
    # The server keeps a key's record for a few seconds (ApiKeys' cache).
    deadline = time.monotonic() + 15
    while call(srv.port, "GET", targets[0], upload).status == 200:
        assert time.monotonic() < deadline, "the revoked key still reads"
        time.sleep(0.25)
    for target in targets:
        problem(call(srv.port, "GET", target, upload), 401, "unauthenticated")


def test_review_decisions_change_counts_and_pairs(srv: Server, product_bank: pathlib.Path,
                                                  key: str) -> None:
    """Last: it changes statuses. A rejected photo counts for nothing and
    settles its near-duplicate pair."""
    review = make_key(product_bank, "reviewer", "review")
    (pair,) = near_pairs(srv.port, key)["items"]
    copy = pair["image"] if pair["image"]["original_name"] == "@copia.png" else pair["other"]
    front = pair["other"] if copy is pair["image"] else pair["image"]
    ok_json(call(srv.port, "PATCH", f"/api/v1/images/{front['id']}", review,
                 body={"status": "approved"}))
    assert len(near_pairs(srv.port, key)["items"]) == 1, "one approved photo still waits"
    ok_json(call(srv.port, "PATCH", f"/api/v1/images/{copy['id']}", review,
                 body={"status": "rejected"}))
    assert near_pairs(srv.port, key)["items"] == []

    ab200 = products(srv.port, key, "&sku=AB200")[0]
    detail = ok_json(call(srv.port, "GET", f"/api/v1/products/{ab200['id']}", key))
    image_id = detail["photos"][0]["images"][0]["id"]
    ok_json(call(srv.port, "PATCH", f"/api/v1/images/{image_id}", review,
                 body={"status": "rejected"}))
    assert skus(srv.port, key, "&has_photo=false") == ["AB101", "AB200", "ZZ1"]
    after = ok_json(call(srv.port, "GET", f"/api/v1/products/{ab200['id']}", key))
    assert (after["photo_count"], after["views"]) == (0, [])
    # The rejected photo is still listed, with its status.
    assert after["photos"][0]["images"][0]["status"] == "rejected"
