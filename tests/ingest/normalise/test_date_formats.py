"""Tests for lib.ingest.normalise.date_formats: day/month order decided from the data, mixed
formats, fixed offsets, and round trips of every format (properties).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.ingest.normalise import (
    parse_datetimes,
)
from lib.ingest.normalise.date_formats import DayFirst
from tests.ingest.normalise.helpers import utc

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
        False,  # a preference settles the order but the file could not tell: flagged
        [utc(2016, 1, 2), utc(2016, 3, 4)],
        True,
        "month-first dates (%m/%d/%Y)",
    ),
    (
        ["01.02.2016", "03.04.2016"],
        True,
        [utc(2016, 2, 1), utc(2016, 4, 3)],
        True,
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
    assert rep.detail.endswith(
        "dates like 01/02/2016 10:00 could be 1 February or 2 January; read as day first "
        "because no value in the file decides it and day first is the default; change it on "
        "the mapping screen"
    )


def test_a_settled_choice_is_not_flagged_and_data_still_wins():
    chosen = DayFirst(False, "you chose month first on the mapping screen", settled=True)
    out, rep = parse_datetimes(pl.Series(["01/02/2016", "03/04/2016"]), dayfirst=chosen)
    assert out.to_list() == [utc(2016, 1, 2), utc(2016, 3, 4)]
    assert not rep.ambiguous
    assert "because you chose month first" in rep.detail
    out, rep = parse_datetimes(pl.Series(["01/02/2016", "25/04/2016"]), dayfirst=chosen)
    assert out.to_list() == [utc(2016, 2, 1), utc(2016, 4, 25)]
    assert "although you chose month first" in rep.detail


def test_values_that_read_the_same_either_way_are_not_ambiguous():
    _, rep = parse_datetimes(pl.Series(["05/05/2016", "11/11/2016 10:00"]))
    assert not rep.ambiguous


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
    expected = [v.replace(fold=0, tzinfo=ZoneInfo(tz)).astimezone(UTC) for v in values]
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


def test_padded_values_count_when_deciding_day_and_month_order():
    # " 04/25/2024" can only be month-first; its padding must not hide that.
    out, rep = parse_datetimes(pl.Series("d", ["03/04/2024", "05/06/2024", " 04/25/2024"]))
    assert out.to_list() == [utc(2024, 3, 4), utc(2024, 5, 6), utc(2024, 4, 25)]
    assert (rep.parsed, rep.failed, rep.ambiguous) == (3, 0, False)
