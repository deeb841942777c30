"""Batches from lists of image URLs: read_url_list, Bank.ingest_urls and
enqueue_urls into linked batches, fetched from a loopback HTTP server that
the tests allow explicitly, and refused (with the loopback reason) without
the allowance, also through a redirect; the address classifier."""

from __future__ import annotations

import hashlib
import pathlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import imagebank
from conftest import DATA
from photo_server import PhotoServer

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


@pytest.fixture()
def server() -> Iterator[PhotoServer]:
    # /volta redirects to a photo at 127.0.0.1, whatever host was asked.
    s = PhotoServer({path: (DATA / name).read_bytes() for path, name in PHOTOS.items()},
                    redirects={"/volta": "/fotos/ABC1_FRENTE.jpg"})
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


def test_ip_addresses_and_their_classes():
    # IPv4, IPv6, and the IPv6 forms that carry an IPv4 address (mapped,
    # compatible, NAT64 64:ff9b::/96, 6to4 2002::/16), classed by it.
    table = [
        ("8.8.8.8", "public"), ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"),
        ("10.0.0.5", "private"), ("172.16.0.1", "private"), ("172.32.0.1", "public"),
        ("192.168.1.1", "private"), ("100.64.0.1", "private"),
        ("169.254.169.254", "link-local"), ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"), ("255.255.255.255", "reserved"),
        ("192.0.2.1", "reserved"), ("203.0.113.9", "reserved"),
        ("::1", "loopback"), ("::", "unspecified"), ("fc00::1", "private"),
        ("fe80::1", "link-local"), ("ff02::1", "multicast"), ("2001:db8::1", "reserved"),
        ("2606:4700:4700::1111", "public"),
        ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.5", "private"),
        ("::ffff:169.254.169.254", "link-local"), ("::ffff:8.8.8.8", "public"),
        ("64:ff9b::7f00:1", "loopback"), ("64:ff9b::a9fe:a9fe", "link-local"),
        ("64:ff9b::808:808", "public"),
        ("2002:7f00:1::", "loopback"), ("2002:a00:5::1", "private"),
        ("2002:808:808::", "public"),
    ]
    for text, kind in table:
        address = imagebank.IpAddress(text)
        assert imagebank.classify_address(address) == kind, text
        assert imagebank.classify_address(text) == kind, text
        assert imagebank.parse_ip_address(text) == address
        assert imagebank.IpAddress(str(address)) == address
    v4 = imagebank.IpAddress("10.0.0.5")
    assert (v4.v6, v4.packed, str(v4)) == (False, bytes([10, 0, 0, 5]), "10.0.0.5")
    mapped = imagebank.IpAddress("::FFFF:127.0.0.1")
    assert mapped.v6 and len(mapped.packed) == 16
    # RFC 5952's text: a mapped address keeps its dotted IPv4 tail.
    assert imagebank.ip_address_string(mapped) == str(mapped) == "::ffff:127.0.0.1"
    assert repr(mapped) == "IpAddress('::ffff:127.0.0.1')"
    assert str(imagebank.IpAddress("2001:DB8:0:0:0:0:0:1")) == "2001:db8::1"
    assert mapped != imagebank.IpAddress("127.0.0.1")  # another address, same class
    assert len({v4, imagebank.IpAddress("10.0.0.5"), mapped}) == 2
    for bad in ["localhost", "2130706433", "[::1]", "fe80::1%eth0", "1.2.3", ""]:
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.IpAddress(bad)
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.parse_ip_address(bad)


def test_the_address_policy():
    policy = imagebank.AddressPolicy()
    assert (policy.allow_hosts, policy.allow_all) == ([], False)
    imagebank.check_address(policy, "cdn.example.com", 443, "8.8.8.8")
    addresses: list[imagebank.IpAddress | str] = [
        "127.0.0.1", imagebank.IpAddress("::ffff:10.0.0.5"), "169.254.169.254"]
    for address in addresses:
        with pytest.raises(imagebank.PermissionDeniedError, match="cdn.example.com") as e:
            imagebank.check_address(policy, "cdn.example.com", 443, address)
        assert str(address) in str(e.value)
    allowed = imagebank.AddressPolicy(allow_hosts=["imagens.interno:8080"])
    imagebank.check_address(allowed, "imagens.interno", 8080, "10.0.0.5")
    imagebank.check_address(allowed, "IMAGENS.interno", 8080, "10.0.0.5")
    with pytest.raises(imagebank.PermissionDeniedError, match="private"):
        imagebank.check_address(allowed, "imagens.interno", 80, "10.0.0.5")
    imagebank.check_address(imagebank.AddressPolicy(allow_all=True), "x", 1, "127.0.0.1")
    assert "imagens.interno:8080" in repr(allowed)
    with pytest.raises(imagebank.InvalidArgumentError, match="host:porta"):
        imagebank.AddressPolicy(allow_hosts=["host:porta"])
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.check_address(policy, "h", 80, "localhost")


