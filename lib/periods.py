"""Review, previous and baseline periods, and the date-range presets of the sidebar.

All periods are pairs of calendar dates ``(start, end)``, both inclusive, in the dataset's
**business time zone**. Tickets are kept in UTC (DESIGN.md section 3); a ticket belongs to a day,
a period, a weekday or an hour of the day by its ``created_at`` read on the clock of that zone.
This module is the one place that does it:

* :func:`local_day` / :func:`local_time` turn a UTC timestamp column into the business zone's
  date / wall-clock time (every day bucket, weekday and hour-of-day profile uses them);
* :func:`day_start` is the UTC instant a local day starts at, :func:`in_dates` compares
  timestamps with those instants (no per-row conversion, so it stays fast);
* :func:`business_zone` is the zone these use when no ``tz`` is passed: ``"UTC"`` unless a
  caller set the dataset's zone with :func:`use_zone` (the app does, once per page run, from
  the dataset's stored zone). Passing ``tz=`` always wins.

Days follow the zone's calendar, so a daylight-saving change never creates or drops a day: the
day clocks go forward has 23 hours, the day they go back 25.

Example
-------
>>> from datetime import date
>>> p = review_periods(None, review_end=date(2024, 3, 31), baseline="prior90")
>>> p.review
(datetime.date(2024, 3, 18), datetime.date(2024, 3, 31))
>>> p.previous
(datetime.date(2024, 3, 4), datetime.date(2024, 3, 17))
>>> p.baseline
(datetime.date(2023, 12, 19), datetime.date(2024, 3, 17))
"""

from __future__ import annotations

import contextlib
import contextvars
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import polars as pl

from lib.errors import ReviewError

DateRange = tuple[date, date]
Baseline = Literal["first30", "prior90"] | DateRange

#: Names of the three periods, in the order tables show them.
PERIOD_NAMES = ("review", "previous", "baseline")

#: Human-readable label per period name.
PERIOD_LABELS = {
    "review": "Review period",
    "previous": "Previous period",
    "baseline": "Baseline",
}


class PeriodError(ReviewError, ValueError):
    """A period or date range cannot be built from the options given."""


_ZONE: contextvars.ContextVar[str] = contextvars.ContextVar("business_zone", default="UTC")


def check_zone(tz: str) -> str:
    """``tz`` when it is a time zone Python and Polars know, else :class:`PeriodError`.

    >>> check_zone("Europe/Berlin")
    'Europe/Berlin'
    """
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise PeriodError(
            f"unknown time zone {tz!r} (expected an IANA name such as UTC or Europe/Berlin)"
        ) from exc
    return tz


def business_zone() -> str:
    """The zone day buckets use when no ``tz`` is passed (``"UTC"`` unless :func:`use_zone`).

    >>> business_zone()
    'UTC'
    """
    return _ZONE.get()


@contextlib.contextmanager
def use_zone(tz: str | None) -> Iterator[str]:
    """Make ``tz`` the business zone inside the ``with`` block (``None``: UTC).

    >>> with use_zone("Asia/Tokyo"):
    ...     business_zone()
    'Asia/Tokyo'
    >>> business_zone()
    'UTC'
    """
    token = _ZONE.set(check_zone(tz or "UTC"))
    try:
        yield _ZONE.get()
    finally:
        _ZONE.reset(token)


def set_zone(tz: str | None) -> str:
    """Make ``tz`` the business zone of the current context until it is set again (the app
    calls it once at the start of every page run, with the dataset's zone)."""
    _ZONE.set(check_zone(tz or "UTC"))
    return _ZONE.get()


def _zone(tz: str | None) -> str:
    return business_zone() if tz is None else tz


def local_time(expr: pl.Expr | str, tz: str | None = None) -> pl.Expr:
    """A UTC timestamp column on the business zone's clock (for weekday and hour-of-day).

    >>> df = pl.DataFrame({"t": [datetime(2024, 3, 30, 23, 30, tzinfo=UTC)]})
    >>> df.select(local_time("t", "Europe/Berlin").dt.hour()).item()
    0
    """
    expr = pl.col(expr) if isinstance(expr, str) else expr
    zone = _zone(tz)
    return expr if zone == "UTC" else expr.dt.convert_time_zone(zone)


def local_day(expr: pl.Expr | str, tz: str | None = None) -> pl.Expr:
    """The business zone's calendar date of a UTC timestamp column: THE day bucket.

    >>> df = pl.DataFrame({"t": [datetime(2024, 3, 30, 23, 30, tzinfo=UTC)]})
    >>> df.select(local_day("t"), local_day("t", "Europe/Berlin").alias("berlin")).row(0)
    (datetime.date(2024, 3, 30), datetime.date(2024, 3, 31))
    """
    return local_time(expr, tz).dt.date()


