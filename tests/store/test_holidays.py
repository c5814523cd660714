"""lib.store.holidays: the holiday calendar is saved, read back, validated with the line named,
kept as it was when a line is bad, and refused to viewers."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.errors import PermissionDenied, StoreError
from lib.store import Actor, Store
from lib.store.holidays import holiday_lines, parse_holiday_lines


def test_calendar_round_trip_and_bad_line_keeps_the_saved_one(store: Store) -> None:
    assert store.get_holidays().height == 0
    store.set_holidays(parse_holiday_lines("2026-12-26 Boxing Day\n# note\n2026-12-25 Christmas"))
    cal = store.get_holidays()
    assert cal.rows() == [
        (dt.date(2026, 12, 25), "Christmas"),
        (dt.date(2026, 12, 26), "Boxing Day"),
    ]
    assert holiday_lines(cal) == "2026-12-25 Christmas\n2026-12-26 Boxing Day"
    with pytest.raises(StoreError, match="line 2: '2026-13-01' is not a date"):
        store.set_holidays(parse_holiday_lines("2027-01-01 New Year\n2026-13-01 Typo"))
    with pytest.raises(StoreError, match="row 1: 'Easter' has no day"):
        store.set_holidays([{"day": "", "name": "Easter"}])
    assert store.get_holidays().height == 2  # nothing lost


def test_viewers_cannot_change_the_calendar(store: Store) -> None:
    with pytest.raises(PermissionDenied):
        store.set_holidays([{"day": "2026-05-25", "name": "x"}], actor=Actor("v@x", "viewer"))
    store.set_holidays([{"day": "2026-05-25", "name": "x"}], actor=Actor("e@x", "editor"))
    assert store.get_holidays().height == 1