def test_urls_and_redirect_locations():
    url = imagebank.parse_url("HTTPS://CDN.example.com/fotos/a b.jpg?w=2#frag")
    assert (url.scheme, url.host, url.port, url.target) == (
        "https", "cdn.example.com", 443, "/fotos/a%20b.jpg?w=2")
    assert str(url) == url.text() == "https://cdn.example.com/fotos/a%20b.jpg?w=2"
    assert imagebank.parse_url("http://[::1]:8080").text() == "http://[::1]:8080/"
    for bad in ["ftp://h/a.jpg", "http://user:pw@h/a.jpg", "http://h:0/", "a.jpg",
                "http://h/" + "a" * 3000]:
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.parse_url(bad)
    base = imagebank.parse_url("https://cdn.example.com/fotos/a/b.jpg?v=2")
    for location, want in [
            ("//outro.example.com/x.jpg", "https://outro.example.com/x.jpg"),
            ("/p/q.jpg", "https://cdn.example.com/p/q.jpg"),
            ("c.jpg", "https://cdn.example.com/fotos/a/c.jpg"),
            ("../c.jpg", "https://cdn.example.com/fotos/c.jpg"),
            ("?v=3", "https://cdn.example.com/fotos/a/b.jpg?v=3"),
            ("http://cdn.example.com/b.jpg", "http://cdn.example.com/b.jpg")]:
        assert imagebank.resolve_location(base, location).text() == want, location
    assert imagebank.resolve_location(base, "/x") == imagebank.parse_url(
        "https://cdn.example.com/x")
    for bad in ["", "file:///etc/passwd"]:
        with pytest.raises(imagebank.InvalidArgumentError):
            imagebank.resolve_location(base, bad)


def test_the_fetcher_reaches_loopback_only_when_allowed(server: PhotoServer):
    url = server.url("/fotos/ABC1_FRENTE.jpg")
    want = (DATA / "rgb.jpg").read_bytes()
    # The server is a Python thread: it answers only because fetch releases
    # the GIL.
    allowed = imagebank.UrlFetcher(allow_hosts=[f"127.0.0.1:{server.port}"])
    got = allowed.fetch(url)
    assert isinstance(got, imagebank.Fetched)
    assert (got.bytes, got.url, got.content_type, got.redirects, got.attempts) == (
        want, url, "text/plain", 0, 1)
    image = allowed.fetch_image(url, 1 << 20)
    assert isinstance(image, imagebank.FetchedImage)
    assert (image.bytes, image.url) == (want, url)
    with pytest.raises(imagebank.LimitExceededError, match="limit"):
        allowed.fetch_image(url, 100)
    with pytest.raises(imagebank.NotFoundError, match="nao-existe"):
        allowed.fetch(server.url("/fotos/nao-existe.jpg"))
    # Fetched through an allowed name, redirected to 127.0.0.1 (allowed too).
    both = imagebank.UrlFetcher(allow_hosts=[f"localhost:{server.port}", "127.0.0.1"])
    through = both.fetch(server.url("/volta", host="localhost"))
    assert (through.bytes, through.redirects, through.url) == (want, 1, url)
    seen = len(server.requests)

    refused = imagebank.UrlFetcher()
    with pytest.raises(imagebank.PermissionDeniedError, match="loopback") as e:
        refused.fetch(url)
    assert url in str(e.value) and "127.0.0.1" in str(e.value)
    with pytest.raises(imagebank.PermissionDeniedError, match="loopback"):
        imagebank.UrlFetcher(allow_hosts=["127.0.0.1:1"]).fetch(url)
    # The redirect to 127.0.0.1 is checked again: only localhost is allowed.
    only_name = imagebank.UrlFetcher(allow_hosts=[f"localhost:{server.port}"])
    with pytest.raises(imagebank.PermissionDeniedError, match="redirected to http://127.0.0.1"):
        only_name.fetch(server.url("/volta", host="localhost"))
    assert server.requests[seen:] == ["/volta"]  # never the refused target
    with pytest.raises(imagebank.InvalidArgumentError, match="ftp"):
        refused.fetch("ftp://127.0.0.1/a.jpg")


