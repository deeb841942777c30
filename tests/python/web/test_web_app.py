"""The catalog team's web app in a real browser (Debian's headless
Chromium): a day's work from login to the studio's CSV, an upload that
survives a server restart, every page in both themes without console
errors or serious axe violations (screenshots in the test-artifacts
folder, checked non-blank), and the first Produtos page of a 10,000-product
catalog, timed."""

from __future__ import annotations

import base64
import csv
import io
import json
import pathlib
import random
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .conftest import WebServer, cli, make_key

PIL = pytest.importorskip("PIL.Image")
by = pytest.importorskip("selenium.webdriver.common.by")
wait_mod = pytest.importorskip("selenium.webdriver.support.wait")
By = by.By
COLLECTION = "Verão 2027"
BRAND = "Aurora"
SKUS = [f"AB{n}" for n in range(100, 110)]
PAGES = ["painel", "produtos", "produto", "enviar", "lotes", "revisao", "relatorios", "chaves"]


# --- helpers ---

def wait(driver: Any, cond: Callable[[Any], Any], timeout: float = 30, what: str = "") -> Any:
    return wait_mod.WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        cond, message=what or getattr(cond, "__name__", "condition"))


def css(driver: Any, selector: str, timeout: float = 30) -> Any:
    return wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector), timeout,
                f"element {selector}")


def fill(driver: Any, selector: str, text: str) -> None:
    """Types into a field after clearing it. (Enviar fills an empty brand
    in from the collection chosen, when the collection field loses focus:
    fill the brand first.)"""
    field = css(driver, selector)
    field.clear()
    field.send_keys(text)


