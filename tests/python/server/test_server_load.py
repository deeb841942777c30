"""imagebank-server under hostile load and at shutdown: slowloris clients
do not starve others and are cut at the header deadline, the connection cap
answers 503, and SIGTERM lets requests in flight finish."""

from __future__ import annotations

import json
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from .server_harness import Reader, Server, raise_fd_limit, timed_health

HERE = pathlib.Path(__file__).resolve().parent


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def test_slowloris_does_not_starve_others(
        start_server: Callable[..., Server]) -> None:
    connections = 1000
    header_timeout_s = 6
    raise_fd_limit(4096)
    srv = start_server("--header-timeout-ms", str(header_timeout_s * 1000))
    for _ in range(20):  # warm up
        timed_health(srv.port)
    unloaded = [timed_health(srv.port) for _ in range(300)]

    load = subprocess.Popen(
        [sys.executable, str(HERE / "slowloris.py"), str(srv.port),
         str(connections), "20"],
        stdout=subprocess.PIPE, text=True)
    assert load.stdout is not None
    try:
        assert load.stdout.readline().strip() == f"open {connections}"
        opened = time.monotonic()
        loaded: list[float] = []
        while time.monotonic() - opened < 3.5:
            loaded.append(timed_health(srv.port))
        lines = load.communicate(timeout=header_timeout_s + 10)[0].splitlines()
    finally:
        if load.poll() is None:
            load.kill()

    u50, u99 = percentile(unloaded, 0.5), percentile(unloaded, 0.99)
    l50, l99 = percentile(loaded, 0.5), percentile(loaded, 0.99)
    print(f"\nGET /api/v1/health, connect to last byte: unloaded p50 {u50 * 1e3:.2f} ms "
          f"p99 {u99 * 1e3:.2f} ms ({len(unloaded)} requests); with {connections} "
          f"slowloris connections p50 {l50 * 1e3:.2f} ms p99 {l99 * 1e3:.2f} ms "
          f"({len(loaded)} requests)")
    assert l99 < max(2 * u99, 0.050)
    # Every trickling connection was cut at the header deadline (counted
    # from accept), with nothing answered.
    last = lines[-1]
    assert last.startswith("closed after"), lines[-3:]
    ticks = [line for line in lines if line.startswith("tick")]
    # Still all there while the load was measured.
    assert ticks[2].endswith(f"alive {connections}"), ticks[:4]
    assert float(last.split()[-1]) <= header_timeout_s + 2.5, lines[-3:]


def test_connection_cap_answers_503(start_server: Callable[..., Server]) -> None:
    srv = start_server("--max-connections", "4")
    held = []
    try:
        for _ in range(4):
            s = srv.connect()
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            assert Reader(s).response().status == 200  # a session now
            held.append(s)
        with srv.connect() as extra:
            extra.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
            reader = Reader(extra)
            r = reader.response()
            assert r.status_line == "HTTP/1.1 503 Service Unavailable"
            assert r.header("retry-after") == "1"
            assert r.header("connection") == "close"
            assert json.loads(r.body)["code"] == "unavailable"
            assert reader.closed()
    finally:
        for s in held:
            s.close()
    # Room again once they are gone.
    deadline = time.monotonic() + 5
    while True:
        try:
            timed_health(srv.port)
            break
        except (AssertionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_sigterm_lets_the_request_in_flight_finish(
        start_server: Callable[..., Server]) -> None:
    srv = start_server()
    idle = srv.connect()  # kept alive, between requests
    idle.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
    idle_reader = Reader(idle)
    assert idle_reader.response().status == 200

    slow = srv.connect(timeout=10)
    slow.sendall(b"GET /test/sleep?ms=1500 HTTP/1.1\r\nHost: t\r\n\r\n")

    upload = srv.connect(timeout=10)
    upload.sendall(b"POST /test/upload HTTP/1.1\r\nHost: t\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
    time.sleep(0.3)
    stopped_at = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)

    # The idle connection is closed at once, new ones are refused.
    assert idle_reader.closed(timeout=2)
    time.sleep(0.2)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()

    # The upload keeps streaming after the signal and completes.
    for part in (b"6\r\n world\r\n", b"1\r\n!\r\n", b"0\r\n\r\n"):
        time.sleep(0.3)
        upload.sendall(part)
    r = Reader(upload).response()
    assert r.status == 200 and json.loads(r.body) == {"bytes": 12}
    assert r.header("connection") == "close"

    r = Reader(slow).response()
    assert r.status == 200 and json.loads(r.body) == {"slept": True}
    assert r.header("connection") == "close"

    code, err = srv.terminate()
    assert code == 0, err
    assert time.monotonic() - stopped_at < 5
    for s in (idle, slow, upload):
        s.close()


def test_shutdown_grace_is_bounded(start_server: Callable[..., Server]) -> None:
    srv = start_server("--shutdown-grace-ms", "500")
    slow = srv.connect(timeout=10)
    slow.sendall(b"GET /test/sleep?ms=5000 HTTP/1.1\r\nHost: t\r\n\r\n")
    time.sleep(0.2)
    start = time.monotonic()
    code, err = srv.terminate()
    assert code == 0, err
    assert time.monotonic() - start < 3
    assert "1 connection(s) cut" in err
    slow.close()


def test_worker_pool_is_not_blocked_by_slow_clients(
        start_server: Callable[..., Server]) -> None:
    # Readers that never read a large streamed body hold no io thread: a
    # health check still answers.
    srv = start_server()
    stalled = []
    for _ in range(4):
        s = srv.connect()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET /test/stream?bytes=50000000 HTTP/1.1\r\nHost: t\r\n\r\n")
        stalled.append(s)
    time.sleep(0.3)
    assert timed_health(srv.port) < 0.5
    for s in stalled:
        s.close()


def test_concurrent_clients(server: Server) -> None:
    errors: list[BaseException] = []

    def client() -> None:
        try:
            for _ in range(20):
                timed_health(server.port)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=client) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
