"""A loopback photo server for the URL-batch tests: a threaded http.server
on 127.0.0.1 that answers GETs from a table of bodies, redirects some paths
(302 to the same server by 127.0.0.1, whatever host name the request used)
and 404s the rest, optionally after a delay; it records every request."""
from __future__ import annotations

import http.server
import threading
import time
from collections import Counter
from typing import Any


class PhotoServer:
    def __init__(self, bodies: dict[str, bytes], *, redirects: dict[str, str] | None = None,
                 delay: float = 0.0, content_type: str = "text/plain") -> None:
        """`content_type` is what every photo is served as ("text/plain" by
        default: the fetcher must go by the bytes, not by the header)."""
        self.bodies = bodies
        self.requests: list[str] = []  # paths, in the order they came
        self._lock = threading.Lock()
        outer = self
        moves = redirects or {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with outer._lock:
                    outer.requests.append(self.path)
                time.sleep(delay)
                try:
                    if self.path in moves:
                        self.send_response(302)
                        self.send_header("Location", outer.url(moves[self.path]))
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    body = outer.bodies.get(self.path)
                    if body is None:
                        self.send_error(404)
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetching process went away mid-answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def counts(self) -> dict[str, int]:
        """Requests per path so far."""
        with self._lock:
            return dict(Counter(self.requests))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
