"""imagebank-server over raw sockets: the built-in routes, the problem+json
errors, and each framing the server must refuse (with the exact status line,
and the connection closed behind it)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from .server_harness import Reader, Server, get

HOST = b"Host: t\r\n"


def send_raw(server: Server, data: bytes) -> Reader:
    s = server.connect()
    s.sendall(data)
    return Reader(s)


def test_health(server: Server) -> None:
    r = get(server.port, "/api/v1/health")
    assert r.status_line == "HTTP/1.1 200 OK"
    assert json.loads(r.body) == {"status": "ok"}
    assert r.header("server") == "imagebank"
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", r.header("date") or "")
    assert r.header("content-length") == str(len(r.body))
    assert r.header("connection") == "close"


def test_ready(server: Server) -> None:
    r = get(server.port, "/api/v1/ready")
    assert r.status == 200, r.body
    assert json.loads(r.body)["status"] == "ok"


def test_head_has_the_get_headers_and_no_body(server: Server) -> None:
    with server.connect() as s:
        s.sendall(b"HEAD /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
                  b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        reader = Reader(s)
        head = reader.response(head_request=True)
        assert head.status == 200
        assert head.header("content-length") == "15"
        # The next bytes are the second response: HEAD sent no body.
        assert reader.response().body == b'{"status":"ok"}'


def test_not_found_is_a_problem(server: Server) -> None:
    r = get(server.port, "/nowhere")
    assert r.status_line == "HTTP/1.1 404 Not Found"
    assert r.header("content-type") == "application/problem+json"
    problem = json.loads(r.body)
    assert problem == {"type": "about:blank", "title": "Not Found", "status": 404,
                       "detail": "no such resource: /nowhere", "code": "not_found"}


def test_wrong_method_is_405_with_allow(server: Server) -> None:
    r = get(server.port, "/api/v1/health", method="DELETE")
    assert r.status_line == "HTTP/1.1 405 Method Not Allowed"
    assert r.header("allow") == "GET, HEAD"


def test_keep_alive_and_pipelining(server: Server) -> None:
    with server.connect() as s:
        reader = Reader(s)
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        assert reader.response().status == 200
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n" * 3)
        for _ in range(3):
            r = reader.response()
            assert r.status == 200 and r.header("connection") is None
        assert not reader.closed(timeout=0.2)


def test_json_body_and_100_continue(server: Server) -> None:
    body = b'{"sku":"ABC123"}'
    with server.connect() as s:
        s.sendall(b"POST /test/echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                  b"Content-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        reader = Reader(s)
        assert reader.response().status_line == "HTTP/1.1 100 Continue"
        s.sendall(body)
        r = reader.response()
        assert r.status == 200
        assert json.loads(r.body) == {"bytes": len(body), "body": body.decode()}


def test_chunked_upload_to_disk(server: Server) -> None:
    with server.connect() as s:
        s.sendall(b"POST /test/upload HTTP/1.1\r\nHost: t\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n"
                  b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        r = Reader(s).response()
        assert r.status == 200
        assert json.loads(r.body) == {"bytes": 11}


@pytest.mark.parametrize("chunked", [False, True])
def test_streamed_response(server: Server, chunked: bool) -> None:
    size = 3_000_000
    r = get(server.port, f"/test/stream?bytes={size}&chunked={int(chunked)}")
    assert r.status == 200
    assert len(r.body) == size
    assert (r.header("transfer-encoding") == "chunked") == chunked


def test_head_of_a_stream_has_its_length(server: Server) -> None:
    r = get(server.port, "/test/stream?bytes=12345", method="HEAD")
    assert r.status == 200
    assert r.header("content-length") == "12345"


def test_metrics(server: Server) -> None:
    get(server.port, "/api/v1/health")
    get(server.port, "/no/such/path/123")
    r = get(server.port, "/metrics")
    assert r.status == 200
    assert r.header("content-type") == "text/plain; version=0.0.4; charset=utf-8"
    text = r.body.decode()
    assert re.search(r'^imagebank_http_requests_total\{route="/api/v1/health",'
                     r'method="GET",status="200"\} \d+$', text, re.M)
    assert 'imagebank_http_requests_total{route="none",method="GET",status="404"}' in text
    assert "/no/such/path" not in text  # labels are patterns, never paths
    assert 'imagebank_http_request_duration_seconds_bucket{route="/api/v1/health",le="+Inf"}' in text
    assert re.search(r"^imagebank_http_connections_in_flight \d+$", text, re.M)
    assert re.search(r'^imagebank_http_response_bytes_total\{route="/api/v1/health"\} \d+$',
                     text, re.M)
    # The bank's one ingested photo, and no job in any other state.
    assert re.search(r'^imagebank_jobs\{state="done"\} [1-9]\d*$', text, re.M)
    for state in ("received", "leased", "failed", "cancelled"):
        assert f'imagebank_jobs{{state="{state}"}} 0' in text


# (name, request bytes, expected status line)
REFUSED = [
    ("te_and_cl",
     b"POST /test/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
     b"Content-Length: 5\r\n\r\n0\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("cl_and_te_not_chunked",
     b"POST /test/upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
     b"Transfer-Encoding: gzip\r\n\r\nhello", "HTTP/1.1 400 Bad Request"),
    ("te_not_ending_in_chunked",
     b"POST /test/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("te_gzip_only",
     b"POST /test/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("te_in_http10",
     b"POST /test/upload HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     "HTTP/1.0 400 Bad Request"),
    ("cl_twice_different",
     b"POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
     b"Content-Length: 3\r\n\r\n{}", "HTTP/1.1 400 Bad Request"),
    ("cl_twice_same",
     b"POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
     b"Content-Length: 2\r\n\r\n{}", "HTTP/1.1 400 Bad Request"),
    ("cl_list",
     b"POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2, 2\r\n\r\n{}",
     "HTTP/1.1 400 Bad Request"),
    ("obs_fold",
     b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Long: a\r\n b\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("space_before_first_field",
     b"GET /api/v1/health HTTP/1.1\r\n Host: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("bad_header_name",
     b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("space_before_colon",
     b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nContent-Length : 0\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("control_in_value",
     b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX: a\x01b\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("bare_lf",
     b"GET /api/v1/health HTTP/1.1\nHost: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("nul_in_target",
     b"GET /api/v1/\x00health HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("encoded_nul",
     b"GET /api/v1/health%00 HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("absolute_form",
     b"GET http://t/api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("asterisk_form",
     b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("dot_dot",
     b"GET /test/../api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("encoded_dot_dot",
     b"GET /test/%2e%2E/api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("encoded_slash",
     b"GET /api/v1%2Fhealth HTTP/1.1\r\nHost: t\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("no_host",
     b"GET /api/v1/health HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ("two_hosts",
     b"GET /api/v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
     "HTTP/1.1 400 Bad Request"),
    ("http2_version",
     b"GET /api/v1/health HTTP/2.0\r\nHost: t\r\n\r\n",
     "HTTP/1.1 505 HTTP Version Not Supported"),
    ("unknown_expect",
     b"POST /test/echo HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n",
     "HTTP/1.1 417 Expectation Failed"),
    ("body_on_get",
     b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd",
     "HTTP/1.1 413 Payload Too Large"),
    ("header_over_16k",
     b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 17000 + b"\r\n\r\n",
     "HTTP/1.1 431 Request Header Fields Too Large"),
    ("many_headers_over_16k",
     b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n" + b"X-A: bbbbbbbbbb\r\n" * 1100 + b"\r\n",
     "HTTP/1.1 431 Request Header Fields Too Large"),
    ("bad_chunk_size",
     b"POST /test/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"zz\r\nhello\r\n0\r\n\r\n", "HTTP/1.1 400 Bad Request"),
]


@pytest.mark.parametrize("name,request_bytes,status_line", REFUSED,
                         ids=[r[0] for r in REFUSED])
def test_refused_and_closed(server: Server, name: str, request_bytes: bytes,
                            status_line: str) -> None:
    reader = send_raw(server, request_bytes)
    r = reader.response()
    assert r.status_line == status_line
    assert r.header("connection") == "close"
    assert r.header("content-type") == "application/problem+json"
    assert json.loads(r.body)["status"] == r.status
    assert reader.closed()


@pytest.mark.parametrize("target,limit", [("/test/upload", 1 << 20),
                                          ("/test/echo", 1 << 20)])
def test_content_length_over_the_limit_is_413_before_the_body(
        server: Server, target: str, limit: int) -> None:
    # Only the header is sent: the answer cannot have waited for the body.
    reader = send_raw(server, f"POST {target} HTTP/1.1\r\nHost: t\r\n"
                              f"Content-Length: {limit + 1}\r\n\r\n".encode())
    reader.sock.settimeout(3)
    r = reader.response()
    assert r.status_line == "HTTP/1.1 413 Payload Too Large"
    assert reader.closed()


def test_expect_continue_is_not_sent_for_a_refused_body(server: Server) -> None:
    reader = send_raw(server, b"POST /test/upload HTTP/1.1\r\nHost: t\r\n"
                              b"Expect: 100-continue\r\nContent-Length: 999999999\r\n\r\n")
    r = reader.response()
    assert r.status_line == "HTTP/1.1 413 Payload Too Large"
    assert reader.closed()


def test_chunked_body_over_the_limit_is_cut(server: Server) -> None:
    with server.connect() as s:
        s.sendall(b"POST /test/upload HTTP/1.1\r\nHost: t\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
        sent = 0
        try:
            while sent <= (1 << 20) + 65536:
                s.sendall(chunk)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass
        reader = Reader(s)
        r = reader.response()
        assert r.status_line == "HTTP/1.1 413 Payload Too Large"
        assert reader.closed()


def test_leading_empty_lines_are_ignored(server: Server) -> None:
    reader = send_raw(server, b"\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: t\r\n"
                              b"Connection: close\r\n\r\n")
    assert reader.response().status == 200


def test_http10_keep_alive_defaults_to_close(server: Server) -> None:
    reader = send_raw(server, b"GET /api/v1/health HTTP/1.0\r\n\r\n")
    r = reader.response()
    assert r.status_line == "HTTP/1.0 200 OK"
    assert reader.closed()


def test_cors(start_server: Callable[..., Server]) -> None:
    srv = start_server("--cors-origin", "https://shop.example")
    r = get(srv.port, "/api/v1/health", headers="Origin: https://shop.example\r\n")
    assert r.header("access-control-allow-origin") == "https://shop.example"
    assert r.header("vary") == "Origin"
    r = get(srv.port, "/api/v1/health", headers="Origin: https://evil.example\r\n")
    assert r.header("access-control-allow-origin") is None
    r = get(srv.port, "/api/v1/health", method="OPTIONS",
            headers="Origin: https://shop.example\r\nAccess-Control-Request-Method: GET\r\n")
    assert r.status == 204
    assert r.header("access-control-allow-methods") == "GET, HEAD"


def test_idle_and_header_timeouts(start_server: Callable[..., Server]) -> None:
    srv = start_server("--idle-timeout-ms", "500", "--header-timeout-ms", "800")
    # A kept-alive connection with nothing to say is closed after the idle
    # timeout.
    with srv.connect() as s:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        reader = Reader(s)
        assert reader.response().status == 200
        assert reader.closed(timeout=3)
    # A header that does not finish in time: closed, nothing answered.
    with srv.connect() as s:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
        s.settimeout(3)
        try:
            assert s.recv(100) == b""
        except ConnectionResetError:
            pass
    # A connection that never sends a byte.
    with srv.connect() as s:
        assert Reader(s).closed(timeout=3)
