"""The detector's options (topic column, window, guard, ...) checked against what it can do, and
the error raised when a request cannot be served.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lib.anomaly.sensitivity import SENSITIVITY
from lib.errors import ReviewError


class AnomalyError(ReviewError, ValueError):
    """Anomaly detection was asked something it cannot do (unknown topic column, bad option)."""


@dataclass(frozen=True)
class _Options:
    topic: str = "category"
    sensitivity: str = "balanced"
    window: int = 56
    guard: int = 7
    min_history: int = 28
    min_daily: float = 3.0
    min_excess: float = 3.0
    min_rise: float = 0.3
    start: dt.date | None = None
    end: dt.date | None = None
    tz: str | None = None
    metrics: tuple[str, ...] = ("volume", "sentiment")
    holidays: tuple[dt.date, ...] = ()
    sentiment_at: str | None = None


def _options(**options: object) -> _Options:
    known = _Options.__dataclass_fields__
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise AnomalyError(f"unknown option(s) {unknown}; known: {sorted(known)}")
    if "metrics" in options and isinstance(options["metrics"], str):
        options["metrics"] = (options["metrics"],)
    if "metrics" in options:
        options["metrics"] = tuple(options["metrics"])  # type: ignore[arg-type]
    if "holidays" in options:
        options["holidays"] = _holidays(options["holidays"])
    opts = _Options(**options)  # type: ignore[arg-type]
    if opts.sensitivity not in SENSITIVITY:
        raise AnomalyError(f"sensitivity {opts.sensitivity!r} is not one of {sorted(SENSITIVITY)}")
    if not 7 <= opts.window <= 728:
        raise AnomalyError(f"window must be 7..728 days, got {opts.window}")
    if not 0 <= opts.guard <= 91:
        raise AnomalyError(f"guard must be 0..91 days, got {opts.guard}")
    if not 7 <= opts.min_history <= opts.window:
        raise AnomalyError(f"min_history must be 7..window ({opts.window}), got {opts.min_history}")
    if opts.min_daily < 0:
        raise AnomalyError("min_daily cannot be negative")
    bad = [m for m in opts.metrics if m not in ("volume", "sentiment")]
    if bad or not opts.metrics:
        raise AnomalyError(f"metrics must be 'volume' and/or 'sentiment', got {opts.metrics}")
    if opts.sentiment_at is not None and not isinstance(opts.sentiment_at, str):
        raise AnomalyError(f"sentiment_at must name a column, got {opts.sentiment_at!r}")
    if opts.start and opts.end and opts.start > opts.end:
        raise AnomalyError(f"start {opts.start} is after end {opts.end}")
    return opts


def _holidays(days: object) -> tuple[dt.date, ...]:
    """The holiday calendar as sorted unique dates; a clear error for anything else.

    >>> _holidays(["2024-12-25", dt.date(2024, 12, 26), "2024-12-25"])
    (datetime.date(2024, 12, 25), datetime.date(2024, 12, 26))
    """
    if days is None:
        return ()
    if isinstance(days, str | dt.date):
        days = [days]
    out = set()
    for d in days:  # type: ignore[attr-defined]
        if isinstance(d, dt.datetime):
            d = d.date()
        if isinstance(d, str):
            try:
                d = dt.date.fromisoformat(d.strip())
            except ValueError:
                raise AnomalyError(f"holiday {d!r} is not a date (expected YYYY-MM-DD)") from None
        if not isinstance(d, dt.date):
            raise AnomalyError(f"holiday {d!r} is not a date (expected YYYY-MM-DD)")
        out.add(d)
    return tuple(sorted(out))
