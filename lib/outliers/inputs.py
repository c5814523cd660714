"""Checks on the tickets and options of an agent comparison, the period filter, and the error
raised when they cannot be used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import polars as pl

from lib.errors import ReviewError
from lib.periods import in_dates

_KNOWN_OPTIONS = frozenset(
    {
        "case_mix",
        "min_expected",
        "q_level",
        "period",
        "overdispersion",
        "winsor",
        "funnel_levels",
        "reference",
        "owner",
        "leave_one_out",
        "shrink",
    }
)


class OutlierError(ReviewError, ValueError):
    """The tickets or options cannot be used for an agent comparison (message says why)."""


def _names(tickets: pl.DataFrame | pl.LazyFrame) -> list[str]:
    """The column names of a frame, eager or lazy (a lazy one's schema, not its data)."""
    if isinstance(tickets, pl.LazyFrame):
        return tickets.collect_schema().names()
    return tickets.columns


def _require(tickets: pl.DataFrame | pl.LazyFrame, columns: Iterable[str]) -> None:
    have = set(_names(tickets))
    missing = [c for c in columns if c not in have]
    if missing:
        raise OutlierError(
            f"the tickets have no {', '.join(repr(c) for c in missing)} column; "
            "an agent comparison needs who handled each ticket and whether it escalated"
        )


def _as_date(value: date | datetime, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise OutlierError(f"period {name} must be a date, got {value!r}")


def _filter_period(
    tickets: pl.DataFrame | pl.LazyFrame, period: tuple[date, date] | Sequence[date] | None
) -> pl.DataFrame | pl.LazyFrame:
    """Keep tickets created between the two dates, both days included (business zone)."""
    if period is None:
        return tickets
    if len(period) != 2:
        raise OutlierError(f"period must be (start, end), got {period!r}")
    start, end = _as_date(period[0], "start"), _as_date(period[1], "end")
    if start > end:
        raise OutlierError(f"period starts ({start}) after it ends ({end})")
    _require(tickets, ["created_at"])
    return tickets.filter(in_dates(start, end))


def _check_options(options: dict) -> None:
    unknown = sorted(set(options) - _KNOWN_OPTIONS)
    if unknown:
        raise TypeError(f"unknown option(s) {unknown}; known: {sorted(_KNOWN_OPTIONS)}")
