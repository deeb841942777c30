"""Cross-SKU conflicts over the API of the real imagebank-server: listed
(open or all, by collection and batch, a page at a time) and resolved by a
key of the review scope, whose name is recorded as the reviewer."""

from __future__ import annotations

import pathlib
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import DATA
from .server_harness import Server
from .test_server_api import call, cli, make_key, ok_json, problem, q

COLLECTION = "Verão"


@pytest.fixture(scope="module")
def conflict_bank(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """AB1's photo also filed as AB2 and as AB3 (batch 1), and a second
    batch bringing it as AB4: three exact conflicts."""
    root = tmp_path_factory.mktemp("conflicts")
    bank = root / "bank"
    sheet = root / "carteira.tsv"
    sheet.write_text("Código\tNome da Peça\nAB1\tSaia\nAB2\tBlusa\nAB3\tCalça\nAB4\tCinto\n",
                     encoding="utf-8")
    cli(bank, "carteira", str(sheet), "--import", "--brand", "Aurora",
        "--collection", COLLECTION)
    common = ["--collection", COLLECTION, "--formats", "jpeg", "--presets", "thumbnail"]
    first = root / "first"
    first.mkdir()
    for sku in ("AB1", "AB2", "AB3"):
        shutil.copy(DATA / "rgb.jpg", first / f"{sku}_FRENTE.jpg")
    cli(bank, "ingest", str(first), *common)
    second = root / "second"
    second.mkdir()
    shutil.copy(DATA / "rgb.jpg", second / "AB4_COSTAS.jpg")
    cli(bank, "ingest", str(second), *common)
    return bank


@pytest.fixture(scope="module")
def server(server_bin: str, conflict_bank: pathlib.Path) -> Iterator[Server]:
    s = Server(server_bin, conflict_bank)
    yield s
    code, err = s.terminate()
    assert code == 0, err


@pytest.fixture(scope="module")
def keys(conflict_bank: pathlib.Path) -> dict[str, str]:
    return {scope: make_key(conflict_bank, f"ana-{scope}", scope)
            for scope in ("read", "review")}


def listed(port: int, key: str, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after = ""
    while True:
        page = ok_json(call(port, "GET", f"/api/v1/conflicts?limit=2{query}{after}", key))
        items += page["items"]
        if page["next"] is None:
            return items
        after = f"&after={page['next']}"


def test_conflicts_are_listed_and_resolved(server: Server, keys: dict[str, str]) -> None:
    port, read, review = server.port, keys["read"], keys["review"]
    problem(call(port, "GET", "/api/v1/conflicts"), 401, "unauthenticated")
    found = listed(port, read)
    assert len(found) == 3, found
    assert {c["kind"] for c in found} == {"exact"}
    assert {c["state"] for c in found} == {"open"}
    assert len({c["image_id"] for c in found}) == 1  # one stored photo
    assert all(c["other_image_id"] is None and c["distance"] == 0 for c in found)
    skus = sorted({c["image_sku"] for c in found} | {c["other_sku"] for c in found})
    assert skus == ["AB1", "AB2", "AB3", "AB4"]
    later = [c for c in found if c["other_sku"] == "AB4"]
    assert len(later) == 1 and later[0]["other_name"] == "AB4_COSTAS.jpg"
    assert [c["id"] for c in listed(port, read, f"&batch={later[0]['batch_id']}")] == \
        [later[0]["id"]]
    assert len(listed(port, read, f"&collection={q(COLLECTION)}")) == 3
    problem(call(port, "GET", "/api/v1/conflicts?collection=Inverno", read), 404, "not_found")
    problem(call(port, "GET", "/api/v1/conflicts?state=closed", read), 400, "invalid_argument")
    problem(call(port, "GET", "/api/v1/conflicts?color=red", read), 400, "invalid_argument")

    first, second, third = found
    target = f"/api/v1/conflicts/{first['id']}/resolve"
    problem(call(port, "POST", target, read, body={"action": "dismiss"}), 403,
            "permission_denied")
    for body in ({}, {"action": "forget"}, {"action": "relink"},
                 {"action": "dismiss", "sku": "AB1"}, {"action": "discard", "color": 1},
                 {"action": "dismiss", "image_id": 3}, {"action": "discard", "image_id": 0}):
        problem(call(port, "POST", target, review, body=body), 400, "invalid_argument")
    problem(call(port, "POST", target, review, body={"action": "relink", "sku": "ZZ9"}),
            404, "not_found")
    problem(call(port, "POST", "/api/v1/conflicts/999/resolve", review,
                 body={"action": "dismiss"}), 404, "not_found")

    # The photo belongs to the SKU it is stored under: nothing moves.
    done = ok_json(call(port, "POST", target, review,
                        body={"action": "relink", "sku": first["image_sku"]}))
    assert done["state"] == "relinked" and done["resolved_by"] == "ana-review"
    assert done["resolved_sku"] == first["image_sku"] and done["discarded_image_id"] is None
    problem(call(port, "POST", target, review, body={"action": "dismiss"}), 409, "conflict")
    shared = ok_json(call(port, "POST", f"/api/v1/conflicts/{second['id']}/resolve", review,
                          body={"action": "dismiss"}))
    assert shared["state"] == "dismissed"

    # Discarded: the photo and its objects go; its image is 404 afterwards.
    image = ok_json(call(port, "GET", f"/api/v1/images/{third['image_id']}", read))
    gone = ok_json(call(port, "POST", f"/api/v1/conflicts/{third['id']}/resolve", review,
                        body={"action": "discard"}))
    assert gone["state"] == "discarded" and gone["discarded_image_id"] == image["id"]
    assert gone["image_id"] is None and gone["image_name"] == image["original_name"]
    problem(call(port, "GET", f"/api/v1/images/{image['id']}", read), 404, "not_found")
    assert listed(port, read) == []
    states = sorted(c["state"] for c in listed(port, read, "&state=all"))
    assert states == ["discarded", "dismissed", "relinked"]
