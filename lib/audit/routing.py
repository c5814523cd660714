"""Routing: how often tickets are reassigned, first response times (over time and per value) and
the time from creation to escalation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from lib.audit._buckets import _bucketed
from lib.audit._common import MetricsError, _check_column, _escalation_hours, _key, _safe_ratio
from lib.audit.rates import wilson_exprs

# Output columns of the aggregate functions (after the grouping column).
_REASSIGN_COLUMNS = (
    "tickets", "known", "reassigned", "share_reassigned", "share_low", "share_high",
    "first_assignment_correct", "first_assignment_correct_rate", "bounced", "mean_reassignments",
)  # fmt: skip


@dataclass(frozen=True)
class ReassignmentSummary:
    """Reassignment figures (see :func:`reassignment_summary`)."""

    summary: pl.DataFrame
    distribution: pl.DataFrame
    bounced: pl.DataFrame


def reassignment_summary(
    tickets: pl.DataFrame,
    by: str | None = None,
    *,
    bounced_at: int = 3,
    cap: int = 5,
    level: float = 0.95,
) -> ReassignmentSummary:
    """How often tickets are passed around, overall or per value of ``by``.

    ``summary`` columns: [``by``], ``tickets``, ``known`` (tickets whose reassignment count is
    known: the denominator of every share), ``reassigned`` (count > 0), ``share_reassigned``
    with ``share_low``/``share_high`` (Wilson), ``first_assignment_correct`` (count == 0) and
    ``first_assignment_correct_rate`` (= 1 - share_reassigned), ``bounced`` (count >=
    ``bounced_at``), ``mean_reassignments``.

    ``distribution``: [``by``], ``reassignments`` (capped at ``cap``), ``label`` ("0", "1",
    ..., "5+"), ``tickets``, ``share`` (of ``known``), ``known``.

    ``bounced``: the tickets reassigned ``bounced_at`` times or more, most first.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "ticket_id": ["1", "2", "3", "4"],
    ...     "created_at": [datetime(2024, 1, 1, tzinfo=UTC)] * 4,
    ...     "reassignments": [0, 1, 4, None],
    ...     "escalated": [False, False, True, False],
    ... })
    >>> r = reassignment_summary(t)
    >>> r.summary.select("tickets", "known", "reassigned", "first_assignment_correct_rate", "bounced")
    shape: (1, 5)
    ┌─────────┬───────┬────────────┬───────────────────────────────┬─────────┐
    │ tickets ┆ known ┆ reassigned ┆ first_assignment_correct_rate ┆ bounced │
    │ ---     ┆ ---   ┆ ---        ┆ ---                           ┆ ---     │
    │ i64     ┆ i64   ┆ i64        ┆ f64                           ┆ i64     │
    ╞═════════╪═══════╪════════════╪═══════════════════════════════╪═════════╡
    │ 4       ┆ 3     ┆ 2          ┆ 0.333333                      ┆ 1       │
    └─────────┴───────┴────────────┴───────────────────────────────┴─────────┘
    >>> r.bounced.get_column("ticket_id").to_list()
    ['3']
    """  # noqa: E501
    if bounced_at < 1 or cap < 1:
        raise MetricsError("bounced_at and cap must be at least 1")
    keys: list[pl.Expr] = []
    names: list[str] = []
    if by is not None:
        _check_column(tickets, by)
        keys, names = [_key(by)], [by]
    r = pl.col("reassignments")
    aggs = [
        pl.len().cast(pl.Int64).alias("tickets"),
        r.count().cast(pl.Int64).alias("known"),
        (r > 0).sum().cast(pl.Int64).alias("reassigned"),
        (r == 0).sum().cast(pl.Int64).alias("first_assignment_correct"),
        (r >= bounced_at).sum().cast(pl.Int64).alias("bounced"),
        r.cast(pl.Float64).mean().alias("mean_reassignments"),
    ]
    lf = tickets.lazy()
    summary_q = lf.group_by(keys).agg(aggs) if keys else lf.select(aggs)
    capped = pl.min_horizontal(r, pl.lit(cap)).cast(pl.Int64).alias("reassignments")
    dist_q = (
        lf.filter(r.is_not_null())
        .group_by([*keys, capped])
        .agg(pl.len().cast(pl.Int64).alias("tickets"))
    )
    bounced_cols = [
        c
        for c in (
            "ticket_id", "created_at", "subject", "category", "channel", "agent", "group",
            "reassignments", "escalated",
        )
        if c in tickets.columns
    ]  # fmt: skip
    bounced_q = (
        lf.filter(r >= bounced_at)
        .select(bounced_cols)
        .sort(["reassignments", "created_at"], descending=True)
    )
    summary, dist, bounced = pl.collect_all([summary_q, dist_q, bounced_q])
    summary = (
        summary.with_columns(
            wilson_exprs("reassigned", "known", level=level, name="share_reassigned")
        )
        .rename({"share_reassigned_low": "share_low", "share_reassigned_high": "share_high"})
        .with_columns(
            _safe_ratio("first_assignment_correct", "known", "first_assignment_correct_rate")
        )
        .select(*names, *_REASSIGN_COLUMNS)
    )
    if names:
        summary = summary.sort(["tickets", by], descending=[True, False])
    known = pl.col("tickets").sum().over(names) if names else pl.col("tickets").sum()
    dist = (
        dist.with_columns(known.cast(pl.Int64).alias("known"))
        .with_columns(
            _safe_ratio("tickets", "known", "share"),
            pl.when(pl.col("reassignments") >= cap)
            .then(pl.lit(f"{cap}+"))
            .otherwise(pl.col("reassignments").cast(pl.String))
            .alias("label"),
        )
        .sort([*names, "reassignments"])
        .select(*names, "reassignments", "label", "tickets", "share", "known")
    )
    return ReassignmentSummary(summary=summary, distribution=dist, bounced=bounced)


def _quantile_aggs(value: pl.Expr, prefix: str) -> list[pl.Expr]:
    return [
        value.median().alias(f"{prefix}median"),
        value.quantile(0.25, "linear").alias(f"{prefix}p25"),
        value.quantile(0.75, "linear").alias(f"{prefix}p75"),
        value.quantile(0.90, "linear").alias(f"{prefix}p90"),
    ]


def first_response_trend(
    tickets: pl.DataFrame, *, every: str = "1w", align_to: date | None = None
) -> pl.DataFrame:
    """Median and 90th percentile of first response minutes per period.

    Columns: ``period_start``, ``period_end``, ``tickets``, ``responses`` (tickets with a first
    response time: the denominator), ``median``, ``p25``, ``p75``, ``p90`` (minutes).

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 9)],
    ...     "first_response_minutes": [10.0, 30.0, None],
    ... })
    >>> first_response_trend(t).select("period_start", "tickets", "responses", "median")
    shape: (2, 4)
    ┌──────────────┬─────────┬───────────┬────────┐
    │ period_start ┆ tickets ┆ responses ┆ median │
    │ ---          ┆ ---     ┆ ---       ┆ ---    │
    │ date         ┆ i64     ┆ i64       ┆ f64    │
    ╞══════════════╪═════════╪═══════════╪════════╡
    │ 2024-01-01   ┆ 2       ┆ 2         ┆ 20.0   │
    │ 2024-01-08   ┆ 1       ┆ 0         ┆ null   │
    └──────────────┴─────────┴───────────┴────────┘
    """
    frm = pl.col("first_response_minutes")
    return _bucketed(
        tickets,
        every,
        align_to,
        [
            pl.len().cast(pl.Int64).alias("tickets"),
            frm.count().cast(pl.Int64).alias("responses"),
            *_quantile_aggs(frm, ""),
        ],
        {"tickets": 0, "responses": 0},
        {
            "tickets": pl.Int64,
            "responses": pl.Int64,
            "median": pl.Float64,
            "p25": pl.Float64,
            "p75": pl.Float64,
            "p90": pl.Float64,
        },
    )


def first_response_by(tickets: pl.DataFrame, by: str = "channel") -> pl.DataFrame:
    """First response minutes per value of ``by``.

    Columns: ``by``, ``tickets``, ``responses`` (with a time), ``median``, ``p25``, ``p75``,
    ``p90``, ``mean`` (minutes). Slowest median first.

    >>> t = pl.DataFrame({"channel": ["chat", "chat", "email"], "first_response_minutes": [1.0, 3.0, 60.0]})
    >>> first_response_by(t).select("channel", "responses", "median")
    shape: (2, 3)
    ┌─────────┬───────────┬────────┐
    │ channel ┆ responses ┆ median │
    │ ---     ┆ ---       ┆ ---    │
    │ str     ┆ i64       ┆ f64    │
    ╞═════════╪═══════════╪════════╡
    │ email   ┆ 1         ┆ 60.0   │
    │ chat    ┆ 2         ┆ 2.0    │
    └─────────┴───────────┴────────┘
    """  # noqa: E501
    _check_column(tickets, by)
    frm = pl.col("first_response_minutes")
    return (
        tickets.lazy()
        .group_by(_key(by))
        .agg(
            pl.len().cast(pl.Int64).alias("tickets"),
            frm.count().cast(pl.Int64).alias("responses"),
            *_quantile_aggs(frm, ""),
            frm.mean().alias("mean"),
        )
        .sort(["median", by], descending=[True, False], nulls_last=True)
        .collect()
    )


def time_to_escalate(tickets: pl.DataFrame, by: str | None = "category") -> pl.DataFrame:
    """Hours from creation to escalation, per value of ``by`` (or overall with ``by=None``).

    Only escalated tickets with an ``escalated_at`` no earlier than ``created_at`` count.
    Columns: [``by``], ``escalations``, ``n`` (escalations with a usable time: the
    denominator), ``median``, ``p25``, ``p75``, ``p90``, ``mean`` (hours). Most escalations
    first.

    >>> from datetime import UTC, datetime, timedelta
    >>> c = datetime(2024, 1, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [c] * 3,
    ...     "escalated_at": [c + timedelta(hours=2), c + timedelta(hours=4), None],
    ...     "category": ["sso"] * 3,
    ...     "escalated": [True, True, True],
    ... })
    >>> time_to_escalate(t).select("category", "escalations", "n", "median", "p90")
    shape: (1, 5)
    ┌──────────┬─────────────┬─────┬────────┬─────┐
    │ category ┆ escalations ┆ n   ┆ median ┆ p90 │
    │ ---      ┆ ---         ┆ --- ┆ ---    ┆ --- │
    │ str      ┆ i64         ┆ i64 ┆ f64    ┆ f64 │
    ╞══════════╪═════════════╪═════╪════════╪═════╡
    │ sso      ┆ 3           ┆ 2   ┆ 3.0    ┆ 3.8 │
    └──────────┴─────────────┴─────┴────────┴─────┘
    """
    hours, timed = _escalation_hours()
    h = hours.filter(timed)
    aggs = [
        pl.col("escalated").sum().cast(pl.Int64).alias("escalations"),
        timed.sum().cast(pl.Int64).alias("n"),
        *_quantile_aggs(h, ""),
        h.mean().alias("mean"),
    ]
    lf = tickets.lazy().filter(pl.col("escalated"))
    if by is None:
        return lf.select(aggs).collect()
    _check_column(tickets, by)
    return (
        lf.group_by(_key(by))
        .agg(aggs)
        .sort(["escalations", by], descending=[True, False])
        .collect()
    )
