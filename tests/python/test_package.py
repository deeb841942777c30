"""The wheel as a package: version, typing files, logging, and the CLI."""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

import imagebank
from conftest import DATA, REPO

PKG = pathlib.Path(imagebank.__file__).parent


def test_imported_from_the_installed_wheel_not_the_source_tree():
    assert PKG != REPO / "python" / "imagebank", PKG
    assert "site-packages" in PKG.parts
    assert list(PKG.glob("_core.*.so")), "compiled module missing"


def test_version_comes_from_cmake():
    cmake = (REPO / "CMakeLists.txt").read_text()
    version = re.search(r"project\(imagebank\s+VERSION\s+([0-9.]+)", cmake).group(1)
    assert imagebank.__version__ == version
    assert importlib.metadata.version("imagebank") == version


def test_typing_files_are_shipped_and_match_the_source():
    assert (PKG / "py.typed").exists()
    for name in ("_core.pyi",):
        assert (PKG / name).read_text() == (REPO / "python" / "imagebank" / name).read_text()


def test_stubs_are_not_stale(tmp_path):
    """Regenerates the stubs from the compiled module; a difference means a
    binding changed without `scripts/gen-stubs.sh`."""
    stubgen = shutil.which("pybind11-stubgen", path=os.path.dirname(sys.executable))
    assert stubgen, "pybind11-stubgen is a test dependency (scripts/install-deps.sh --test)"
    subprocess.run([stubgen, "imagebank._core", "-o", str(tmp_path)], check=True,
                   capture_output=True)
    generated = (tmp_path / "imagebank" / "_core.pyi").read_text()
    committed = (REPO / "python" / "imagebank" / "_core.pyi").read_text()
    assert generated == committed, "stale stubs: run scripts/gen-stubs.sh"


def test_all_exports_exist():
    for name in imagebank.__all__:
        assert hasattr(imagebank, name), name
    public_core = {n for n in dir(imagebank._core) if not n.startswith("_")}
    # Everything compiled is reachable from the package, except the raw
    # logging entry point used by the package itself.
    assert public_core - set(imagebank.__all__) <= {"log"}


def test_log_records_reach_python_logging(caplog):
    with caplog.at_level(logging.DEBUG, logger="imagebank"):
        imagebank._core.log("warning", "disk almost full")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "disk almost full")
    ]


def test_log_level_filter_and_custom_sink():
    seen = []
    imagebank.set_log_sink(lambda level, msg: seen.append((level, msg)))
    try:
        imagebank.set_log_level("warning")
        assert imagebank.log_level() == "warning"
        imagebank._core.log("info", "dropped")
        imagebank._core.log("error", "kept")
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.set_log_level("loud")
    finally:
        imagebank.set_log_level("info")
        imagebank.set_log_sink(imagebank._forward_to_logging)
    assert seen == [("error", "kept")]


def test_a_failing_sink_does_not_break_the_caller(monkeypatch):
    def bad(level, msg):
        raise RuntimeError("handler bug")

    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    imagebank.set_log_sink(bad)
    try:
        imagebank._core.log("error", "x")  # must not raise
    finally:
        imagebank.set_log_sink(imagebank._forward_to_logging)
    # The handler's exception is reported the way Python reports errors it
    # cannot raise, not swallowed silently.
    assert len(reported) == 1
    assert isinstance(reported[0].exc_value, RuntimeError)


def cli() -> str:
    path = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    assert path, "the wheel installs the imagebank command next to python"
    return path


def test_cli_probe_json(expected_probes):
    files = [str(DATA / r["file"]) for r in expected_probes]
    out = subprocess.run([cli(), "probe", "--json", *files], capture_output=True,
                         text=True, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == len(files)
    for line, row in zip(lines, expected_probes):
        assert line["path"].endswith(row["file"])
        assert line["format"] == row["format"]
        assert line["width"] == int(row["width"])
        assert line["orientation"] == int(row["orientation"])
        assert set(line) == {"path", "format", "width", "height", "channels",
                             "bit_depth", "has_alpha", "orientation",
                             "progressive", "icc", "frames", "bytes"}


def test_cli_exit_codes(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff" + b"\0" * 40)
    r = subprocess.run([cli(), "probe", "--json", str(DATA / "rgb.jpg"), str(bad)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    err = json.loads(r.stdout.splitlines()[1])
    assert err["path"] == str(bad)
    assert err["error"]["code"] == "corrupt_data"
    assert "bad.jpg" in err["error"]["message"]
    assert subprocess.run([cli(), "probe"], capture_output=True).returncode == 2
    version = subprocess.run([cli(), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and imagebank.__version__ in version.stdout
