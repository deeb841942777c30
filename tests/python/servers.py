"""Real servers the Python tests start on loopback: MinIO for the S3 store.

The binary comes from $IMAGEBANK_MINIO or the cache that
scripts/install-minio.sh fills (${XDG_CACHE_HOME:-~/.cache}/imagebank/minio/
bin/minio). A missing binary fails the tests that need it; only
IMAGEBANK_SKIP_S3=1 skips them.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

MINIO_USER = "imagebank-root"
MINIO_PASSWORD = "imagebank-root-secret"


def s3_skipped() -> bool:
    return os.environ.get("IMAGEBANK_SKIP_S3") == "1"


def minio_binary() -> pathlib.Path | None:
    env = os.environ.get("IMAGEBANK_MINIO")
    if env:
        path = pathlib.Path(env)
        return path if os.access(path, os.X_OK) else None
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(pathlib.Path.home(), ".cache")
    path = pathlib.Path(cache) / "imagebank" / "minio" / "bin" / "minio"
    return path if os.access(path, os.X_OK) else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Minio:
    """A MinIO server on a free loopback port with a temporary data dir."""

    def __init__(self) -> None:
        binary = minio_binary()
        if binary is None:
            raise RuntimeError(
                "no MinIO binary: run scripts/install-minio.sh or set IMAGEBANK_MINIO "
                "(IMAGEBANK_SKIP_S3=1 skips the S3 tests)")
        self.binary = binary
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="imagebank-minio-"))
        self.port = _free_port()
        self._log = open(self.dir / "minio.log", "wb")
        self._start()

    def _start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MINIO_")}
        env.update(MINIO_ROOT_USER=MINIO_USER, MINIO_ROOT_PASSWORD=MINIO_PASSWORD,
                   MINIO_BROWSER="off", MINIO_UPDATE="off")
        self.proc = subprocess.Popen(
            [str(self.binary), "server", "--quiet", "--address", f"127.0.0.1:{self.port}",
             "--console-address", f"127.0.0.1:{_free_port()}", str(self.dir / "data")],
            env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not self._healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("MinIO did not start: " + self.log_tail())
            time.sleep(0.05)

    def crash(self) -> None:
        """SIGKILL the server (its data stays): connections drop mid-request."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def start_again(self) -> None:
        """Starts the server again on the same port and data."""
        self._start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.endpoint + "/minio/health/live", timeout=1) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    def log_tail(self) -> str:
        try:
            return (self.dir / "minio.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
