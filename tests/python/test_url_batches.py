"""Batches from lists of image URLs: read_url_list, Bank.ingest_urls and
enqueue_urls into linked batches, fetched from a loopback HTTP server that
the tests allow explicitly, and refused (with the loopback reason) without
the allowance, also through a redirect; the address classifier."""

from __future__ import annotations

import hashlib
import http.server
import pathlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import imagebank
from conftest import DATA

core = imagebank._core
FAST: dict[str, Any] = {"formats": ["jpeg"], "presets": ["thumbnail"], "workers": 2}

# The photos the loopback server has, by URL path.
PHOTOS = {
    "/fotos/ABC1_FRENTE.jpg": "rgb.jpg",
    "/fotos/ABC1_COSTAS.png": "rgb.png",
    "/fotos/ABC1_DETALHE.webp": "lossy.webp",
    "/fotos/XYZ9_01.jpg": "orient6.jpg",
    "/fotos/XYZ9_02.jpg": "gray.jpg",
    "/fotos/QWE5_01.jpg": "progressive.jpg",
    "/fotos/semnome.png": "palette.png",
}


class PhotoServer:
    """A threaded http.server on 127.0.0.1: /fotos/* are photos, /volta
    redirects to /fotos/ABC1_FRENTE.jpg at 127.0.0.1 (whatever host name
    the request used), the rest is 404. Counts the requests it answers."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                if self.path == "/volta":
                    self.send_response(302)
                    self.send_header("Location",
                                     f"http://127.0.0.1:{outer.port}/fotos/ABC1_FRENTE.jpg")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                name = PHOTOS.get(self.path)
                if name is None:
                    self.send_error(404)
                    return
                body = (DATA / name).read_bytes()
                self.send_response(200)
                # The type is not trusted: the bytes decide the format.
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture()
def server() -> Iterator[PhotoServer]:
    s = PhotoServer()
    yield s
    s.close()


@pytest.fixture()
def bank(tmp_path: pathlib.Path) -> imagebank.Bank:
    return core.Bank.open(dir=tmp_path / "bank")


def write_list(path: pathlib.Path, server: PhotoServer) -> pathlib.Path:
    """Eight URLs (one a 404) and a bad row, with a pt-BR header; one row
    names its SKU, one its file name."""
    rows = [
        f"{server.url('/fotos/ABC1_FRENTE.jpg')};;",
        f"{server.url('/fotos/ABC1_COSTAS.png')};;",
        f"{server.url('/fotos/ABC1_DETALHE.webp')};;",
        "ftp://cdn.example.com/a.jpg;;",  # not http: skipped, reported
        f"{server.url('/fotos/XYZ9_01.jpg')};;",
        f"{server.url('/fotos/XYZ9_02.jpg')};;",
        f"{server.url('/fotos/nao-existe.jpg')};;",
        f"{server.url('/fotos/QWE5_01.jpg')};QWE5;",
        f"{server.url('/fotos/semnome.png')};;LMN3_01.png",
    ]
    path.write_text("URL da imagem;Referência;Nome do arquivo\n" + "\n".join(rows) + "\n",
                    encoding="cp1252")
    return path


def jobs_by_name(bank: imagebank.Bank, batches: list[imagebank.Batch]) -> dict[str, imagebank.Job]:
    return {j.original_name: j for b in batches for j in bank.jobs.list_jobs(b.id)}


def test_read_url_list(tmp_path: pathlib.Path):
    text = ("Lista de fotos\n"
            "URL da imagem;Referência;Nome do arquivo\n"
            "https://cdn.example.com/a/ABC1_FRENTE.jpg;;\n"
            "https://cdn.example.com/a/x.jpg; ABC2 ;ABC2_COSTAS.jpg\n"
            ";ABC3;\n"
            "ftp://cdn.example.com/a.jpg;;\n"
            "https://cdn.example.com/a/ABC1_FRENTE.jpg;;\n")
    path = tmp_path / "lista.csv"
    path.write_text(text, encoding="cp1252")
    for got in (imagebank.read_url_list(path), imagebank.read_url_list(str(path)),
                imagebank.read_url_list(text.encode("cp1252"), name="lista.csv")):
        assert isinstance(got, core.UrlList)
        assert (got.url_header, got.sku_header, got.name_header) == (
            "URL da imagem", "Referência", "Nome do arquivo")
        assert [(r.url, r.sku, r.name, r.line) for r in got.rows] == [
            ("https://cdn.example.com/a/ABC1_FRENTE.jpg", "", "ABC1_FRENTE.jpg", 3),
            ("https://cdn.example.com/a/x.jpg", "ABC2", "ABC2_COSTAS.jpg", 4)]
        assert len(got.problems) == 3
        assert all("lista.csv: row " in p for p in got.problems)
        assert "row 6" in got.problems[1] and "ftp" in got.problems[1]
    # No header: url, sku, name by position.
    bare = imagebank.read_url_list(b"https://h.example/p/1.jpg,K1\n", name="x.csv")
    assert bare.url_header == ""
    assert bare.rows == [core.UrlRow("https://h.example/p/1.jpg", "K1", "1.jpg", 1)]

    with pytest.raises(imagebank.NotFoundError, match="nada.csv"):
        imagebank.read_url_list(tmp_path / "nada.csv")
    with pytest.raises(imagebank.InvalidArgumentError, match="vazia.csv"):
        imagebank.read_url_list(b"nome\nsem url\n", name="vazia.csv")
    with pytest.raises(imagebank.InvalidArgumentError, match="expected bytes"):
        imagebank.read_url_list(12)  # type: ignore[arg-type]


def test_check_url_row():
    row = imagebank.check_url_row(core.UrlRow("https://cdn.example.com/f/ABC1_01.jpg?w=2", sku=" K "))
    assert (row.name, row.sku) == ("ABC1_01.jpg", "K")
    for bad, why in [("ftp://h/x.jpg", "http"), ("https://h/" + "a" * 3000, "2,048|2048"),
                     ("", "URL"), ("https://h/a\x01.jpg", "control")]:
        with pytest.raises(imagebank.InvalidArgumentError, match=why):
            imagebank.check_url_row(core.UrlRow(bad))


def test_classify_address_and_allow_hosts():
    for address, kind in [("8.8.8.8", "public"), ("127.0.0.1", "loopback"), ("::1", "loopback"),
                          ("::ffff:127.0.0.1", "loopback"), ("10.1.2.3", "private"),
                          ("192.168.0.1", "private"), ("fd00::1", "private"),
                          ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
                          ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"),
                          ("::", "unspecified"), ("198.18.0.1", "reserved"),
                          ("2606:4700::1111", "public"), ("64:ff9b::a00:1", "private")]:
        assert imagebank.classify_address(address) == kind, address
    for bad in ["localhost", "2130706433", "[::1]", "1.2.3.4.5", ""]:
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.classify_address(bad)
    for good in ["imagens.interno", "imagens.interno:8080", "10.0.0.5", "[::1]:8080"]:
        imagebank.check_allow_host(good)
    for bad in ["", "host:porta", "host:99999", "[::1", "a b"]:
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.check_allow_host(bad)


def test_a_list_in_linked_batches(bank: imagebank.Bank, server: PhotoServer, tmp_path: pathlib.Path):
    listed = imagebank.read_url_list(write_list(tmp_path / "lista.csv", server))
    assert len(listed.rows) == 8 and len(listed.problems) == 1
    # The server is a Python thread: it answers only because ingest_urls
    # releases the GIL while the workers fetch.
    parts = bank.ingest_urls(listed, max_batch_size=3, label="lista.csv",
                             allow_hosts=[f"127.0.0.1:{server.port}"], **FAST)
    assert [(p.part, p.group_id, p.state) for p in parts] == [
        (1, parts[0].id, "done"), (2, parts[0].id, "done"), (3, parts[0].id, "done")]
    assert all(imagebank.is_url_batch(p) and p.source.startswith("urls:lista.csv") for p in parts)
    assert [bank.batch(p.id).counts.total for p in parts] == [3, 3, 2]
    assert [b.part for b in bank.jobs.list_batches()] == [1, 2, 3]
    assert "part=2" in repr(parts[1])

    jobs = jobs_by_name(bank, parts)
    assert {n: j.state for n, j in jobs.items()} == {
        "ABC1_FRENTE.jpg": "done", "ABC1_COSTAS.png": "done", "ABC1_DETALHE.webp": "done",
        "XYZ9_01.jpg": "done", "XYZ9_02.jpg": "done", "nao-existe.jpg": "failed",
        "QWE5_01.jpg": "done", "LMN3_01.png": "done"}
    # A fetched job's row has its content's sha256 and size, as a folder
    # job's has (batch status, exports and review read them).
    served = {pathlib.PurePosixPath(p).name: (DATA / f).read_bytes() for p, f in PHOTOS.items()}
    served["LMN3_01.png"] = served.pop("semnome.png")
    for name, job in jobs.items():
        if job.state == "done":
            assert job.sha256 == hashlib.sha256(served[name]).hexdigest(), name
            assert job.bytes == len(served[name]), name
            assert job.image_id is not None
            assert bank.catalog.get_image(job.image_id).sha256 == job.sha256
    missing = jobs["nao-existe.jpg"]
    assert (missing.sha256, missing.bytes) == ("", 0)
    assert isinstance(missing.error, imagebank.NotFoundError)
    assert "nao-existe.jpg" in str(missing.error)
    assert missing.source_path == server.url("/fotos/nao-existe.jpg")
    assert missing.image_id is None
    # The bytes decided the format (the server said text/plain).
    images = {i.original_name: i for p in parts for i in bank.images(batch_id=p.id)}
    assert len(images) == 7
    assert images["ABC1_DETALHE.webp"].format == "webp"
    assert images["LMN3_01.png"].format == "png"
    assert images["ABC1_COSTAS.png"].view == "back"
    for image in images.values():
        assert bank.blobs.head(image.blob_key).size == image.bytes

    # The same list again: one more group, every photo a duplicate.
    again = bank.ingest_urls(listed.rows, max_batch_size=5,
                             allow_hosts=[f"127.0.0.1:{server.port}"], **FAST)
    assert [(p.part, p.group_id) for p in again] == [(1, again[0].id), (2, again[0].id)]
    counts = [bank.batch(p.id).counts for p in again]
    assert (sum(c.duplicate for c in counts), sum(c.failed for c in counts)) == (7, 1)


def test_without_the_allowance_every_url_is_refused(bank: imagebank.Bank, server: PhotoServer,
                                                     tmp_path: pathlib.Path):
    listed = imagebank.read_url_list(write_list(tmp_path / "lista.csv", server))
    # Allowing the host on another port allows nothing here.
    parts = bank.ingest_urls(listed, max_batch_size=3, allow_hosts=["127.0.0.1:1"], **FAST)
    assert [p.state for p in parts] == ["done", "done", "done"]
    jobs = jobs_by_name(bank, parts)
    assert len(jobs) == 8
    for name, job in jobs.items():
        assert job.state == "failed", name
        assert isinstance(job.error, imagebank.PermissionDeniedError), name
        assert "loopback" in str(job.error) and "127.0.0.1" in str(job.error), name
    assert server.requests == []  # refused before any connection
    assert list(bank.images()) == []


def test_a_redirect_to_loopback_is_checked_again(bank: imagebank.Bank, server: PhotoServer):
    # The list names the server as "localhost" (allowed); /volta redirects
    # to 127.0.0.1, a host that is not: the redirect is refused, while the
    # photo itself is fetched through the allowed name.
    direct = server.url("/fotos/XYZ9_01.jpg", host="localhost")
    via = server.url("/volta", host="localhost")
    parts = bank.ingest_urls([direct, core.UrlRow(via, name="ABC1_FRENTE.jpg")],
                             allow_hosts=[f"localhost:{server.port}"], **FAST)
    jobs = jobs_by_name(bank, parts)
    assert jobs["XYZ9_01.jpg"].state == "done"
    refused = jobs["ABC1_FRENTE.jpg"]
    assert refused.state == "failed"
    assert isinstance(refused.error, imagebank.PermissionDeniedError)
    assert "127.0.0.1" in str(refused.error) and "loopback" in str(refused.error)
    # The first hop was fetched (through the allowed name), the redirect's
    # target never.
    assert "/volta" in server.requests
    assert "/fotos/ABC1_FRENTE.jpg" not in server.requests
    # Allowing 127.0.0.1 too lets the redirect through.
    through = bank.ingest_urls([via], allow_hosts=[f"localhost:{server.port}", "127.0.0.1"],
                               **FAST)
    assert bank.batch(through[0].id).counts.done == 1


def test_enqueue_then_resume_and_link_batch(bank: imagebank.Bank, server: PhotoServer):
    urls = [server.url(p) for p in sorted(PHOTOS)][:4]
    parts = bank.enqueue_urls(urls, max_batch_size=2, label="fila")
    assert [(p.state, p.receiving, p.part) for p in parts] == [
        ("queued", False, 1), ("queued", False, 2)]
    assert [bank.batch(p.id).counts.received for p in parts] == [2, 2]
    # The default policy refuses the loopback server: a resume without the
    # allowance fails the part's jobs; retry_failed + a resume with it ends
    # them done.
    first = bank.resume(parts[0].id, **FAST)
    assert bank.batch(first.id).counts.failed == 2
    assert bank.retry_failed(first.id) == 2
    allow = [f"127.0.0.1:{server.port}"]
    assert bank.batch(bank.resume(first.id, allow_hosts=allow, **FAST).id).counts.done == 2
    report = bank.work(allow_hosts=allow, **FAST)
    assert report.done == 2
    assert bank.jobs.get_batch(parts[1].id).state == "done"

    # link_batch files any batch into a group.
    alone = bank.jobs.create_batch(0, "manual")
    assert (alone.group_id, alone.part) == (0, 0)
    linked = bank.jobs.link_batch(alone.id, parts[0].id, 3)
    assert (linked.group_id, linked.part) == (parts[0].id, 3)
    assert bank.jobs.get_batch(alone.id) == linked
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.jobs.link_batch(alone.id, parts[0].id, 0)
    with pytest.raises(imagebank.NotFoundError):
        bank.jobs.link_batch(alone.id, 999999, 1)
    with pytest.raises(imagebank.NotFoundError):
        bank.jobs.link_batch(999999, parts[0].id, 1)


def test_bad_url_options_raise(bank: imagebank.Bank):
    with pytest.raises(imagebank.InvalidArgumentError, match="max_batch_size|batch size"):
        bank.ingest_urls(["https://h.example/a.jpg"], max_batch_size=0)
    with pytest.raises(imagebank.InvalidArgumentError):
        bank.ingest_urls([])
    with pytest.raises(imagebank.InvalidArgumentError, match="ftp"):
        bank.enqueue_urls(["ftp://h.example/a.jpg"])
    with pytest.raises(imagebank.InvalidArgumentError, match="per_host"):
        bank.ingest_urls(["https://h.example/a.jpg"], fetch_per_host=0)
    with pytest.raises(imagebank.InvalidArgumentError, match="global"):
        imagebank.validate_ingest_options(fetch_concurrency=5000)
    with pytest.raises(imagebank.InvalidArgumentError, match="fetch_timeout_seconds"):
        imagebank.validate_ingest_options(fetch_timeout_seconds=float("inf"))
    with pytest.raises(imagebank.InvalidArgumentError, match="host:porta"):
        imagebank.validate_ingest_options(allow_hosts=["host:porta"])
    assert list(bank.jobs.list_batches()) == []


def test_set_job_content(bank: imagebank.Bank):
    parts = bank.enqueue_urls(["https://cdn.example.com/a/ABC1_FRENTE.jpg"])
    [job] = list(bank.jobs.list_jobs(parts[0].id))
    assert (job.sha256, job.bytes) == ("", 0)
    sha = hashlib.sha256(b"photo").hexdigest()
    with pytest.raises(imagebank.ConflictError, match="not leased"):
        bank.jobs.set_job_content(job.id, "w1", sha, 5)
    [leased] = bank.jobs.lease_jobs(imagebank.LeaseOptions(worker="w1", batch_id=parts[0].id))
    with pytest.raises(imagebank.InvalidArgumentError, match="sha256"):
        bank.jobs.set_job_content(job.id, "w1", "abc", 5)
    with pytest.raises(imagebank.ConflictError):
        bank.jobs.set_job_content(job.id, "w2", sha, 5)
    recorded = bank.jobs.set_job_content(leased.id, "w1", sha, 5)
    assert (recorded.sha256, recorded.bytes, recorded.state) == (sha, 5, "leased")
    assert bank.jobs.get_job(job.id) == recorded
    with pytest.raises(imagebank.ConflictError, match="already has"):
        bank.jobs.set_job_content(job.id, "w1", hashlib.sha256(b"other").hexdigest(), 5)
