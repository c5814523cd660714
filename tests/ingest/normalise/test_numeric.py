"""Tests for lib.ingest.normalise.numeric: integers and floats in every notation."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest.normalise import (
    parse_float,
    parse_int,
)
from tests.ingest.normalise.helpers import one

INT_CASES = [
    ("3", 3),
    ("3.0", 3),
    (" 12 ", 12),
    ("+3", 3),
    ("-2", -2),
    ("1,234", 1234),
    ("1 234", 1234),
    ("1,234,567", 1234567),
    ("2.5", None),
    ("3000000000", None),
    ("abc", None),
]


@pytest.mark.parametrize(("raw", "expected"), INT_CASES)
def test_parse_int(raw, expected):
    got, rep = one(parse_int, raw)
    assert got == expected
    assert rep.failed == (0 if expected is not None else 1)


def test_parse_int_native_and_dtype():
    out, rep = parse_int(pl.Series([1, None, 7], dtype=pl.Int64))
    assert (out.dtype, out.to_list(), rep.failed) == (pl.Int32, [1, None, 7], 0)
    out, rep = parse_int(pl.Series([1.0, 2.5, float("nan")]))
    assert out.to_list() == [1, None, None]
    assert rep.failed == 2
    out, _ = parse_int(pl.Series(["?", "4"]))
    assert out.dtype == pl.Int32 and out.to_list() == [None, 4]


FLOAT_CASES = [
    (["3,5", "-0,25", "1"], [3.5, -0.25, 1.0], "decimal comma"),
    (["1.234,5", "3,5"], [1234.5, 3.5], "decimal comma with dot thousands separators"),
    (["1,234.5", "3.5"], [1234.5, 3.5], "decimal point"),
    (["1,234", "2,500"], [1234.0, 2500.0], "decimal point"),
    (["1 234,5", "3"], [1234.5, 3.0], "decimal comma"),
    (["1e-3", "-", "nan", "inf"], [0.001, None, None, None], "decimal point"),
    (["3.5", "1,5"], [3.5, None], "decimal point"),
]


@pytest.mark.parametrize(("values", "expected", "detail"), FLOAT_CASES)
def test_parse_float(values, expected, detail):
    out, rep = parse_float(pl.Series(values))
    assert out.to_list() == expected
    assert rep.detail == detail
    bad = sum(
        1 for v, e in zip(values, expected, strict=True) if e is None and v not in ("-", "nan")
    )
    assert rep.failed == bad


def test_parse_float_native():
    out, rep = parse_float(pl.Series([1, 2, None]))
    assert (out.dtype, out.to_list(), rep.parsed) == (pl.Float64, [1.0, 2.0, None], 2)
