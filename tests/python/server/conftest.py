"""Fixtures of the imagebank-server tests: a temporary bank made with the
`imagebank` CLI, and servers started on a free port, stopped with SIGTERM
(each must exit 0)."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from .server_harness import Server

DATA = pathlib.Path(__file__).resolve().parents[2] / "data"


def _program(env_var: str, name: str) -> str:
    """$env_var, else next to the interpreter (where the wheel installs its
    programs), else on PATH."""
    beside = pathlib.Path(sys.executable).parent / name
    path = (os.environ.get(env_var)
            or (str(beside) if beside.is_file() else None)
            or shutil.which(name))
    if not path or not os.access(path, os.X_OK):
        pytest.skip(f"{name} not found: set {env_var} or put it on PATH")
    return str(pathlib.Path(path).resolve())


@pytest.fixture(scope="session")
def server_bin() -> str:
    return _program("IMAGEBANK_SERVER_BIN", "imagebank-server")


@pytest.fixture(scope="session")
def bank_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    cli = _program("IMAGEBANK_CLI_BIN", "imagebank")
    bank = tmp_path_factory.mktemp("server") / "bank"
    subprocess.run(
        [cli, "ingest", "--bank", str(bank), str(DATA / "rgb.jpg"),
         "--formats", "jpeg", "--presets", "thumbnail"],
        check=True, capture_output=True, timeout=120)
    return bank


@pytest.fixture()
def start_server(server_bin: str,
                 bank_dir: pathlib.Path) -> Iterator[Callable[..., Server]]:
    """start_server(*args) -> Server; each one is stopped with SIGTERM at the
    end of the test and must exit 0."""
    started: list[Server] = []

    def start(*args: str) -> Server:
        s = Server(server_bin, bank_dir, *args)
        started.append(s)
        return s

    yield start
    for s in started:
        code, err = s.terminate()
        assert code == 0, err


@pytest.fixture(scope="module")
def server(server_bin: str, bank_dir: pathlib.Path) -> Iterator[Server]:
    s = Server(server_bin, bank_dir)
    yield s
    code, err = s.terminate()
    assert code == 0, err
