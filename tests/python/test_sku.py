"""Filename grammar and matching: imagebank.parse_filename, SkuRules,
KnownSkus, match, and the `imagebank sku` command."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import imagebank
from conftest import DATA


def triple(path, **kw):
    p = imagebank.parse_filename(path, **kw)
    return (p.sku_base, p.sequence, p.view)


# --- rule by rule, default rules -------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("ABC123_01.jpg", ("ABC123", "01", "")),
    ("ABC123-A.JPG", ("ABC123", "A", "")),
    ("ABC123_FRENTE.jpg", ("ABC123", "FRENTE", "front")),
    ("abc123_detalhe2.jpeg", ("ABC123", "DETALHE2", "detail")),
    ("10.02.0345_01.jpg", ("10.02.0345", "01", "")),
    ("ABC123 (2).jpg", ("ABC123", "2", "")),
    ("abc-123_01.jpg", ("ABC-123", "01", "")),
    ("Verao25/ABC123/01.jpg", ("ABC123", "01", "")),
])
def test_issue_examples(name, expected):
    assert triple(name) == expected


def test_issue_example_with_known_sku():
    p = imagebank.parse_filename("ab77_costas.png", known=["AB-77"])
    assert (p.sku_base, p.sequence, p.view) == ("AB-77", "COSTAS", "back")
    assert p.reason == "known_sku"
    assert p.confidence == 1.0


@pytest.mark.parametrize("ext", [
    ".jpg", ".jpeg", ".png", ".webp", ".avif", ".tif", ".tiff", ".heic",
    ".gif", ".JPG", ".HeIc", ".jpg.jpg", ".png.PNG.jpeg"])
def test_extensions_any_case_and_repeated(ext):
    assert triple("ABC123_01" + ext) == ("ABC123", "01", "")


def test_other_extensions_stay():
    assert triple("ABC123_01.pdf") == ("ABC123_01.PDF", "", "")


@pytest.mark.parametrize("name", [
    "ABC123_01 - Cópia.jpg", "ABC123_01 - Copia.jpg", "ABC123_01 - COPIA.jpg",
    "ABC123_01 copy.jpg", "ABC123_01 - Copy.jpg", "Cópia de ABC123_01.jpg",
    "Copy of ABC123_01.jpg", "ABC123_01 - Cópia (2).jpg",
    "ABC123_01 copy 2.jpg", "ABC123_01 - Copia - Copia.jpg",
    "ABC123_01.jpg - Copia.jpg", "ABC123_01 - Co\u0301pia.jpg"])
def test_copy_markers(name):
    assert triple(name) == ("ABC123", "01", "")


def test_trailing_count():
    assert triple("ABC123 (2).jpg") == ("ABC123", "2", "")
    assert triple("ABC123(12).jpg") == ("ABC123", "12", "")
    assert triple("ABC123_FRENTE (3).jpg") == ("ABC123", "FRENTE_3", "front")
    assert triple("ABC123 (2024).jpg") == ("ABC123 (2024)", "", "")


def test_case_and_accents():
    assert triple("ABC123_Trás.jpg") == ("ABC123", "TRAS", "back")
    assert triple("ação-123_01.jpg") == ("ACAO-123", "01", "")
    assert triple("Calça 1020_costas.jpg") == ("CALCA 1020", "COSTAS", "back")


def test_consumption_from_the_end():
    assert triple("ABC123_A_01.jpg") == ("ABC123", "A_01", "")
    assert triple("ABC123_costas_detalhe_2.jpg") == (
        "ABC123", "COSTAS_DETALHE_2", "back")
    assert triple("ABC_123.jpg") == ("ABC_123", "", "")
    assert triple("ABC123_FRENTE123.jpg") == ("ABC123_FRENTE123", "", "")
    assert triple("ABC_01_XYZ.jpg") == ("ABC_01_XYZ", "", "")
    assert triple("ABC123_AB.jpg") == ("ABC123_AB", "", "")


VIEW_WORDS = {
    "front": "FRENTE FRONTAL FRONT", "back": "COSTAS VERSO TRAS BACK",
    "side": "LATERAL LADO PERFIL SIDE",
    "detail": "DETALHE DET DETAIL ZOOM CLOSE", "top": "TOPO CIMA TOP",
    "look": "LOOK MODELO MODEL LIFESTYLE AMBIENTADA",
    "flat": "FLAT STILL PRODUTO", "inside": "INTERNA INTERNO INSIDE",
    "sole": "SOLA SOLADO", "pair": "PAR PAIR",
}


@pytest.mark.parametrize("view, word", [
    (view, word) for view, words in VIEW_WORDS.items()
    for word in words.split()])
def test_every_view_word(view, word):
    assert triple(f"XY900_{word}.jpg") == ("XY900", word, view)
    assert triple(f"XY900_{word.lower()}7.jpg") == ("XY900", word + "7", view)
    assert triple(f"XY900_{word}12.png") == ("XY900", word + "12", view)


def test_default_view_words_are_the_issue_list():
    words = imagebank.SkuRules().view_words
    expected = {w: v for v, ws in VIEW_WORDS.items() for w in ws.split()}
    assert words == expected


def test_first_view_word_gives_the_view():
    assert imagebank.parse_filename("XY900_lado_frente.jpg").view == "side"


@pytest.mark.parametrize("path, expected", [
    ("Verao25/ABC123/01.jpg", ("ABC123", "01", "")),
    ("ABC123/FRENTE.jpg", ("ABC123", "FRENTE", "front")),
    ("C:\\Fotos\\ABC123\\01.jpg", ("ABC123", "01", "")),
    ("C:\\Fotos/ABC123\\02.JPG", ("ABC123", "02", "")),
    ("ABC123 - Cópia (2)/01.jpg", ("ABC123", "01", "")),
    ("ABC123/.jpg", ("ABC123", "", "")),
])
def test_parent_folder(path, expected):
    p = imagebank.parse_filename(path)
    assert (p.sku_base, p.sequence, p.view) == expected
    assert p.from_folder
    assert p.confidence == 0.5


def test_folder_only_when_the_name_has_no_sku():
    p = imagebank.parse_filename("XYZ999/ABC123_01.jpg")
    assert p.sku_base == "ABC123" and not p.from_folder


@pytest.mark.parametrize("name", [
    "IMG_1234.jpg", "IMG-20240101-WA0001.jpg", "DSC_0001.JPG", "DSC01234.JPG",
    "DSCF1234.JPG", "DSCN1234.jpg", "_MG_1234.jpg", "P1010001.JPG",
    "PXL_20240101_123456789.jpg", "WhatsApp Image 2024-01-01 at 10.00.00.jpeg",
    "Screenshot 2024-01-01 at 10.00.00.png",
    "Captura de Tela 2024-01-01 às 10.00.00.png", "IMG_1234 (2).jpg",
    "img_1234.jpg", "20240101_123456.jpg", "DCIM/100CANON/IMG_1234.JPG"])
def test_camera_defaults(name):
    p = imagebank.parse_filename(name)
    assert p.reason == "camera_default"
    assert (p.sku_base, p.sequence, p.confidence) == ("", "", 0.0)


@pytest.mark.parametrize("name", ["IMG_12.jpg", "P123456.jpg", "DSC1234.jpg"])
def test_camera_near_misses_are_skus(name):
    assert imagebank.parse_filename(name).reason == "grammar"


def test_confidence_values():
    conf = lambda n: imagebank.parse_filename(n).confidence  # noqa: E731
    assert conf("ABC123_01.jpg") == 0.8
    assert conf("ABC123.jpg") == 0.6
    assert conf("ABC123/01.jpg") == 0.5
    assert conf("vestido azul_01.jpg") == 0.4
    assert conf("vestido.jpg") == 0.3


@pytest.mark.parametrize("name", ["", ".jpg", "   ", "___", "01.jpg",
                                  "FRENTE.jpg", "/01.jpg", "C:\\01.jpg"])
def test_no_sku(name):
    p = imagebank.parse_filename(name)
    assert p.reason == "no_sku" and p.sku_base == "" and p.confidence == 0


def test_path_types():
    assert triple(pathlib.PurePosixPath("ABC123/01.jpg")) == ("ABC123", "01", "")
    assert triple(b"ABC123_01.jpg") == ("ABC123", "01", "")
    # Windows-1252 bytes, and the same bytes as os.fsdecode() gives them.
    raw = b"Cal\xe7a-900_tr\xe1s.jpg"
    assert triple(raw) == ("CALCA-900", "TRAS", "back")
    assert triple(os.fsdecode(raw)) == ("CALCA-900", "TRAS", "back")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.parse_filename(12)  # type: ignore[arg-type]


def test_too_long():
    ok = "ABC123_" + "X" * (4096 - 14) + "_01.jpg"
    assert imagebank.parse_filename(ok).sequence == "01"
    with pytest.raises(imagebank.LimitExceededError, match="4097 bytes"):
        imagebank.parse_filename(ok + "g")


# --- known SKUs -----------------------------------------------------------

def test_known_skus_longest_prefix_at_token_boundary():
    known = imagebank.KnownSkus(["ABC", "ABC123", "ABC-12", "XY"])
    assert triple("ABC123_01.jpg", known=known) == ("ABC123", "01", "")
    assert triple("abc_123_frente.jpg", known=known) == (
        "ABC123", "FRENTE", "front")
    assert triple("ABC_XYZ.jpg", known=known) == ("ABC", "XYZ", "")
    p = imagebank.parse_filename("ABC123X_01.jpg", known=known)
    assert (p.reason, p.sku_base) == ("grammar", "ABC123X")
    assert p.confidence < 1


def test_known_skus_spelling_goes_first():
    known = ["AB-1", "AB-101"]
    assert triple("AB-1_01.jpg", known=known) == ("AB-1", "01", "")
    assert triple("AB101.jpg", known=known) == ("AB-101", "", "")


def test_known_skus_separators_case_accents():
    known = ["10.02.0345", "Calça-900", "AB-77"]
    assert triple("10020345_01.jpg", known=known) == ("10.02.0345", "01", "")
    assert triple("CALCA900_frente.jpg", known=known) == (
        "Calça-900", "FRENTE", "front")
    assert triple("AB77_azul_costas.jpg", known=known) == (
        "AB-77", "AZUL_COSTAS", "back")


def test_known_skus_parent_folder():
    known = imagebank.KnownSkus(["ABC123", "AB-77"])
    p = imagebank.parse_filename("Verao25\\abc-123\\01.jpg", known=known)
    assert (p.sku_base, p.sequence, p.reason, p.from_folder) == (
        "ABC123", "01", "known_sku", True)
    p = imagebank.parse_filename("ABC123/IMG_1234.jpg", known=known)
    assert (p.sku_base, p.sequence) == ("ABC123", "IMG_1234")
    p = imagebank.parse_filename("AB-77/XY-780_01.jpg", known=known)
    assert (p.reason, p.sku_base) == ("grammar", "XY-780")


def test_known_skus_object():
    skus: list[str | bytes] = [" AB-77 ", "ab77", "", "Calça-9", b"X\xe71"]
    known = imagebank.KnownSkus(iter(skus))
    assert known.skus() == ["AB-77", "Calça-9", "Xç1"]
    assert len(known) == 3 and list(known) == known.skus()
    assert "ab 77" in known and "AB7" not in known and 5 not in known
    assert known.find("CALCA9") == 1 and known.find("nope") is None
    assert repr(known) == "KnownSkus(3 SKUs)"
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.KnownSkus("AB-77")  # one string is not a list
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.KnownSkus([1, 2])  # type: ignore[list-item]


class FakeCarteira:
    """Anything with a skus() method, as the Carteira has."""

    def skus(self):
        return ["AB-77", "ZZ-1"]


def test_known_skus_duck_typed():
    assert imagebank.parse_filename(
        "ab77_01.jpg", known=FakeCarteira()).reason == "known_sku"
    assert imagebank.KnownSkus(FakeCarteira()).skus() == ["AB-77", "ZZ-1"]


# --- SkuParse and SkuRules ------------------------------------------------

def test_skuparse_api():
    p = imagebank.parse_filename("ABC123_FRENTE.jpg")
    assert p.to_dict() == {"sku_base": "ABC123", "sequence": "FRENTE",
                           "view": "front", "confidence": 0.8,
                           "reason": "grammar", "from_folder": False}
    assert repr(p) == ("SkuParse(sku_base='ABC123', sequence='FRENTE', "
                       "view='front', confidence=0.8, reason='grammar')")
    assert p == imagebank.parse_filename("abc123_frente.png")
    assert p != imagebank.parse_filename("ABC123_COSTAS.jpg")
    with pytest.raises(AttributeError):
        p.sku_base = "X"  # type: ignore[misc]


def test_rules_configurable():
    rules = imagebank.SkuRules(
        extensions=["raw"], view_words={"Peça": "piece"},
        copy_suffixes=[" (cópia)"], copy_prefixes=["old-"],
        camera_patterns=["CAM####"], separators="_+", max_sequence_digits=3)
    assert triple("ab-1+PECA2.raw", rules=rules) == ("AB-1", "PECA2", "piece")
    assert triple("old-AB-1_123 (copia).raw", rules=rules) == ("AB-1", "123", "")
    assert imagebank.parse_filename("cam1234.raw", rules=rules).reason == \
        "camera_default"
    assert triple("AB-1_01.jpg", rules=rules) == ("AB-1_01.JPG", "", "")
    rules.max_sequence_digits = 0
    assert triple("AB-1_01.raw", rules=rules) == ("AB-1_01", "", "")
    rules.folder_fallback = False
    assert imagebank.parse_filename("AB1/PECA.raw", rules=rules).reason == "no_sku"
    rules.max_name_bytes = 8
    with pytest.raises(imagebank.LimitExceededError):
        imagebank.parse_filename("AB1_1.raw", rules=rules)
    assert rules.view_words == {"Peça": "piece"}
    assert rules.separators == "_+"
    assert "max_sequence_digits=0" in repr(rules)


def test_rules_defaults():
    r = imagebank.SkuRules()
    assert r.max_sequence_digits == 2 and r.max_name_bytes == 4096
    assert r.separators == "_-. " and r.folder_fallback
    assert ".jpg" in r.extensions and ".heic" in r.extensions
    assert " - Cópia" in r.copy_suffixes and "Cópia de " in r.copy_prefixes
    assert "IMG_####*" in r.camera_patterns


@pytest.mark.parametrize("kwargs", [
    {"max_sequence_digits": 10}, {"max_sequence_digits": -1},
    {"max_name_bytes": 0}, {"view_words": {"LADO_B": "side"}},
    {"view_words": {"FOTO2": "look"}}, {"view_words": {"X": ""}},
    {"extensions": [".tar.gz"]}, {"camera_patterns": [""]},
    {"separators": "_\u00a0"}])
def test_rules_invalid(kwargs):
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.SkuRules(**kwargs)


@pytest.mark.parametrize("kwargs", [
    {"extensions": ".jpg"}, {"view_words": ["FRENTE"]},
    {"max_sequence_digits": "2"}])
def test_rules_wrong_types(kwargs):
    with pytest.raises(TypeError):
        imagebank.SkuRules(**kwargs)


def test_rules_setter_validates_and_keeps_old_value():
    r = imagebank.SkuRules()
    with pytest.raises(imagebank.InvalidArgumentError):
        r.max_sequence_digits = 12
    assert r.max_sequence_digits == 2


# --- match ----------------------------------------------------------------

NAMES = [
    "ab77_costas.png", "AB-77_FRENTE.jpg", "AB-77_01.jpg", "IMG_1234.jpg",
    "XYZ999_01.jpg", "Verao/ABC123/detalhe.jpg", "xyz999_frente.jpg",
    "01.jpg", "A" * 5000,
]


@pytest.mark.parametrize("known", [
    ["AB-77", "ABC123", "ZZ-1"],
    imagebank.KnownSkus(["AB-77", "ABC123", "ZZ-1"]),
    type("Carteira", (), {"skus": lambda self: ["AB-77", "ABC123", "ZZ-1"]})(),
])
def test_match_report(known):
    r = imagebank.match(NAMES, known)
    assert [f.input for f in r.files] == NAMES
    assert [f.matched for f in r.files] == [
        True, True, True, False, False, True, False, False, False]
    assert r.files[0].sku == "AB-77" and r.files[3].sku is None
    assert r.files[0].parse.view == "back"
    assert r.files[3].parse.reason == "camera_default"
    assert r.files[0].error is None
    assert isinstance(r.files[8].error, imagebank.LimitExceededError)
    assert [(s.sku, s.photos, s.views) for s in r.skus] == [
        ("AB-77", 3, ["front", "back"]), ("ABC123", 1, ["detail"]),
        ("ZZ-1", 0, [])]
    assert r.skus_without_photos == ["ZZ-1"]
    assert r.photos_without_sku == [NAMES[i] for i in (3, 4, 6, 7, 8)]
    assert [(s.sku, s.photos, s.views) for s in r.unknown_skus] == [
        ("XYZ999", 2, ["front"])]
    d = r.to_dict()
    assert d["skus_without_photos"] == ["ZZ-1"]
    assert d["files"][0]["parse"]["sku_base"] == "AB-77"
    assert d["files"][8]["error"]["code"] == "limit_exceeded"
    assert "matched=4" in repr(r)


def test_match_large_batch_in_order():
    skus = [f"SKU-{i}" for i in range(3000)]
    names = [f"sku-{i % 4000}_{'abc'[i % 3]}.jpg" for i in range(20000)]
    r = imagebank.match(names, skus)
    assert [f.input for f in r.files] == names
    assert all(f.matched == (i % 4000 < 3000) for i, f in enumerate(r.files))
    assert len(r.photos_without_sku) == 5000 and not r.skus_without_photos


def test_match_keeps_report_alive():
    files = imagebank.match(["AB1_01.jpg"], ["AB1"]).files
    assert files[0].parse.sku_base == "AB1"  # the report is gone by now


def test_match_with_rules_and_bad_known():
    rules = imagebank.SkuRules(view_words={"F": "front"})
    r = imagebank.match(["AB1_F.jpg"], ["AB1"], rules=rules)
    assert r.skus[0].views == ["front"]
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.match(["AB1.jpg"], "AB1")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.match("AB1.jpg", ["AB1"])


# --- CLI ------------------------------------------------------------------

def cli() -> str:
    path = shutil.which("imagebank", path=os.path.dirname(sys.executable))
    assert path, "the wheel installs the imagebank command next to python"
    return path


def run(*args, stdin=None):
    return subprocess.run([cli(), "sku", *args], capture_output=True,
                          input=stdin)


def json_lines(stdout: bytes):
    return [json.loads(line) for line in stdout.decode().splitlines()]


def test_cli_json_lines():
    r = run("--json", "ABC123_FRENTE.jpg", "IMG_1234.jpg", "Verao25/ABC123/01.jpg")
    assert r.returncode == 0, r.stderr
    lines = json_lines(r.stdout)
    assert lines[0] == {"input": "ABC123_FRENTE.jpg", "sku_base": "ABC123",
                        "sequence": "FRENTE", "view": "front",
                        "confidence": 0.8, "reason": "grammar"}
    assert lines[1]["reason"] == "camera_default"
    assert (lines[2]["sku_base"], lines[2]["sequence"]) == ("ABC123", "01")


def test_cli_text():
    r = run("ABC123_FRENTE.jpg", "IMG_1234.jpg")
    assert r.returncode == 0
    assert r.stdout.decode().splitlines() == [
        "ABC123_FRENTE.jpg: sku ABC123, sequence FRENTE, view front "
        "(grammar, confidence 0.80)",
        "IMG_1234.jpg: no sku (camera_default)"]


def test_cli_known_skus_file(tmp_path: pathlib.Path):
    # BOM, CRLF, blank lines and Windows-1252 all tolerated.
    lst = tmp_path / "skus.txt"
    lst.write_bytes(b"\xef\xbb\xbfAB-77\r\n\r\n  Cal\xc3\xa7a-9  \r\nZZ-1\r\n")
    r = run("--json", "--known-skus", str(lst), "ab77_costas.png",
            "CALCA9_01.jpg")
    assert r.returncode == 0, r.stderr
    a, b = json_lines(r.stdout)
    assert (a["sku_base"], a["sequence"], a["view"], a["reason"],
            a["confidence"]) == ("AB-77", "COSTAS", "back", "known_sku", 1.0)
    assert b["sku_base"] == "Calça-9"
    ansi = tmp_path / "ansi.txt"
    ansi.write_bytes(b"Cal\xe7a-9\n")
    r = run("--json", "--known-skus", str(ansi), "calca9.jpg")
    assert json_lines(r.stdout)[0]["sku_base"] == "Calça-9"


def test_cli_report(tmp_path: pathlib.Path):
    lst = tmp_path / "skus.txt"
    lst.write_text("AB-77\nZZ-1\n")
    r = run("--json", "--report", "--known-skus", str(lst), "AB77_FRENTE.jpg",
            "IMG_1234.jpg", "XYZ999_01.jpg")
    assert r.returncode == 0
    lines = json_lines(r.stdout)
    report = [line for line in lines if "type" in line]
    assert report == [
        {"type": "sku", "sku": "AB-77", "photos": 1, "views": ["front"]},
        {"type": "sku", "sku": "ZZ-1", "photos": 0, "views": []},
        {"type": "unknown_sku", "sku": "XYZ999", "photos": 1, "views": []},
        {"type": "photo_without_sku", "input": "IMG_1234.jpg",
         "reason": "camera_default"},
        {"type": "photo_without_sku", "input": "XYZ999_01.jpg",
         "reason": "grammar"},
        {"type": "summary", "files": 3, "matched": 1, "photos_without_sku": 2,
         "skus": 2, "skus_with_photos": 1, "skus_without_photos": 1,
         "unknown_skus": 1}]
    text = run("--report", "--known-skus", str(lst), "AB77_FRENTE.jpg").stdout
    assert "sku ZZ-1: no photos" in text.decode()


def test_cli_exit_codes(tmp_path: pathlib.Path):
    r = run("--json", "ABC123_01.jpg", "A" * 5000)
    assert r.returncode == 1
    ok, bad = json_lines(r.stdout)
    assert ok["sku_base"] == "ABC123"
    assert bad["error"]["code"] == "limit_exceeded"
    assert run().returncode == 2
    assert run("--known-skus", str(tmp_path / "missing.txt"), "A1.jpg").returncode == 2
    xlsx = tmp_path / "carteira.xlsx"
    xlsx.write_bytes(b"PK")
    r = run("--json", "--known-skus", str(xlsx), "A1.jpg")
    assert r.returncode == 2
    # Read as a Carteira (its content is not a workbook): no SKUs in it.
    assert json_lines(r.stdout)[0]["error"]["code"] == "invalid_argument"
    carteira = DATA / "carteira" / "carteira.xlsx"
    r = run("--json", "--known-skus", str(carteira), "abc-77_costas.jpg", "zz999_01.jpg")
    assert r.returncode == 0, r.stderr
    known, unknown = json_lines(r.stdout)
    assert (known["sku_base"], known["view"], known["reason"]) == ("ABC-77", "back", "known_sku")
    assert unknown["reason"] == "grammar"
    assert b"no SKU; row skipped" in r.stderr  # the Carteira's error issue
    utf16 = tmp_path / "skus.txt"
    utf16.write_bytes("AB-77\n".encode("utf-16"))
    assert run("--known-skus", str(utf16), "A1.jpg").returncode == 2


def test_cli_names_from_stdin():
    r = run("--json", "--from", "-", stdin=b"ABC123_01.jpg\r\nXY900_FRENTE.jpg\n")
    assert r.returncode == 0
    assert [line["sku_base"] for line in json_lines(r.stdout)] == ["ABC123", "XY900"]
