"""Slowloris load for test_server_load.py, run as its own process so its
sends do not compete with the measuring test for the GIL.

    python slowloris.py PORT CONNECTIONS MAX_SECONDS

Opens CONNECTIONS connections, prints "open N", then once a second sends one
more byte of a request header on each and prints "tick I alive A". Ends with
"closed after S" once the server has closed every connection (S seconds
after they were all open), or "timeout alive A" after MAX_SECONDS.
"""

from __future__ import annotations

import resource
import socket
import sys
import time

HEADER = b"GET /api/v1/health HTTP/1.1\r\nHost: slow\r\nX-Pad: " + b"a" * 64


def main() -> None:
    port, count, max_seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 64), hard))
    alive = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.setblocking(False)
        alive.append(s)
    start = time.monotonic()
    print(f"open {count}", flush=True)
    tick = 0
    while alive and time.monotonic() - start < max_seconds:
        byte = HEADER[tick % len(HEADER):tick % len(HEADER) + 1]
        still = []
        for s in alive:
            try:
                if s.recv(1) == b"":  # the server closed it
                    s.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                continue
            try:
                s.send(byte)
            except OSError:
                s.close()
                continue
            still.append(s)
        alive = still
        tick += 1
        print(f"tick {tick} alive {len(alive)}", flush=True)
        time.sleep(max(0.0, start + tick - time.monotonic()))
    if alive:
        print(f"timeout alive {len(alive)}", flush=True)
    else:
        print(f"closed after {time.monotonic() - start:.1f}", flush=True)


if __name__ == "__main__":
    main()
