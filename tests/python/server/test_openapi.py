"""The server's OpenAPI document: valid OpenAPI 3.1, served as written, and
the live server fuzzed from it by schemathesis (bounded in time): no 5xx,
every response matching its schema and its documented status codes."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import pytest

from .conftest import DATA, _program
from .server_harness import Server, get
from .test_server_images import make_key

DOCUMENT = pathlib.Path(__file__).resolve().parents[3] / "examples" / "server" / "openapi.yaml"
CONFIG = pathlib.Path(__file__).resolve().parent / "schemathesis.toml"


def test_the_document_is_valid_openapi_and_served_as_written(server: Server) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    yaml = pytest.importorskip("yaml")
    spec = yaml.safe_load(DOCUMENT.read_text())
    validator.validate(spec)
    assert spec["openapi"].startswith("3.1")
    r = get(server.port, "/api/v1/openapi.yaml")
    assert r.status == 200
    assert r.header("content-type") == "application/yaml"
    assert r.body.decode() == DOCUMENT.read_text()


def test_schemathesis_finds_no_server_error_or_schema_mismatch(
        server_bin: str, bank_dir: pathlib.Path, tmp_path: pathlib.Path) -> None:
    pytest.importorskip("schemathesis")
    # A bank of its own: the fuzzing changes statuses and makes variants.
    bank = tmp_path / "bank"
    shutil.copytree(bank_dir, bank)
    add_products(bank, tmp_path)
    key = make_key(bank, "admin")
    s = Server(server_bin, bank, "--public-images")
    try:
        fuzz(s, key, tmp_path)
    finally:
        code, err = s.terminate()
        assert code == 0, err


def add_products(bank: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Products from a Carteira, two with photos that are near duplicates
    of the bank's photo (the same picture), so the products and
    near-duplicate routes answer with real items."""
    sheet = tmp_path / "carteira.tsv"
    sheet.write_text("Código\tNome da Peça\nAB100\tSaia\nAB200\tBlusa\nZZ1\tCinto\n",
                     encoding="utf-8")
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(DATA / "progressive.jpg", photos / "AB100_FRENTE.jpg")
    shutil.copy(DATA / "gray.jpg", photos / "AB200_COSTAS.jpg")
    for args in (["carteira", str(sheet), "--import", "--brand", "Aurora",
                  "--collection", "Verão"],
                 ["ingest", str(photos), "--collection", "Verão", "--formats", "jpeg",
                  "--presets", "thumbnail"]):
        subprocess.run([_program("IMAGEBANK_CLI_BIN", "imagebank"), *args, "--bank",
                        str(bank)], check=True, capture_output=True, timeout=120)


def fuzz(s: Server, key: str, tmp_path: pathlib.Path) -> None:
    base = f"http://127.0.0.1:{s.port}"
    report = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG),
         "run", f"{base}/api/v1/openapi.yaml",
         "--url", base, "--header", f"Authorization: Bearer {key}",
         "--checks", "all", "--max-examples", "25", "--max-time", "45", "--seed", "16",
         "--suppress-health-check", "all", "--report", "json",
         # An event stream lasts until its batch ends: a fuzzer would wait
         # on it forever (test_server_uploads drives it).
         "--exclude-path", "/api/v1/batches/{id}/events",
         "--report-json-path", str(report)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,  # its cache too
        env={**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
             "PYTHONPATH": os.pathsep.join(filter(None, [str(CONFIG.parent),
                                                         os.environ.get("PYTHONPATH")]))})
    print(run.stdout[-4000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert report.exists()
    summary = json.loads(report.read_text())
    assert summary, "an empty schemathesis report"
