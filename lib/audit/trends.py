"""Escalation rate over time: per day, week, month or quarter (:func:`trend`), and each calendar
quarter tested against the one before (:func:`quarter_comparison`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from lib.audit._buckets import _bucketed, _parse_every
from lib.audit._common import _counts, _with_tests
from lib.audit.maturity import Horizon, horizon_counts, with_escalation_time
from lib.audit.rates import wilson_exprs
from lib.periods import date_bounds, local_day

# Output columns of the aggregate functions (after the grouping column).
_QUARTER_COLUMNS = (
    "quarter", "period_start", "period_end", "days_covered", "tickets", "escalations",
    "rate", "rate_low", "rate_high", "previous_rate", "change", "p_value", "significant",
)  # fmt: skip


def trend(
    tickets: pl.DataFrame,
    *,
    every: str = "1w",
    align_to: date | None = None,
    level: float = 0.95,
    horizon: Horizon | None = None,
) -> pl.DataFrame:
    """Tickets, escalations and escalation rate (with Wilson interval) per period.

    ``every`` is ``"1d"``, ``"1w"``, ``"2w"``, ``"1mo"``, ``"1q"`` (or another count of days,
    weeks, months or quarters). Weeks start on Monday unless ``align_to`` is given: then day
    and week buckets are laid so that one bucket ends on ``align_to`` (pass the review
    period's end to make two-week buckets coincide with review periods). Buckets without
    tickets between the first and last ticket are present with 0 tickets and a null rate.

    Columns: ``period_start``, ``period_end`` (inclusive), ``tickets``, ``escalations``,
    ``rate``, ``rate_low``, ``rate_high``. With a :class:`~lib.audit.maturity.Horizon`,
    ``tickets`` counts mature tickets, ``escalations`` those escalated within the horizon, and
    a ``maturing`` column counts the tickets still too young (left out of the rate).

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3, 17)],
    ...     "escalated": [True, False, False, True],
    ... })
    >>> trend(t, every="1w").select("period_start", "tickets", "escalations", "rate")
    shape: (3, 4)
    ┌──────────────┬─────────┬─────────────┬──────────┐
    │ period_start ┆ tickets ┆ escalations ┆ rate     │
    │ ---          ┆ ---     ┆ ---         ┆ ---      │
    │ date         ┆ i64     ┆ i64         ┆ f64      │
    ╞══════════════╪═════════╪═════════════╪══════════╡
    │ 2024-01-01   ┆ 3       ┆ 1           ┆ 0.333333 │
    │ 2024-01-08   ┆ 0       ┆ 0           ┆ null     │
    │ 2024-01-15   ┆ 1       ┆ 1           ┆ 1.0      │
    └──────────────┴─────────┴─────────────┴──────────┘
    >>> from lib.audit.maturity import Horizon
    >>> h = Horizon(days=7, as_of=datetime(2024, 1, 17, tzinfo=UTC))
    >>> trend(t, horizon=h).select("period_start", "tickets", "maturing", "rate").rows()
    [(datetime.date(2024, 1, 1), 3, 0, 0.3333333333333333), (datetime.date(2024, 1, 8), 0, 0, None), (datetime.date(2024, 1, 15), 0, 1, None)]
    """  # noqa: E501
    _parse_every(every)
    # Count per day first (a few hundred rows), then sum the days into buckets: truncating
    # a million timestamps to months or quarters is much slower than grouping by day.
    counts = _counts() if horizon is None else horizon_counts(horizon)
    names = [c.meta.output_name() for c in counts]
    lf = tickets.lazy() if horizon is None else with_escalation_time(tickets.lazy())
    daily = lf.group_by(local_day("created_at").alias("created_at")).agg(counts).collect()
    out = _bucketed(
        daily,
        every,
        align_to,
        [pl.col(c).sum() for c in names],
        dict.fromkeys(names, 0),
        dict.fromkeys(names, pl.Int64),
    )
    return out.with_columns(wilson_exprs(level=level))


def quarter_comparison(
    tickets: pl.DataFrame, *, level: float = 0.95, horizon: Horizon | None = None
) -> pl.DataFrame:
    """One row per calendar quarter, tested against the quarter before.

    Columns: ``quarter`` (``"2024 Q1"``), ``period_start``, ``period_end``, ``days_covered``
    (days of the quarter inside the data; the first and last quarters may be partial),
    ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high``, ``previous_rate``,
    ``change``, ``p_value``, ``significant``; with a horizon (see :func:`trend`) also
    ``maturing``, and the rates count mature tickets only.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 4, 5)],
    ...     "escalated": [True, True, False, False],
    ... })
    >>> quarter_comparison(t).select("quarter", "days_covered", "tickets", "rate", "change")
    shape: (2, 5)
    ┌─────────┬──────────────┬─────────┬──────┬────────┐
    │ quarter ┆ days_covered ┆ tickets ┆ rate ┆ change │
    │ ---     ┆ ---          ┆ ---     ┆ ---  ┆ ---    │
    │ str     ┆ i64          ┆ i64     ┆ f64  ┆ f64    │
    ╞═════════╪══════════════╪═════════╪══════╪════════╡
    │ 2024 Q1 ┆ 91           ┆ 2       ┆ 1.0  ┆ null   │
    │ 2024 Q2 ┆ 31           ┆ 2       ┆ 0.0  ┆ -1.0   │
    └─────────┴──────────────┴─────────┴──────┴────────┘
    """
    q = trend(tickets, every="1q", level=level, horizon=horizon)
    bounds = date_bounds(tickets)
    first, last = bounds if bounds else (date(1970, 1, 1), date(1970, 1, 1))
    q = q.with_columns(
        (
            pl.col("period_start").dt.year().cast(pl.String)
            + " Q"
            + pl.col("period_start").dt.quarter().cast(pl.String)
        ).alias("quarter"),
        (
            (
                pl.min_horizontal(pl.col("period_end"), pl.lit(last))
                - pl.max_horizontal(pl.col("period_start"), pl.lit(first))
            ).dt.total_days()
            + 1
        )
        .cast(pl.Int64)
        .alias("days_covered"),
        pl.col("tickets").shift(1).alias("_n2"),
        pl.col("escalations").shift(1).alias("_k2"),
        pl.col("rate").shift(1).alias("previous_rate"),
    )
    q = _with_tests(q, "escalations", "tickets", "_k2", "_n2", level=level)
    return q.select(*_QUARTER_COLUMNS, *(["maturing"] if horizon is not None else []))
