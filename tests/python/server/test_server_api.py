"""The JSON API of imagebank-server over raw sockets: batches (progress,
review, pause/cancel/retry-failed), the image list's filters and cursor
pages, PATCH of an image's status and product, and the reports as JSON and
CSV; every route's auth (401/403) and its refusals (400, 404, 409)."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import shutil
import socket
import sqlite3
import subprocess
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import DATA, _program
from .server_harness import Reader, Response, Server

COLLECTION = "Verão, 2027"  # an accent for the BOM, a comma for quoting
PHOTOS = ["rgb.jpg", "gray.jpg", "progressive.jpg", "rgb.png", "palette.png",
          "interlaced.png"]


def cli(bank: pathlib.Path, *args: str, check: bool = True) -> str:
    return subprocess.run(
        [_program("IMAGEBANK_CLI_BIN", "imagebank"), *args, "--bank", str(bank)],
        check=check, capture_output=True, text=True, timeout=180).stdout


def make_key(bank: pathlib.Path, name: str, scope: str) -> str:
    out = cli(bank, "keys", "create", "--name", name, "--scope", scope, "--json")
    return str(json.loads(out)["key"])


@pytest.fixture(scope="module")
def api_bank(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Batch 1: six photos of the collection and a truncated JPEG (a failed
    file); batch 2: two photos of no collection. Products T-1 and T-2 come
    from the Carteira."""
    root = tmp_path_factory.mktemp("api")
    bank = root / "bank"
    cli(bank, "carteira", str(DATA / "carteira" / "carteira_tab.tsv"), "--import",
        "--brand", "Aurora", "--collection", COLLECTION)
    first = root / "first"
    first.mkdir()
    for name in PHOTOS:
        shutil.copy(DATA / name, first / name)
    (first / "broken.jpg").write_bytes((DATA / "rgb.jpg").read_bytes()[:800])
    common = ["--formats", "jpeg", "--presets", "thumbnail", "--max-attempts", "1"]
    cli(bank, "ingest", str(first), "--collection", COLLECTION, *common, check=False)
    cli(bank, "ingest", str(DATA / "gray.png"), str(DATA / "rgba.png"), *common)
    return bank


@pytest.fixture(scope="module")
def api(server_bin: str, api_bank: pathlib.Path) -> Iterator[Server]:
    s = Server(server_bin, api_bank)
    yield s
    code, err = s.terminate()
    assert code == 0, err


@pytest.fixture(scope="module")
def keys(api_bank: pathlib.Path) -> dict[str, str]:
    return {scope: make_key(api_bank, f"studio-{scope}", scope)
            for scope in ("read", "upload", "review")}


def call(port: int, method: str, target: str, key: str | None = None,
         body: Any = None) -> Response:
    data = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    head = f"{method} {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
    if key:
        head += f"Authorization: Bearer {key}\r\n"
    if body is not None:
        head += "Content-Type: application/json\r\n"
    if method != "GET":
        head += f"Content-Length: {len(data)}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(head.encode() + b"\r\n" + data)
        return Reader(s).response()


def ok_json(r: Response, status: int = 200) -> Any:
    assert r.status == status, r.body
    assert r.header("content-type") == "application/json"
    return json.loads(r.body)


def problem(r: Response, status: int, code: str) -> None:
    assert r.status == status, r.body
    assert r.header("content-type") == "application/problem+json"
    body = json.loads(r.body)
    assert body["status"] == status and body["code"] == code, body
    # A 401 says which scheme would do (RFC 9110); nothing else asks for one.
    expected = 'Bearer realm="imagebank"' if status == 401 else None
    assert r.header("www-authenticate") == expected


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def test_every_route_needs_a_key_with_its_scope(api: Server, keys: dict[str, str]) -> None:
    for method, target in [("GET", "/api/v1/batches"), ("GET", "/api/v1/batches/1"),
                           ("POST", "/api/v1/batches/1/pause"), ("GET", "/api/v1/images"),
                           ("PATCH", "/api/v1/images/1"), ("GET", "/api/v1/reports/status"),
                           ("GET", "/api/v1/reports/coverage?format=csv"),
                           ("GET", "/api/v1/reports/missing-photos"),
                           ("POST", "/api/v1/batches/1/resume"), ("GET", "/api/v1/batches/1/events"),
                           ("POST", "/api/v1/batches/1/finish")]:
        problem(call(api.port, method, target), 401, "unauthenticated")
        problem(call(api.port, method, target, key="ib_00000000_" + "A" * 43),
                401, "unauthenticated")
    for method, target, key in [("POST", "/api/v1/batches/1/pause", "read"),
                                ("POST", "/api/v1/batches/1/cancel", "review"),
                                ("POST", "/api/v1/batches/1/retry-failed", "read"),
                                ("PATCH", "/api/v1/images/1", "read"),
                                ("PATCH", "/api/v1/images/1", "upload")]:
        problem(call(api.port, method, target, keys[key], body={"status": "approved"}
                     if method == "PATCH" else None), 403, "permission_denied")


