"""Tests for lib.ingest.normalise.timezones: local times in a zone, clock changes, unknown zones."""

from __future__ import annotations

import polars as pl
import pytest

from lib.errors import IngestError
from lib.ingest.normalise import (
    parse_datetimes,
)
from tests.ingest.normalise.helpers import one, utc

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


def test_unknown_time_zone_is_a_user_error():
    with pytest.raises(IngestError, match="unknown time zone 'Mars/Olympus'"):
        parse_datetimes(pl.Series(["2023-06-01"]), tz="Mars/Olympus")
