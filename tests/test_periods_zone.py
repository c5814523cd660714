"""The business time zone: every day bucket, period and weekday is counted on its clock
(lib.periods), on a hand-made export with mixed offsets around both 2024 DST weekends."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from lib import anomaly, audit
from lib.ingest import load_export
from lib.periods import (
    PeriodError,
    business_zone,
    date_bounds,
    day_start,
    in_dates,
    local_day,
    local_time,
    review_periods,
    use_zone,
)

FIXTURE = Path(__file__).parent / "data" / "tz_mixed_offsets.csv"
BERLIN = "Europe/Berlin"


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return load_export(FIXTURE, tz=BERLIN).tickets


def _days(frame: pl.DataFrame, tz: str) -> dict[date, int]:
    counts = frame.group_by(local_day("created_at", tz).alias("d")).len()
    return dict(counts.sort("d").iter_rows())


def test_tickets_stay_utc_and_late_evening_tickets_move_to_the_next_berlin_day(tickets):
    assert tickets.schema["created_at"] == pl.Datetime("us", "UTC")
    utc, berlin = _days(tickets, "UTC"), _days(tickets, BERLIN)
    # 23:45Z on Thu 28 March is Fri 29 March 00:45 in Berlin
    assert (utc[date(2024, 3, 28)], berlin[date(2024, 3, 28)]) == (2, 1)
    # 00:30+01:00 on Sun 31 March (23:30Z Saturday) is a Sunday ticket in Berlin
    assert (utc[date(2024, 3, 30)], berlin[date(2024, 3, 30)]) == (2, 1)
    # 00:15+02:00 on Mon 1 April (22:15Z Sunday) is a Monday ticket in Berlin
    assert (utc[date(2024, 4, 1)], berlin[date(2024, 4, 1)]) == (1, 2)
    # the night clocks went back: 00:30+01:00 on Mon 28 October is Monday in Berlin
    assert date(2024, 10, 28) in berlin and date(2024, 10, 28) not in utc
    assert sum(utc.values()) == sum(berlin.values()) == tickets.height


def test_the_naive_date_is_read_as_local_time_in_the_chosen_zone(tickets):
    row = tickets.filter(pl.col("ticket_id") == "4")
    assert row.item(0, "created_at") == datetime(2024, 3, 29, 11, tzinfo=UTC)


def test_day_starts_follow_dst_and_no_day_is_created_or_dropped():
    # 23-hour Sunday (clocks forward) and 25-hour Sunday (clocks back)
    assert day_start(date(2024, 3, 31), BERLIN) == datetime(2024, 3, 30, 23, tzinfo=UTC)
    assert day_start(date(2024, 4, 1), BERLIN) == datetime(2024, 3, 31, 22, tzinfo=UTC)
    assert day_start(date(2024, 10, 27), BERLIN) == datetime(2024, 10, 26, 22, tzinfo=UTC)
    assert day_start(date(2024, 10, 28), BERLIN) == datetime(2024, 10, 27, 23, tzinfo=UTC)
    # an hour-by-hour clock over both weekends lands on every calendar day exactly once
    hours = pl.datetime_range(
        datetime(2024, 3, 29, tzinfo=UTC), datetime(2024, 4, 2, tzinfo=UTC), "1h", eager=True
    )
    days = pl.DataFrame({"created_at": hours}).select(local_day("created_at", BERLIN))
    per_day = days.to_series().value_counts().sort("created_at")
    assert per_day.get_column("created_at").to_list() == [
        date(2024, 3, d) for d in (29, 30, 31)
    ] + [date(2024, 4, 1), date(2024, 4, 2)]
    assert per_day.get_column("count").to_list()[1:4] == [24, 23, 24]


def test_in_dates_selects_the_berlin_day(tickets):
    sunday = tickets.filter(in_dates(date(2024, 3, 31), date(2024, 3, 31), tz=BERLIN))
    assert sorted(sunday.get_column("ticket_id").to_list()) == ["6", "7", "8"]
    utc_sunday = tickets.filter(in_dates(date(2024, 3, 31), date(2024, 3, 31), tz="UTC"))
    assert sorted(utc_sunday.get_column("ticket_id").to_list()) == ["7", "8", "9"]


def test_ambient_zone_drives_periods_bounds_and_daily_trend(tickets):
    spring = tickets.filter(pl.col("created_at") < datetime(2024, 5, 1, tzinfo=UTC))
    assert date_bounds(spring) == (date(2024, 3, 27), date(2024, 4, 1))
    with use_zone(BERLIN):
        assert business_zone() == BERLIN
        assert review_periods(spring, review_days=2).review == (date(2024, 3, 31), date(2024, 4, 1))
        daily = audit.trend(spring, every="1d")
        berlin = dict(daily.select("period_start", "tickets").iter_rows())
        # Berlin: 28 Mar 1, 29 Mar 2, 30 Mar 1, 31 Mar 3 (a 23-hour day), 1 Apr 2
        assert [berlin[date(2024, 3, d)] for d in (28, 29, 30, 31)] == [1, 2, 1, 3]
        assert berlin[date(2024, 4, 1)] == 2
        # a daily grid without gaps or doubles across the 23-hour Sunday
        starts = daily.get_column("period_start").to_list()
        assert starts == sorted(set(starts)) and len(starts) == 6
    assert business_zone() == "UTC"
    utc = dict(audit.trend(spring, every="1d").select("period_start", "tickets").iter_rows())
    assert [utc[date(2024, 3, d)] for d in (28, 29, 30, 31)] == [2, 1, 2, 3]


def test_weekday_and_hour_profiles_use_the_zone(tickets):
    frame = tickets.select(
        local_time("created_at", BERLIN).dt.weekday().alias("wd"),
        local_time("created_at", BERLIN).dt.hour().alias("h"),
        pl.col("ticket_id"),
    )
    nine = frame.filter(pl.col("ticket_id") == "9").row(0)
    assert nine[:2] == (1, 0)  # Monday 00:xx in Berlin, Sunday 22:15 in UTC


def test_anomaly_days_follow_the_ambient_zone(tickets):
    spring = tickets.filter(pl.col("created_at") < datetime(2024, 5, 1, tzinfo=UTC))

    def bug_days() -> list[tuple[date, float]]:
        j = anomaly.judgements(spring, topic="category")
        bug = j.filter((pl.col("topic") == "Bug") & (pl.col("metric") == "volume"))
        weekend = bug.filter(pl.col("day") >= date(2024, 3, 30)).sort("day")
        return weekend.select("day", "observed").rows()

    # UTC: Saturday 5 and 6 (23:30Z), Sunday 9 (22:15Z); Berlin: one on each of the three days
    assert bug_days() == [(date(2024, 3, 30), 2), (date(2024, 3, 31), 1), (date(2024, 4, 1), 0)]
    with use_zone(BERLIN):
        assert bug_days() == [
            (date(2024, 3, 30), 1),
            (date(2024, 3, 31), 1),
            (date(2024, 4, 1), 1),
        ]


def test_unknown_zone_is_refused_with_its_name():
    with pytest.raises(PeriodError, match="Mars/Olympus"), use_zone("Mars/Olympus"):
        pass
