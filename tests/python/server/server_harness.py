"""Raw HTTP/1.1 over stdlib sockets for the imagebank-server tests (the
point is to send what a polite client library never would), and the Server
process wrapper the fixtures use."""

from __future__ import annotations

import os
import pathlib
import resource
import signal
import socket
import subprocess
import threading
import time

def raise_fd_limit(want: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Server:
    """A running imagebank-server; `port` comes from its first stdout line."""

    def __init__(self, binary: str, bank: pathlib.Path | None, *args: str,
                 env: dict[str, str] | None = None) -> None:
        """`bank` None: the args say where the bank is (--db, --storage)."""
        where = ["--bank", str(bank)] if bank is not None else []
        self.proc = subprocess.Popen(
            [binary, *where, "--listen", "127.0.0.1:0", "--test-routes", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        line = _readline_within(self.proc, 20.0)
        prefix = "listening on http://127.0.0.1:"
        if not line.startswith(prefix):
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError(f"unexpected first line {line!r}; stderr: {err}")
        self.port = int(line[len(prefix):].strip())

    def connect(self, timeout: float = 5.0) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def terminate(self, timeout: float = 15.0) -> tuple[int, str]:
        """SIGTERM, then the exit code and stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError(f"server did not stop on SIGTERM; stderr: {err}")
        return self.proc.returncode, err


def _readline_within(proc: subprocess.Popen[str], seconds: float) -> str:
    result: list[str] = []
    reader = threading.Thread(
        target=lambda: result.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(seconds)
    return result[0] if result else ""


# --- raw HTTP ---

class Response:
    def __init__(self, status_line: str, headers: list[tuple[str, str]],
                 body: bytes) -> None:
        self.status_line = status_line
        self.status = int(status_line.split(" ")[1])
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None


class Reader:
    """Reads responses off one socket, keeping what follows for the next."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buf:
            if not self._fill():
                raise EOFError(f"closed before {marker!r}; got {self.buf[:200]!r}")
        head, self.buf = self.buf.split(marker, 1)
        return head

    def _exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError("closed inside a body")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self, head_request: bool = False) -> Response:
        head = self._until(b"\r\n\r\n").decode("latin-1")
        lines = head.split("\r\n")
        headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]]
        r = Response(lines[0], headers, b"")  # type: ignore[arg-type]
        if head_request or r.status in (100, 204, 304):
            return r
        if (r.header("transfer-encoding") or "").lower() == "chunked":
            body = b""
            while True:
                size = int(self._until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self._until(b"\r\n")
                    break
                body += self._exactly(size)
                self._exactly(2)
            r.body = body
        elif r.header("content-length") is not None:
            r.body = self._exactly(int(r.header("content-length") or 0))
        else:
            while self._fill():
                pass
            r.body, self.buf = self.buf, b""
        return r

    def closed(self, timeout: float = 3.0) -> bool:
        """True when the server closes the connection within `timeout`
        (a reset counts), False if it stays open or sends more."""
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def get(port: int, target: str, method: str = "GET",
        headers: str = "") -> Response:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"{method} {target} HTTP/1.1\r\nHost: t\r\n{headers}"
                  "Connection: close\r\n\r\n".encode())
        return Reader(s).response(head_request=method == "HEAD")


def timed_health(port: int) -> float:
    """Seconds from connect to the whole answer of GET /api/v1/health."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n"
                  b"Connection: close\r\n\r\n")
        r = Reader(s).response()
    assert r.status == 200
    return time.perf_counter() - start
