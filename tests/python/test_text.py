"""Text folding shared by the filename grammar and the Carteira reader."""
import pytest

import imagebank


def test_fold_text():
    assert imagebank.fold_text("Código") == "codigo"
    assert imagebank.fold_text("CO\u0301DIGO") == "codigo"
    assert imagebank.fold_text("Coleção".encode("cp1252")) == "colecao"
    assert imagebank.fold_text("Coleção".encode()) == "colecao"


def test_upper_without_accents():
    assert imagebank.upper_without_accents("abc-ação_01") == "ABC-ACAO_01"


def test_to_utf8():
    assert imagebank.to_utf8("Preço".encode("cp1252")) == "Preço"
    assert imagebank.to_utf8("Preço".encode()) == "Preço"
    assert imagebank.to_utf8(b"\x80") == "€"


def test_bad_type():
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.fold_text(12)  # type: ignore[arg-type]


def test_utf8_check_and_windows1252():
    assert imagebank.is_valid_utf8("Coleção".encode())
    assert not imagebank.is_valid_utf8(b"Cole\xe7\xe3o")
    assert not imagebank.is_valid_utf8(b"\xc0\xaf")  # overlong '/'
    assert imagebank.windows1252_to_utf8(b"Cole\xe7\xe3o \x80") == "Coleção €"


def test_hash_hex_round_trips():
    assert imagebank.hash_to_hex(0xF00D) == "000000000000f00d"
    assert imagebank.hash_from_hex("FFFFFFFFFFFFFFFF") == 2**64 - 1
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.hash_from_hex("xyz")
    raw = bytes(range(32))
    assert imagebank.pdq_to_hex(raw) == raw.hex()
    assert imagebank.pdq_from_hex(raw.hex().upper()) == raw
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.pdq_from_hex("00")
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.pdq_to_hex(b"short")
