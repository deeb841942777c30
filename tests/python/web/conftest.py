"""Fixtures of the web app's browser tests: imagebank-server on a loopback
port of its own (restartable on the same port), Debian's headless Chromium
driven by Selenium through Debian's chromedriver (never a downloaded
browser), axe-core from this folder's package-lock.json (`npm ci` here:
scripts/install-deps.sh --test does it), and the folder screenshots go to.

Skips, naming what is missing, when a program or package is absent."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2]
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = pathlib.Path(os.environ.get("IMAGEBANK_TEST_ARTIFACTS",
                                        REPO / "build" / "test-artifacts")) / "web"
CHROMIUM = os.environ.get("IMAGEBANK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("IMAGEBANK_CHROMEDRIVER", "/usr/bin/chromedriver")
# The URL signing key: fixed, so image URLs stay valid across a restart.
URL_KEYS = "webtest:" + "k" * 43


def program(env_var: str, name: str) -> str:
    """$env_var, else next to the interpreter (the wheel's programs), else
    on PATH."""
    beside = pathlib.Path(sys.executable).parent / name
    path = (os.environ.get(env_var)
            or (str(beside) if beside.is_file() else None)
            or shutil.which(name))
    if not path or not os.access(path, os.X_OK):
        pytest.skip(f"{name} not found: set {env_var} or put it on PATH")
    return str(pathlib.Path(path).resolve())


def cli(bank: pathlib.Path, *args: str, check: bool = True) -> str:
    return subprocess.run(
        [program("IMAGEBANK_CLI_BIN", "imagebank"), *args, "--bank", str(bank)],
        check=check, capture_output=True, text=True, timeout=300).stdout


def make_key(bank: pathlib.Path, name: str, scope: str) -> str:
    out = cli(bank, "keys", "create", "--name", name, "--scope", scope, "--json")
    return str(json.loads(out)["key"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebServer:
    """imagebank-server on 127.0.0.1:`port`, stopped and started again on
    the same port and bank (its tus uploads live in the bank folder)."""

    def __init__(self, binary: str, bank: pathlib.Path, log: pathlib.Path) -> None:
        self.binary, self.bank, self.log = binary, bank, log
        self.port = free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        err = open(self.log, "a")  # noqa: SIM115 (the process keeps it)
        for _ in range(50):
            self.proc = subprocess.Popen(
                [self.binary, "--bank", str(self.bank), "--listen", f"127.0.0.1:{self.port}"],
                stdout=subprocess.PIPE, stderr=err, text=True,
                env={**os.environ, "IMAGEBANK_URL_KEYS": URL_KEYS})
            line = _readline_within(self.proc, 30.0)
            if line.startswith("listening on "):
                return
            self.proc.kill()
            self.proc.wait()
            time.sleep(0.1)  # the port still held by the last run
        raise AssertionError(f"imagebank-server did not start; see {self.log}")

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("imagebank-server did not stop on SIGTERM") from None


def _readline_within(proc: subprocess.Popen[str], seconds: float) -> str:
    result: list[str] = []
    reader = threading.Thread(
        target=lambda: result.append(proc.stdout.readline()),  # type: ignore[union-attr]
        daemon=True)
    reader.start()
    reader.join(seconds)
    return result[0] if result else ""


@pytest.fixture(scope="session")
def server_bin() -> str:
    return program("IMAGEBANK_SERVER_BIN", "imagebank-server")


@pytest.fixture(scope="session")
def artifacts() -> pathlib.Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core not installed: run `npm ci` in {HERE}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Any]]:
    """browser(width, height) -> a Selenium driver of headless Chromium
    whose downloads land in driver.download_dir; each one is quit at the
    end of the session."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.skip(f"{path} not found (Debian's chromium and chromium-driver)")
    made: list[Any] = []

    def make(width: int = 1280, height: int = 900) -> Any:
        downloads = tmp_path_factory.mktemp("downloads")
        options = Options()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    f"--window-size={width},{height}", "--lang=pt-BR", "--no-first-run",
                    "--disable-extensions", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-default-apps",
                    "--hide-scrollbars", "--force-color-profile=srgb"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.add_experimental_option("prefs", {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        })
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(downloads)})
        if width < 500:
            # A desktop window cannot be that narrow: a phone's viewport.
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
        driver.set_script_timeout(60)
        driver.download_dir = downloads
        made.append(driver)
        return driver

    yield make
    for d in made:
        d.quit()
