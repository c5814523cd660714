"""Column matching by header name alone."""

from __future__ import annotations

from lib.ingest.keys import KEYS
from lib.ingest.name_match import match_by_name
from tests.ingest.column_cases import GENERIC, found, read


def test_generic_header_by_name_only():
    header = read("vendor_generic_header.csv").columns
    m = match_by_name(header)
    assert set(m) == set(KEYS)
    assert found(m) == GENERIC
    assert m["priority"].why == "name 'Prio' matches 'prio'"
    assert m["agent"].score == 1.0