def api(server: WebServer, key: str, path: str, method: str = "GET",
        body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{server.url}/api/v1{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def settled(driver: Any) -> bool:
    """The page has rendered: a heading, nothing loading, images in."""
    return bool(driver.execute_script(
        "return !!document.querySelector('main h1') && "
        "!document.querySelector('main p.muted[role=status]') && "
        "[...document.images].every(i => i.complete || i.loading === 'lazy' && "
        "i.getBoundingClientRect().top > innerHeight)"))


def open_page(driver: Any, base: str, hash_path: str) -> None:
    driver.get("about:blank")
    driver.get_log("browser")  # drop what came before
    driver.get(f"{base}/#/{hash_path}")
    wait(driver, settled, 30, f"page {hash_path} settled")


def login(driver: Any, base: str, key: str) -> None:
    driver.get(f"{base}/#/entrar")
    css(driver, "#api-key").send_keys(key)
    css(driver, "#login-submit").click()
    css(driver, "nav a[aria-current=page]")


def set_theme(driver: Any, theme: str) -> None:
    driver.execute_script("localStorage.setItem('imagebank.theme', arguments[0])", theme)


def axe_violations(driver: Any, axe_source: str) -> list[dict[str, Any]]:
    driver.execute_script(axe_source)
    found = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
    """)
    return list(found)


def check_screenshot(path: pathlib.Path) -> None:
    """A real picture: many colours and real contrast, not one flat fill."""
    with PIL.open(path) as img:
        grey = img.convert("L")
        lo, hi = grey.getextrema()
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
    assert hi - lo > 80, f"{path}: blank (luma {lo}..{hi})"
    assert colours is None or len(colours) > 16, f"{path}: {len(colours or [])} colours"


def noise_jpeg(seed: int, path: pathlib.Path, size: tuple[int, int] = (320, 400)) -> None:
    """A photo of its own: blocks of random colours (distinct perceptual
    hashes, so no two are near duplicates)."""
    rnd = random.Random(seed)
    img = PIL.new("RGB", size)
    block = 40
    for y in range(0, size[1], block):
        for x in range(0, size[0], block):
            img.paste((rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
                      (x, y, x + block, y + block))
    img.save(path, "JPEG", quality=88)


def carteira(path: pathlib.Path, skus: list[str]) -> None:
    lines = ["Código\tNome da Peça\tCor"]
    colours = ["Azul", "Preto", "Branco", "Vermelho"]
    lines += [f"{sku}\tPeça {i + 1}\t{colours[i % 4]}" for i, sku in enumerate(skus)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the day's work ---

class Day:
    server: WebServer
    key: str
    root: pathlib.Path


@pytest.fixture(scope="module")
def day(server_bin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    d = Day()
    d.root = tmp_path_factory.mktemp("webday")
    bank = d.root / "bank"
    cli(bank, "keys", "list")  # makes the bank
    d.key = make_key(bank, "catalogo", "admin")
    d.server = WebServer(server_bin, bank, d.root / "server.log")
    yield d
    assert d.server.stop() == 0


def test_a_day_of_catalog_work(day: Day, browser_factory: Callable[..., Any]) -> None:
    """Login; Carteira and 12 photos (one truncated, one duplicate, one
    without a SKU); progress to the end; the failure's reason; approve one,
    reject one; link the SKU-less photo; the coverage changes; the CSV of
    SKUs without a photo."""
    files = day.root / "files"
    files.mkdir()
    sheet = files / "carteira.tsv"
    carteira(sheet, SKUS)
    names = ["AB100_FRENTE.jpg", "AB100_COSTAS.jpg", "AB101_FRENTE.jpg", "AB101_DETALHE.jpg",
             "AB102_FRENTE.jpg", "AB102_COSTAS.jpg", "AB103_FRENTE.jpg", "AB104_FRENTE.jpg",
             "AB104_DETALHE.jpg", "AB105_FRENTE.jpg", "IMG_1234.jpg", "AB103_COSTAS.jpg"]
    for i, name in enumerate(names[:-1]):
        noise_jpeg(i, files / name)
    whole = (files / "AB105_FRENTE.jpg").read_bytes()
    (files / "AB105_FRENTE.jpg").write_bytes(whole[: len(whole) // 2])  # truncated
    (files / "AB103_COSTAS.jpg").write_bytes((files / "AB103_FRENTE.jpg").read_bytes())

    driver = browser_factory()
    base = day.server.url
    login(driver, base, day.key)
    assert driver.execute_script("return sessionStorage.getItem('imagebank.key')") == day.key
    assert day.key not in driver.current_url

    # Enviar: the Carteira, then the photos with their SKU preview.
    driver.get(f"{base}/#/enviar")
    css(driver, "#up-collection").send_keys(COLLECTION)
    css(driver, "#up-brand").send_keys(BRAND)
    css(driver, "#up-carteira").send_keys(str(sheet))
    css(driver, "#up-carteira-send").click()
    done = css(driver, "#carteira-done")
    assert "10 produtos novos" in done.text, done.text
    css(driver, "#up-files").send_keys("\n".join(str(files / n) for n in names))
    summary = css(driver, "#preview-summary")
    assert summary.text == ("12 arquivo(s): 11 com produto na Carteira, 0 com SKU fora da "
                            "Carteira, 1 sem SKU"), summary.text
    css(driver, "#upload-start").click()
    css(driver, "#upload-finished", timeout=120)
    rows = driver.find_elements(By.CSS_SELECTOR, "table.uploads tr[data-file]")
    assert len(rows) == 12 and all(r.get_attribute("data-state") == "done" for r in rows)

    # Processing to the end, watched live; the failure with its reason.
    css(driver, "#upload-finished ~ article.batch-card .badge[data-state=done]", timeout=300)
    failure = css(driver, "#upload-failures li", timeout=30)
    assert "AB105_FRENTE.jpg" in failure.text
    assert "corrompido ou incompleto" in failure.text, failure.text
    batch = api(day.server, day.key, "/batches")["items"][-1]
    assert batch["counts"]["failed"] == 1 and batch["counts"]["duplicate"] == 1
    assert batch["counts"]["done"] == 10

    # Lotes shows the same failure in Portuguese.
    driver.get(f"{base}/#/lotes")
    css(driver, f"article.batch[data-batch='{batch['id']}'] [data-details]").click()
    assert "corrompido" in css(driver, "#batch-details .failures li").text

    # The coverage before the review.
    def with_photo() -> int:
        open_page(driver, base, "painel")
        row = css(driver, f"table.coverage tr[data-collection='{COLLECTION}']")
        cells = row.find_elements(By.CSS_SELECTOR, "td.bar-cell .bar-text")
        return int(re.match(r"\d+", cells[0].text).group())  # type: ignore[union-attr]
    before = with_photo()
    assert before == 5  # AB100..AB104

    # Revisão: approve one by keyboard, reject one by its button.
    images = {i["original_name"]: i for i in
              api(day.server, day.key, "/images?limit=100")["items"]}
    open_page(driver, base, "revisao")
    first = images["AB100_FRENTE.jpg"]["id"]
    card = css(driver, f"#main .review-card[data-image='{first}'][tabindex]")
    driver.execute_script("arguments[0].focus()", card)
    card.send_keys("a")
    wait(driver, lambda d: not d.find_elements(
        By.CSS_SELECTOR, f".review-card[data-image='{first}'][tabindex]"), 10, "approved card gone")
    second = images["AB101_DETALHE.jpg"]["id"]
    css(driver, f".review-card[data-image='{second}'] button[data-action=reject]").click()
    wait(driver, lambda d: not d.find_elements(
        By.CSS_SELECTOR, f".review-card[data-image='{second}'][tabindex]"), 10, "rejected card gone")
    assert api(day.server, day.key, "/images?status=approved")["items"][0]["id"] == first
    assert api(day.server, day.key, "/images?status=rejected")["items"][0]["id"] == second

    # The photo without a SKU, linked to AB105 through the SKU picker.
    loose = images["IMG_1234.jpg"]["id"]
    picker = css(driver, f"#link-{loose}")
    picker.send_keys("AB105")
    css(driver, f"#review-unmatched .review-card[data-image='{loose}'] button[type=submit]").click()
    wait(driver, lambda d: not d.find_elements(
        By.CSS_SELECTOR, f"#review-unmatched .review-card[data-image='{loose}']"), 10,
        "linked card gone")
    linked = api(day.server, day.key, "/images?limit=100")["items"]
    ab105 = api(day.server, day.key, "/products?sku=AB105")["items"][0]
    assert [i["product_id"] for i in linked if i["id"] == loose] == [ab105["id"]]
    assert with_photo() == before + 1

    # Relatórios: the studio's CSV, the SKUs still without a photo.
    open_page(driver, base, "relatorios")
    assert css(driver, "#missing-count").text == "4 SKU(s) sem foto"
    css(driver, "#download-missing").click()
    target = driver.download_dir / "skus-sem-foto.csv"
    wait(driver, lambda d: target.exists() and target.stat().st_size > 0, 20, "CSV downloaded")
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["sku"] for r in rows] == ["AB106", "AB107", "AB108", "AB109"]
    assert {r["collection"] for r in rows} == {COLLECTION}
    assert rows[0]["nome_peca"] == "Peça 7"
    # Exportar: the catalog as an Excel workbook, one row per product, each
    # with its photos' absolute, signed URLs.
    assert css(driver, "#export-format").get_attribute("value") == "xlsx"
    css(driver, "#download-export").click()
    book_path = driver.download_dir / "produtos.xlsx"
    wait(driver, lambda d: book_path.exists() and book_path.stat().st_size > 0, 20,
         "workbook downloaded")
    openpyxl = pytest.importorskip("openpyxl")
    table = list(openpyxl.load_workbook(book_path, read_only=True)["Produtos"]
                 .iter_rows(values_only=True))
    exported = {row[table[0].index("sku")]: dict(zip(table[0], row)) for row in table[1:]}
    products = api(day.server, day.key, "/products?limit=100")["items"]
    assert sorted(exported) == sorted(p["sku"] for p in products)
    assert exported["AB105"]["fotos"] >= 1
    assert str(exported["AB105"]["url_capa"]).startswith("http")
    assert console_errors(driver) == []


def test_every_page_in_both_themes(day: Day, browser_factory: Callable[..., Any],
                                   axe_source: str, artifacts: pathlib.Path) -> None:
    """No console error, no serious or critical axe violation, a non-blank
    screenshot per page and theme at 1280 px; at 375 px every page fits
    the width."""
    product = api(day.server, day.key, "/products?sku=AB100")["items"][0]["id"]
    report: dict[str, Any] = {}
    for width, height in ((1280, 900), (375, 812)):
        driver = browser_factory(width, height)
        base = day.server.url
        # Logged out first: Entrar.
        targets = [("entrar", "entrar")]
        open_page(driver, base, "entrar")
        login(driver, base, day.key)
        targets += [(p, f"produto/{product}" if p == "produto" else p) for p in PAGES]
        for name, path in targets:
            if name == "entrar":
                driver.execute_script("sessionStorage.clear()")
            for theme in ("dark", "light"):
                # The toggle's choice, kept in localStorage, read at load.
                set_theme(driver, theme)
                open_page(driver, base, path)
                assert driver.execute_script(
                    "return document.documentElement.dataset.theme") == theme
                shot = artifacts / f"{name}-{theme}-{width}.png"
                driver.save_screenshot(str(shot))
                check_screenshot(shot)
                if width == 1280:
                    bad = [v for v in axe_violations(driver, axe_source)
                           if v["impact"] in ("serious", "critical")]
                    report[f"{name}-{theme}"] = bad
                    assert bad == [], f"{name} ({theme}): {bad}"
                else:
                    overflow = driver.execute_script(
                        "return document.documentElement.scrollWidth - innerWidth")
                    assert overflow <= 1, f"{name} at {width}px overflows by {overflow}px"
                assert console_errors(driver) == [], name
            if name == "entrar":
                login(driver, base, day.key)
        # The system's preference picks the theme until the toggle is used.
        driver.execute_script("localStorage.removeItem('imagebank.theme')")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": "light"}]})
        open_page(driver, base, "painel")
        assert driver.execute_script("return document.documentElement.dataset.theme") == "light"
        css(driver, "#theme-toggle").click()
        assert driver.execute_script("return document.documentElement.dataset.theme") == "dark"
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        set_theme(driver, "dark")
    (artifacts / "axe.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


def test_an_upload_resumes_after_a_server_restart(
        server_bin: str, browser_factory: Callable[..., Any],
        tmp_path: pathlib.Path) -> None:
    bank = tmp_path / "bank"
    sheet = tmp_path / "carteira.tsv"
    carteira(sheet, ["ZX900"])
    cli(bank, "carteira", str(sheet), "--import", "--brand", BRAND, "--collection", COLLECTION)
    key = make_key(bank, "estudio", "upload")
    server = WebServer(server_bin, bank, tmp_path / "server.log")
    try:
        big = tmp_path / "ZX900_FRENTE.png"
        rnd = random.Random(7)
        PIL.frombytes("RGB", (800, 800), rnd.randbytes(800 * 800 * 3)).save(big)
        size = big.stat().st_size
        driver = browser_factory()
        login(driver, server.url, key)
        driver.execute_script("localStorage.setItem('imagebank.chunkBytes', '131072')")
        driver.set_network_conditions(offline=False, latency=5,
                                      download_throughput=50 << 20, upload_throughput=400 << 10)
        driver.get(f"{server.url}/#/enviar")
        fill(driver, "#up-brand", BRAND)
        fill(driver, "#up-collection", COLLECTION)
        css(driver, "#up-files").send_keys(str(big))
        css(driver, "#upload-start").click()
        bar = css(driver, "table.uploads tr[data-file] progress")
        wait(driver, lambda d: int(bar.get_attribute("value")) > 150, 60, "a sixth sent")
        # tus-js-client keeps the upload's URL under the file's fingerprint.
        stored = driver.execute_script(
            "return Object.keys(localStorage).filter(k => k.startsWith('tus::imagebank:'))"
            ".map(k => JSON.parse(localStorage.getItem(k)).uploadUrl)")
        assert len(stored) == 1, stored
        upload_url = urllib.parse.urlsplit(stored[0]).path
        assert upload_url.startswith("/api/v1/uploads/"), stored

        assert server.stop() == 0
        row = css(driver, "table.uploads tr[data-file]")
        wait(driver, lambda d: row.get_attribute("data-state") == "retrying", 30,
             "the client retrying")
        time.sleep(1)
        server.start()
        css(driver, "#upload-finished", timeout=180)
        # The same upload went on where it stopped: its URL holds every byte.
        req = urllib.request.Request(f"{server.url}{upload_url}", method="HEAD", headers={
            "Authorization": f"Bearer {key}", "Tus-Resumable": "1.0.0"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert int(r.headers["Upload-Offset"]) == size == int(r.headers["Upload-Length"])
            assert r.headers["Imagebank-Job-Id"]
        driver.set_network_conditions(offline=False, latency=0,
                                      download_throughput=-1, upload_throughput=-1)
        batch = api(server, key, "/batches")["items"][-1]
        assert batch["counts"]["total"] == 1 and not batch["receiving"]
    finally:
        assert server.stop() == 0


def test_first_products_page_of_ten_thousand(
        server_bin: str, browser_factory: Callable[..., Any], tmp_path: pathlib.Path,
        artifacts: pathlib.Path) -> None:
    bank = tmp_path / "bank"
    sheet = tmp_path / "carteira.tsv"
    carteira(sheet, [f"CX{n:05d}" for n in range(10_000)])
    cli(bank, "carteira", str(sheet), "--import", "--brand", BRAND, "--collection", COLLECTION)
    key = make_key(bank, "catalogo", "read")
    server = WebServer(server_bin, bank, tmp_path / "server.log")
    try:
        driver = browser_factory()
        login(driver, server.url, key)
        times = []
        for _ in range(3):
            driver.get("about:blank")
            driver.get(f"{server.url}/#/produtos")
            wait(driver, lambda d: d.execute_script(
                "return window.__imagebankProductsRendered"), 30, "products rendered")
            times.append(driver.execute_script("return window.__imagebankProductsRendered"))
            assert len(driver.find_elements(By.CSS_SELECTOR, ".product-grid li")) == 48
        # The last page, by SKU search: as fast as the first.
        driver.get("about:blank")
        driver.get(f"{server.url}/#/produtos?sku=CX0999")
        wait(driver, lambda d: d.execute_script("return window.__imagebankProductsRendered"))
        assert len(driver.find_elements(By.CSS_SELECTOR, ".product-grid li")) == 10
        sku_ms = driver.execute_script("return window.__imagebankProductsRendered")
        assert console_errors(driver) == []
        first = min(times)
        print(f"first Produtos page, 10,000 products: {[round(t) for t in times]} ms "
              f"(cold load to grid); SKU search: {round(sku_ms)} ms")
        (artifacts / "products-10k.json").write_text(json.dumps(
            {"ms_from_navigation_to_grid": times, "sku_search_ms": sku_ms}))
        assert first < 3000
    finally:
        assert server.stop() == 0


def test_an_upload_resumes_after_a_page_reload(
        server_bin: str, browser_factory: Callable[..., Any],
        tmp_path: pathlib.Path) -> None:
    """A reload in the middle of a file: Enviar offers the batch again, the
    same file picked again goes on from the server's offset at the same tus
    URL (tus-js-client's stored upload), into the same batch."""
    bank = tmp_path / "bank"
    sheet = tmp_path / "carteira.tsv"
    carteira(sheet, ["ZX901"])
    cli(bank, "carteira", str(sheet), "--import", "--brand", BRAND, "--collection", COLLECTION)
    key = make_key(bank, "estudio", "upload")
    server = WebServer(server_bin, bank, tmp_path / "server.log")
    try:
        big = tmp_path / "ZX901_FRENTE.png"
        PIL.frombytes("RGB", (800, 800), random.Random(9).randbytes(800 * 800 * 3)).save(big)
        size = big.stat().st_size
        driver = browser_factory()
        login(driver, server.url, key)
        driver.execute_script("localStorage.setItem('imagebank.chunkBytes', '131072')")
        driver.set_network_conditions(offline=False, latency=5,
                                      download_throughput=50 << 20, upload_throughput=400 << 10)
        driver.get(f"{server.url}/#/enviar")
        fill(driver, "#up-brand", BRAND)
        fill(driver, "#up-collection", COLLECTION)
        css(driver, "#up-files").send_keys(str(big))
        css(driver, "#upload-start").click()
        bar = css(driver, "table.uploads tr[data-file] progress")
        wait(driver, lambda d: int(bar.get_attribute("value")) > 300, 60, "some sent")
        stored_js = ("return Object.keys(localStorage).filter(k => k.startsWith('tus::imagebank:'))"
                     ".map(k => JSON.parse(localStorage.getItem(k)).uploadUrl)")
        before = driver.execute_script(stored_js)
        assert len(before) == 1, before

        driver.refresh()
        notice = css(driver, "#upload-resumable")
        batch = api(server, key, "/batches")["items"][-1]
        assert f"no lote {batch['id']} (1 arquivo(s))" in notice.text, notice.text
        upload_url = urllib.parse.urlsplit(before[0]).path
        head = urllib.request.Request(f"{server.url}{upload_url}", method="HEAD", headers={
            "Authorization": f"Bearer {key}", "Tus-Resumable": "1.0.0"})
        with urllib.request.urlopen(head, timeout=30) as r:
            offset = int(r.headers["Upload-Offset"])
        assert 0 < offset < size
        # The collection and brand come back; the file is picked again (a
        # page cannot keep a File across a reload).
        assert css(driver, "#up-collection").get_attribute("value") == COLLECTION
        css(driver, "#up-files").send_keys(str(big))
        css(driver, "#upload-start").click()
        bar = css(driver, "table.uploads tr[data-file] progress")
        seen: list[int] = []

        def progressed(d: Any) -> bool:
            value = int(bar.get_attribute("value"))
            if value:
                seen.append(value)
            return bool(d.find_elements(By.CSS_SELECTOR, "#upload-finished"))
        wait(driver, progressed, 180, "upload finished")
        # It went on from the offset: the bar never showed less.
        assert seen and min(seen) >= offset * 1000 // size, (seen[:5], offset, size)
        assert driver.execute_script(stored_js) in ([], before)  # forgotten once finished
        with urllib.request.urlopen(head, timeout=30) as r:
            assert int(r.headers["Upload-Offset"]) == size
        driver.set_network_conditions(offline=False, latency=0,
                                      download_throughput=-1, upload_throughput=-1)
        batches = api(server, key, "/batches")["items"]
        assert len(batches) == 1 and batches[0]["counts"]["total"] == 1
        assert console_errors(driver) == []
    finally:
        assert server.stop() == 0


def test_a_dropped_folder_is_walked(
        shoot: Shoot, browser_factory: Callable[..., Any], tmp_path: pathlib.Path) -> None:
    """A real folder dropped on Enviar (Chromium's drag input with a
    folder's path, as the desktop gives it): webkitGetAsEntry walks it and
    its subfolder, every photo listed with its path, the rest left out."""
    folder = tmp_path / "ensaio"
    (folder / "detalhes").mkdir(parents=True)
    noise_jpeg(40, folder / "AB202_COSTAS.jpg")
    noise_jpeg(41, folder / "detalhes" / "AB202_DETALHE.jpg")
    noise_jpeg(42, folder / "ZZ999_FRENTE.jpg")
    (folder / "notas.txt").write_text("não é foto", encoding="utf-8")
    driver = browser_factory()
    login(driver, shoot.server.url, shoot.key)
    driver.get(f"{shoot.server.url}/#/enviar")
    fill(driver, "#up-brand", BRAND)
    fill(driver, "#up-collection", COLLECTION)
    zone = css(driver, "#dropzone")
    x, y = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2]", zone)
    data = {"items": [], "files": [str(folder)], "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        driver.execute_cdp_cmd("Input.dispatchDragEvent",
                               {"type": kind, "x": x, "y": y, "data": data})
    summary = css(driver, "#preview-summary")
    assert summary.text == ("3 arquivo(s): 2 com produto na Carteira, 1 com SKU fora da "
                            "Carteira, 0 sem SKU"), summary.text
    rows = {r.find_elements(By.TAG_NAME, "td")[0].text: r.get_attribute("class")
            for r in driver.find_elements(By.CSS_SELECTOR, "table.preview tbody tr")}
    assert rows == {"ensaio/AB202_COSTAS.jpg": "match-ok",
                    "ensaio/detalhes/AB202_DETALHE.jpg": "match-ok",
                    "ensaio/ZZ999_FRENTE.jpg": "match-warn"}, rows
    assert console_errors(driver) == []


# --- review, zoom and placeholders on a bank made by the CLI ---

class Shoot:
    server: WebServer
    key: str
    photos: pathlib.Path


@pytest.fixture(scope="module")
def shoot(server_bin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shoot]:
    """AB200..AB203 with photos: AB201_FRENTE is AB200_FRENTE made smaller
    and AB203_FRENTE is AB202_FRENTE saved again (two near-duplicate
    pairs); every photo described by the offline analyzer (its BlurHash)."""
    s = Shoot()
    root = tmp_path_factory.mktemp("shoot")
    bank = root / "bank"
    sheet = root / "carteira.tsv"
    carteira(sheet, ["AB200", "AB201", "AB202", "AB203"])
    cli(bank, "carteira", str(sheet), "--import", "--brand", BRAND, "--collection", COLLECTION)
    s.photos = root / "photos"
    s.photos.mkdir()
    noise_jpeg(50, s.photos / "AB200_FRENTE.jpg")
    noise_jpeg(51, s.photos / "AB200_COSTAS.jpg")
    noise_jpeg(52, s.photos / "AB202_FRENTE.jpg")
    with PIL.open(s.photos / "AB200_FRENTE.jpg") as img:
        img.resize((288, 360)).save(s.photos / "AB201_FRENTE.jpg", quality=70)
    with PIL.open(s.photos / "AB202_FRENTE.jpg") as img:
        img.save(s.photos / "AB203_FRENTE.jpg", quality=60)
    cli(bank, "ingest", str(s.photos), "--collection", COLLECTION)
    out = cli(bank, "analyze", "--vision", "offline")
    assert "4 analysed" in out or "5 analysed" in out, out
    s.key = make_key(bank, "revisora", "admin")
    s.server = WebServer(server_bin, bank, root / "server.log")
    yield s
    assert s.server.stop() == 0


def test_near_duplicates_keep_and_discard(shoot: Shoot,
                                          browser_factory: Callable[..., Any]) -> None:
    pairs = api(shoot.server, shoot.key, "/reports/near-duplicates")["items"]
    names = {frozenset((p["image"]["original_name"], p["other"]["original_name"])): p
             for p in pairs}
    first = names[frozenset(("AB200_FRENTE.jpg", "AB201_FRENTE.jpg"))]
    second = names[frozenset(("AB202_FRENTE.jpg", "AB203_FRENTE.jpg"))]
    driver = browser_factory()
    login(driver, shoot.server.url, shoot.key)
    open_page(driver, shoot.server.url, "revisao")

    def pair_item(p: dict[str, Any]) -> str:
        return f"#review-near li.pair[data-pair='{p['image_id']}-{p['other_image_id']}']"
    # Side by side: both photos of each pair, with their names.
    item = css(driver, pair_item(first))
    assert len(item.find_elements(By.CSS_SELECTOR, "figure img")) == 2
    # Manter the first pair's left photo; descartar the second's right one.
    kept = first["image"]
    item.find_element(By.CSS_SELECTOR, f"button[aria-label='Manter {kept['original_name']}']").click()
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, pair_item(first)), 10,
         "first pair gone")
    dropped = second["other"]
    css(driver, pair_item(second)).find_element(
        By.CSS_SELECTOR, f"button[aria-label='Descartar {dropped['original_name']}']").click()
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, pair_item(second)), 10,
         "second pair gone")

    def status(image_id: int) -> str:
        return str(api(shoot.server, shoot.key, f"/images/{image_id}")["status"])
    assert status(kept["id"]) == "approved"
    assert status(first["other"]["id"]) == "pending"  # the other one untouched
    assert status(dropped["id"]) == "rejected"
    assert status(second["image"]["id"]) == "pending"
    assert console_errors(driver) == []


