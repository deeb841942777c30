"""Vision over imagebank-server: POST /api/v1/images/{id}/analyze with the
offline analyzer (review scope, cached on the second call, never touching
the Carteira), the analyses in the image record, and bg=removed cut-outs."""

from __future__ import annotations

import json
import pathlib
import socket
from collections.abc import Callable
from typing import Any

import imagebank

from .server_harness import Reader, Server, get
from .test_server_images import bearer, make_key


def post(port: int, target: str, key: str, body: str = "") -> tuple[int, dict[str, Any]]:
    headers = bearer(key) + "Content-Type: application/json\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(f"POST {target} HTTP/1.1\r\nHost: t\r\n{headers}"
                  f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode())
        r = Reader(s).response()
    return r.status, json.loads(r.body) if r.body else {}


def test_analyze_route_stores_and_then_caches(start_server: Callable[..., Server],
                                             bank_dir: pathlib.Path) -> None:
    s = start_server("--public-images")
    review = make_key(bank_dir, "review")
    read = make_key(bank_dir, "read")
    status, body = post(s.port, "/api/v1/images/1/analyze", review)
    assert status == 200, body
    assert body["outcome"] == "analysed" and body["image_id"] == 1
    analysis = body["analysis"]
    assert analysis["provider"] == "offline" and analysis["model"] == "offline-1"
    assert analysis["error"] is None and analysis["quality"] is not None
    assert analysis["schema_version"] == imagebank.VISION_SCHEMA_VERSION
    assert analysis["blurhash"]
    status, again = post(s.port, "/api/v1/images/1/analyze", review, "{}")
    assert status == 200 and again["outcome"] == "cached"
    status, forced = post(s.port, "/api/v1/images/1/analyze", review, '{"force": true}')
    assert status == 200 and forced["outcome"] == "analysed"
    record = json.loads(get(s.port, "/api/v1/images/1", headers=bearer(read)).body)
    assert [a["provider"] for a in record["analyses"] if a["item_position"] is None] == [
        "offline", "offline"]
    # Scope, bad ids and bodies.
    assert post(s.port, "/api/v1/images/1/analyze", read)[0] == 403
    assert post(s.port, "/api/v1/images/999/analyze", review)[0] == 404
    assert post(s.port, "/api/v1/images/1/analyze", review, '{"vision": "openai"}')[0] == 400
    assert post(s.port, "/api/v1/images/1/analyze", review, "[1]")[0] == 400


def test_background_removal_over_http(start_server: Callable[..., Server]) -> None:
    """bg= reaches the serve module: rgb.jpg (a photo with a busy border)
    is refused with the reason; cut-outs themselves are tested on logos in
    tests/python/test_serve_background.py."""
    s = start_server("--public-images")
    r = get(s.port, "/images/1?size=thumbnail&bg=removed", headers="Accept: image/png\r\n")
    assert r.status == 400, r.body
    assert "border is not one colour" in json.loads(r.body)["detail"]
    # Without bg= the same request is a normal variant (PNG is not among
    # the bank's formats, so */* gets the JPEG).
    assert get(s.port, "/images/1?size=thumbnail", headers="Accept: */*\r\n").status == 200
    assert get(s.port, "/images/1?bg=sideways&size=thumbnail").status == 400