def test_a_resolve_hook_cannot_reach_a_private_address(server: PhotoServer):
    asked: list[str] = []

    def resolve(host: str) -> list[str | imagebank.IpAddress]:
        asked.append(host)
        if host == "evil.test":
            return ["10.0.0.5"]
        if host == "fotos.test":
            return [imagebank.IpAddress("127.0.0.1")]
        if host == "mixed.test":
            return ["8.8.8.8", "169.254.169.254"]
        raise OSError(f"no such host {host}")

    fetcher = imagebank.UrlFetcher(resolve=resolve, connect_timeout_seconds=2,
                                   retry_attempts=1, allow_hosts=[f"fotos.test:{server.port}"])
    with pytest.raises(imagebank.PermissionDeniedError, match="10.0.0.5") as e:
        fetcher.fetch("http://evil.test/a.jpg")
    assert "private" in str(e.value) and "evil.test" in str(e.value)
    # One refused address among public ones refuses the host whole.
    with pytest.raises(imagebank.PermissionDeniedError, match="link-local"):
        fetcher.fetch("http://mixed.test/a.jpg")
    # An allowed name mapped to the loopback server is fetched, the hook
    # called from threads that hold no GIL, several at once.
    url = f"http://fotos.test:{server.port}/fotos/XYZ9_01.jpg"
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(fetcher.fetch(url).bytes))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(DATA / "orient6.jpg").read_bytes()] * 4
    assert {"evil.test", "mixed.test", "fotos.test"} <= set(asked)
    # The hook's failures: OSError is a failed lookup (unavailable), a bad
    # answer is refused, an imagebank.Error keeps its class.
    with pytest.raises(imagebank.UnavailableError, match="nowhere.test"):
        fetcher.fetch("http://nowhere.test/a.jpg")

    def bad(host: str) -> Any:
        return "10.0.0.5" if host == "text.test" else [42]

    junk = imagebank.UrlFetcher(resolve=bad, retry_attempts=1)
    with pytest.raises(imagebank.InvalidArgumentError, match="sequence"):
        junk.fetch("http://text.test/a.jpg")
    with pytest.raises(imagebank.InvalidArgumentError, match="int"):
        junk.fetch("http://list.test/a.jpg")

    def denied(host: str) -> list[str]:
        raise imagebank.PermissionDeniedError(f"{host} is blocked here")

    with pytest.raises(imagebank.PermissionDeniedError, match="blocked here"):
        imagebank.UrlFetcher(resolve=denied).fetch("http://x.test/a.jpg")


def test_fetch_options_are_checked():
    imagebank.validate_fetch_options()
    imagebank.validate_fetch_options(per_host=64, concurrency=1024, max_redirects=0,
                                     allow_hosts=["[::1]:8080"], resolve=lambda h: [])
    cases: list[tuple[dict[str, Any], str]] = [({"per_host": 0}, "per_host"), ({"concurrency": 2000}, "global"),
                        ({"max_redirects": 21}, "max_redirects"),
                        ({"retry_attempts": 0}, "attempts"), ({"max_bytes": 0}, "max_bytes"),
                        ({"total_timeout_seconds": 0}, "timeouts"),
                        ({"connect_timeout_seconds": float("nan")}, "connect_timeout"),
                        ({"allow_hosts": ["a b"]}, "a b"),
                        ({"retry_base_seconds": 9.0}, "retry_base_seconds"),
                        ({"resolve": 42}, "resolve")]
    for kwargs, why in cases:
        with pytest.raises(imagebank.InvalidArgumentError, match=why):
            imagebank.validate_fetch_options(**kwargs)
        with pytest.raises(imagebank.InvalidArgumentError, match=why):
            imagebank.UrlFetcher(**kwargs)
    fetcher = imagebank.UrlFetcher(total_timeout_seconds=1)
    with pytest.raises(imagebank.InvalidArgumentError, match="timeout_seconds"):
        fetcher.fetch("http://127.0.0.1:1/a.jpg", timeout_seconds=0)


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
