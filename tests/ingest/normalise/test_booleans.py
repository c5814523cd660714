"""Tests for lib.ingest.normalise.booleans."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest.normalise import (
    parse_bool,
)
from tests.ingest.normalise.helpers import one

BOOL_CASES = [
    ("true", True),
    ("TRUE", True),
    ("False", False),
    ("yes", True),
    ("No", False),
    ("y", True),
    ("N", False),
    ("1", True),
    ("0", False),
    ("1.0", True),
    ("x", True),
    ("X", True),
    ("escalated", True),
    ("Not escalated", False),
    ("non-escalated", False),
    ("checked", True),
    ("unchecked", False),
    ("maybe", None),
    ("10", None),
    ("-", None),
]


@pytest.mark.parametrize(("raw", "expected"), BOOL_CASES)
def test_parse_bool(raw, expected):
    got, rep = one(parse_bool, raw)
    assert got is expected
    failed = 1 if expected is None and raw != "-" else 0
    assert rep.failed == failed


def test_parse_bool_native():
    assert parse_bool(pl.Series([True, None]))[0].to_list() == [True, None]
    out, rep = parse_bool(pl.Series([1, 0, 2]))
    assert out.to_list() == [True, False, None]
    assert rep.failed == 1
