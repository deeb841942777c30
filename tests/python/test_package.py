"""The wheel as a package: version, typing files, logging, and the CLI."""

from __future__ import annotations

import ast
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
    found = re.search(r"project\(imagebank\s+VERSION\s+([0-9.]+)", cmake)
    assert found
    version = found.group(1)
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
    generated = tmp_path / "_core.pyi"
    subprocess.run(["bash", str(REPO / "scripts" / "gen-stubs.sh"), sys.executable,
                    str(generated)], check=True, capture_output=True)
    committed = (REPO / "python" / "imagebank" / "_core.pyi").read_text()
    assert generated.read_text() == committed, "stale stubs: run scripts/gen-stubs.sh"


# The fixed public names (DESIGN.md); everything else may move.
FIXED_NAMES = {"probe", "decode", "encode", "make_variants", "negotiate", "phash",
               "dhash", "ahash", "pdq", "hamming", "HashIndex", "parse_filename",
               "read_carteira", "Bank", "Error"}


def public_core_names() -> set[str]:
    return {n for n in dir(imagebank._core) if not n.startswith("_")}


def test_exports_are_the_compiled_module_and_the_errors():
    """__all__ is written nowhere: _core.__all__ lists every public name of
    the compiled module, which imports every error class, and __version__."""
    error_classes = {n for n, v in vars(imagebank.errors).items()
                     if isinstance(v, type) and issubclass(v, imagebank.errors.Error)}
    assert set(imagebank.errors.__all__) == error_classes
    assert imagebank.__all__ == sorted(public_core_names() | {"__version__"})
    assert error_classes | FIXED_NAMES <= set(imagebank.__all__)
    for name in imagebank.__all__:
        assert getattr(imagebank, name) is getattr(imagebank._core, name), name
    for name in error_classes:
        assert getattr(imagebank, name) is getattr(imagebank.errors, name), name
    namespace: dict[str, object] = {}
    exec("from imagebank import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(imagebank.__all__)


def test_the_stub_declares_what_the_module_has():
    """The stub's __all__ is what mypy and IDEs re-export from the package."""
    tree = ast.parse((PKG / "_core.pyi").read_text())
    (stub_all,) = [node.value for node in tree.body if isinstance(node, ast.AnnAssign)
                   and isinstance(node.target, ast.Name) and node.target.id == "__all__"
                   and node.value is not None]
    assert ast.literal_eval(stub_all) == imagebank._core.__all__


def test_the_stub_says_what_each_argument_takes():
    """No argument or result is a bare typing.Any: a py::object in a binding
    without a Typed<...> hint (bindings/python/type_hints.hpp)."""
    text = (PKG / "_core.pyi").read_text()
    untyped = [line.strip() for line in text.splitlines()
               if re.search(r"(\w+: typing\.Any\b(?!\])|-> typing\.Any:)", line)]
    assert untyped == []


def test_log_records_reach_python_logging(caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.DEBUG, logger="imagebank"):
        imagebank._core._log("warning", "disk almost full")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "disk almost full")
    ]


def test_log_level_filter_and_custom_sink():
    seen = []
    imagebank.set_log_sink(lambda level, msg: seen.append((level, msg)))
    try:
        imagebank.set_log_level("warning")
        assert imagebank.log_level() == "warning"
        imagebank._core._log("info", "dropped")
        imagebank._core._log("error", "kept")
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.set_log_level("loud")
    finally:
        imagebank.set_log_level("info")
        imagebank.set_log_sink(imagebank._forward_to_logging)
    assert seen == [("error", "kept")]


def test_a_failing_sink_does_not_break_the_caller(monkeypatch: pytest.MonkeyPatch):
    def bad(level, msg):
        raise RuntimeError("handler bug")

    reported: list[sys.UnraisableHookArgs] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    imagebank.set_log_sink(bad)
    try:
        imagebank._core._log("error", "x")  # must not raise
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
                             "progressive", "icc", "frames", "bytes",
                             "tolerated"}
        assert line["tolerated"] == []


def test_cli_exit_codes(tmp_path: pathlib.Path):
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
