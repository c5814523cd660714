"""When a subscription is due: daily, weekly on a weekday, every two weeks, or the day before
each review meeting, at a local hour in the subscription's time zone (pure, no clock read).

A subscription is due when its latest scheduled moment at or before *now* is later than the
last time it was sent (or, never sent, than when it was made): a run missed by cron sends once,
not once per missed slot, and a second run in the same slot sends nothing. Local hours follow
daylight saving time (08:00 in Berlin is 07:00 UTC in winter, 06:00 UTC in summer); an hour
that does not exist on the spring-forward day is taken as the hour after the clock jump, and
an hour that happens twice in autumn is taken once (the first).

Example
-------
>>> import datetime as dt
>>> weekly = Schedule("weekly", hour=8, weekday=0, tz="Europe/Berlin")  # Mondays 08:00
>>> now = dt.datetime(2026, 12, 7, 7, 30, tzinfo=dt.UTC)                # Monday 08:30 Berlin
>>> last_slot(weekly, now)
datetime.datetime(2026, 12, 7, 7, 0, tzinfo=datetime.timezone.utc)
>>> is_due(weekly, now, since=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
True
>>> is_due(weekly, now, since=dt.datetime(2026, 12, 7, 7, 1, tzinfo=dt.UTC))  # sent already
False
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["FREQUENCIES", "WEEKDAYS", "Schedule", "is_due", "last_slot", "next_slot"]

FREQUENCIES = {
    "daily": "Every day",
    "weekly": "Every week",
    "biweekly": "Every two weeks",
    "meeting": "The day before each review meeting",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Every-two-weeks counts weeks from this Monday unless the schedule gives its own anchor.
DEFAULT_ANCHOR = dt.date(2024, 1, 1)
_LOOK = 15  # days searched for a slot: enough for every frequency but "meeting"


@dataclass(frozen=True)
class Schedule:
    """How often: ``frequency`` (a key of :data:`FREQUENCIES`), the local ``hour`` (0-23),
    ``weekday`` (0 = Monday; weekly and every two weeks), ``tz`` (IANA zone) and, every two
    weeks, ``anchor``: a date in a week when it is sent.

    >>> Schedule("biweekly", hour=7, weekday=4).describe()
    'Every two weeks on Friday at 07:00 (UTC)'
    """

    frequency: str
    hour: int = 8
    weekday: int = 0
    tz: str = "UTC"
    anchor: dt.date | None = None

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(
                f"Unknown frequency {self.frequency!r} (expected one of {', '.join(FREQUENCIES)})"
            )
        if not 0 <= int(self.hour) <= 23:
            raise ValueError(f"Hour {self.hour!r} is not 0-23")
        if not 0 <= int(self.weekday) <= 6:
            raise ValueError(f"Weekday {self.weekday!r} is not 0 (Monday) to 6 (Sunday)")
        zone(self.tz)

    def describe(self) -> str:
        """The schedule in words."""
        at = f"at {self.hour:02d}:00 ({self.tz})"
        if self.frequency == "daily":
            return f"Every day {at}"
        if self.frequency == "meeting":
            return f"The day before each review meeting {at}"
        every = "Every week" if self.frequency == "weekly" else "Every two weeks"
        return f"{every} on {WEEKDAYS[self.weekday]} {at}"


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``, or a ValueError saying what was expected."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"Time zone {name!r} is unknown (expected an IANA name such as Europe/Berlin)"
        ) from None


def _moment(day: dt.date, schedule: Schedule) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(int(schedule.hour)), tzinfo=zone(schedule.tz))
    return local.astimezone(dt.UTC)


def _on(day: dt.date, schedule: Schedule) -> bool:
    if schedule.frequency == "daily":
        return True
    if day.weekday() != schedule.weekday:
        return False
    if schedule.frequency == "weekly":
        return True
    anchor = schedule.anchor or DEFAULT_ANCHOR
    weeks = (day - dt.timedelta(days=day.weekday())) - (anchor - dt.timedelta(anchor.weekday()))
    return (weeks.days // 7) % 2 == 0


def _meeting_days(meetings: Iterable[dt.date]) -> list[dt.date]:
    return sorted({m - dt.timedelta(days=1) for m in meetings})


def _utc(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    return now.astimezone(dt.UTC)


def last_slot(
    schedule: Schedule, now: dt.datetime, meetings: Iterable[dt.date] = ()
) -> dt.datetime | None:
    """The latest scheduled moment at or before ``now`` (UTC), or None when there is none
    (no meeting yet for ``"meeting"``)."""
    now = _utc(now)
    if schedule.frequency == "meeting":
        slots = [m for d in _meeting_days(meetings) if (m := _moment(d, schedule)) <= now]
        return slots[-1] if slots else None
    today = now.astimezone(zone(schedule.tz)).date()
    for back in range(_LOOK):
        day = today - dt.timedelta(days=back)
        if _on(day, schedule) and (m := _moment(day, schedule)) <= now:
            return m
    return None


def next_slot(
    schedule: Schedule, now: dt.datetime, meetings: Iterable[dt.date] = ()
) -> dt.datetime | None:
    """The first scheduled moment after ``now`` (UTC), or None (no meeting planned)."""
    now = _utc(now)
    if schedule.frequency == "meeting":
        slots = [m for d in _meeting_days(meetings) if (m := _moment(d, schedule)) > now]
        return slots[0] if slots else None
    today = now.astimezone(zone(schedule.tz)).date()
    for ahead in range(_LOOK):
        day = today + dt.timedelta(days=ahead)
        if _on(day, schedule) and (m := _moment(day, schedule)) > now:
            return m
    return None


def is_due(
    schedule: Schedule,
    now: dt.datetime,
    *,
    since: dt.datetime,
    meetings: Iterable[dt.date] = (),
) -> bool:
    """True when a slot fell after ``since`` (last sent, else when it was made) and by ``now``."""
    slot = last_slot(schedule, now, meetings)
    return slot is not None and slot > _utc(since)