def test_batches_list_progress_and_failures(api: Server, keys: dict[str, str]) -> None:
    listed = ok_json(call(api.port, "GET", "/api/v1/batches", keys["read"]))["items"]
    assert [b["id"] for b in listed] == [1, 2]
    first, second = listed
    assert first["state"] == "done" and second["state"] == "done"
    assert first["counts"]["total"] == len(PHOTOS) + 1
    assert first["counts"]["failed"] == 1
    assert first["counts"]["done"] + first["counts"]["duplicate"] == len(PHOTOS)
    assert first["counts"]["received"] == first["counts"]["leased"] == 0
    assert first["source"].rstrip("\n").endswith("/first") and first["source_truncated"] is False
    assert isinstance(first["collection_id"], int) and second["collection_id"] is None
    assert second["counts"] == {"received": 0, "leased": 0, "done": 2, "duplicate": 0,
                                "failed": 0, "cancelled": 0, "total": 2}
    assert {"rate", "eta_seconds", "elapsed_ms", "created_ms", "last_error"} <= first.keys()

    detail = ok_json(call(api.port, "GET", "/api/v1/batches/1", keys["upload"]))
    assert detail["id"] == 1 and detail["counts"] == first["counts"]
    failures = detail["review"]["failures"]
    assert len(failures) == 1
    assert failures[0]["original_name"] == "broken.jpg"
    assert failures[0]["code"] not in ("", "ok") and failures[0]["reason"]
    assert detail["review"]["unmatched"] >= 0
    assert isinstance(detail["review"]["near_duplicates"], list)

    problem(call(api.port, "GET", "/api/v1/batches/99", keys["read"]), 404, "not_found")
    for bad in ["abc", "0", "-1", "+1", "1.0", "99999999999999999999", "%201"]:
        problem(call(api.port, "GET", f"/api/v1/batches/{bad}", keys["read"]),
                400, "invalid_argument")
        problem(call(api.port, "POST", f"/api/v1/batches/{bad}/pause", keys["upload"]),
                400, "invalid_argument")
    problem(call(api.port, "GET", "/api/v1/batches?state=done", keys["read"]),
            400, "invalid_argument")


def test_batch_moves_and_illegal_ones(api: Server, keys: dict[str, str]) -> None:
    up = keys["upload"]
    # A done batch cannot be paused or cancelled.
    problem(call(api.port, "POST", "/api/v1/batches/2/pause", up), 409, "conflict")
    problem(call(api.port, "POST", "/api/v1/batches/2/cancel", up), 409, "conflict")
    problem(call(api.port, "POST", "/api/v1/batches/99/pause", up), 404, "not_found")
    # The failed file goes back to the queue: the batch runs again (no
    # worker here processes it), so it can be paused and then cancelled.
    retried = ok_json(call(api.port, "POST", "/api/v1/batches/1/retry-failed", up))
    assert retried["requeued"] == 1
    assert retried["batch"]["state"] == "running"
    assert retried["batch"]["counts"]["failed"] == 0
    assert retried["batch"]["counts"]["received"] == 1
    paused = ok_json(call(api.port, "POST", "/api/v1/batches/1/pause", up))
    assert paused["batch"]["state"] == "paused"
    cancelled = ok_json(call(api.port, "POST", "/api/v1/batches/1/cancel", up))
    assert cancelled["batch"]["state"] == "cancelled"
    assert cancelled["batch"]["counts"]["cancelled"] == 1
    problem(call(api.port, "POST", "/api/v1/batches/1/retry-failed", up), 409, "conflict")
    problem(call(api.port, "POST", "/api/v1/batches/1/pause", up), 409, "conflict")
    # The batch's done work is kept.
    assert ok_json(call(api.port, "GET", "/api/v1/batches/1", keys["read"]))[
        "counts"]["done"] >= 1


def all_images(port: int, key: str, query: str = "") -> list[dict[str, Any]]:
    body = ok_json(call(port, "GET", f"/api/v1/images?limit=500{query}", key))
    assert body["next"] is None
    return list(body["items"])


