"""What imagebank-server adds for its web app: the app itself at / (hashed,
immutable assets; a strict Content-Security-Policy), the calling key
(/api/v1/me), API keys made, listed and revoked over HTTP, signed URLs and
covers for grids, and the SKU preview of file names."""

from __future__ import annotations

import gzip
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator

import pytest

from .conftest import DATA
from .server_harness import Reader, Response, Server
from .test_server_api import call, cli, make_key, ok_json, problem

# What the browser may fetch in total (the budget).
MAX_JS_GZIP = 200 * 1024
WEB_SOURCE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "server" / "web"


def get_with(port: int, target: str, header: str) -> Response:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: t\r\n{header}\r\n"
                  "Connection: close\r\n\r\n".encode())
        return Reader(s).response()


@pytest.fixture(scope="module")
def web_bank(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Products AB100, AB101, AB102 of "Verão"; AB100 has a front and a
    back photo, AB101 a back photo."""
    root = tmp_path_factory.mktemp("web")
    bank = root / "bank"
    sheet = root / "carteira.tsv"
    sheet.write_text("Código\tNome da Peça\nAB100\tSaia\nAB101\tBlusa\nAB102\tCinto\n",
                     encoding="utf-8")
    cli(bank, "carteira", str(sheet), "--import", "--brand", "Aurora", "--collection", "Verão")
    photos = root / "photos"
    photos.mkdir()
    shutil.copy(DATA / "rgb.jpg", photos / "AB100_COSTAS.jpg")
    shutil.copy(DATA / "gray.png", photos / "AB100_FRENTE.png")
    shutil.copy(DATA / "rgba.png", photos / "AB101_COSTAS.png")
    cli(bank, "ingest", str(photos), "--collection", "Verão", "--formats", "jpeg",
        "--presets", "thumbnail")
    return bank


@pytest.fixture(scope="module")
def web(server_bin: str, web_bank: pathlib.Path) -> Iterator[Server]:
    s = Server(server_bin, web_bank)
    yield s
    code, err = s.terminate()
    assert code == 0, err


def test_the_app_is_served_with_hashed_immutable_assets(web: Server) -> None:
    page = call(web.port, "GET", "/")
    assert page.status == 200
    assert page.header("content-type") == "text/html; charset=utf-8"
    assert page.header("cache-control") == "no-cache"
    csp = page.header("content-security-policy") or ""
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='", csp), csp
    html = page.body.decode()
    assert '<html lang="pt-BR"' in html
    assert "{{" not in html
    # The import map names every module by its hashed URL; nothing leaves
    # the origin.
    found = re.search(r'<script type="importmap">(.*?)</script>', html)
    assert found, html
    imports = json.loads(found.group(1))
    modules = imports["imports"]
    assert "/assets/main.js" in modules and "/assets/tus.js" in modules
    assert "http" not in html.replace('lang="pt-BR"', "")
    urls = set(modules.values()) | set(re.findall(r'(?:href|src)="(/assets/[^"]+)"', html))
    js_gzip = 0
    for url in urls:
        assert re.fullmatch(r"/assets/[a-zA-Z0-9-]+\.[0-9a-f]{10}\.(js|css|svg)", url), url
        asset = call(web.port, "GET", url)
        assert asset.status == 200, url
        assert asset.header("cache-control") == "public, max-age=31536000, immutable"
        etag = asset.header("etag")
        assert etag and etag.startswith('"')
        # No URL to elsewhere (an SVG's namespace name is not fetched).
        text = asset.body.decode().replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http://" not in text and "https://" not in text, url
        if url.endswith(".js"):
            assert asset.header("content-type") == "text/javascript; charset=utf-8"
            js_gzip += len(gzip.compress(asset.body, 9))
        # A revalidation (a browser that ignores immutable) is a 304.
        assert get_with(web.port, url, f"If-None-Match: {etag}").status == 304
    assert 0 < js_gzip <= MAX_JS_GZIP, js_gzip
    print(f"web app: {len(urls)} assets, JavaScript {js_gzip} bytes gzipped")
    # Only the hashed names exist.
    problem(call(web.port, "GET", "/assets/main.js"), 404, "not_found")
    problem(call(web.port, "GET", "/assets/main.0000000000.js"), 404, "not_found")


def imports_of(port: int) -> dict[str, str]:
    html = call(port, "GET", "/").body.decode()
    found = re.search(r'<script type="importmap">(.*?)</script>', html)
    assert found, html
    return dict(json.loads(found.group(1))["imports"])


def test_the_app_is_served_gzipped_when_the_client_accepts_it(web: Server) -> None:
    """Every asset and the page: gzip (made once, at start) for a client
    that accepts it, the same bytes once inflated, an ETag of its own;
    identity for one that does not; Vary: Accept-Encoding on both. The
    JavaScript a browser receives stays within the budget."""
    modules = imports_of(web.port)
    html = call(web.port, "GET", "/").body.decode()
    urls = list(dict.fromkeys(
        ["/", *modules.values(), *re.findall(r'(?:href|src)="(/assets/[^"]+)"', html)]))
    sent_js = 0
    for url in urls:
        plain = get_with(web.port, url, "X-Nothing: 1")
        assert plain.status == 200 and plain.header("content-encoding") is None, url
        assert "Accept-Encoding" in (plain.header("vary") or ""), url
        packed = get_with(web.port, url, "Accept-Encoding: gzip, deflate, br")
        assert packed.status == 200, url
        assert packed.header("content-encoding") == "gzip", url
        assert "Accept-Encoding" in (packed.header("vary") or ""), url
        assert packed.header("content-type") == plain.header("content-type")
        assert gzip.decompress(packed.body) == plain.body, url
        assert len(packed.body) < len(plain.body), url
        assert packed.header("content-length") == str(len(packed.body))
        if url.endswith(".js"):
            sent_js += len(packed.body)
        if url == "/":
            continue
        etag, gz_etag = plain.header("etag"), packed.header("etag")
        assert etag and gz_etag and etag != gz_etag
        # Revalidation: each representation by its own tag.
        assert get_with(web.port, url, f"Accept-Encoding: gzip\r\nIf-None-Match: {gz_etag}"
                        ).status == 304
        assert get_with(web.port, url, f"If-None-Match: {gz_etag}").status == 200
        assert get_with(web.port, url, f"Accept-Encoding: gzip\r\nIf-None-Match: {etag}"
                        ).status == 200
    # Refusals and wildcards (RFC 9110 12.5.3).
    target = modules["/assets/main.js"]
    for header, packed_expected in [("gzip;q=0", False), ("identity", False), ("*", True),
                                    ("br, *;q=0", False), ("x-gzip", True),
                                    ("GZip;Q=0.5", True)]:
        r = get_with(web.port, target, f"Accept-Encoding: {header}")
        assert (r.header("content-encoding") == "gzip") is packed_expected, header
    assert 0 < sent_js <= MAX_JS_GZIP
    print(f"web app: JavaScript sent gzipped: {sent_js} bytes")


def test_sku_parse_names_the_brand_of_a_shared_collection_name(
        server_bin: str, web_bank: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Two brands with a "Verão" each: the name alone is a conflict, the
    name with its brand picks the right one's products."""
    bank = tmp_path / "bank"
    shutil.copytree(web_bank, bank)
    sheet = tmp_path / "brisa.tsv"
    sheet.write_text("Código\tNome da Peça\nAB100\tVestido\nBR7\tBolsa\n", encoding="utf-8")
    cli(bank, "carteira", str(sheet), "--import", "--brand", "Brisa", "--collection", "Verão")
    key = make_key(bank, "preview", "read")
    s = Server(server_bin, bank)
    try:
        names = ["AB100_FRENTE.jpg", "BR7_COSTAS.jpg"]
        problem(call(s.port, "POST", "/api/v1/sku-parse", key,
                     {"names": names, "collection": "Verão"}), 409, "conflict")
        by_brand = {}
        for brand in ("Aurora", "Brisa"):
            items = ok_json(call(s.port, "POST", "/api/v1/sku-parse", key,
                                 {"names": names, "collection": "Verão", "brand": brand}))["items"]
            by_brand[brand] = [[p["sku"] for p in i["products"]] for i in items]
        assert by_brand == {"Aurora": [["AB100"], []], "Brisa": [["AB100"], ["BR7"]]}
        aurora = ok_json(call(s.port, "POST", "/api/v1/sku-parse", key,
                              {"names": names[:1], "collection": "Verão", "brand": "Aurora"}))
        brisa = ok_json(call(s.port, "POST", "/api/v1/sku-parse", key,
                             {"names": names[:1], "collection": "Verão", "brand": "Brisa"}))
        assert aurora["items"][0]["products"][0]["id"] != brisa["items"][0]["products"][0]["id"]
        for body in ({"names": names, "collection": "Verão", "brand": "Nada"},
                     {"names": names, "collection": "Inverno", "brand": "Brisa"}):
            problem(call(s.port, "POST", "/api/v1/sku-parse", key, body), 404, "not_found")
        # A brand without a collection: the grammar alone.
        alone = ok_json(call(s.port, "POST", "/api/v1/sku-parse", key,
                             {"names": names, "brand": "Brisa"}))
        assert [i["products"] for i in alone["items"]] == [[], []]
    finally:
        code, err = s.terminate()
        assert code == 0, err


def test_the_tus_client_is_tus_js_client_with_its_licence(web: Server) -> None:
    """The uploads go through tus-js-client's browser build, installed by
    the build from examples/server/web/package-lock.json: shipped under its
    hashed name with its MIT licence on top, no source map link, imported
    by tus.js."""
    modules = imports_of(web.port)
    client = call(web.port, "GET", modules["/assets/tus-js-client.js"])
    assert client.status == 200
    text = client.body.decode()
    assert text.startswith("/*! tus-js-client\nThe MIT License"), text[:80]
    assert "Copyright (c) 2015 tus" in text and "sourceMappingURL" not in text
    assert ".tus=" in text  # the UMD build sets globalThis.tus
    ours = call(web.port, "GET", modules["/assets/tus.js"]).body.decode()
    assert "import './tus-js-client.js';" in ours
    assert "XMLHttpRequest" not in ours  # no hand-made protocol left


def test_web_dir_serves_the_folder_and_the_rest_compiled_in(
        server_bin: str, web_bank: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """IMAGEBANK_WEB_DIR: the folder's files, read at start, under their
    own hashes; tus-js-client.js (from npm, not in web/) still served."""
    folder = tmp_path / "web"
    shutil.copytree(WEB_SOURCE, folder)
    main = folder / "main.js"
    main.write_text(main.read_text(encoding="utf-8") + "\n// edited\n", encoding="utf-8")
    s = Server(server_bin, web_bank, env={**os.environ, "IMAGEBANK_WEB_DIR": str(folder)})
    try:
        modules = imports_of(s.port)
        assert call(s.port, "GET", modules["/assets/main.js"]).body.endswith(b"// edited\n")
        assert call(s.port, "GET", modules["/assets/tus-js-client.js"]).status == 200
    finally:
        code, err = s.terminate()
        assert code == 0, err
    # A folder without index.html: the server says so and does not start.
    (folder / "index.html").unlink()
    bad = subprocess.run([server_bin, "--bank", str(web_bank), "--listen", "127.0.0.1:0"],
                         env={**os.environ, "IMAGEBANK_WEB_DIR": str(folder)},
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "no index.html" in bad.stderr, bad.stderr


def test_me_and_api_keys_over_http(web: Server, web_bank: pathlib.Path) -> None:
    admin = make_key(web_bank, "lead", "admin")
    reader = make_key(web_bank, "viewer", "read")
    me = ok_json(call(web.port, "GET", "/api/v1/me", reader))
    assert me["name"] == "viewer" and me["scopes"] == ["read"] and me["revoked_ms"] is None
    assert reader.startswith(me["prefix"]) and reader not in json.dumps(me)
    problem(call(web.port, "GET", "/api/v1/me"), 401, "unauthenticated")
    problem(call(web.port, "GET", "/api/v1/keys", reader), 403, "permission_denied")
    problem(call(web.port, "POST", "/api/v1/keys", reader, {"name": "x", "scopes": ["read"]}),
            403, "permission_denied")

    made = call(web.port, "POST", "/api/v1/keys", admin, {"name": "estudio-sp",
                                                          "scopes": ["upload", "read"]})
    body = ok_json(made, 201)
    key, record = body["key"], body["record"]
    assert record["name"] == "estudio-sp" and record["scopes"] == ["read", "upload"]
    assert made.header("location") == f"/api/v1/keys/{record['prefix']}"
    assert made.header("cache-control") == "no-store"
    # The new key works at once, with its scopes.
    assert ok_json(call(web.port, "GET", "/api/v1/me", key))["prefix"] == record["prefix"]
    listed = ok_json(call(web.port, "GET", "/api/v1/keys", admin))["items"]
    assert {k["name"] for k in listed} >= {"lead", "viewer", "estudio-sp"}
    assert key not in json.dumps(listed) and all("secret" not in json.dumps(k) for k in listed)

    for bad in [{"name": "", "scopes": ["read"]}, {"name": "x", "scopes": []},
                {"name": "x", "scopes": ["root"]}, {"name": "x"}, {"scopes": ["read"]},
                {"name": "x", "scopes": ["read"], "extra": 1}, {"name": 3, "scopes": ["read"]}]:
        problem(call(web.port, "POST", "/api/v1/keys", admin, bad), 400, "invalid_argument")

    revoked = ok_json(call(web.port, "DELETE", f"/api/v1/keys/{record['prefix']}", admin))
    assert revoked["revoked_ms"] is not None
    problem(call(web.port, "GET", "/api/v1/me", key), 401, "unauthenticated")
    problem(call(web.port, "DELETE", "/api/v1/keys/ib_00000000", admin), 404, "not_found")
    # The key in hand cannot revoke itself (a locked-out admin).
    admin_prefix = ok_json(call(web.port, "GET", "/api/v1/me", admin))["prefix"]
    problem(call(web.port, "DELETE", f"/api/v1/keys/{admin_prefix}", admin), 409, "conflict")


def test_image_urls_and_product_covers(web: Server, web_bank: pathlib.Path) -> None:
    key = make_key(web_bank, "grid", "read")
    products = ok_json(call(web.port, "GET", "/api/v1/products?collection=Ver%C3%A3o", key))["items"]
    by_sku = {p["sku"]: p["id"] for p in products}
    ids = [by_sku["AB100"], by_sku["AB101"], by_sku["AB102"]]
    covers = ok_json(call(web.port, "GET",
                          f"/api/v1/product-covers?ids={','.join(map(str, ids))}", key))["items"]
    assert [c["product_id"] for c in covers] == ids
    ab100, ab101, ab102 = (c["image"] for c in covers)
    assert ab100["view"] == "front"  # the front before the back
    assert ab101["view"] == "back"
    assert ab102 is None
    thumb = ab100["urls"]["thumbnail"]
    assert "sig=" in thumb and call(web.port, "GET", thumb).status == 200

    cards = ok_json(call(web.port, "GET",
                         f"/api/v1/image-urls?ids={ab101['id']},{ab100['id']},{ab101['id']}",
                         key))["items"]
    assert [c["id"] for c in cards] == [ab101["id"], ab100["id"]]
    assert set(cards[0]["urls"]) >= {"thumbnail", "small", "grid", "detail", "zoom"}
    assert cards[0]["blurhash"] is None  # no analysis yet

    problem(call(web.port, "GET", "/api/v1/image-urls?ids=999999", key), 404, "not_found")
    problem(call(web.port, "GET", "/api/v1/product-covers?ids=999999", key), 404, "not_found")
    for bad in ["", "x", "1,,2", "0", "-1", ",".join(str(i) for i in range(1, 102))]:
        problem(call(web.port, "GET", f"/api/v1/image-urls?ids={bad}", key), 400,
                "invalid_argument")
    problem(call(web.port, "GET", "/api/v1/image-urls?ids=1&x=2", key), 400, "invalid_argument")
    problem(call(web.port, "GET", "/api/v1/image-urls?ids=1"), 401, "unauthenticated")


def test_sku_parse_previews_what_the_ingest_will_match(web: Server,
                                                       web_bank: pathlib.Path) -> None:
    key = make_key(web_bank, "preview", "read")
    names = ["ensaio/AB100_FRENTE.jpg", "AB102-detalhe.JPG", "ZZ9_01.jpg", "IMG_1234.jpg",
             "AB101/02.jpg"]
    items = ok_json(call(web.port, "POST", "/api/v1/sku-parse", key,
                         {"names": names, "collection": "Verão"}))["items"]
    assert [i["name"] for i in items] == names
    front, detail, unknown, camera, folder = items
    assert front["sku_base"] == "AB100" and front["view"] == "front"
    assert [p["sku"] for p in front["products"]] == ["AB100"]
    assert detail["sku_base"] == "AB102" and detail["view"] == "detail" and detail["products"]
    assert unknown["sku_base"] == "ZZ9" and unknown["products"] == []
    assert camera["sku_base"] == "" and camera["reason"] == "camera_default"
    assert folder["sku_base"] == "AB101" and folder["from_folder"] is True
    # Without a collection: the grammar alone.
    alone = ok_json(call(web.port, "POST", "/api/v1/sku-parse", key, {"names": names[:1]}))
    assert alone["items"][0]["sku_base"] == "AB100" and alone["items"][0]["products"] == []
    problem(call(web.port, "POST", "/api/v1/sku-parse", key,
                 {"names": ["a.jpg"], "collection": "Inverno"}), 404, "not_found")
    for bad in [{}, {"names": "a.jpg"}, {"names": [1]}, {"names": [], "x": 1},
                {"names": ["a"] * 2001}, {"names": ["a" * 4097 + ".jpg"]}]:
        problem(call(web.port, "POST", "/api/v1/sku-parse", key, bad), 400, "invalid_argument")
