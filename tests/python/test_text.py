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
        imagebank.fold_text(12)
