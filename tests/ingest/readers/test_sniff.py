"""Tests for lib.ingest.readers.sniff: delimiter and header found on the sample."""

from __future__ import annotations

import pytest

from tests.ingest.readers.helpers import one


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_with_quoted_delimiters(delimiter):
    d = delimiter
    text = f'id{d}subject{d}group\n1{d}"a{d}b"{d}Tier 2\n2{d}plain{d}"x, y; z | w"\n'
    t = one(text.encode(), name="t.csv")
    assert t.delimiter == d
    assert t.frame.rows() == [("1", f"a{d}b", "Tier 2"), ("2", "plain", "x, y; z | w")]


def test_semicolon_with_decimal_commas_is_not_read_as_comma():
    t = one(b"id;amount;name\n1;3,5;a\n2;4,0;b\n3;1,25;c\n", name="t.csv")
    assert t.delimiter == ";"
    assert t.frame.columns == ["id", "amount", "name"]


def test_tsv_extension_prefers_tab_for_single_column():
    assert one(b"subject\nhello\n", name="t.tsv").delimiter == "\t"
    assert one(b"subject\nhello\n", name="t.csv").delimiter == ","


def test_stray_delimiters_at_line_ends():
    # header without, data with a trailing delimiter (and the other way round)
    t = one(b"id,subject\n1,a,\n2,b,\n", name="t.csv")
    assert t.frame.rows() == [("1", "a"), ("2", "b")]
    t = one(b"id,subject,\n1,a\n2,b\n", name="t.csv")
    assert t.frame.rows() == [("1", "a"), ("2", "b")]
    assert t.frame.columns == ["id", "subject"]


def test_a_file_without_a_header_line_says_so():
    t = one(b"1,2,3\n4,5,6\n", name="numbers.csv")
    assert t.frame.columns == ["1", "2", "3"]
    assert "no line looks like column names; used line 1 as the header" in t.notes
