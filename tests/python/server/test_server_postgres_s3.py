"""imagebank-server on the production adapters: a real PostgreSQL (Debian's,
in a temp dir: scripts/pg-test-server.sh) and a real S3 server (MinIO on
loopback): upload batches by multipart and tus, processed by the
in-process workers to the end (watched over SSE), then served."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from tusclient import client as tus_client

from servers import MINIO_PASSWORD, MINIO_USER, Minio, s3_skipped

from .conftest import DATA, _program
from .server_harness import Server
from .test_server_uploads import auth, new_batch, read_events, url

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, dict[str, str]]]:
    if s3_skipped():
        pytest.skip("IMAGEBANK_SKIP_S3=1")
    script = REPO / "scripts" / "pg-test-server.sh"
    pg_dir = tmp_path_factory.mktemp("pg")
    subprocess.run([script, "start", pg_dir], check=True, capture_output=True, text=True)
    minio = Minio()
    try:
        db = subprocess.run([script, "createdb", pg_dir, "serverbank"], check=True,
                            capture_output=True, text=True).stdout.strip()
        storage = (f"s3://bank/files?endpoint={minio.endpoint}&addressing=path"
                   "&region=us-east-1&create_bucket=true")
        env = {**os.environ, "AWS_ACCESS_KEY_ID": MINIO_USER,
               "AWS_SECRET_ACCESS_KEY": MINIO_PASSWORD}
        yield db, storage, env
    finally:
        minio.stop()
        subprocess.run([script, "stop", pg_dir], capture_output=True)


def cli(stores: tuple[str, str, dict[str, str]], *args: str) -> str:
    db, storage, env = stores
    return subprocess.run(
        [_program("IMAGEBANK_CLI_BIN", "imagebank"), *args, "--db", db, "--storage", storage],
        check=True, capture_output=True, text=True, timeout=180, env=env).stdout


def test_uploads_processed_and_served_on_postgresql_and_minio(
        server_bin: str, stores: tuple[str, str, dict[str, str]], tmp_path: pathlib.Path) -> None:
    db, storage, env = stores
    cli(stores, "carteira", str(DATA / "carteira" / "carteira_tab.tsv"), "--import",
        "--brand", "Aurora", "--collection", "Verão")
    key = json.loads(cli(stores, "keys", "create", "--name", "pg", "--scope", "admin", "--json"))["key"]
    s = Server(server_bin, None, "--db", db, "--storage", storage, "--workers", "2",
               "--upload-dir", str(tmp_path / "uploads"), env=env)
    try:
        b = new_batch(s, key)
        events: list[dict[str, Any]] = []
        resp = requests.get(url(s, f"/api/v1/batches/{b['id']}/events"), headers=auth(key),
                            stream=True, timeout=60)
        reader = threading.Thread(target=read_events, args=(resp, "end", events))
        reader.start()

        r = requests.post(url(s, f"/api/v1/batches/{b['id']}/files"), headers=auth(key), timeout=30,
                          files=[("f", ("T-1_FRENTE.jpg", (DATA / "rgb.jpg").read_bytes())),
                                 ("f", ("T-1_COSTAS.png", (DATA / "rgb.png").read_bytes()))])
        assert r.status_code == 200, r.text
        photo = tmp_path / "T-2_01.jpg"
        photo.write_bytes((DATA / "progressive.jpg").read_bytes())
        c = tus_client.TusClient(url(s, "/api/v1/uploads"), headers=auth(key))
        c.uploader(str(photo), chunk_size=2000,
                   metadata={"batch": str(b["id"]), "filename": photo.name}).upload()
        assert requests.post(url(s, f"/api/v1/batches/{b['id']}/finish"), headers=auth(key),
                             timeout=10).status_code == 200
        reader.join(120)
        resp.close()
        assert not reader.is_alive(), events
        final = json.loads([e for e in events if e.get("event") == "progress"][-1]["data"])
        assert final["state"] == "done"
        assert final["counts"]["done"] == 3

        images = requests.get(url(s, f"/api/v1/images?batch={b['id']}"), headers=auth(key),
                              timeout=10).json()["items"]
        assert {i["original_name"] for i in images} == {"T-1_FRENTE.jpg", "T-1_COSTAS.png", "T-2_01.jpg"}
        assert all(i["product_id"] is not None for i in images)
        # Served from MinIO: the stored thumbnail, then an on-demand one.
        for fmt in ("jpeg", "webp"):
            r = requests.get(url(s, f"/images/{images[0]['id']}?size=thumbnail&format={fmt}"),
                             headers=auth(key), timeout=30)
            assert r.status_code == 200, r.text
            assert r.headers["Content-Type"] == f"image/{fmt}"
            assert len(r.content) > 100
        cov = requests.get(url(s, "/api/v1/reports/coverage"), headers=auth(key), timeout=10).json()
        assert cov["items"][0]["products_with_photo"] == 2
    finally:
        code, err = s.terminate()
        assert code == 0, err
