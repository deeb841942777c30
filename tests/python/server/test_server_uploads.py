"""Uploads into imagebank-server with real clients: upload batches made over
HTTP, multipart files (requests), tus 1.0.0 resumable uploads (tuspy)
interrupted midway and resumed, also across a server restart, the batch's
progress as Server-Sent Events to its end (and after a reconnection with
Last-Event-ID), the in-process ingest workers, and every refusal (before a
byte of the body is read where the header already says enough)."""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from tusclient import client as tus_client

from .conftest import DATA
from .server_harness import Reader, Response, Server
from .test_server_api import cli, make_key

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture()
def up_bank(tmp_path: pathlib.Path) -> pathlib.Path:
    """A bank with the Carteira of T-1/T-2 and one batch of paths (id 1)."""
    bank = tmp_path / "bank"
    cli(bank, "carteira", str(DATA / "carteira" / "carteira_tab.tsv"), "--import",
        "--brand", "Aurora", "--collection", "Verão")
    cli(bank, "ingest", str(DATA / "gray.png"), "--formats", "jpeg",
        "--presets", "thumbnail")
    return bank


@pytest.fixture()
def keys(up_bank: pathlib.Path) -> dict[str, str]:
    return {scope: make_key(up_bank, f"k-{scope}", scope)
            for scope in ("read", "upload")}


@pytest.fixture()
def server(server_bin: str, up_bank: pathlib.Path) -> Iterator[Server]:
    s = Server(server_bin, up_bank, "--workers", "1", "--max-upload-request-mb", "2")
    yield s
    code, err = s.terminate()
    assert code == 0, err


def url(s: Server, path: str) -> str:
    return f"http://127.0.0.1:{s.port}{path}"


