"""Tests for lib.ingest.normalise.placeholders: the words for "nobody" in person/group columns."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest.normalise.placeholders import NOBODY, nobody_to_null

EVERY_WORD = sorted({w for words in NOBODY.values() for w in words})


@pytest.mark.parametrize("word", EVERY_WORD)
def test_every_word_of_the_table_means_nobody_in_any_case(word):
    cells = [word, word.upper(), word.title(), f"({word.capitalize()})", f"-- {word} --"]
    assert nobody_to_null(pl.Series(cells)).to_list() == [None] * len(cells)


@pytest.mark.parametrize(
    "cell",
    ["Unassigned", "Sin asignar", "No asignado", "Não atribuído", "Nao atribuido", "NÃO ATRIBUÍDO",
     "Nicht zugewiesen", "Non assegnato", "Non assigné", "Niet toegewezen", "-", "n/a", "None",
     "(none)", "nobody", "<unassigned>"],
)  # fmt: skip
def test_the_issue_s_placeholders_are_missing(cell):
    assert nobody_to_null(pl.Series([cell, "Ana"])).to_list() == [None, "Ana"]


def test_real_names_containing_the_words_are_kept():
    names = ["Nobody Li", "Nadie Gómez", "Unassigned tickets team", "Aucunet", "Noneman", "Ana"]
    assert nobody_to_null(pl.Series(names)).to_list() == names