@dataclass(frozen=True)
class Periods:
    """The review period, the period of the same length right before it, and the baseline.

    Each is a ``(start, end)`` pair of dates, both inclusive.

    >>> p = Periods(
    ...     review=(date(2024, 1, 15), date(2024, 1, 28)),
    ...     previous=(date(2024, 1, 1), date(2024, 1, 14)),
    ...     baseline=(date(2023, 12, 1), date(2023, 12, 30)),
    ... )
    >>> p.days("review"), p.label("baseline")
    (14, 'Baseline (2023-12-01 to 2023-12-30)')
    """

    review: DateRange
    previous: DateRange
    baseline: DateRange

    def items(self) -> list[tuple[str, DateRange]]:
        """``[("review", (start, end)), ("previous", ...), ("baseline", ...)]``."""
        return [(name, getattr(self, name)) for name in PERIOD_NAMES]

    def days(self, name: str) -> int:
        """Length of a period in days (inclusive of both ends)."""
        start, end = getattr(self, name)
        return (end - start).days + 1

    def label(self, name: str) -> str:
        """``"Review period (2024-01-15 to 2024-01-28)"``: a caption for tables and charts."""
        start, end = getattr(self, name)
        return f"{PERIOD_LABELS[name]} ({start.isoformat()} to {end.isoformat()})"

    @property
    def baseline_overlaps_review(self) -> bool:
        """True when the baseline shares days with the review period (the data are too short to
        keep them apart); comparisons with the baseline are then not independent."""
        return self.baseline[0] <= self.review[1] and self.review[0] <= self.baseline[1]