def test_product_photo_zooms(shoot: Shoot, browser_factory: Callable[..., Any]) -> None:
    product = api(shoot.server, shoot.key, "/products?sku=AB200")["items"][0]["id"]
    record = api(shoot.server, shoot.key, f"/products/{product}")
    front = next(i for g in record["photos"] if g["view"] == "front" for i in g["images"])
    driver = browser_factory()
    login(driver, shoot.server.url, shoot.key)
    open_page(driver, shoot.server.url, f"produto/{product}")
    assert not driver.find_elements(By.CSS_SELECTOR, "dialog.zoom[open]")
    button = css(driver, f"li[data-image='{front['id']}'] button.zoom-button")
    assert button.get_attribute("aria-label") == "Ampliar foto AB200_FRENTE.jpg"
    button.click()
    dialog = css(driver, "dialog.zoom[open]")
    img = dialog.find_element(By.TAG_NAME, "img")
    wait(driver, lambda d: d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", img), 20, "zoom loaded")
    # The zoom variant's signed URL (its expiry and signature are fresh).
    src = urllib.parse.urlsplit(img.get_attribute("src"))
    want = urllib.parse.urlsplit(front["urls"]["zoom"])
    assert src.path == want.path == f"/images/{front['id']}", src
    assert urllib.parse.parse_qs(src.query)["size"] == ["zoom"], src
    assert "sig" in urllib.parse.parse_qs(src.query)
    assert dialog.find_element(By.ID, "zoom-title").text == "AB200_FRENTE.jpg"
    assert img.get_attribute("alt") == "AB200_FRENTE.jpg"
    # The keyboard closes it and gives focus back to the photo.
    dialog.send_keys("\ue00c")  # Escape
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.zoom[open]"), 5,
         "zoom closed")
    assert driver.switch_to.active_element == button
    assert console_errors(driver) == []


