"""Tests for lib.ingest.readers.names: column names from the header row."""

from __future__ import annotations

import pytest

from lib.ingest.readers import names as readers
from tests.ingest.readers.helpers import one


def test_header_names_are_stripped_of_whitespace_and_bom():
    t = one(b"\xef\xbb\xbf Id ,  Subject\t\n1,a\n", name="t.csv")
    assert t.frame.columns == ["Id", "Subject"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["a", "a", "a"], ["a", "a (2)", "a (3)"]),
        (["a", "", " "], ["a", "column_2", "column_3"]),
        (["a", "a", "a (2)"], ["a", "a (3)", "a (2)"]),
        (["\ufeffid", " id "], ["id", "id (2)"]),
    ],
)
def test_unique_names(raw, expected):
    assert readers._unique_names(raw) == expected