def test_image_list_filters_and_pages(api: Server, keys: dict[str, str]) -> None:
    read = keys["read"]
    everything = all_images(api.port, read)
    ids = [img["id"] for img in everything]
    assert len(ids) >= 5 and ids == sorted(ids)
    assert {"id", "sha256", "status", "product_id", "collection_id", "batch_id",
            "original_name", "width", "height"} <= everything[0].keys()

    seen: list[int] = []
    after = ""
    pages = 0
    while True:
        body = ok_json(call(api.port, "GET", f"/api/v1/images?limit=2{after}", read))
        assert len(body["items"]) <= 2
        seen += [img["id"] for img in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        assert isinstance(body["next"], str)
        after = "&after=" + q(body["next"])
        assert pages < 50
    assert seen == ids and pages >= len(ids) // 2

    in_collection = all_images(api.port, read, "&collection=" + q(COLLECTION))
    assert in_collection and all(i["batch_id"] == 1 for i in in_collection)
    second = all_images(api.port, read, "&batch=2")
    assert sorted(i["original_name"] for i in second) == ["gray.png", "rgba.png"]
    assert len(in_collection) + len(second) == len(ids)
    assert all(i["collection_id"] is None for i in second)
    assert len(all_images(api.port, read, "&status=pending")) == len(ids)
    assert all_images(api.port, read, "&status=approved") == []
    assert len(all_images(api.port, read, "&unmatched=true")) == len(ids)
    assert all_images(api.port, read, "&unmatched=false") == []
    assert all_images(api.port, read, "&sku=NOPE") == []
    assert all_images(api.port, read, "&product=1") == []
    # Empty values mean "any", as a form sends them.
    assert len(all_images(api.port, read, "&status=&sku=")) == len(ids)
    assert all_images(api.port, read, "&brand=Aurora") == in_collection
    # Near duplicates: the images on either side of the batches' pairs.
    paired: set[int] = set()
    for batch in (1, 2):
        review = ok_json(call(api.port, "GET", f"/api/v1/batches/{batch}", read))["review"]
        for pair in review["near_duplicates"]:
            paired |= {pair["image_id"], pair["other_image_id"]}
    assert paired, "the test bank has near duplicates"
    # Each image's record names its partners, from whichever side.
    for image_id in paired:
        record = ok_json(call(api.port, "GET", f"/api/v1/images/{image_id}", read))
        partners = {d["image_id"] for d in record["near_duplicates"]}
        assert partners and image_id not in partners and partners <= paired
    near = [i["id"] for i in all_images(api.port, read, "&near_duplicate=true")]
    assert near == sorted(paired)
    rest = [i["id"] for i in all_images(api.port, read, "&near_duplicate=false")]
    assert rest == [i for i in ids if i not in paired]
    assert [i["id"] for i in all_images(api.port, read, "&brand=Aurora&near_duplicate=true")] == \
        sorted(paired & {i["id"] for i in in_collection})

    for query, status in [("limit=0", 400), ("limit=501", 400), ("limit=ten", 400),
                          ("limit=-1", 400), ("after=x", 400), ("after=0", 400),
                          ("batch=one", 400), ("product=0", 400), ("status=lost", 400),
                          ("unmatched=maybe", 400), ("colour=red", 400),
                          ("limit=5&limit=6", 400), ("collection=Nope", 404),
                          ("brand=Nope", 404), ("near_duplicate=maybe", 400)]:
        r = call(api.port, "GET", f"/api/v1/images?{query}", read)
        assert r.status == status, (query, r.body)
        assert r.header("content-type") == "application/problem+json"


def test_reports_as_json_and_csv(api: Server, keys: dict[str, str]) -> None:
    read = keys["read"]
    images = len(all_images(api.port, read))
    status = ok_json(call(api.port, "GET", "/api/v1/reports/status", read))
    assert status["total"] == images
    assert {"brand": "Aurora", "collection": COLLECTION, "status": "pending"}.items() \
        <= next(i for i in status["items"] if i["collection"] == COLLECTION).items()

    r = call(api.port, "GET", "/api/v1/reports/status?format=csv", read)
    assert r.status == 200
    assert r.header("content-type") == "text/csv; charset=utf-8"
    assert r.body.startswith(b"\xef\xbb\xbf")
    text = r.body.decode("utf-8-sig")
    assert text.startswith("brand,collection,status,images\r\n")
    assert 'Aurora,"Verão, 2027",pending,' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert sum(int(row[3]) for row in rows[1:]) == images

    coverage = ok_json(call(api.port, "GET",
                            "/api/v1/reports/coverage?collection=" + q(COLLECTION), read))
    assert len(coverage["items"]) == 1
    cov = coverage["items"][0]
    assert cov["collection"] == COLLECTION and cov["brand"] == "Aurora"
    assert cov["products"] == 2 and cov["products_with_photo"] == 0
    assert set(cov["views"]) == {"front", "back", "detail"}
    r = call(api.port, "GET", "/api/v1/reports/coverage?format=csv", read)
    assert r.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
    assert rows[0][:5] == ["brand", "collection", "products", "products_with_photo",
                           "coverage_percent"]
    assert ["Aurora", COLLECTION, "2", "0", "0.0"] == rows[1][:5]

    missing = ok_json(call(api.port, "GET", "/api/v1/reports/missing-photos", read))
    assert sorted(p["sku"] for p in missing["items"]) == ["T-1", "T-2"]
    assert missing["truncated"] is False
    assert {p["nome_peca"] for p in missing["items"]} == {"Regata", "Camiseta"}
    r = call(api.port, "GET",
             "/api/v1/reports/missing-photos?format=csv&collection=" + q(COLLECTION), read)
    assert r.header("content-type") == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["collection", "sku", "nome_peca"]
    assert sorted(row[1] for row in rows[1:]) == ["T-1", "T-2"]

    for target, code in [("/api/v1/reports/status?format=xml", 400),
                         ("/api/v1/reports/coverage?views=front", 400),
                         ("/api/v1/reports/missing-photos?collection=Nope", 404)]:
        assert call(api.port, "GET", target, read).status == code, target


def test_patch_image_status_and_product(api: Server, keys: dict[str, str],
                                        api_bank: pathlib.Path) -> None:
    review, read = keys["review"], keys["read"]
    image = all_images(api.port, read, "&batch=2")[0]
    target = f"/api/v1/images/{image['id']}"
    approved = ok_json(call(api.port, "PATCH", target, review, {"status": "approved"}))
    assert approved["status"] == "approved" and approved["id"] == image["id"]
    # Approving again changes nothing; approved -> rejected is not allowed.
    assert ok_json(call(api.port, "PATCH", target, review, {"status": "approved"}))[
        "status"] == "approved"
    problem(call(api.port, "PATCH", target, review, {"status": "rejected"}), 409, "conflict")
    # Refused whole: the product is not linked either.
    problem(call(api.port, "PATCH", target, review,
                 {"status": "pending", "product_id": 1}), 409, "conflict")
    assert all_images(api.port, read, "&unmatched=false") == []

    products = ok_json(call(api.port, "GET", "/api/v1/reports/missing-photos", read))["items"]
    product = next(p for p in products if p["sku"] == "T-1")
    linked = ok_json(call(api.port, "PATCH", target, review,
                          {"product_id": product["product_id"]}))
    assert linked["product_id"] == product["product_id"]
    assert [i["id"] for i in all_images(api.port, read, "&unmatched=false")] == [image["id"]]
    assert [i["id"] for i in all_images(
        api.port, read, f"&product={product['product_id']}")] == [image["id"]]
    assert image["id"] not in [i["id"] for i in all_images(api.port, read, "&unmatched=true")]
    assert [i["id"] for i in all_images(api.port, read, "&status=approved")] == [image["id"]]
    # T-1 has a photo now.
    missing = ok_json(call(api.port, "GET", "/api/v1/reports/missing-photos", read))["items"]
    assert [p["sku"] for p in missing] == ["T-2"]
    with sqlite3.connect(api_bank / "bank.db") as db:
        actor, reason = db.execute(
            "SELECT actor, reason FROM sku_history WHERE subject_id = ? "
            "ORDER BY id DESC LIMIT 1", (image["id"],)).fetchone()
    assert (actor, reason) == ("studio-review", "api")

    unlinked = ok_json(call(api.port, "PATCH", target, review, {"product_id": None}))
    assert unlinked["product_id"] is None

    other = f"/api/v1/images/{image['id'] + 1}"
    for body in [b"{not json", b"[]", b'"approved"', {}, {"status": 5},
                 {"status": "lost"}, {"product_id": "1"}, {"product_id": 1.5},
                 {"product_id": 0}, {"product_id": True}, {"colour": "red"}]:
        problem(call(api.port, "PATCH", other, review, body), 400, "invalid_argument")
    problem(call(api.port, "PATCH", other, review, {"product_id": 999999}), 404, "not_found")
    # JSON has one number type: an integral float is an id, up to 2^53 - 1.
    problem(call(api.port, "PATCH", other, review, {"product_id": 9007199254740991.0}),
            404, "not_found")
    problem(call(api.port, "PATCH", other, review, {"product_id": 9007199254740993.0}),
            400, "invalid_argument")
    problem(call(api.port, "PATCH", "/api/v1/images/999999", review,
                 {"status": "approved"}), 404, "not_found")
    for bad in ["abc", "0", "-3"]:
        problem(call(api.port, "PATCH", f"/api/v1/images/{bad}", review,
                     {"status": "approved"}), 400, "invalid_argument")
    # The other image was not touched by any of those.
    assert ok_json(call(api.port, "GET", other, read))["status"] == "pending"