def test_blurhash_placeholder_until_the_photo_loads(
        shoot: Shoot, browser_factory: Callable[..., Any]) -> None:
    """The offline analysis stored a BlurHash: the Produtos card shows it,
    decoded as the reference decoder does, while the photo is on its way;
    once the photo is in, the placeholder goes."""
    reference = pytest.importorskip("blurhash")
    product = api(shoot.server, shoot.key, "/products?sku=AB200")["items"][0]["id"]
    cover = api(shoot.server, shoot.key, f"/product-covers?ids={product}")["items"][0]["image"]
    assert cover["blurhash"], cover
    driver = browser_factory()
    login(driver, shoot.server.url, shoot.key)
    # The photos never arrive: only the placeholder can show.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*size=*"]})
    driver.get(f"{shoot.server.url}/#/produtos")
    # The card's picture, once its cover came (a loading box before).
    box_js = (f"return document.querySelector(\".product-grid a[href='#/produto/{product}'] "
              f".photo:not(.photo-loading)\")")
    background_js = box_js.replace("return ", "const b = ", 1) + \
        "; return b ? getComputedStyle(b).backgroundImage : null"
    prefix = 'url("data:image/png;base64,'
    background = wait(driver, lambda d: (d.execute_script(background_js) or "").startswith(
        prefix) and d.execute_script(background_js), 10, "placeholder shown")
    data = background[len(prefix):-2]
    with PIL.open(io.BytesIO(base64.b64decode(data))) as shown:
        assert shown.size == (32, 32)
        rgb = shown.convert("RGB")
        got = [rgb.getpixel((x, y)) for y in range(32) for x in range(32)]
    want = [tuple(px) for row in reference.decode(cover["blurhash"], 32, 32) for px in row]
    worst = max(abs(a - b) for p, q in zip(got, want) for a, b in zip(p, q))
    assert worst <= 3, f"placeholder differs from the reference decoder by {worst}"
    assert len(set(got)) > 8  # a gradient, not one flat colour

    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    driver.get("about:blank")
    driver.get(f"{shoot.server.url}/#/produtos")
    wait(driver, lambda d: d.execute_script(
        box_js.replace("return ", "const b = ", 1) + "; const i = b?.querySelector('img');"
        "return !!i && i.complete && i.naturalWidth > 0"), 20, "photo loaded")
    wait(driver, lambda d: d.execute_script(background_js) == "none", 5, "placeholder gone")


