"""Review / previous / baseline periods and the sidebar date presets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from lib.errors import ReviewError
from lib.periods import (
    PeriodError,
    Periods,
    date_bounds,
    date_presets,
    day_start,
    in_dates,
    review_periods,
)
from lib.schema import empty_tickets


def created(*days: tuple[int, int, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"created_at": [datetime(*d, 9, tzinfo=UTC) for d in days]},
        schema={"created_at": pl.Datetime("us", "UTC")},
    )


# Data from Mon 1 Jan 2024 to Sun 21 Jan 2024.
JAN = created((2024, 1, 1), (2024, 1, 10), (2024, 1, 21))


def test_defaults_end_on_last_ticket_and_baseline_is_first_30_days_cut_before_review():
    p = review_periods(JAN)
    # review: 14 days ending 21 Jan -> 8..21 Jan; previous: the 14 days before -> 25 Dec..7 Jan
    assert p.review == (date(2024, 1, 8), date(2024, 1, 21))
    assert p.previous == (date(2023, 12, 25), date(2024, 1, 7))
    # first 30 days would be 1..30 Jan, cut to end the day before the review: 1..7 Jan
    assert p.baseline == (date(2024, 1, 1), date(2024, 1, 7))
    assert not p.baseline_overlaps_review


def test_short_review_keeps_whole_first_30_days_when_it_ends_before_review():
    long = created((2024, 1, 1), (2024, 3, 31))
    p = review_periods(long, review_days=7)
    assert p.review == (date(2024, 3, 25), date(2024, 3, 31))
    assert p.previous == (date(2024, 3, 18), date(2024, 3, 24))
    assert p.baseline == (date(2024, 1, 1), date(2024, 1, 30))
    assert p.days("baseline") == 30


def test_review_starting_on_first_day_keeps_first_30_days_and_flags_overlap():
    short = created((2024, 1, 1), (2024, 1, 10))
    p = review_periods(short, review_days=14)
    # review 28 Dec..10 Jan starts before the data; the baseline cannot end before it
    assert p.review == (date(2023, 12, 28), date(2024, 1, 10))
    assert p.baseline == (date(2024, 1, 1), date(2024, 1, 30))
    assert p.baseline_overlaps_review


def test_prior90_is_the_90_days_before_the_review():
    p = review_periods(JAN, baseline="prior90")
    # review starts 8 Jan: baseline 10 Oct 2023 .. 7 Jan 2024 (90 days)
    assert p.baseline == (date(2023, 10, 10), date(2024, 1, 7))
    assert p.days("baseline") == 90


def test_explicit_end_and_baseline():
    p = review_periods(
        JAN,
        review_days=7,
        review_end=date(2024, 1, 14),
        baseline=(date(2024, 1, 1), date(2024, 1, 3)),
    )
    assert p.review == (date(2024, 1, 8), date(2024, 1, 14))
    assert p.previous == (date(2024, 1, 1), date(2024, 1, 7))
    assert p.baseline == (date(2024, 1, 1), date(2024, 1, 3))


def test_review_end_may_be_a_datetime_taken_in_utc():
    from zoneinfo import ZoneInfo

    end = datetime(2024, 1, 15, 1, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # 14 Jan 24:00 UTC
    assert review_periods(JAN, review_end=end).review[1] == date(2024, 1, 15)
    end = datetime(2024, 1, 15, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # 14 Jan 23:30 UTC
    assert review_periods(JAN, review_end=end).review[1] == date(2024, 1, 14)


def test_empty_data_ends_today_and_never_raises():
    p = review_periods(empty_tickets())
    assert p.review[1] == datetime.now(UTC).date()
    assert p.days("review") == 14 and p.days("previous") == 14
    assert p.baseline[0] == p.previous[0]
    assert review_periods(None, review_end=date(2024, 1, 31)).review[0] == date(2024, 1, 18)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"review_days": 0},
        {"review_days": -3},
        {"review_days": 2.5},
        {"baseline": "first60"},
        {"baseline": (date(2024, 2, 1), date(2024, 1, 1))},
        {"baseline": (date(2024, 2, 1),)},
    ],
)
def test_bad_options_raise_a_user_readable_error(kwargs):
    with pytest.raises(PeriodError) as err:
        review_periods(JAN, **kwargs)
    assert isinstance(err.value, ReviewError)
    assert str(err.value)


def test_periods_helpers():
    p = Periods(
        review=(date(2024, 1, 15), date(2024, 1, 21)),
        previous=(date(2024, 1, 8), date(2024, 1, 14)),
        baseline=(date(2024, 1, 1), date(2024, 1, 7)),
    )
    assert [name for name, _ in p.items()] == ["review", "previous", "baseline"]
    assert p.days("review") == 7
    assert p.label("previous") == "Previous period (2024-01-08 to 2024-01-14)"


def test_in_dates_is_inclusive_of_whole_utc_days():
    t = pl.DataFrame(
        {
            "created_at": [
                datetime(2024, 1, 1, 23, 59, 59, 999999, tzinfo=UTC),
                datetime(2024, 1, 2, 0, 0, tzinfo=UTC),
                datetime(2024, 1, 3, 23, 59, 59, 999999, tzinfo=UTC),
                datetime(2024, 1, 4, 0, 0, tzinfo=UTC),
            ]
        }
    )
    assert t.filter(in_dates(date(2024, 1, 2), date(2024, 1, 3))).height == 2
    assert t.filter(in_dates(None, date(2024, 1, 1))).height == 1
    assert t.filter(in_dates(date(2024, 1, 4), None)).height == 1
    assert t.filter(in_dates(None, None)).height == 4


def test_date_bounds():
    assert date_bounds(JAN) == (date(2024, 1, 1), date(2024, 1, 21))
    assert date_bounds(empty_tickets()) is None
    assert day_start(date(2024, 1, 2)) == datetime(2024, 1, 2, tzinfo=UTC)


def test_date_presets_hand_checked():
    # Sat 15 Jun 2024, data from 1 Apr 2024
    p = date_presets(date(2024, 6, 15), date(2024, 4, 1))
    assert p["This review period"] == (date(2024, 6, 2), date(2024, 6, 15))
    assert p["Last 14 days"] == (date(2024, 6, 2), date(2024, 6, 15))
    assert p["Last 30 days"] == (date(2024, 5, 17), date(2024, 6, 15))
    assert p["Last 60 days"] == (date(2024, 4, 17), date(2024, 6, 15))
    # 90 days would start 18 Mar; clipped to the first day of data
    assert p["Last 90 days"] == (date(2024, 4, 1), date(2024, 6, 15))
    assert p["This quarter"] == (date(2024, 4, 1), date(2024, 6, 15))
    assert p["All"] == (date(2024, 4, 1), date(2024, 6, 15))
    assert list(p) == [
        "This review period",
        "Last 14 days",
        "Last 30 days",
        "Last 60 days",
        "Last 90 days",
        "This quarter",
        "All",
    ]


def test_date_presets_without_min_and_with_custom_review_length():
    p = date_presets(date(2024, 12, 31), review_days=7)
    assert p["This review period"] == (date(2024, 12, 25), date(2024, 12, 31))
    assert p["Last 90 days"] == (date(2024, 10, 3), date(2024, 12, 31))
    assert p["This quarter"] == (date(2024, 10, 1), date(2024, 12, 31))
    assert p["All"] == (date(2024, 12, 31), date(2024, 12, 31))
    # every preset ends on max_date and is never reversed
    for start, end in p.values():
        assert end == date(2024, 12, 31) and start <= end


def test_date_presets_one_day_of_data_and_reversed_bounds():
    p = date_presets(date(2024, 2, 29), date(2024, 2, 29))
    assert set(p.values()) == {(date(2024, 2, 29), date(2024, 2, 29))}
    with pytest.raises(PeriodError):
        date_presets(date(2024, 1, 1), date(2024, 1, 2))
    assert date_presets(datetime(2024, 1, 1, 23, tzinfo=UTC))["All"][0] == date(2024, 1, 1)
    assert date_presets(date(2024, 1, 1))["Last 30 days"][0] == date(2024, 1, 1) - timedelta(29)
