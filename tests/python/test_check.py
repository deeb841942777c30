"""The integrity check (Bank.check, check_bank, `imagebank check`) on a real
bank (SQLite file + local disk) after a real ingest, and the catalog reads it
merges with the store's listing."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
from typing import Any

import pytest

import imagebank
from conftest import DATA

core = imagebank._core
FAST: dict[str, Any] = {"formats": ["jpeg"], "presets": ["thumbnail", "small"]}


def _cli() -> str:
    exe = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    assert exe, "the wheel installs the imagebank command next to python"
    return exe


@pytest.fixture()
def bank_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    """A bank with three photos ingested: 3 originals, 6 variants."""
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(DATA / "rgb.jpg", photos / "ABC1_FRENTE.jpg")
    shutil.copy(DATA / "rgb.png", photos / "ABC1_COSTAS.png")
    shutil.copy(DATA / "gray.jpg", photos / "ABC2_FRENTE.jpg")
    bank = core.Bank.open(dir=tmp_path / "bank")
    batch = bank.ingest(photos, workers=1, **FAST)
    assert batch.state == "done"
    return tmp_path / "bank"


def _check(bank_dir: pathlib.Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    out = subprocess.run([_cli(), "check", "--bank", str(bank_dir), "--json", *args],
                         capture_output=True, text=True, timeout=120)
    return out.returncode, [json.loads(line) for line in out.stdout.splitlines()]


def test_a_fresh_ingest_is_clean(bank_dir: pathlib.Path) -> None:
    bank = core.Bank.open(dir=bank_dir)
    report = bank.check()
    assert report.clean
    assert (report.images, report.variants, report.objects) == (3, 6, 9)
    assert report.database == []
    assert report.problems == []
    assert "clean=True" in repr(report)
    assert bank.check(verify_content=True, thorough_database=True).clean
    # The same through the free function and the command.
    assert core.check_bank(bank.catalog, bank.blobs, grace=0).clean
    code, lines = _check(bank_dir, "--verify-content")
    assert code == 0, lines
    assert lines == [dict(lines[-1])] and lines[-1]["type"] == "check"
    assert lines[-1]["clean"] is True and lines[-1]["objects"] == 9


def test_damage_is_named_and_orphans_deleted_past_their_grace(bank_dir: pathlib.Path) -> None:
    files = bank_dir / "files"
    bank = core.Bank.open(dir=bank_dir)
    rows = bank.catalog.image_blobs()
    assert [r.sha256 for r in rows] == sorted(r.sha256 for r in rows)
    gone = rows[0].variants[0].key
    (files / gone).unlink()
    altered = rows[1].original.key
    (files / altered).write_bytes(b"\0" * rows[1].original.bytes)
    stray = files / "variants" / rows[2].sha256 / "old.jpg"
    stray.write_bytes(b"0123456789")

    report = bank.check()
    assert not report.clean
    assert report.missing == 1 and report.recent_unreferenced == 1 and report.orphans == 0
    assert [(p.kind, p.key) for p in report.problems] == [("missing", gone)]

    report = bank.check(grace=0, verify_content=True)
    kinds = {p.key: p.kind for p in report.problems}
    assert kinds == {gone: "missing", altered: "content_mismatch",
                     stray.relative_to(files).as_posix(): "orphan"}
    assert report.orphan_bytes == 10
    assert stray.exists()

    code, lines = _check(bank_dir, "--grace", "0", "--delete-orphans")
    assert code == 1  # the missing variant is still missing
    assert {(r["kind"], r["key"]) for r in lines if r["type"] == "problem"} == {
        ("missing", gone), ("orphan", stray.relative_to(files).as_posix())}
    assert lines[-1]["orphans_deleted"] == 1 and lines[-1]["clean"] is False
    assert not stray.exists()
    # Human output: the summary names what is wrong.
    out = subprocess.run([_cli(), "check", "--bank", str(bank_dir)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1
    assert f"missing {gone}:" in out.stdout
    assert "NOT clean" in out.stdout.splitlines()[-1]


def test_catalog_reads_and_the_database_check(bank_dir: pathlib.Path) -> None:
    bank = core.Bank.open(dir=bank_dir)
    first = bank.catalog.image_blobs(limit=2)
    assert len(first) == 2
    rest = bank.catalog.image_blobs(first[-1].sha256, limit=10)
    assert len(rest) == 1 and rest[0].sha256 > first[-1].sha256
    image = bank.catalog.get_image(rest[0].id)
    assert rest[0].original.key == image.blob_key
    assert rest[0].original.bytes == image.bytes
    assert all(v.width > 0 and v.bytes > 0 for v in rest[0].variants)
    # Every job of the ingest names its photo's SHA-256.
    shas = [r.sha256 for r in first + rest]
    assert bank.catalog.job_sha256s(shas + ["f" * 64]) == sorted(shas)
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.catalog.job_sha256s(["not-a-sha"])
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.catalog.image_blobs(limit=0)
    assert bank.catalog.check_database() == []
    assert bank.catalog.check_database(thorough=True) == []


def test_a_progress_callback_that_raises_stops_the_check(bank_dir: pathlib.Path) -> None:
    bank = core.Bank.open(dir=bank_dir)
    seen: list[int] = []

    class Enough(Exception):
        pass

    def progress(report: imagebank.CheckReport) -> None:
        seen.append(report.images)
        raise Enough

    with pytest.raises(Enough):
        bank.check(progress=progress)
    assert seen == [3]
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.check(grace=-1)
