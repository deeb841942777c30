"""POST /api/v1/batches with a URL list, against the real server binary: the
photos come from a loopback http.server that the server allows with
--fetch-allow; the same kind of list for a host it does not allow ends with
every URL failed, each with the loopback reason in the batch's review."""

from __future__ import annotations

import json
import pathlib
import time
from collections.abc import Iterator
from typing import Any

import pytest

from photo_server import PhotoServer

from .conftest import DATA
from .server_harness import Server
from .test_server_api import call, make_key, ok_json, problem

PHOTOS = {"/f/ABC1_FRENTE.jpg": "rgb.jpg", "/f/ABC1_COSTAS.png": "rgb.png",
          "/f/XYZ9_01.jpg": "gray.jpg", "/f/XYZ9_02.webp": "lossy.webp"}


@pytest.fixture()
def photos() -> Iterator[PhotoServer]:
    s = PhotoServer({path: (DATA / name).read_bytes() for path, name in PHOTOS.items()})
    yield s
    s.close()


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "bank"


def wait_until_finished(port: int, key: str, batch_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        body: dict[str, Any] = ok_json(call(port, "GET", f"/api/v1/batches/{batch_id}", key))
        if body["state"] in ("done", "cancelled") and not body["receiving"]:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def test_a_url_list_in_linked_batches(server_bin: str, bank: pathlib.Path,
                                      photos: PhotoServer) -> None:
    key = make_key(bank, "lista", "upload")
    s = Server(server_bin, bank, "--workers", "2", "--fetch-allow", f"127.0.0.1:{photos.port}")
    try:
        urls: list[Any] = [photos.url(p) for p in sorted(PHOTOS)]
        urls.append({"url": photos.url("/f/nao-existe.jpg"), "sku": "ZZ9", "name": None})
        r = call(s.port, "POST", "/api/v1/batches", key,
                 {"urls": urls, "max_batch_size": 2, "label": "lista.csv",
                  "collection": "Verão", "brand": "Aurora"})
        created = ok_json(r, 201)
        parts = created["parts"]
        first = parts[0]["id"]
        assert created["batch"]["id"] == first
        assert r.header("location") == f"/api/v1/batches/{first}"
        assert [(p["group_id"], p["part"]) for p in parts] == [(first, 1), (first, 2), (first, 3)]
        assert [p["counts"]["total"] for p in parts] == [2, 2, 1]
        assert all(p["source"].startswith("urls:lista.csv\n") for p in parts)
        assert all(p["collection_id"] == parts[0]["collection_id"] is not None for p in parts)

        ended = [wait_until_finished(s.port, key, p["id"]) for p in parts]
        assert [e["state"] for e in ended] == ["done"] * 3
        assert sum(e["counts"]["done"] for e in ended) == 4
        failures = [f for e in ended for f in e["review"]["failures"]]
        assert [(f["original_name"], f["code"]) for f in failures] == [
            ("nao-existe.jpg", "not_found")]
        assert "nao-existe.jpg" in failures[0]["reason"]
        listed = ok_json(call(s.port, "GET", "/api/v1/batches", key))["items"]
        assert [(b["group_id"], b["part"]) for b in listed] == [(first, 1), (first, 2), (first, 3)]

        # Bad lists are 400s naming the row, and make no batch.
        for body, named in [({"urls": []}, "empty"),
                            ({"urls": ["ftp://h.example/a.jpg"]}, "URL row 1"),
                            ({"urls": [photos.url("/f/a.jpg"), 7]}, "urls[1]"),
                            ({"urls": [{"url": photos.url("/f/a.jpg"), "x": 1}]}, "urls[0]"),
                            ({"urls": [photos.url("/f/a.jpg")], "max_batch_size": 0},
                             "max_batch_size"),
                            ({"max_batch_size": 3}, "max_batch_size")]:
            r = call(s.port, "POST", "/api/v1/batches", key, body)
            problem(r, 400, "invalid_argument")
            assert named in json.loads(r.body)["detail"], (body, r.body)
        assert len(ok_json(call(s.port, "GET", "/api/v1/batches", key))["items"]) == 3
    finally:
        code, err = s.terminate()
        assert code == 0, err


def test_a_url_list_the_server_does_not_allow(server_bin: str, bank: pathlib.Path,
                                              photos: PhotoServer) -> None:
    key = make_key(bank, "lista", "upload")
    # Another port of the same host is allowed: not this one.
    s = Server(server_bin, bank, "--workers", "1", "--fetch-allow", "127.0.0.1:1")
    try:
        urls = [photos.url(p) for p in sorted(PHOTOS)]
        created = ok_json(call(s.port, "POST", "/api/v1/batches", key, {"urls": urls}), 201)
        assert created["parts"] == [created["batch"]]
        assert (created["batch"]["group_id"], created["batch"]["part"]) == (None, 0)
        ended = wait_until_finished(s.port, key, created["batch"]["id"])
        assert ended["state"] == "done"
        assert (ended["counts"]["failed"], ended["counts"]["done"]) == (4, 0)
        for f in ended["review"]["failures"]:
            assert f["code"] == "permission_denied", f
            assert "loopback" in f["reason"] and "127.0.0.1" in f["reason"], f
        assert photos.requests == []  # refused before any connection
    finally:
        code, err = s.terminate()
        assert code == 0, err


def test_a_bad_fetch_allow_entry_is_a_usage_error(server_bin: str, bank: pathlib.Path) -> None:
    import subprocess
    run = subprocess.run([server_bin, "--bank", str(bank), "--listen", "127.0.0.1:0",
                          "--fetch-allow", "host:porta"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 2, run.stderr
    assert "--fetch-allow" in run.stderr and "host:porta" in run.stderr
