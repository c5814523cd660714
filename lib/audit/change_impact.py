"""The escalation rate before and after a change date (a policy, playbook or routing change),
tested, with a segmented weekly trend line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from lib.audit._common import _US_PER_HOUR, MetricsError, _check_column, _counts, _match
from lib.audit.rates import TestResult, two_proportion_test, wilson_exprs
from lib.periods import day_start


@dataclass(frozen=True)
class BeforeAfter:
    """Escalation rate before and after a change date (see :func:`before_after`).

    ``summary``: two rows (``segment`` = before / after) with ``start``, ``end``, ``tickets``,
    ``escalations``, ``rate``, ``rate_low``, ``rate_high``. ``test``: after vs before
    (``test.diff`` = after rate - before rate). ``weekly``: one row per week counted from the
    change date (``week`` = whole weeks from the date, negative before it), with ``week_start``,
    ``segment``, ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high`` and
    ``fitted`` (the segmented trend line: a separate weighted straight line per segment).
    ``slopes``: change in rate per week of each line; ``level_change``: the jump between the
    two lines at the change date (``None`` when a side has no weeks).
    """

    date: date
    category: str | None
    summary: pl.DataFrame
    test: TestResult
    weekly: pl.DataFrame
    slopes: dict[str, float | None]
    level_change: float | None


def _fit_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float] | None:
    """Weighted least squares ``y = a + b x`` (weights ``w`` on squared residuals)."""
    keep = (w > 0) & np.isfinite(y)
    x, y, w = x[keep], y[keep], w[keep]
    if x.size == 0:
        return None
    if x.size == 1:
        return float(y[0]), 0.0
    b, a = np.polyfit(x, y, 1, w=np.sqrt(w))
    return float(a), float(b)


def before_after(
    tickets: pl.DataFrame,
    *,
    date: date,
    category: str | None = None,
    window_days: int | None = None,
    level: float = 0.95,
) -> BeforeAfter:
    """Compare the escalation rate before and after ``date`` (a policy, playbook or routing
    change), for one ``category`` or all tickets.

    Before is every ticket created before ``date`` (UTC), after is ``date`` onwards; with
    ``window_days`` each side is limited to that many days. The weekly series counts weeks
    from ``date`` so no week straddles the change; each segment gets a straight line fitted by
    least squares weighted by the week's tickets (x = the middle of the week), and the lines
    are evaluated at every week (``fitted``).

    >>> from datetime import UTC, datetime
    >>> d0 = datetime(2024, 3, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [d0 + timedelta(days=d) for d in (-10, -3, -2, 1, 2, 9)],
    ...     "category": ["sso"] * 6,
    ...     "escalated": [True, True, False, False, False, True],
    ... })
    >>> r = before_after(t, date=d0.date())
    >>> r.summary.select("segment", "tickets", "escalations", "rate")
    shape: (2, 4)
    ┌─────────┬─────────┬─────────────┬──────────┐
    │ segment ┆ tickets ┆ escalations ┆ rate     │
    │ ---     ┆ ---     ┆ ---         ┆ ---      │
    │ str     ┆ i64     ┆ i64         ┆ f64      │
    ╞═════════╪═════════╪═════════════╪══════════╡
    │ before  ┆ 3       ┆ 2           ┆ 0.666667 │
    │ after   ┆ 3       ┆ 1           ┆ 0.333333 │
    └─────────┴─────────┴─────────────┴──────────┘
    >>> r.weekly.select("week", "tickets", "rate", pl.col("fitted").round(6)).rows()
    [(-2, 1, 1.0, 1.0), (-1, 2, 0.5, 0.5), (0, 2, 0.0, 0.0), (1, 1, 1.0, 1.0)]
    """
    change = day_start(date)
    lf = tickets.lazy()
    if category is not None:
        _check_column(tickets, "category")
        lf = lf.filter(_match("category", [category]))
    before = pl.col("created_at") < change
    after = pl.col("created_at") >= change
    if window_days is not None:
        if window_days < 1:
            raise MetricsError(f"the window must be at least 1 day, not {window_days!r}")
        span = timedelta(days=window_days)
        before = before & (pl.col("created_at") >= change - span)
        after = after & (pl.col("created_at") < change + span)
    week_us = 7 * 24 * _US_PER_HOUR
    week = ((pl.col("created_at") - pl.lit(change)).dt.total_microseconds() // week_us).cast(
        pl.Int64
    )
    sides = lf.filter(before | after).with_columns(
        pl.when(before).then(pl.lit("before")).otherwise(pl.lit("after")).alias("segment"),
        week.alias("week"),
    )
    summary_q = sides.group_by("segment").agg(
        *_counts(),
        pl.col("created_at").min().alias("_first"),
        pl.col("created_at").max().alias("_last"),
    )
    weekly_q = sides.group_by("week", "segment").agg(_counts()).sort("week")
    summary, weekly = pl.collect_all([summary_q, weekly_q])
    seg = pl.DataFrame({"segment": ["before", "after"]})
    summary = (
        seg.join(summary, on="segment", how="left")
        .with_columns(pl.col("tickets", "escalations").fill_null(0))
        .with_columns(
            *wilson_exprs(level=level),
            pl.col("_first").cast(pl.Date).alias("start"),
            pl.col("_last").cast(pl.Date).alias("end"),
        )
        .select(
            "segment", "start", "end", "tickets", "escalations", "rate", "rate_low", "rate_high"
        )
    )
    (kb, nb), (ka, na) = summary.select("escalations", "tickets").rows()
    test = two_proportion_test(ka, na, kb, nb, level=level)

    weekly = weekly.with_columns(
        *wilson_exprs(level=level),
        (pl.lit(date) + pl.duration(days=pl.col("week") * 7)).cast(pl.Date).alias("week_start"),
    )
    fitted = np.full(weekly.height, np.nan)
    slopes: dict[str, float | None] = {}
    levels: dict[str, float] = {}
    x_all = weekly.get_column("week").to_numpy().astype(float) + 0.5
    for name in ("before", "after"):
        mask = (weekly.get_column("segment") == name).to_numpy()
        fit = _fit_line(
            x_all[mask],
            weekly.get_column("rate").to_numpy().astype(float)[mask],
            weekly.get_column("tickets").to_numpy().astype(float)[mask],
        )
        if fit is None:
            slopes[name] = None
            continue
        a, b = fit
        slopes[name] = b
        levels[name] = a  # the line's value at x = 0, the change date
        fitted[mask] = a + b * x_all[mask]
    weekly = weekly.with_columns(pl.Series("fitted", fitted).fill_nan(None).clip(0.0, 1.0)).select(
        "week",
        "week_start",
        "segment",
        "tickets",
        "escalations",
        "rate",
        "rate_low",
        "rate_high",
        "fitted",
    )
    level_change = levels["after"] - levels["before"] if len(levels) == 2 else None
    return BeforeAfter(
        date=date,
        category=category,
        summary=summary,
        test=test,
        weekly=weekly,
        slopes=slopes,
        level_change=level_change,
    )