def test_cross_sku_conflicts_resolved_on_the_review_page(
        shoot: Shoot, browser_factory: Callable[..., Any]) -> None:
    """The shoot's look-alikes are filed under other SKUs (AB201_FRENTE is
    AB200_FRENTE made smaller, AB203_FRENTE is AB202_FRENTE saved again):
    Revisão lists both as Conflitos entre SKUs; one is moved to the SKU it
    belongs to, the other kept on both. (Last in the module: it moves a
    photo to AB200.)"""
    found = api(shoot.server, shoot.key, "/conflicts")["items"]
    # Which of a pair is "the other" (the later one) depends on the order
    # the workers took the files in.
    by_pair = {frozenset((c["image_name"], c["other_name"])): c for c in found}
    first = frozenset(("AB200_FRENTE.jpg", "AB201_FRENTE.jpg"))
    second = frozenset(("AB202_FRENTE.jpg", "AB203_FRENTE.jpg"))
    assert set(by_pair) == {first, second}, found
    moved, shared = by_pair[first], by_pair[second]
    assert moved["kind"] == "near"
    assert {moved["image_sku"], moved["other_sku"]} == {"AB200", "AB201"}, moved
    misfiled = moved["other_image_id"] if moved["other_sku"] == "AB201" else moved["image_id"]
    driver = browser_factory()
    login(driver, shoot.server.url, shoot.key)
    open_page(driver, shoot.server.url, "revisao")

    def item(c: dict[str, Any]) -> str:
        return f"#review-conflicts li.pair[data-conflict='{c['id']}']"
    row = css(driver, item(moved))
    assert len(row.find_elements(By.CSS_SELECTOR, "figure img")) == 2
    said = f"parece com {moved['image_name']} (SKU {moved['image_sku']})"
    assert said in row.text, row.text
    def press(button: Any) -> None:
        # Centred first: the list moves as rows go, and the sticky header
        # must not be over the button when it is clicked.
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
    press(row.find_element(By.CSS_SELECTOR, "button[data-action=relink][data-sku=AB200]"))
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, item(moved)), 10, "moved")
    press(css(driver, item(shared)).find_element(By.CSS_SELECTOR, "button[data-action=dismiss]"))
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, item(shared)), 10, "dismissed")
    image = api(shoot.server, shoot.key, f"/images/{misfiled}")
    assert image["sku_base"] == "AB200"
    states = {c["id"]: c["state"] for c in
              api(shoot.server, shoot.key, "/conflicts?state=all")["items"]}
    assert states == {moved["id"]: "relinked", shared["id"]: "dismissed"}
    assert api(shoot.server, shoot.key, "/conflicts")["items"] == []
    assert console_errors(driver) == []