def auth(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def new_batch(s: Server, key: str, **fields: Any) -> dict[str, Any]:
    body = {"collection": "Verão", **fields}
    r = requests.post(url(s, "/api/v1/batches"), json=body, headers=auth(key), timeout=10)
    assert r.status_code == 201, r.text
    batch: dict[str, Any] = r.json()["batch"]
    assert r.headers["Location"] == f"/api/v1/batches/{batch['id']}"
    return batch


def batch(s: Server, key: str, batch_id: int) -> dict[str, Any]:
    r = requests.get(url(s, f"/api/v1/batches/{batch_id}"), headers=auth(key), timeout=10)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def wait_for(s: Server, key: str, batch_id: int, done: Any, seconds: float = 60) -> dict[str, Any]:
    until = time.monotonic() + seconds
    while True:
        b = batch(s, key, batch_id)
        if done(b):
            return b
        assert time.monotonic() < until, b
        time.sleep(0.1)


def raw(s: Server, head: str, body: bytes = b"", close_after: bool = False) -> Response | None:
    sock = s.connect(timeout=10)
    sock.sendall(head.encode() + body)
    if close_after:
        sock.close()
        return None
    try:
        return Reader(sock).response()
    finally:
        sock.close()


def problem(r: requests.Response) -> dict[str, Any]:
    assert r.headers["Content-Type"].startswith("application/problem+json"), r.headers
    out: dict[str, Any] = r.json()
    return out


# --- batches and multipart ---

def test_multipart_files_are_received_processed_and_the_batch_ends(
        server: Server, keys: dict[str, str]) -> None:
    b = new_batch(server, keys["upload"], brand="Aurora", label="estúdio SP")
    assert (b["state"], b["receiving"], b["source"]) == ("queued", True, "upload:estúdio SP\n")
    rgb = (DATA / "rgb.jpg").read_bytes()
    files: list[tuple[str, Any]] = [
        ("file", ("T-1_FRENTE.jpg", rgb, "image/jpeg")),
        ("file", ("pasta/T-2_COSTAS.png", (DATA / "rgb.png").read_bytes(), "image/png")),
        ("file", ("../fora.jpg", rgb, "image/jpeg")),
        ("file", ("notas.txt", b"not a photo", "text/plain")),
        ("nota", (None, "um campo comum")),
    ]
    r = requests.post(url(server, f"/api/v1/batches/{b['id']}/files"), files=files,
                      headers=auth(keys["upload"]), timeout=30)
    assert r.status_code == 200, r.text
    got = {f["name"]: f for f in r.json()["files"]}
    assert set(got) == {"T-1_FRENTE.jpg", "pasta/T-2_COSTAS.png", "../fora.jpg", "notas.txt"}
    assert got["T-1_FRENTE.jpg"]["state"] == "received"
    assert got["T-1_FRENTE.jpg"]["sha256"] == hashlib.sha256(rgb).hexdigest()
    assert got["T-1_FRENTE.jpg"]["bytes"] == len(rgb)
    assert got["../fora.jpg"]["error"]["code"] == "invalid_argument"
    assert "job_id" not in got["../fora.jpg"]
    assert r.json()["batch"]["counts"]["total"] == 3

    # The in-process workers process what arrived while the batch receives.
    b1 = wait_for(server, keys["read"], b["id"], lambda x: x["counts"]["done"] + x["counts"]["failed"] == 3)
    assert b1["receiving"] and b1["state"] != "done"
    failures = {f["original_name"]: f for f in b1["review"]["failures"]}
    assert set(failures) == {"notas.txt"}
    assert failures["notas.txt"]["code"] == "corrupt_data"

    r = requests.post(url(server, f"/api/v1/batches/{b['id']}/finish"), headers=auth(keys["upload"]), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["batch"]["receiving"] is False
    wait_for(server, keys["read"], b["id"], lambda x: x["state"] == "done")
    # Nothing more is taken.
    r = requests.post(url(server, f"/api/v1/batches/{b['id']}/files"),
                      files=[("f", ("T-1_02.jpg", rgb))], headers=auth(keys["upload"]), timeout=10)
    assert r.status_code == 409 and problem(r)["code"] == "conflict"

    images = requests.get(url(server, f"/api/v1/images?batch={b['id']}"), headers=auth(keys["read"]),
                          timeout=10).json()["items"]
    names = {i["original_name"]: i for i in images}
    assert set(names) == {"T-1_FRENTE.jpg", "pasta/T-2_COSTAS.png"}
    assert names["T-1_FRENTE.jpg"]["product_id"] is not None

    # The same photo again, in a new batch: a duplicate at once.
    b2 = new_batch(server, keys["upload"])
    r = requests.post(url(server, f"/api/v1/batches/{b2['id']}/files"),
                      files=[("f", ("copia.jpg", rgb))], headers=auth(keys["upload"]), timeout=10)
    dup = r.json()["files"][0]
    assert dup["state"] == "duplicate" and dup["image_id"] == names["T-1_FRENTE.jpg"]["id"]


def test_batch_creation_and_moves_are_checked(server: Server, keys: dict[str, str]) -> None:
    post = lambda path, key, **kw: requests.post(url(server, path), headers=auth(key), timeout=10, **kw)  # noqa: E731
    assert post("/api/v1/batches", keys["read"], json={}).status_code == 403
    assert requests.post(url(server, "/api/v1/batches"), json={}, timeout=10).status_code == 401
    for body, reason in [({"collection": 5}, "string"), ({"colecao": "x"}, "unknown field"),
                         ({"brand": "Aurora"}, "needs a collection"),
                         ({"collection": "Nenhuma"}, "does not exist"),
                         ({"label": "x" * 1025}, "1024")]:
        r = post("/api/v1/batches", keys["upload"], json=body)
        assert r.status_code == 400 and reason in problem(r)["detail"], (body, r.text)
    r = post("/api/v1/batches", keys["upload"], data=b"[1]", )
    assert r.status_code == 400
    b = new_batch(server, keys["upload"], label="")
    assert b["source"] == "upload:\n"
    # Pause and resume: the resumed batch is queued for the workers.
    assert post(f"/api/v1/batches/{b['id']}/pause", keys["upload"]).json()["batch"]["state"] == "paused"
    assert post(f"/api/v1/batches/{b['id']}/resume", keys["upload"]).json()["batch"]["state"] == "queued"
    assert post(f"/api/v1/batches/{b['id']}/resume", keys["read"]).status_code == 403
    # A batch of paths cannot be finished as an upload, nor take files.
    assert post("/api/v1/batches/1/finish", keys["upload"]).status_code == 409
    r = post("/api/v1/batches/1/files", keys["upload"], files=[("f", ("a.jpg", b"x"))])
    assert r.status_code == 409 and "paths" in problem(r)["detail"]
    assert post("/api/v1/batches/999/finish", keys["upload"]).status_code == 404
    assert post(f"/api/v1/batches/{b['id']}/cancel", keys["upload"]).status_code == 200
    assert post(f"/api/v1/batches/{b['id']}/resume", keys["upload"]).status_code == 409
    assert post(f"/api/v1/batches/{b['id']}/finish", keys["upload"]).status_code == 409


def test_multipart_refusals(server: Server, keys: dict[str, str]) -> None:
    b = new_batch(server, keys["upload"])
    target = f"/api/v1/batches/{b['id']}/files"
    ct = "multipart/form-data; boundary=XyZ"

    # Refused from the header alone: the 1 MiB body is never sent.
    for key, status in [(None, 401), (keys["read"], 403)]:
        head = (f"POST {target} HTTP/1.1\r\nHost: t\r\nContent-Type: {ct}\r\n"
                f"Content-Length: 1048576\r\n")
        if key:
            head += f"Authorization: Bearer {key}\r\n"
        early = raw(server, head + "\r\n")
        assert early is not None and early.status == status
        assert early.header("Connection") == "close"
    head = (f"POST /api/v1/batches/999/files HTTP/1.1\r\nHost: t\r\nContent-Type: {ct}\r\n"
            f"Authorization: Bearer {keys['upload']}\r\nContent-Length: 10\r\n\r\n")
    early = raw(server, head)
    assert early is not None and early.status == 404
    # Over --max-upload-request-mb (2 MiB here): 413 before the body.
    head = (f"POST {target} HTTP/1.1\r\nHost: t\r\nContent-Type: {ct}\r\n"
            f"Authorization: Bearer {keys['upload']}\r\nContent-Length: {3 << 20}\r\n\r\n")
    early = raw(server, head)
    assert early is not None and early.status == 413

    up = auth(keys["upload"])
    r = requests.post(url(server, target), data=b"x", headers={**up, "Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 400 and "multipart/form-data" in problem(r)["detail"]
    r = requests.post(url(server, target), data=b"x", headers={**up, "Content-Type": "multipart/form-data"},
                      timeout=10)
    assert r.status_code == 400 and "boundary" in problem(r)["detail"]
    # Malformed after a good file: the good file is kept, and said.
    good = (b"--XyZ\r\nContent-Disposition: form-data; name=f; filename=T-1_01.jpg\r\n\r\n"
            + (DATA / "gray.jpg").read_bytes() + b"\r\n")
    r = requests.post(url(server, target), data=good + b"--XyZ\r\nContent-Type: x\r\n\r\nzz\r\n--XyZ--",
                      headers={**up, "Content-Type": ct}, timeout=10)
    assert r.status_code == 400, r.text
    body = problem(r)
    assert "no Content-Disposition" in body["detail"]
    assert [f["name"] for f in body["files"]] == ["T-1_01.jpg"]
    assert body["files"][0]["state"] == "received"
    r = requests.post(url(server, target), data=good, headers={**up, "Content-Type": ct}, timeout=10)
    assert r.status_code == 400 and "closing boundary" in problem(r)["detail"]
    r = requests.post(url(server, target), files=[("campo", (None, "só um campo"))], headers=up, timeout=10)
    assert r.status_code == 400 and "no file part" in problem(r)["detail"]


# --- tus ---

def tus_create(s: Server, key: str, length: int, **meta: str) -> requests.Response:
    encoded = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    return requests.post(url(s, "/api/v1/uploads"), timeout=10,
                         headers=auth(key, **TUS, **{"Upload-Length": str(length), "Upload-Metadata": encoded}))


def tus_head(s: Server, key: str, location: str) -> requests.Response:
    return requests.head(url(s, location), headers=auth(key, **TUS), timeout=10)


def test_tus_upload_interrupted_then_resumed_across_a_restart(
        server_bin: str, up_bank: pathlib.Path, keys: dict[str, str], tmp_path: pathlib.Path) -> None:
    photo = (DATA / "progressive.jpg").read_bytes()
    path = tmp_path / "T-2_DETALHE.jpg"
    path.write_bytes(photo)
    s = Server(server_bin, up_bank, "--workers", "1")
    try:
        b = new_batch(s, keys["upload"])
        r = tus_create(s, keys["upload"], len(photo), batch=str(b["id"]), filename="T-2_DETALHE.jpg")
        assert r.status_code == 201, r.text
        location = r.headers["Location"]
        assert r.headers["Tus-Resumable"] == "1.0.0" and r.headers["Upload-Expires"].endswith("GMT")
        # The client dies after sending 60% of a PATCH.
        half = len(photo) * 6 // 10
        head = (f"PATCH {location} HTTP/1.1\r\nHost: t\r\nTus-Resumable: 1.0.0\r\n"
                f"Authorization: Bearer {keys['upload']}\r\n"
                f"Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                f"Content-Length: {len(photo)}\r\n\r\n")
        raw(s, head, photo[:half], close_after=True)
        until = time.monotonic() + 10
        while tus_head(s, keys["upload"], location).headers["Upload-Offset"] != str(half):
            assert time.monotonic() < until, "the partial PATCH was not kept"
            time.sleep(0.05)
    finally:
        code, err = s.terminate()
        assert code == 0, err

    # A new server on the same bank: the upload is still there.
    s = Server(server_bin, up_bank, "--workers", "1")
    try:
        h = tus_head(s, keys["upload"], location)
        assert h.status_code == 200
        assert (h.headers["Upload-Offset"], h.headers["Upload-Length"]) == (str(half), str(len(photo)))
        assert h.headers["Cache-Control"] == "no-store"
        # tuspy picks it up from its URL and sends the rest with checksums.
        c = tus_client.TusClient(url(s, "/api/v1/uploads"), headers=auth(keys["upload"]))
        uploader = c.uploader(str(path), url=url(s, location), chunk_size=1000, upload_checksum=True)
        assert uploader.offset == half
        uploader.upload()
        h = tus_head(s, keys["upload"], location)
        assert h.headers["Upload-Offset"] == str(len(photo))
        job_id = int(h.headers["Imagebank-Job-Id"])
        assert h.headers["Imagebank-Job-State"] == "received"

        # A second file in one go, through tuspy's creation.
        other = tmp_path / "other.jpg"
        other.write_bytes((DATA / "rgb.jpg").read_bytes())
        up2 = c.uploader(str(other), metadata={"batch": str(b["id"]), "filename": "x",
                                                "relativePath": "ensaio/T-1_FRENTE.jpg"})
        up2.upload()

        done = wait_for(s, keys["read"], b["id"], lambda x: x["counts"]["done"] == 2)
        assert done["counts"]["total"] == 2
        images = requests.get(url(s, f"/api/v1/images?batch={b['id']}"), headers=auth(keys["read"]),
                              timeout=10).json()["items"]
        by_name = {i["original_name"]: i for i in images}
        assert by_name["T-2_DETALHE.jpg"]["sha256"] == hashlib.sha256(photo).hexdigest()
        assert "ensaio/T-1_FRENTE.jpg" in by_name
        assert job_id > 0
        # Termination.
        r = tus_create(s, keys["upload"], 10, batch=str(b["id"]), filename="a.jpg")
        loc = r.headers["Location"]
        assert requests.delete(url(s, loc), headers=auth(keys["upload"], **TUS), timeout=10).status_code == 204
        assert tus_head(s, keys["upload"], loc).status_code == 404
    finally:
        code, err = s.terminate()
        assert code == 0, err


def test_tus_refusals(server: Server, keys: dict[str, str]) -> None:
    up = keys["upload"]
    r = requests.options(url(server, "/api/v1/uploads"), timeout=10)
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {"creation", "termination", "checksum", "expiration"}
    assert r.headers["Tus-Checksum-Algorithm"] == "sha1,sha256"
    max_size = int(r.headers["Tus-Max-Size"])

    b = new_batch(server, up)
    ok = {"batch": str(b["id"]), "filename": "T-1_01.jpg"}
    assert tus_create(server, keys["read"], 10, **ok).status_code == 403
    r = requests.post(url(server, "/api/v1/uploads"), headers=auth(up, **{"Upload-Length": "10"}), timeout=10)
    assert r.status_code == 412 and r.headers["Tus-Version"] == "1.0.0"
    assert tus_create(server, up, max_size + 1, **ok).status_code == 413
    for meta, reason in [({"filename": "a.jpg"}, "batch"), ({"batch": str(b["id"])}, "filename"),
                         ({"batch": "1", "filename": "a.jpg"}, "paths"),
                         ({"batch": "abc", "filename": "a.jpg"}, "batch")]:
        r = tus_create(server, up, 10, **meta)
        assert r.status_code in (400, 409) and reason in r.json()["detail"], (meta, r.text)
        assert r.headers["Tus-Resumable"] == "1.0.0"
    r = requests.post(url(server, "/api/v1/uploads"), timeout=10,
                      headers=auth(up, **TUS, **{"Upload-Length": "10", "Upload-Metadata": "batch ***"}))
    assert r.status_code == 400 and "base64" in r.json()["detail"]
    r = requests.post(url(server, "/api/v1/uploads"), timeout=10,
                      headers=auth(up, **TUS, **{"Upload-Length": "-1", "Upload-Metadata": ""}))
    assert r.status_code == 400

    data = b"0123456789"
    loc = tus_create(server, up, len(data), **ok).headers["Location"]
    patch_headers = auth(up, **TUS, **{"Content-Type": "application/offset+octet-stream"})
    r = requests.patch(url(server, loc), data=data, headers={**patch_headers, "Upload-Offset": "3"}, timeout=10)
    assert r.status_code == 409 and r.headers["Tus-Resumable"] == "1.0.0"
    r = requests.patch(url(server, loc), data=data, headers={**patch_headers, "Content-Type": "text/plain",
                                                             "Upload-Offset": "0"}, timeout=10)
    assert r.status_code == 415
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    r = requests.patch(url(server, loc), data=data[:4], timeout=10,
                       headers={**patch_headers, "Upload-Offset": "0", "Upload-Checksum": f"sha256 {wrong}"})
    assert r.status_code == 460
    assert tus_head(server, up, loc).headers["Upload-Offset"] == "0"  # dropped
    r = requests.patch(url(server, loc), data=data[:4], timeout=10,
                       headers={**patch_headers, "Upload-Offset": "0", "Upload-Checksum": "md5 AAAA"})
    assert r.status_code == 400
    good = base64.b64encode(hashlib.sha256(data[:4]).digest()).decode()
    r = requests.patch(url(server, loc), data=data[:4], timeout=10,
                       headers={**patch_headers, "Upload-Offset": "0", "Upload-Checksum": f"sha256 {good}"})
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "4"
    r = requests.patch(url(server, loc), data=data, headers={**patch_headers, "Upload-Offset": "4"}, timeout=10)
    assert r.status_code == 413  # past Upload-Length
    r = requests.patch(url(server, loc), data=data[4:], headers={**patch_headers, "Upload-Offset": "4"}, timeout=10)
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "10"
    assert r.headers["Imagebank-Job-State"] == "received"  # it fails when processed: not an image
    assert requests.head(url(server, loc), headers=auth(up), timeout=10).status_code == 412
    assert tus_head(server, up, "/api/v1/uploads/0123456789abcdef0123456789abcdef").status_code == 404
    assert tus_head(server, up, "/api/v1/uploads/..").status_code in (400, 404)
    # An empty file is a failed job at once.
    r = tus_create(server, up, 0, **ok)
    assert r.status_code == 201 and r.headers["Imagebank-Job-State"] == "failed"


# --- events ---

def read_events(resp: requests.Response, until: str, into: list[dict[str, Any]]) -> None:
    event: dict[str, Any] = {}
    for raw_line in resp.iter_lines(decode_unicode=True):
        line = raw_line if isinstance(raw_line, str) else raw_line.decode()
        if line == "":
            if event:
                into.append(event)
                if event.get("event") == until:
                    return
            event = {}
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        event[field] = value.lstrip(" ")


def test_batch_events_follow_the_batch_to_its_end(server: Server, keys: dict[str, str]) -> None:
    b = new_batch(server, keys["upload"])
    events: list[dict[str, Any]] = []
    resp = requests.get(url(server, f"/api/v1/batches/{b['id']}/events"), headers=auth(keys["read"]),
                        stream=True, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    assert resp.headers["Cache-Control"] == "no-store"
    reader = threading.Thread(target=read_events, args=(resp, "end", events))
    reader.start()
    for name in ("T-1_FRENTE.jpg", "T-1_COSTAS.jpg"):
        data = (DATA / ("rgb.jpg" if "FRENTE" in name else "progressive.jpg")).read_bytes()
        r = requests.post(url(server, f"/api/v1/batches/{b['id']}/files"), files=[("f", (name, data))],
                          headers=auth(keys["upload"]), timeout=10)
        assert r.status_code == 200
    requests.post(url(server, f"/api/v1/batches/{b['id']}/finish"), headers=auth(keys["upload"]), timeout=10)
    reader.join(60)
    assert not reader.is_alive(), events
    resp.close()
    assert events[0] == {"retry": "2000"}
    progress = [e for e in events if e.get("event") == "progress"]
    batches = [json.loads(e["data"]) for e in progress]
    totals = [x["counts"]["done"] for x in batches]
    assert totals == sorted(totals) and totals[-1] == 2
    assert batches[-1]["state"] == "done" and batches[-1]["receiving"] is False
    assert len({e["id"] for e in progress}) == len(progress)  # each a change
    assert events[-1]["event"] == "end" and json.loads(events[-1]["data"]) == {"state": "done"}

    # Reconnecting with the last id seen: no repeat, just the end.
    again: list[dict[str, Any]] = []
    resp = requests.get(url(server, f"/api/v1/batches/{b['id']}/events"), stream=True, timeout=30,
                        headers=auth(keys["read"], **{"Last-Event-ID": progress[-1]["id"]}))
    read_events(resp, "end", again)
    resp.close()
    assert [e.get("event") for e in again] == [None, "end"]
    # With an old id: the current state first.
    again = []
    resp = requests.get(url(server, f"/api/v1/batches/{b['id']}/events"), stream=True, timeout=30,
                        headers=auth(keys["read"], **{"Last-Event-ID": progress[0]["id"]}))
    read_events(resp, "end", again)
    resp.close()
    assert [e.get("event") for e in again] == [None, "progress", "end"]

    assert requests.get(url(server, "/api/v1/batches/999/events"), headers=auth(keys["read"]),
                        timeout=10).status_code == 404
    assert requests.get(url(server, f"/api/v1/batches/{b['id']}/events"), timeout=10).status_code == 401


def test_an_open_event_stream_does_not_hold_up_shutdown(
        server_bin: str, up_bank: pathlib.Path, keys: dict[str, str]) -> None:
    s = Server(server_bin, up_bank, "--workers", "0")
    b = new_batch(s, keys["upload"])
    streams = [requests.get(url(s, f"/api/v1/batches/{b['id']}/events"), headers=auth(keys["read"]),
                            stream=True, timeout=30) for _ in range(12)]
    assert all(r.status_code == 200 for r in streams)
    # More streams than worker threads (8): the API still answers.
    assert requests.get(url(s, "/api/v1/batches"), headers=auth(keys["read"]), timeout=5).status_code == 200
    started = time.monotonic()
    code, err = s.terminate()
    assert code == 0, err
    assert time.monotonic() - started < 5
    for r in streams:
        r.close()


# --- Carteira ---

def post_carteira(s: Server, key: str, path: pathlib.Path | None, name: str | None = None,
                  **fields: str) -> requests.Response:
    files: list[tuple[str, Any]] = [(k, (None, v)) for k, v in fields.items()]
    if path is not None:
        files.append(("file", (name or path.name, path.read_bytes())))
    return requests.post(url(s, "/api/v1/carteiras"), files=files, headers=auth(key), timeout=30)


def test_a_carteira_uploaded_links_the_photos_that_came_first(
        server: Server, keys: dict[str, str]) -> None:
    b = new_batch(server, keys["upload"], collection="Inverno", brand="Aurora")
    r = requests.post(url(server, f"/api/v1/batches/{b['id']}/files"), headers=auth(keys["upload"]),
                      files=[("f", ("T-1_FRENTE.jpg", (DATA / "progressive.jpg").read_bytes()))], timeout=30)
    assert r.status_code == 200
    wait_for(server, keys["read"], b["id"], lambda x: x["counts"]["done"] == 1)
    images = requests.get(url(server, f"/api/v1/images?batch={b['id']}"), headers=auth(keys["read"]),
                          timeout=10).json()["items"]
    assert images[0]["product_id"] is None

    tsv = DATA / "carteira" / "carteira_tab.tsv"
    r = post_carteira(server, keys["upload"], tsv, brand="Aurora", collection="Inverno", season="2027")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["import"]["file"].endswith("carteira_tab.tsv")
    assert body["import"]["rows"] == 2 and body["import"]["products_created"] == 2
    assert body["reconcile"]["linked"] == 1
    image = requests.get(url(server, f"/api/v1/images/{images[0]['id']}"), headers=auth(keys["read"]),
                         timeout=10).json()
    assert image["product_id"] is not None
    # Imported again: updated, not created; reconcile can be left out.
    r = post_carteira(server, keys["upload"], tsv, brand="Aurora", collection="Inverno", reconcile="false")
    assert r.status_code == 201
    assert (r.json()["import"]["products_updated"], r.json()["reconcile"]) == (2, None)
    # An issue-laden file: the good rows are imported and every issue named.
    r = post_carteira(server, keys["upload"], DATA / "carteira" / "malformed.xlsx", brand="Aurora",
                      collection="Inverno")
    assert r.status_code == 201, r.text
    issues = r.json()["import"]["issues"]
    assert any(i["severity"] == "error" and i["sheet"] for i in issues), issues


def test_carteira_xls_ods_and_xlsb_over_http(server: Server, keys: dict[str, str],
                                              tmp_path: pathlib.Path) -> None:
    """The server reads .xls through its helper program and .ods in-process;
    an .xlsb is refused saying what to do."""
    r = post_carteira(server, keys["upload"], DATA / "carteira" / "carteira.xls",
                      brand="Aurora", collection="Legado")
    assert r.status_code == 201, r.text
    assert r.json()["import"]["rows"] == 2
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="Pedido">'
        + "".join("<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in row) + "</table:table-row>"
            for row in [("SKU", "Nome"), ("ODS-1", "Blusa"), ("ODS-2", "Saia")])
        + "</table:table></office:spreadsheet></office:body></office:document-content>")
    ods = tmp_path / "pedido.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    r = post_carteira(server, keys["upload"], ods, brand="Aurora", collection="Legado")
    assert r.status_code == 201, r.text
    assert r.json()["import"]["rows"] == 2
    xlsb = tmp_path / "vendas.xlsb"
    with zipfile.ZipFile(xlsb, "w") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    r = post_carteira(server, keys["upload"], xlsb, brand="Aurora", collection="Legado")
    assert r.status_code == 415 and "Save As" in problem(r)["detail"], r.text


def test_carteira_refusals(server: Server, keys: dict[str, str]) -> None:
    tsv = DATA / "carteira" / "carteira_tab.tsv"
    assert post_carteira(server, keys["read"], tsv, brand="A", collection="C").status_code == 403
    r = requests.post(url(server, "/api/v1/carteiras"), files=[("file", ("a.csv", b"x"))], timeout=10)
    assert r.status_code == 401
    cases = [
        (dict(path=tsv, brand="A"), 400, "required"),
        (dict(path=None, brand="A", collection="C"), 400, "no spreadsheet"),
        (dict(path=tsv, name="carteira.pdf", brand="A", collection="C"), 415, ".xlsx"),
        (dict(path=tsv, brand="A", collection="C", colecao="x"), 400, "unknown field"),
        (dict(path=tsv, brand="A", collection="C", reconcile="talvez"), 400, "reconcile"),
        (dict(path=DATA / "carteira" / "truncated.xlsx", brand="A", collection="C"), 422, "truncated.xlsx"),
        (dict(path=DATA / "carteira" / "zip_bomb.xlsx", brand="A", collection="C"), 413, "zip_bomb.xlsx"),
    ]
    for kwargs, status, reason in cases:
        r = post_carteira(server, keys["upload"], **kwargs)  # type: ignore[arg-type]
        assert r.status_code == status and reason in problem(r)["detail"], (kwargs, r.text)


def test_tus_names_owners_and_uploads_their_batch_refused(
        server: Server, up_bank: pathlib.Path, keys: dict[str, str]) -> None:
    up = keys["upload"]
    b = new_batch(server, up)
    # A Latin-1 name is kept as UTF-8; a name the batch would refuse is
    # refused before any byte is sent.
    latin1 = base64.b64encode("Ação.jpg".encode("latin-1")).decode()
    batch_meta = base64.b64encode(str(b["id"]).encode()).decode()
    r = requests.post(url(server, "/api/v1/uploads"), timeout=10, headers=auth(
        up, **TUS, **{"Upload-Length": "3", "Upload-Metadata": f"batch {batch_meta},filename {latin1}"}))
    assert r.status_code == 201, r.text
    loc = r.headers["Location"]
    patch_headers = auth(up, **TUS, **{"Content-Type": "application/offset+octet-stream"})
    r = requests.patch(url(server, loc), data=b"abc", headers={**patch_headers, "Upload-Offset": "0"},
                       timeout=10)
    assert r.status_code == 204, r.text
    job = requests.get(url(server, f"/api/v1/batches/{b['id']}"), headers=auth(keys["read"]),
                       timeout=10).json()
    assert job["counts"]["total"] == 1
    r = tus_create(server, up, 3, batch=str(b["id"]), filename="../fora.jpg")
    assert r.status_code == 400 and ".." in r.json()["detail"]

    # Only the key that made an upload (or an admin key) reaches it.
    loc = tus_create(server, up, 10, batch=str(b["id"]), filename="T-1_02.jpg").headers["Location"]
    other = make_key(up_bank, "k-other", "upload")
    assert tus_head(server, other, loc).status_code == 404
    r = requests.patch(url(server, loc), data=b"0123456789", timeout=10,
                       headers={**auth(other, **TUS), "Content-Type": "application/offset+octet-stream",
                                "Upload-Offset": "0"})
    assert r.status_code == 404
    assert requests.delete(url(server, loc), headers=auth(other, **TUS), timeout=10).status_code == 404
    admin = make_key(up_bank, "k-admin", "admin")
    assert tus_head(server, admin, loc).status_code == 200

    # An empty PATCH with the checksum of nothing is fine (sha256 and sha1).
    for algorithm, empty in [("sha256", hashlib.sha256(b"").digest()), ("sha1", hashlib.sha1(b"").digest())]:
        r = requests.patch(url(server, loc), data=b"", timeout=10, headers={
            **patch_headers, "Upload-Offset": "0",
            "Upload-Checksum": f"{algorithm} {base64.b64encode(empty).decode()}"})
        assert r.status_code == 204 and r.headers["Upload-Offset"] == "0", (algorithm, r.text)
    # A body longer than what is left: 413 from the header alone.
    head = (f"PATCH {loc} HTTP/1.1\r\nHost: t\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer {up}\r\n"
            "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
            "Content-Length: 11\r\n\r\n")
    early = raw(server, head)
    assert early is not None and early.status == 413

    # The batch stops receiving mid-upload: the last PATCH is 410 with the
    # reason, and so is every later HEAD (no client may read "complete").
    r = requests.patch(url(server, loc), data=b"01234", headers={**patch_headers, "Upload-Offset": "0"},
                       timeout=10)
    assert r.status_code == 204
    assert requests.post(url(server, f"/api/v1/batches/{b['id']}/finish"), headers=auth(up),
                         timeout=10).status_code == 200
    r = requests.patch(url(server, loc), data=b"56789", headers={**patch_headers, "Upload-Offset": "5"},
                       timeout=10)
    assert r.status_code == 410 and "no longer receives" in r.json()["detail"], r.text
    assert tus_head(server, up, loc).status_code == 410
    r = requests.patch(url(server, loc), data=b"x", headers={**patch_headers, "Upload-Offset": "10"},
                       timeout=10)
    assert r.status_code == 410


def test_event_streams_are_capped(server_bin: str, up_bank: pathlib.Path, keys: dict[str, str]) -> None:
    s = Server(server_bin, up_bank, "--workers", "0", "--max-event-streams", "2")
    try:
        b = new_batch(s, keys["upload"])
        target = url(s, f"/api/v1/batches/{b['id']}/events")
        streams = [requests.get(target, headers=auth(keys["read"]), stream=True, timeout=10)
                   for _ in range(2)]
        assert [r.status_code for r in streams] == [200, 200]
        r = requests.get(target, headers=auth(keys["read"]), timeout=10)
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        streams[0].close()
        # A closed stream's thread ends at its next write (a keep-alive
        # comment at the latest): a slot comes back.
        until = time.monotonic() + 30
        while True:
            r = requests.get(target, headers=auth(keys["read"]), stream=True, timeout=10)
            if r.status_code == 200:
                r.close()
                break
            assert time.monotonic() < until, "no stream slot came back"
            time.sleep(0.5)
        streams[1].close()
    finally:
        code, err = s.terminate()
        assert code == 0, err


def test_uploads_are_analysed_as_jobs_of_their_own(
        server_bin: str, up_bank: pathlib.Path, keys: dict[str, str]) -> None:
    """--analyze-uploads: each new photo of an upload batch also gets an
    analyze job (offline here); the batch shows them apart from its files and
    ends once both are done; the photo moves on from pending_ai_analysis."""
    s = Server(server_bin, up_bank, "--workers", "1", "--analyze-uploads",
               "--vision", "offline")
    try:
        b = new_batch(s, keys["upload"])
        assert b["analyzers"] == "offline://"
        assert b["analysis"]["total"] == 0
        files: list[tuple[str, Any]] = [
            ("file", ("T-1_FRENTE.jpg", (DATA / "rgb.jpg").read_bytes(), "image/jpeg")),
            ("file", ("T-2_COSTAS.png", (DATA / "rgb.png").read_bytes(), "image/png")),
        ]
        r = requests.post(url(s, f"/api/v1/batches/{b['id']}/files"), files=files,
                          headers=auth(keys["upload"]), timeout=30)
        assert r.status_code == 200, r.text
        r = requests.post(url(s, f"/api/v1/batches/{b['id']}/finish"),
                          headers=auth(keys["upload"]), timeout=10)
        assert r.status_code == 200, r.text
        done = wait_for(s, keys["read"], b["id"], lambda x: x["state"] == "done")
        assert done["counts"]["done"] == 2 and done["counts"]["total"] == 2
        assert done["analysis"]["done"] == 2 and done["analysis"]["total"] == 2
        images = requests.get(url(s, f"/api/v1/images?batch={b['id']}"),
                              headers=auth(keys["read"]), timeout=10).json()["items"]
        assert len(images) == 2
        for image in images:
            assert image["status"] == "pending"
            record = requests.get(url(s, f"/api/v1/images/{image['id']}"),
                                  headers=auth(keys["read"]), timeout=10).json()
            providers = [a["provider"] for a in record["analyses"]
                         if a["item_position"] is None and a["error"] is None]
            assert providers == ["offline"]
    finally:
        code, err = s.terminate()
        assert code == 0, err
    # Without the flag an upload batch asks for no analysis.
    s = Server(server_bin, up_bank, "--workers", "1")
    try:
        plain = new_batch(s, keys["upload"])
        assert plain["analyzers"] == "" and plain["analysis"]["total"] == 0
    finally:
        code, err = s.terminate()
        assert code == 0, err
    # A --vision list that cannot be opened stops the server at start.
    bad = subprocess.run([server_bin, "--bank", str(up_bank), "--listen", "127.0.0.1:0",
                          "--analyze-uploads", "--vision", "nope"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--vision" in bad.stderr, bad.stderr
