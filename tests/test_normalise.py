"""Tests for lib.ingest.normalise: every case states the exact value expected."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.errors import IngestError
from lib.ingest.normalise import (
    ParseReport,
    clean_text,
    is_placeholder,
    normalise_channel,
    normalise_priority,
    normalise_status,
    parse_bool,
    parse_datetimes,
    parse_duration_minutes,
    parse_float,
    parse_int,
    parse_satisfaction,
    split_tags,
    unit_from_header,
)
from lib.schema import CHANNELS, PRIORITIES, STATUSES


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def one(fn, value, **kw):
    """Parse a one-value column and return (value, report)."""
    out, rep = fn(pl.Series("c", [value]), **kw)
    return out.to_list()[0], rep


# --------------------------------------------------------------------------------------------
# dates: one value at a time

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


LOCAL_CASES = [
    # Europe/Berlin: CET (+1) in winter, CEST (+2) in summer; 2023 changes on 26 Mar and 29 Oct
    ("2023-01-15 12:00", "Europe/Berlin", utc(2023, 1, 15, 11)),
    ("2023-06-01 12:00", "Europe/Berlin", utc(2023, 6, 1, 10)),
    ("2023-03-26 01:59", "Europe/Berlin", utc(2023, 3, 26, 0, 59)),
    ("2023-03-26 02:30", "Europe/Berlin", utc(2023, 3, 26, 1, 30)),  # skipped: shifted forward
    ("2023-03-26 03:00", "Europe/Berlin", utc(2023, 3, 26, 1)),
    ("2023-10-29 01:59", "Europe/Berlin", utc(2023, 10, 28, 23, 59)),
    ("2023-10-29 02:30", "Europe/Berlin", utc(2023, 10, 29, 0, 30)),  # repeated: earlier
    ("2023-10-29 03:00", "Europe/Berlin", utc(2023, 10, 29, 2)),
    ("29/10/2023 02:30", "Europe/Berlin", utc(2023, 10, 29, 0, 30)),
    ("2023-06-01", "Europe/Berlin", utc(2023, 5, 31, 22)),
    # an explicit offset wins over tz
    ("2023-06-01T12:00:00+05:30", "Europe/Berlin", utc(2023, 6, 1, 6, 30)),
    ("2023-06-01T12:00:00Z", "Europe/Berlin", utc(2023, 6, 1, 12)),
    ("2023-06-01 12:00:00 UTC", "Europe/Berlin", utc(2023, 6, 1, 12)),
    ("Tue Oct 31 22:10:47 +0000 2017", "Europe/Berlin", utc(2017, 10, 31, 22, 10, 47)),
    ("1700000000", "Europe/Berlin", utc(2023, 11, 14, 22, 13, 20)),
    # America/New_York: 2023 changes on 12 Mar (02:00 -> 03:00) and 5 Nov (02:00 -> 01:00)
    ("2023-03-12 02:30", "America/New_York", utc(2023, 3, 12, 7, 30)),
    ("2023-11-05 01:30", "America/New_York", utc(2023, 11, 5, 5, 30)),
    ("2023-11-05 02:30", "America/New_York", utc(2023, 11, 5, 7, 30)),
    ("05/Mar/24 3:07 PM", "Asia/Kolkata", utc(2024, 3, 5, 9, 37)),
]


@pytest.mark.parametrize(("raw", "tz", "expected"), LOCAL_CASES)
def test_parse_datetimes_time_zones(raw, tz, expected):
    got, rep = one(parse_datetimes, raw, tz=tz)
    assert got == expected
    assert rep.failed == 0


def test_dst_report_says_what_was_done():
    s = pl.Series(["2023-03-26 02:30", "2023-10-29 02:30", "2023-10-29 02:45", "2023-06-01 12:00"])
    out, rep = parse_datetimes(s, tz="Europe/Berlin")
    assert out.to_list() == [
        utc(2023, 3, 26, 1, 30),
        utc(2023, 10, 29, 0, 30),
        utc(2023, 10, 29, 0, 45),
        utc(2023, 6, 1, 10),
    ]
    assert "2 in the repeated hour when clocks go back read as the earlier instant" in rep.detail
    assert "1 in the skipped hour when clocks go forward shifted forward" in rep.detail


@pytest.mark.parametrize(
    ("values", "tz", "ambiguous", "skipped"),
    [
        (["2023-11-05 01:00", "2023-11-05 01:59", "2023-11-05 02:00"], "America/New_York", 2, 0),
        (["2023-03-12 02:00", "2023-03-12 02:59", "2023-03-12 03:00"], "America/New_York", 0, 2),
        # Lord Howe moves by half an hour: 02:00-02:30 skipped in Oct, 01:30-02:00 twice in Apr
        (["2023-10-01 02:00", "2023-10-01 02:15", "2023-04-02 01:45"], "Australia/Lord_Howe", 1, 2),
        (["2023-10-29 02:30", "2023-03-26 02:30"], "Asia/Kolkata", 0, 0),
    ],
)
def test_dst_counts(values, tz, ambiguous, skipped):
    _, rep = parse_datetimes(pl.Series(values), tz=tz)
    assert rep.failed == 0
    assert (f"{ambiguous} in the repeated hour" in rep.detail) is (ambiguous > 0)
    assert (f"{skipped} in the skipped hour" in rep.detail) is (skipped > 0)


def test_output_dtype_and_name():
    out, rep = parse_datetimes(pl.Series("opened_at", ["2023-06-01", None]))
    assert out.dtype == pl.Datetime("us", "UTC")
    assert out.name == "opened_at"
    assert rep.column == "opened_at"
    assert out.to_list() == [utc(2023, 6, 1), None]


def test_unknown_time_zone_is_a_user_error():
    with pytest.raises(IngestError, match="unknown time zone 'Mars/Olympus'"):
        parse_datetimes(pl.Series(["2023-06-01"]), tz="Mars/Olympus")


# --------------------------------------------------------------------------------------------
# dates: whole columns (order decided from the data, mixed formats, reports)

ORDER_CASES = [
    # values, dayfirst, expected datetimes, ambiguous, detail starts with
    (
        ["29/2/2016 01:16", "1/3/2016 09:00"],
        None,
        [utc(2016, 2, 29, 1, 16), utc(2016, 3, 1, 9)],
        False,
        "day-first dates (%d/%m/%Y %H:%M)",
    ),
    (
        ["1/3/2016 09:00", "29/2/2016 01:16"],  # the deciding value need not come first
        False,  # the data overrides the hint
        [utc(2016, 3, 1, 9), utc(2016, 2, 29, 1, 16)],
        False,
        "day-first dates (%d/%m/%Y %H:%M)",
    ),
    (
        ["02/29/2016", "03/01/2016"],
        None,
        [utc(2016, 2, 29), utc(2016, 3, 1)],
        False,
        "month-first dates (%m/%d/%Y)",
    ),
    (
        ["01/02/2016", "03/04/2016"],
        None,
        [utc(2016, 2, 1), utc(2016, 4, 3)],
        True,
        "day-first dates (%d/%m/%Y)",
    ),
    (
        ["01/02/2016", "03/04/2016"],
        False,
        [utc(2016, 1, 2), utc(2016, 3, 4)],
        False,
        "month-first dates (%m/%d/%Y)",
    ),
    (
        ["01.02.2016", "03.04.2016"],
        True,
        [utc(2016, 2, 1), utc(2016, 4, 3)],
        False,
        "day-first dates (%d.%m.%Y)",
    ),
    (  # both orders appear: the more frequent wins, the others fail, and it is flagged
        ["29/02/2016", "30/01/2016", "02/28/2016", "01/01/2016"],
        None,
        [utc(2016, 2, 29), utc(2016, 1, 30), None, utc(2016, 1, 1)],
        True,
        "day-first dates (%d/%m/%Y)",
    ),
    (
        ["02/29/2016", "01/30/2016", "28/02/2016"],
        None,
        [utc(2016, 2, 29), utc(2016, 1, 30), None],
        True,
        "month-first dates (%m/%d/%Y)",
    ),
]


@pytest.mark.parametrize(("values", "dayfirst", "expected", "ambiguous", "detail"), ORDER_CASES)
def test_day_month_order_is_decided_from_the_data(values, dayfirst, expected, ambiguous, detail):
    out, rep = parse_datetimes(pl.Series(values), dayfirst=dayfirst)
    assert out.to_list() == expected
    assert rep.ambiguous is ambiguous
    assert rep.detail.startswith(detail)
    assert rep.failed == expected.count(None)


def test_mixed_orders_report_names_the_lost_values():
    values = ["29/02/2016", "30/01/2016", "02/28/2016", "01/01/2016"]
    _, rep = parse_datetimes(pl.Series(values))
    assert "2 values only fit day-first and 1 only month-first" in rep.detail
    assert rep.failed_examples == [(2, "02/28/2016")]


def test_undecided_order_says_so():
    _, rep = parse_datetimes(pl.Series(["01/02/2016 10:00", "03/04/2016 11:00"]))
    assert rep.ambiguous
    assert "assumed day-first" in rep.detail


def test_mixed_formats_in_one_column():
    values = [
        "2023-06-01T07:29:00Z",
        "2023-06-01 09:29",
        "2023-06-01",
        "1700000000",
        "05/Mar/24 3:07 PM",
        "2023-06-01T09:29:00+02:00",
    ]
    out, rep = parse_datetimes(pl.Series(values))
    assert out.to_list() == [
        utc(2023, 6, 1, 7, 29),
        utc(2023, 6, 1, 9, 29),
        utc(2023, 6, 1),
        utc(2023, 11, 14, 22, 13, 20),
        utc(2024, 3, 5, 15, 7),
        utc(2023, 6, 1, 7, 29),
    ]
    assert (rep.parsed, rep.failed) == (6, 0)
    assert "for 2 values" in rep.detail  # the two offset values share one format


def test_placeholders_are_null_not_failures():
    values = ["?", "-", "n/a", "N/A", "null", "NULL", "none", "None", "", "  ", None, "2023-06-01"]
    out, rep = parse_datetimes(pl.Series(values))
    assert out.to_list() == [None] * 11 + [utc(2023, 6, 1)]
    assert (rep.parsed, rep.failed, rep.failed_examples) == (1, 0, [])


def test_report_counts_and_keeps_first_ten_failures():
    values = ["2023-06-01 10:00"] * 5 + [f"bad {i}" for i in range(12)] + ["?", None]
    out, rep = parse_datetimes(pl.Series("created", values))
    assert isinstance(rep, ParseReport)
    assert (rep.column, rep.parsed, rep.failed) == ("created", 5, 12)
    assert rep.failed_examples == [(5 + i, f"bad {i}") for i in range(10)]
    assert out.null_count() == 14


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


# --------------------------------------------------------------------------------------------
# dates: properties

_FIXED_TZS = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
# (strftime format, dayfirst hint, keeps seconds, keeps microseconds)
_LOCAL_FORMATS = [
    ("%Y-%m-%dT%H:%M:%S", None, True, False),
    ("%Y-%m-%d %H:%M:%S.%f", None, True, True),
    ("%Y-%m-%d %H:%M", None, False, False),
    ("%Y-%m-%d %-H:%M", None, False, False),
    ("%-d/%-m/%Y %H:%M", True, False, False),
    ("%d-%m-%Y %H:%M:%S", True, True, False),
    ("%d.%m.%Y %H:%M", True, False, False),
    ("%m/%d/%Y %I:%M %p", False, False, False),
    ("%-m/%-d/%y %-I:%M %p", False, False, False),
    ("%d/%b/%y %-I:%M %p", None, False, False),
    ("%b %-d, %Y %-I:%M %p", None, False, False),
    ("%-d %B %Y %H:%M", None, False, False),
    ("%Y-%m-%d %I:%M:%S %p", None, True, False),
]


_NAIVE = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2060, 12, 31))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(_NAIVE, min_size=1, max_size=12),
    spec=st.sampled_from(_LOCAL_FORMATS),
    tz=st.sampled_from(_FIXED_TZS),
)
def test_round_trip_local_formats(values, spec, tz):
    fmt, dayfirst, seconds, micros = spec
    values = [
        v.replace(second=v.second if seconds else 0, microsecond=v.microsecond if micros else 0)
        for v in values
    ]
    out, rep = parse_datetimes(
        pl.Series([v.strftime(fmt) for v in values]), tz=tz, dayfirst=dayfirst
    )
    # Python's fold=0 is what the parser promises: the earlier instant in a repeated hour and
    # a shift forward by the gap in a skipped one.
    expected = [v.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC) for v in values]
    assert rep.failed == 0
    assert out.to_list() == expected


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(
        st.datetimes(
            min_value=datetime(1971, 1, 1),
            max_value=datetime(2200, 1, 1) - timedelta(days=2),
            timezones=st.sampled_from(
                [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-7))]
            ),
        ),
        min_size=1,
        max_size=12,
    ),
    kind=st.sampled_from(["iso", "iso_us", "iso_z", "twitter", "rfc2822", "epoch_s", "epoch_ms"]),
    tz=st.sampled_from(_FIXED_TZS),
)
def test_round_trip_instants(values, kind, tz):
    values = [v.replace(microsecond=0) if kind != "iso_us" else v for v in values]
    if kind in ("epoch_s", "epoch_ms"):
        # nine or ten digits of seconds, twelve or thirteen of milliseconds
        low, high = datetime(1973, 3, 4, tzinfo=UTC), datetime(2286, 1, 1, tzinfo=UTC)
        values = [v for v in values if low <= v < high]
        if not values:
            return
    text = {
        "iso": lambda v: v.isoformat(),
        "iso_us": lambda v: v.isoformat(timespec="microseconds"),
        "iso_z": lambda v: v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "twitter": lambda v: v.strftime("%a %b %d %H:%M:%S %z %Y"),
        "rfc2822": lambda v: v.strftime("%a, %d %b %Y %H:%M:%S %z"),
        "epoch_s": lambda v: str(int(v.timestamp())),
        "epoch_ms": lambda v: str(int(v.timestamp()) * 1000),
    }[kind]
    out, rep = parse_datetimes(pl.Series([text(v) for v in values]), tz=tz)
    assert rep.failed == 0
    assert out.to_list() == [v.astimezone(UTC) for v in values]


# --------------------------------------------------------------------------------------------
# durations

DURATION_CASES = [
    ("0:05:30", None, 5.5),
    ("00:05", None, 5.0),
    ("12:30", None, 750.0),
    ("-01:30", None, -90.0),
    ("+01:30", None, 90.0),
    ("25:00:00", None, 1500.0),
    ("0:00:30.5", None, 30.5 / 60),
    ("1:02:03:04", None, 1440 + 120 + 3 + 4 / 60),
    ("2 days 01:30:00", None, 2 * 1440 + 90.0),
    ("1 day, 0:10:00", None, 1450.0),
    ("1.5h", None, 90.0),
    ("45m", None, 45.0),
    ("45 min", None, 45.0),
    ("3 mins", None, 3.0),
    ("2 hours", None, 120.0),
    ("1 hr 15 min", None, 75.0),
    ("1d 2h", None, 1560.0),
    ("1 hour and 30 minutes", None, 90.0),
    ("90s", None, 1.5),
    ("1w", None, 10080.0),
    ("1,5h", None, 90.0),
    ("PT1H30M", None, 90.0),
    ("P1DT2H", None, 1560.0),
    ("PT45S", None, 0.75),
    ("-PT30M", None, -30.0),
    ("90", None, 90.0),
    ("90", "minutes", 90.0),
    ("1.5", "hours", 90.0),
    ("90", "seconds", 1.5),
    ("2", "days", 2880.0),
    ("2", "hrs", 120.0),
    ("90000", "milliseconds", 1.5),
    # not durations
    ("1:75", None, None),
    ("1:00:75", None, None),
    ("soon", None, None),
    ("500ms", None, None),
    ("P1M", None, None),
]


@pytest.mark.parametrize(("raw", "unit", "expected"), DURATION_CASES)
def test_parse_duration_minutes(raw, unit, expected):
    got, rep = one(parse_duration_minutes, raw, unit=unit)
    assert got == pytest.approx(expected) if expected is not None else got is None
    assert (rep.parsed, rep.failed) == ((1, 0) if expected is not None else (0, 1))


def test_duration_report_and_native_inputs():
    out, rep = parse_duration_minutes(pl.Series(["0:10:00", "0:20:00", "1h", "-", None, "x"]))
    assert out.to_list() == [10.0, 20.0, 60.0, None, None, None]
    assert (rep.parsed, rep.failed, rep.failed_examples) == (3, 1, [(5, "x")])
    assert rep.detail == "durations as H:MM:SS; durations with units (1h 30m)"
    out, rep = parse_duration_minutes(pl.Series([30, 90, None]), unit="seconds")
    assert out.to_list() == [0.5, 1.5, None]
    assert rep.detail == "numbers in seconds"
    out, _ = parse_duration_minutes(pl.Series([timedelta(hours=1, seconds=30)]))
    assert out.to_list() == [60.5]
    out, _ = parse_duration_minutes(pl.Series([time(1, 30)]))
    assert out.to_list() == [90.0]


def test_unknown_duration_unit_raises():
    with pytest.raises(ValueError, match="unknown duration unit 'fortnights'"):
        parse_duration_minutes(pl.Series(["1"]), unit="fortnights")


HEADER_CASES = [
    ("First reply time in minutes", "minutes"),
    ("First reply time in minutes within business hours", "minutes"),
    ("Full resolution time in minutes within business hours", "minutes"),
    ("Minutes to first reply (business hours)", "minutes"),
    ("Time to resolution (hrs)", "hours"),
    ("Resolution time [h]", "hours"),
    ("Handle time secs", "seconds"),
    ("handle_time_seconds", "seconds"),
    ("Wait (s)", "seconds"),
    ("Days open", "days"),
    ("Call duration (ms)", "milliseconds"),
    ("First Response Time", None),
    ("Time to Resolution", None),
    ("Priority", None),
]


@pytest.mark.parametrize(("header", "unit"), HEADER_CASES)
def test_unit_from_header(header, unit):
    assert unit_from_header(header) == unit


# --------------------------------------------------------------------------------------------
# vocabularies

CHANNEL_CASES = [
    # Zendesk Via
    ("Mail", "email"),
    ("Email", "email"),
    ("Web form", "web"),
    ("Web Widget", "web"),
    ("Chat", "chat"),
    ("Voice", "phone"),
    ("Phone call (incoming)", "phone"),
    ("API", "api"),
    ("Twitter", "social"),
    ("Facebook", "social"),
    ("WhatsApp", "messaging"),
    ("Mobile SDK", "messaging"),
    ("Closed ticket", "other"),
    ("Help Center", "web"),
    # Freshdesk Source
    ("Portal", "web"),
    ("Phone", "phone"),
    ("Feedback Widget", "web"),
    ("Outbound Email", "email"),
    ("Forum", "web"),
    ("MobiHelp", "messaging"),
    # Jira, ServiceNow, osTicket, Zammad, Help Scout, Intercom, HubSpot, CFPB, Kaggle
    ("Jira", "other"),
    ("self-service", "web"),
    ("walk-in", "other"),
    ("Virtual Agent", "chat"),
    ("Other", "other"),
    ("sms", "messaging"),
    ("telegram", "messaging"),
    ("beacon", "web"),
    ("conversation", "chat"),
    ("push", "messaging"),
    ("messenger", "chat"),
    ("EMAIL", "email"),
    ("FORM", "web"),
    ("Referral", "other"),
    ("Postal mail", "other"),
    ("Fax", "other"),
    ("Web Referral", "web"),
    ("Social media", "social"),
    # case, space and punctuation do not matter
    ("  e-MAIL ", "email"),
    ("web_form", "web"),
    ("Phone Call (Incoming)", "phone"),
    # unknown -> other
    ("Carrier pigeon", "other"),
]


@pytest.mark.parametrize(("raw", "expected"), CHANNEL_CASES)
def test_normalise_channel(raw, expected):
    got, rep = one(normalise_channel, raw)
    assert got == expected
    assert (rep.parsed, rep.failed) == (1, 0)


def test_channel_report_lists_unknown_values_and_extra_wins():
    s = pl.Series("Via", ["Mail", "Pigeon", "Smoke", "Pigeon", "-", None, "Kiosk"])
    out, rep = normalise_channel(s, extra={"KIOSK": "web", "mail": "other"})
    assert out.to_list() == ["other", "other", "other", "other", None, None, "web"]
    assert (rep.parsed, rep.failed) == (5, 0)
    assert rep.detail == "channel values: 4 distinct; 2 unknown read as 'other': 'Pigeon', 'Smoke'"
    assert set(out.drop_nulls()) <= set(CHANNELS)


PRIORITY_CASES = [
    ("1 - Critical", "urgent"),
    ("2 - High", "high"),
    ("3 - Moderate", "normal"),
    ("4 - Low", "low"),
    ("5 - Planning", "low"),
    ("P1", "urgent"),
    ("P2", "high"),
    ("p3", "normal"),
    ("P4", "low"),
    ("Highest", "urgent"),
    ("Blocker", "urgent"),
    ("Critical", "urgent"),
    ("Major", "high"),
    ("Medium", "normal"),
    ("Minor", "low"),
    ("Trivial", "low"),
    ("Lowest", "low"),
    ("Urgent", "urgent"),
    ("LOW", "low"),
    ("Normal", "normal"),
    ("P2 - High", "high"),
    ("Sev 1", "urgent"),
]


@pytest.mark.parametrize(("raw", "expected"), PRIORITY_CASES)
def test_normalise_priority(raw, expected):
    got, rep = one(normalise_priority, raw)
    assert got == expected
    assert (rep.parsed, rep.failed) == (1, 0)


def test_priority_numbers_need_extra_and_unknowns_fail():
    out, rep = normalise_priority(pl.Series([1, 2, 3, 4]))
    assert out.to_list() == [None] * 4
    assert rep.failed == 4
    freshdesk = {"1": "low", "2": "normal", "3": "high", "4": "urgent"}
    out, rep = normalise_priority(pl.Series([1, 2, 3, 4, None]), extra=freshdesk)
    assert out.to_list() == ["low", "normal", "high", "urgent", None]
    out, _ = normalise_priority(pl.Series([1.0, 4.0]), extra=freshdesk)
    assert out.to_list() == ["low", "urgent"]
    out, rep = normalise_priority(pl.Series(["High", "Whenever", "n/a"]))
    assert out.to_list() == ["high", None, None]
    assert (rep.parsed, rep.failed, rep.failed_examples) == (1, 1, [(1, "Whenever")])
    assert "1 unknown not understood: 'Whenever'" in rep.detail


def test_extra_must_map_into_the_vocabulary():
    with pytest.raises(ValueError, match="'asap' is not one of"):
        normalise_priority(pl.Series(["x"]), extra={"x": "asap"})


STATUS_CASES = [
    # Zendesk
    ("New", "new"),
    ("Open", "open"),
    ("Pending", "pending"),
    ("Hold", "on_hold"),
    ("On-hold", "on_hold"),
    ("Solved", "solved"),
    ("Closed", "closed"),
    # Freshdesk
    ("Resolved", "solved"),
    ("Waiting on Customer", "pending"),
    ("Waiting on Third Party", "on_hold"),
    # Jira
    ("To Do", "new"),
    ("In Progress", "open"),
    ("Waiting for support", "open"),
    ("Waiting for customer", "pending"),
    ("Escalated", "open"),
    ("Done", "solved"),
    ("Canceled", "closed"),
    # ServiceNow
    ("Active", "open"),
    ("Awaiting User Info", "pending"),
    ("Awaiting Evidence", "on_hold"),
    ("Awaiting Problem", "on_hold"),
    ("Awaiting Vendor", "on_hold"),
    ("On Hold", "on_hold"),
    ("6 - Resolved", "solved"),
    # Zammad, Help Scout, Intercom, HubSpot, Salesforce, Kaggle
    ("pending reminder", "pending"),
    ("pending close", "solved"),
    ("merged", "closed"),
    ("spam", "closed"),
    ("snoozed", "on_hold"),
    ("Waiting on contact", "pending"),
    ("Waiting on us", "open"),
    ("Working", "open"),
    ("Pending Customer Response", "pending"),
    ("Closed with explanation", "closed"),
]


@pytest.mark.parametrize(("raw", "expected"), STATUS_CASES)
def test_normalise_status(raw, expected):
    got, rep = one(normalise_status, raw)
    assert got == expected
    assert (rep.parsed, rep.failed) == (1, 0)


def test_status_unknown_is_null_and_counted():
    out, rep = normalise_status(pl.Series("state", ["Open", "-100", "Limbo", "?"]))
    assert out.to_list() == ["open", None, None, None]
    assert (rep.parsed, rep.failed) == (1, 2)
    assert rep.failed_examples == [(1, "-100"), (2, "Limbo")]
    out, rep = normalise_status(pl.Series(["Limbo"]), extra={"limbo": "on_hold"})
    assert out.to_list() == ["on_hold"]
    assert set(STATUSES) >= {"on_hold"} and set(PRIORITIES) >= {"normal"}


# --------------------------------------------------------------------------------------------
# satisfaction, booleans, numbers

SATISFACTION_CASES = [
    (["5", "1", "3", "4"], None, [1.0, 0.0, 0.5, 0.75], "1-5 scale"),
    ([1.0, 2.0, 5.0], None, [0.0, 0.25, 1.0], "1-5 scale"),
    (["10", "1", "4"], None, [1.0, 0.0, 1 / 3], "1-10 scale"),
    (["0", "10", "7"], None, [0.0, 1.0, 0.7], "0-10 scale"),
    (["0", "100", "35"], None, [0.0, 1.0, 0.35], "0-100 scale"),
    (["0.2", "1", "0"], None, [0.2, 1.0, 0.0], "0..1 scale (kept)"),
    (["3"], (1, 10), [2 / 9], "1-10 scale"),
    (["3,5", "1"], None, [0.625, 0.0], "1-5 scale"),
    (["80%", "3"], None, [0.8, 0.5], "1-5 scale; percentages"),
    (
        ["Good", "Bad", "offered", "unoffered", "Good, I'm satisfied", "Bad, I'm unsatisfied"],
        None,
        [1.0, 0.0, None, None, 1.0, 0.0],
        "good/bad words",
    ),
    (["satisfied", "unsatisfied", "positive", "negative"], None, [1.0, 0.0, 1.0, 0.0], None),
    (
        ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"],
        None,
        [1.0, 0.75, 0.5, 0.25, 0.0],
        "five-level words",
    ),
    ([True, False], None, [1.0, 0.0], "booleans (true = satisfied)"),
]


@pytest.mark.parametrize(("values", "scale", "expected", "detail"), SATISFACTION_CASES)
def test_parse_satisfaction(values, scale, expected, detail):
    out, rep = parse_satisfaction(pl.Series(values), scale=scale)
    assert out.to_list() == pytest.approx(expected)
    assert rep.failed == 0
    if detail:
        assert rep.detail == detail


def test_satisfaction_out_of_range_fails():
    out, rep = parse_satisfaction(pl.Series(["4", "-3", "500", "whatever", "-"]))
    assert out.to_list() == [0.75, None, None, None, None]
    assert (rep.parsed, rep.failed) == (1, 3)


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


# --------------------------------------------------------------------------------------------
# tags and text

TAG_CASES = [
    (["vip billing VIP", None, ""], [["vip", "billing"], [], []]),
    (["Refund; Late delivery|refund", "a,b"], [["refund", "late delivery"], ["a", "b"]]),
    (["Older American, Servicemember"], [["older american", "servicemember"]]),
    (["a,,b, ,-", "?"], [["a", "b"], []]),
    (['["x", "y"]'], [["x", "y"]]),
    ([["B", "a", "b", " "], None], [["b", "a"], []]),
]


@pytest.mark.parametrize(("values", "expected"), TAG_CASES)
def test_split_tags(values, expected):
    out = split_tags(pl.Series("tags", values))
    assert out.dtype == pl.List(pl.String)
    assert out.name == "tags"
    assert out.to_list() == expected


TEXT_CASES = [
    ("  Printer   on fire\n now ", "Printer on fire now"),
    ("N/A", None),
    ("none", None),
    ("?", None),
    ("", None),
    ("   ", None),
    ("NA", "NA"),  # a real value (North America), not a placeholder
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), TEXT_CASES)
def test_clean_text(raw, expected):
    assert clean_text(pl.Series([raw], dtype=pl.String)).to_list() == [expected]


def test_clean_text_non_strings_and_is_placeholder():
    assert clean_text(pl.Series([12, None])).to_list() == ["12", None]
    df = pl.DataFrame({"v": ["?", "-", "n/a", "N/A", "null", "none", "", " x ", None, "-5"]})
    got = df.select(is_placeholder(pl.col("v")))["v"].to_list()
    assert got == [True] * 7 + [False, False, False]


# --------------------------------------------------------------------------------------------
# robustness: arbitrary text never raises, it only yields nulls

_ALL = [
    lambda s: parse_datetimes(s),
    lambda s: parse_datetimes(s, tz="Europe/Berlin", excel_serial=True),
    lambda s: parse_duration_minutes(s),
    lambda s: normalise_channel(s),
    lambda s: normalise_priority(s),
    lambda s: normalise_status(s),
    lambda s: parse_satisfaction(s),
    lambda s: parse_bool(s),
    lambda s: parse_int(s),
    lambda s: parse_float(s),
    lambda s: (split_tags(s), None),
    lambda s: (clean_text(s), None),
]
_TEXTISH = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.from_regex(r"[0-9]{1,14}([-/.:T ,][0-9A-Za-z+]{0,6}){0,5}", fullmatch=True),
    st.sampled_from(["?", "-", "P", "PT", "1:", ":", "+", "1e999", "-0", "99999999999999999999"]),
)


@settings(max_examples=80, deadline=None)
@given(values=st.lists(_TEXTISH, max_size=15))
def test_no_function_raises_on_arbitrary_text(values):
    s = pl.Series("c", values, dtype=pl.String)
    for fn in _ALL:
        out, rep = fn(s)
        assert out.len() == s.len()
        if rep is not None:
            assert rep.parsed + rep.failed <= s.len() - s.null_count()
            assert rep.parsed == out.len() - out.null_count()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # one offset throughout: read as literal text of the format, then shifted
        (
            ["2024-01-01 10:00:00 +0200", "2024-07-01 23:30:00 +0200"],
            [(1, 1, 8, 0), (7, 1, 21, 30)],
        ),
        (["2024-01-01 10:00:00-0130", None], [(1, 1, 11, 30), None]),
        # several offsets: each value with its own
        (["2024-01-01 10:00:00 +0200", "2024-01-01 10:00:00 -0500"], [(1, 1, 8, 0), (1, 1, 15, 0)]),
    ],
)
def test_fixed_offset_columns(values, expected):
    out, rep = parse_datetimes(pl.Series(values))
    want = [None if e is None else utc(2024, *e) for e in expected]
    assert out.to_list() == want
    assert (rep.parsed, rep.failed) == (len([e for e in expected if e]), 0)


def test_padded_and_placeholder_values_are_cleaned_only_when_they_fail():
    # Clean values parse as they are; the padded one, the placeholder and the broken one are
    # looked at again after stripping: one is read, one is missing, one is a failure.
    values = ["2024-03-01 10:00", "  2024-03-02 11:00 ", "n/a", "2024-13-45 10:00", None] * 3
    out, rep = parse_datetimes(pl.Series("d", values))
    assert out.to_list()[:5] == [utc(2024, 3, 1, 10), utc(2024, 3, 2, 11), None, None, None]
    assert (rep.parsed, rep.failed) == (6, 3)
    assert [i for i, _ in rep.failed_examples] == [3, 8, 13]


def test_split_tags_of_repeated_cells_split_once_and_gathered():
    cells = ["VIP billing vip", None, "refund", "VIP billing vip", "refund", None] * 3
    out = split_tags(pl.Series("tags", cells)).to_list()
    assert out == [["vip", "billing"], [], ["refund"], ["vip", "billing"], ["refund"], []] * 3
    # a comma anywhere makes commas the separator for the whole column
    out = split_tags(pl.Series("tags", [*cells, "a,B"])).to_list()
    assert out[:3] == [["vip billing vip"], [], ["refund"]]
    assert out[-1] == ["a", "b"]


def test_padded_values_count_when_deciding_day_and_month_order():
    # " 04/25/2024" can only be month-first; its padding must not hide that.
    out, rep = parse_datetimes(pl.Series("d", ["03/04/2024", "05/06/2024", " 04/25/2024"]))
    assert out.to_list() == [utc(2024, 3, 4), utc(2024, 5, 6), utc(2024, 4, 25)]
    assert (rep.parsed, rep.failed, rep.ambiguous) == (3, 0, False)
