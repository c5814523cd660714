"""Tests for lib.ingest.normalise.dates: one value at a time, native dtypes, placeholders, empty
columns. Every case states the exact value expected.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from lib.ingest.normalise import (
    parse_datetimes,
)
from tests.ingest.normalise.helpers import one, utc

DATE_CASES = [
    # ISO 8601
    ("2023-06-01T07:29:00Z", {}, utc(2023, 6, 1, 7, 29)),
    ("2023-06-01T07:29:00.250+02:00", {}, utc(2023, 6, 1, 5, 29, 0, 250000)),
    ("2023-06-01 07:29:00+0530", {}, utc(2023, 6, 1, 1, 59)),
    ("2023-06-01T07:29:00-04:00", {}, utc(2023, 6, 1, 11, 29)),
    ("2023-06-01T07:29:05.123456", {}, utc(2023, 6, 1, 7, 29, 5, 123456)),
    ("2023-06-01 07:29:05", {}, utc(2023, 6, 1, 7, 29, 5)),
    ("2023-06-01 07:29", {}, utc(2023, 6, 1, 7, 29)),
    ("2023-06-01 7:29", {}, utc(2023, 6, 1, 7, 29)),
    ("2023-06-01T07:29", {}, utc(2023, 6, 1, 7, 29)),
    ("2023-06-01", {}, utc(2023, 6, 1)),
    ("2023-06-01 07:29:00 UTC", {}, utc(2023, 6, 1, 7, 29)),
    ("  2023-06-01 07:29  ", {}, utc(2023, 6, 1, 7, 29)),
    ("2023/06/01 07:29", {}, utc(2023, 6, 1, 7, 29)),
    ("2023-06-01 3:04 PM", {}, utc(2023, 6, 1, 15, 4)),
    ("2023-06-01 03:04:05 pm", {}, utc(2023, 6, 1, 15, 4, 5)),
    ("20230601", {}, utc(2023, 6, 1)),
    ("20230601T120000Z", {}, utc(2023, 6, 1, 12)),
    # numeric day/month dates (one value decides nothing unless a part is above 12)
    ("29/2/2016 01:16", {}, utc(2016, 2, 29, 1, 16)),
    ("29-02-2016 01:16", {}, utc(2016, 2, 29, 1, 16)),
    ("02/29/2016", {}, utc(2016, 2, 29)),
    ("31.10.2017 22:10", {}, utc(2017, 10, 31, 22, 10)),
    ("1/2/2016 1:05", {}, utc(2016, 2, 1, 1, 5)),
    ("1/2/2016 1:05", {"dayfirst": False}, utc(2016, 1, 2, 1, 5)),
    ("1/2/2016 1:05", {"dayfirst": True}, utc(2016, 2, 1, 1, 5)),
    ("12/31/23 10:05 am", {}, utc(2023, 12, 31, 10, 5)),
    ("6/1/2023, 7:29 PM", {"dayfirst": False}, utc(2023, 6, 1, 19, 29)),
    ("13/1/16 0:00", {}, utc(2016, 1, 13)),
    ("29/2/2016 01:16:07", {}, utc(2016, 2, 29, 1, 16, 7)),
    # month names
    ("05/Mar/24 3:07 PM", {}, utc(2024, 3, 5, 15, 7)),
    ("05/Mar/24 12:07 AM", {}, utc(2024, 3, 5, 0, 7)),
    ("5/March/2024 9:00 AM", {}, utc(2024, 3, 5, 9)),
    ("Mar 5, 2024 3:07 PM", {}, utc(2024, 3, 5, 15, 7)),
    ("March 5, 2024", {}, utc(2024, 3, 5)),
    ("5 March 2024", {}, utc(2024, 3, 5)),
    ("05-Mar-2024 14:00", {}, utc(2024, 3, 5, 14)),
    ("Tue Oct 31 22:10:47 +0000 2017", {}, utc(2017, 10, 31, 22, 10, 47)),
    ("Tue Oct 31 22:10:47 +0100 2017", {}, utc(2017, 10, 31, 21, 10, 47)),
    ("Tue, 31 Oct 2017 22:10:47 +0100", {}, utc(2017, 10, 31, 21, 10, 47)),
    # epochs
    ("1700000000", {}, utc(2023, 11, 14, 22, 13, 20)),
    ("1700000000.5", {}, utc(2023, 11, 14, 22, 13, 20, 500000)),
    ("1700000000123", {}, utc(2023, 11, 14, 22, 13, 20, 123000)),
    # not dates
    ("2023-02-30", {}, None),
    ("2023-13-01 10:00", {}, None),
    ("3:04 PM", {}, None),
    ("next tuesday", {}, None),
    ("12345", {}, None),
    ("0016-01-01", {}, None),  # before 1900: a wrong reading, not a ticket date
]


@pytest.mark.parametrize(("raw", "kw", "expected"), DATE_CASES)
def test_parse_datetimes_single_values(raw, kw, expected):
    got, rep = one(parse_datetimes, raw, **kw)
    assert got == expected
    assert (rep.parsed, rep.failed) == ((1, 0) if expected else (0, 1))


def test_output_dtype_and_name():
    out, rep = parse_datetimes(pl.Series("opened_at", ["2023-06-01", None]))
    assert out.dtype == pl.Datetime("us", "UTC")
    assert out.name == "opened_at"
    assert rep.column == "opened_at"
    assert out.to_list() == [utc(2023, 6, 1), None]


def test_placeholders_are_null_not_failures():
    values = ["?", "-", "n/a", "N/A", "null", "NULL", "none", "None", "", "  ", None, "2023-06-01"]
    out, rep = parse_datetimes(pl.Series(values))
    assert out.to_list() == [None] * 11 + [utc(2023, 6, 1)]
    assert (rep.parsed, rep.failed, rep.failed_examples) == (1, 0, [])


def test_nothing_parses():
    out, rep = parse_datetimes(pl.Series(["soon", "later"]))
    assert out.to_list() == [None, None]
    assert (rep.parsed, rep.failed, rep.detail) == (0, 2, "no date format fits these values")


def test_empty_and_all_null_columns():
    for s in (pl.Series("c", [], dtype=pl.String), pl.Series("c", [None, None], dtype=pl.String)):
        out, rep = parse_datetimes(s)
        assert out.dtype == pl.Datetime("us", "UTC")
        assert out.len() == s.len()
        assert (rep.parsed, rep.failed) == (0, 0)


NATIVE_CASES = [
    (pl.Series([datetime(2023, 6, 1, 12)]), "UTC", utc(2023, 6, 1, 12)),
    (pl.Series([datetime(2023, 6, 1, 12)]), "Europe/Berlin", utc(2023, 6, 1, 10)),
    (pl.Series([datetime(2023, 3, 26, 2, 30)]), "Europe/Berlin", utc(2023, 3, 26, 1, 30)),
    (
        pl.Series([datetime(2023, 6, 1, 12)]).dt.replace_time_zone("America/New_York"),
        "Europe/Berlin",
        utc(2023, 6, 1, 16),
    ),
    (
        pl.Series([datetime(2023, 6, 1, 12)], dtype=pl.Datetime("ns", "UTC")),
        "UTC",
        utc(2023, 6, 1, 12),
    ),
    (pl.Series([date(2023, 6, 1)]), "UTC", utc(2023, 6, 1)),
    (pl.Series([date(2023, 6, 1)]), "Europe/Berlin", utc(2023, 5, 31, 22)),
    (pl.Series([1_700_000_000]), "Europe/Berlin", utc(2023, 11, 14, 22, 13, 20)),
    (pl.Series([1_700_000_000.25]), "UTC", utc(2023, 11, 14, 22, 13, 20, 250000)),
    (pl.Series([1_700_000_000_123]), "UTC", utc(2023, 11, 14, 22, 13, 20, 123000)),
    (pl.Series([20230601]), "UTC", utc(2023, 6, 1)),
    (pl.Series(["2023-06-01"], dtype=pl.Categorical), "UTC", utc(2023, 6, 1)),
]


@pytest.mark.parametrize(("s", "tz", "expected"), NATIVE_CASES)
def test_native_dtypes(s, tz, expected):
    out, rep = parse_datetimes(s, tz=tz)
    assert out.dtype == pl.Datetime("us", "UTC")
    assert out.to_list() == [expected]
    assert (rep.parsed, rep.failed) == (1, 0)


def test_excel_serials_only_when_asked():
    s = pl.Series([45078.5, 44927.0, 12.0])
    out, rep = parse_datetimes(s, excel_serial=True)
    assert out.to_list() == [utc(2023, 6, 1, 12), utc(2023, 1, 1), None]
    assert (rep.parsed, rep.failed, rep.detail) == (2, 1, "Excel serial dates")
    out, _ = parse_datetimes(pl.Series(["45078.5"]), excel_serial=True, tz="Europe/Berlin")
    assert out.to_list() == [utc(2023, 6, 1, 10)]
    out, _ = parse_datetimes(pl.Series([45078.5]))  # without the hint: epoch seconds, 1970
    assert out.to_list() == [utc(1970, 1, 1, 12, 31, 18, 500000)]


def test_booleans_are_not_dates():
    out, rep = parse_datetimes(pl.Series([True, None]))
    assert out.to_list() == [None, None]
    assert (rep.parsed, rep.failed) == (0, 1)


def test_padded_and_placeholder_values_are_cleaned_only_when_they_fail():
    # Clean values parse as they are; the padded one, the placeholder and the broken one are
    # looked at again after stripping: one is read, one is missing, one is a failure.
    values = ["2024-03-01 10:00", "  2024-03-02 11:00 ", "n/a", "2024-13-45 10:00", None] * 3
    out, rep = parse_datetimes(pl.Series("d", values))
    assert out.to_list()[:5] == [utc(2024, 3, 1, 10), utc(2024, 3, 2, 11), None, None, None]
    assert (rep.parsed, rep.failed) == (6, 3)
    assert [i for i, _ in rep.failed_examples] == [3, 8, 13]
