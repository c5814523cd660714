"""lib.notify.schedule: which subscriptions are due, by local hour across daylight saving time,
weekday, every other week and the day before meetings; a missed run sends once."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.notify.schedule import Schedule, is_due, last_slot, next_slot


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_a_local_hour_follows_daylight_saving_time() -> None:
    daily = Schedule("daily", hour=8, tz="Europe/Berlin")
    assert last_slot(daily, utc(2026, 3, 28, 12)) == utc(2026, 3, 28, 7)  # CET: UTC+1
    assert last_slot(daily, utc(2026, 3, 29, 12)) == utc(2026, 3, 29, 6)  # CEST from today
    assert last_slot(daily, utc(2026, 10, 25, 12)) == utc(2026, 10, 25, 7)  # back to CET
    ny = Schedule("daily", hour=8, tz="America/New_York")
    assert last_slot(ny, utc(2026, 3, 8, 13)) == utc(2026, 3, 8, 12)  # EDT: UTC-4
    assert last_slot(ny, utc(2026, 3, 7, 13)) == utc(2026, 3, 7, 13)  # EST: UTC-5


def test_missing_and_repeated_hours_give_one_slot_a_day() -> None:
    at2 = Schedule("daily", hour=2, tz="Europe/Berlin")
    # 02:00 does not exist on 29 March: sent at 03:00 CEST (01:00 UTC), once.
    assert last_slot(at2, utc(2026, 3, 29, 5)) == utc(2026, 3, 29, 1)
    assert next_slot(at2, utc(2026, 3, 28, 5)) == utc(2026, 3, 29, 1)
    # 02:00 happens twice on 25 October: the first (CEST, 00:00 UTC) only.
    sent = utc(2026, 10, 25, 0, 5)
    assert not is_due(at2, utc(2026, 10, 25, 1, 30), since=sent)
    assert is_due(at2, utc(2026, 10, 26, 1, 30), since=sent)


def test_weekly_and_every_two_weeks() -> None:
    monday = Schedule("weekly", hour=9, weekday=0, tz="UTC")
    assert last_slot(monday, utc(2026, 12, 6, 23)) == utc(2026, 11, 30, 9)  # a Sunday
    assert next_slot(monday, utc(2026, 12, 6, 23)) == utc(2026, 12, 7, 9)
    every2 = Schedule("biweekly", hour=9, weekday=0, anchor=dt.date(2026, 12, 9))  # a Wednesday
    assert last_slot(every2, utc(2026, 12, 13)) == utc(2026, 12, 7, 9)
    assert next_slot(every2, utc(2026, 12, 8)) == utc(2026, 12, 21, 9)
    # across the turn of a year with 53 ISO weeks (2026): still every other Monday
    assert next_slot(every2, utc(2026, 12, 22)) == utc(2027, 1, 4, 9)
    assert next_slot(every2, utc(2027, 1, 5)) == utc(2027, 1, 18, 9)


def test_the_day_before_each_meeting() -> None:
    before = Schedule("meeting", hour=16, tz="Europe/Berlin")
    meetings = [dt.date(2026, 12, 10), dt.date(2026, 12, 24)]
    assert last_slot(before, utc(2026, 12, 9, 14), meetings) is None
    assert last_slot(before, utc(2026, 12, 9, 15), meetings) == utc(2026, 12, 9, 15)
    assert next_slot(before, utc(2026, 12, 9, 15), meetings) == utc(2026, 12, 23, 15)
    assert next_slot(before, utc(2026, 12, 24), meetings) is None
    assert is_due(before, utc(2026, 12, 20), since=utc(2026, 12, 1), meetings=meetings)
    assert not is_due(before, utc(2026, 12, 20), since=utc(2026, 12, 9, 15, 5), meetings=meetings)


def test_due_once_per_slot_and_once_after_missed_runs() -> None:
    daily = Schedule("daily", hour=8)
    made = utc(2026, 12, 1, 12)
    assert not is_due(daily, utc(2026, 12, 1, 13), since=made)  # made after today's 08:00
    assert is_due(daily, utc(2026, 12, 5, 8), since=made)  # four slots missed: due (once)
    assert not is_due(daily, utc(2026, 12, 5, 9), since=utc(2026, 12, 5, 8, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        last_slot(daily, dt.datetime(2026, 12, 5))
    with pytest.raises(ValueError, match="Time zone 'Mars/Base' is unknown"):
        Schedule("daily", tz="Mars/Base")
    with pytest.raises(ValueError, match="Unknown frequency 'hourly'"):
        Schedule("hourly")