def day_start(day: date, tz: str | None = None) -> datetime:
    """The UTC instant ``day`` starts at in the business zone (midnight there; when a clock
    change skips midnight, the first instant the day has).

    >>> day_start(date(2024, 2, 29))
    datetime.datetime(2024, 2, 29, 0, 0, tzinfo=datetime.timezone.utc)
    >>> day_start(date(2024, 3, 31), "Europe/Berlin")
    datetime.datetime(2024, 3, 30, 23, 0, tzinfo=datetime.timezone.utc)
    """
    zone = _zone(tz)
    if zone == "UTC":
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    local = datetime(day.year, day.month, day.day, tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(UTC)


def in_dates(
    start: date | None, end: date | None, column: str = "created_at", *, tz: str | None = None
) -> pl.Expr:
    """Expression: ``column`` falls on a business-zone date between ``start`` and ``end``
    (inclusive).

    Compares timestamps with the UTC instants the days start at (no per-row date conversion),
    so it is fast on large frames. ``None`` leaves that side open.

    >>> df = pl.DataFrame({"created_at": [day_start(date(2024, 1, d)) for d in (1, 2, 3)]})
    >>> df.filter(in_dates(date(2024, 1, 2), date(2024, 1, 2))).height
    1
    >>> df.filter(in_dates(date(2024, 1, 2), date(2024, 1, 2), tz="America/New_York")).height
    1
    """
    expr = pl.lit(True)
    if start is not None:
        expr = expr & (pl.col(column) >= day_start(start, tz))
    if end is not None:
        expr = expr & (pl.col(column) < day_start(end + timedelta(days=1), tz))
    return expr


def date_bounds(
    tickets: pl.DataFrame, column: str = "created_at", *, tz: str | None = None
) -> DateRange | None:
    """``(first, last)`` business-zone dates of ``column``, or ``None`` when there are none.

    >>> from lib.schema import empty_tickets
    >>> date_bounds(empty_tickets()) is None
    True
    """
    if tickets.height == 0:
        return None
    col = pl.col(column)
    lo, hi = tickets.select(col.min().alias("lo"), col.max().alias("hi")).row(0)
    if lo is None or hi is None:
        return None
    return _as_date(lo, tz), _as_date(hi, tz)


def review_periods(
    tickets: pl.DataFrame | None,
    *,
    review_days: int = 14,
    review_end: date | None = None,
    baseline: Baseline = "first30",
) -> Periods:
    """Build the review, previous and baseline periods.

    Parameters
    ----------
    tickets
        Canonical tickets; only ``created_at`` is read (for the default end and for
        ``"first30"``). May be empty or ``None`` when ``review_end`` and an explicit baseline
        are given.
    review_days
        Length of the review period (default 14, a bi-weekly review).
    review_end
        Last day of the review period; defaults to the business-zone date of the last ticket
        created (or today's date there when there are no tickets).
    baseline
        ``"first30"``: the first 30 days of the data, cut short so that it ends before the
        review period starts when the data allow it (when the review starts on the first day
        of data the first 30 days are kept and :attr:`Periods.baseline_overlaps_review` is
        true); ``"prior90"``: the 90 days before the review period; or an explicit
        ``(start, end)`` pair.

    The previous period has the same length as the review period and ends the day before it.

    >>> import polars as pl
    >>> t = pl.DataFrame({"created_at": [day_start(date(2024, 1, 1)), day_start(date(2024, 4, 9))]})
    >>> p = review_periods(t)
    >>> p.review, p.baseline
    ((datetime.date(2024, 3, 27), datetime.date(2024, 4, 9)), (datetime.date(2024, 1, 1), datetime.date(2024, 1, 30)))
    """  # noqa: E501
    if isinstance(review_days, bool) or not isinstance(review_days, int) or review_days < 1:
        raise PeriodError(
            f"the review period must be a whole number of days >= 1, not {review_days!r}"
        )
    bounds = date_bounds(tickets) if tickets is not None else None
    if review_end is None:
        review_end = bounds[1] if bounds else _as_date(datetime.now(UTC))
    review_end = _as_date(review_end)
    length = timedelta(days=review_days)
    review = (review_end - length + timedelta(days=1), review_end)
    previous = (review[0] - length, review[0] - timedelta(days=1))

    if baseline == "first30":
        first = bounds[0] if bounds else previous[0]
        end = first + timedelta(days=29)
        day_before_review = review[0] - timedelta(days=1)
        if day_before_review >= first:
            end = min(end, day_before_review)
        base = (first, end)
    elif baseline == "prior90":
        base = (review[0] - timedelta(days=90), review[0] - timedelta(days=1))
    elif isinstance(baseline, tuple | list) and len(baseline) == 2:
        base = (_as_date(baseline[0]), _as_date(baseline[1]))
        if base[0] > base[1]:
            raise PeriodError(f"the baseline starts ({base[0]}) after it ends ({base[1]})")
    else:
        raise PeriodError(
            f"unknown baseline {baseline!r} (expected 'first30', 'prior90' or a (start, end) pair)"
        )
    return Periods(review=review, previous=previous, baseline=base)


def date_presets(
    max_date: date, min_date: date | None = None, *, review_days: int = 14
) -> dict[str, DateRange]:
    """The sidebar's date-range presets, each a ``(start, end)`` pair ending at ``max_date``.

    Starts are clipped to ``min_date`` (the first day of data) when it is given. "This
    quarter" runs from the first day of ``max_date``'s calendar quarter.

    >>> presets = date_presets(date(2024, 5, 20), date(2024, 3, 1))
    >>> list(presets)  # doctest: +NORMALIZE_WHITESPACE
    ['This review period', 'Last 14 days', 'Last 30 days', 'Last 60 days', 'Last 90 days',
     'This quarter', 'All']
    >>> presets["Last 90 days"], presets["This quarter"]
    ((datetime.date(2024, 3, 1), datetime.date(2024, 5, 20)), (datetime.date(2024, 4, 1), datetime.date(2024, 5, 20)))
    """  # noqa: E501
    max_date = _as_date(max_date)
    min_date = _as_date(min_date) if min_date is not None else None
    if min_date is not None and min_date > max_date:
        raise PeriodError(f"the first date ({min_date}) is after the last ({max_date})")

    def last(days: int) -> DateRange:
        start = max_date - timedelta(days=days - 1)
        if min_date is not None:
            start = max(start, min_date)
        return (start, max_date)

    quarter_start = date(max_date.year, 3 * ((max_date.month - 1) // 3) + 1, 1)
    if min_date is not None:
        quarter_start = max(quarter_start, min_date)
    return {
        "This review period": last(review_days),
        "Last 14 days": last(14),
        "Last 30 days": last(30),
        "Last 60 days": last(60),
        "Last 90 days": last(90),
        "This quarter": (quarter_start, max_date),
        "All": (min_date if min_date is not None else max_date, max_date),
    }


def local_date(value: date | datetime, tz: str | None = None) -> date:
    """The business-zone date of one aware datetime (a naive one or a date as it is).

    >>> local_date(datetime(2024, 3, 30, 23, 30, tzinfo=UTC), "Europe/Berlin")
    datetime.date(2024, 3, 31)
    """
    return _as_date(value, tz)


def _as_date(value: date | datetime, tz: str | None = None) -> date:
    """A date from a date or a datetime (aware datetimes are read in the business zone)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zoneinfo.ZoneInfo(_zone(tz)))
        return value.date()
    if isinstance(value, date):
        return value
    raise PeriodError(f"expected a date, got {value!r}")
