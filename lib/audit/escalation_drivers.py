"""What drives escalations: categories ranked by frequency or impact, the Pareto of escalations and
the Tier 1 resolution rate per category against a target.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from lib.audit._common import MetricsError, _check_column, _hours, _key, _safe_ratio, _with_optional
from lib.audit.maturity import Horizon, apply_horizon, mature_expr
from lib.audit.rates import wilson_exprs

SOLVED_STATUSES = ("solved", "closed")


#: Plain sentences explaining each driver ranking, for the UI.
IMPACT_EXPLANATIONS: dict[str, str] = {
    "frequency": (
        "Ranked by the number of escalated tickets in the category: where most escalations come "
        "from."
    ),
    "impact_handling": (
        "Ranked by escalations × extra handling hours: how many more hours, on average, an "
        "escalated ticket in this category takes from creation to solved than a non-escalated "
        "one, times the number of escalations. It estimates the total extra hours escalations "
        "cost in the category (solved tickets only)."
    ),
    "impact_csat": (
        "Ranked by escalations × satisfaction gap: how much lower escalated tickets in this "
        "category score on satisfaction (0 to 1) than the category's other tickets, times the "
        "number of escalations. It estimates the satisfaction lost to escalations (rated tickets "
        "only); 10 means the equivalent of ten customers going from fully satisfied to fully "
        "dissatisfied."
    ),
}


RankBy = Literal["frequency", "impact_handling", "impact_csat"]


# Output columns of the aggregate functions (after the grouping column).
_DRIVER_COLUMNS = (
    "tickets", "escalations", "rate", "rate_low", "rate_high", "share_of_escalations",
    "handling_hours_escalated", "handling_n_escalated",
    "handling_hours_other", "handling_n_other", "extra_handling_hours", "impact_handling",
    "csat_escalated", "csat_n_escalated", "csat_other", "csat_n_other",
    "csat_gap", "impact_csat", "maturing",
)  # fmt: skip


_TIER1_COLUMNS = (
    "solved", "resolved_tier1", "rate", "rate_low", "rate_high", "target", "gap", "meets_target",
)  # fmt: skip


def drivers(
    tickets: pl.DataFrame,
    *,
    by: str = "category",
    rank_by: RankBy = "frequency",
    top: int | None = 10,
    level: float = 0.95,
    horizon: Horizon | None = None,
) -> pl.DataFrame:
    """The categories that drive escalations, ranked by frequency or by impact.

    With a ``horizon`` (:mod:`lib.audit.maturity`) only mature tickets count and a ticket is
    escalated when it escalated within the horizon (rates, counts and impacts alike), so a
    range that ends at the export is not flattered by tickets too young to have escalated;
    ``maturing`` counts the value's tickets left out as still maturing (0 without a horizon).

    Rankings (plain-language versions for the UI in :data:`IMPACT_EXPLANATIONS`):

    - ``"frequency"``: number of escalations.
    - ``"impact_handling"``: ``escalations × extra_handling_hours``, where
      ``extra_handling_hours`` = mean hours from created to solved of escalated tickets minus
      that of non-escalated tickets in the same category (solved tickets only). An estimate of
      the total extra hours the category's escalations cost; negative when escalated tickets
      close faster.
    - ``"impact_csat"``: ``escalations × csat_gap``, where ``csat_gap`` = mean satisfaction
      (0..1) of non-escalated tickets minus that of escalated tickets in the category (rated
      tickets only).

    An impact is null when one side has no solved (or rated) tickets; nulls rank last. Only
    values with at least one escalation are listed. Columns: ``rank``, ``by``, ``tickets``,
    ``escalations``, ``rate``, ``rate_low``, ``rate_high``, ``share_of_escalations``,
    ``handling_hours_escalated`` (n = ``handling_n_escalated``), ``handling_hours_other``
    (n = ``handling_n_other``), ``extra_handling_hours``, ``impact_handling``,
    ``csat_escalated`` (n = ``csat_n_escalated``), ``csat_other`` (n = ``csat_n_other``),
    ``csat_gap``, ``impact_csat``, ``maturing``.

    >>> from datetime import UTC, datetime, timedelta
    >>> c = datetime(2024, 1, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [c] * 4,
    ...     "solved_at": [c + timedelta(hours=h) for h in (10, 2, 3, 3)],
    ...     "category": ["sso", "sso", "billing", "billing"],
    ...     "escalated": [True, False, True, True],
    ...     "satisfaction": [0.0, 1.0, None, 1.0],
    ... })
    >>> drivers(t, rank_by="impact_handling").select(
    ...     "rank", "category", "escalations", "extra_handling_hours", "impact_handling")
    shape: (2, 5)
    ┌──────┬──────────┬─────────────┬──────────────────────┬─────────────────┐
    │ rank ┆ category ┆ escalations ┆ extra_handling_hours ┆ impact_handling │
    │ ---  ┆ ---      ┆ ---         ┆ ---                  ┆ ---             │
    │ u32  ┆ str      ┆ i64         ┆ f64                  ┆ f64             │
    ╞══════╪══════════╪═════════════╪══════════════════════╪═════════════════╡
    │ 1    ┆ sso      ┆ 1           ┆ 8.0                  ┆ 8.0             │
    │ 2    ┆ billing  ┆ 2           ┆ null                 ┆ null            │
    └──────┴──────────┴─────────────┴──────────────────────┴─────────────────┘
    """
    if rank_by not in IMPACT_EXPLANATIONS:
        raise MetricsError(
            f"unknown ranking {rank_by!r} (use {', '.join(map(repr, IMPACT_EXPLANATIONS))})"
        )
    _check_column(tickets, by)
    young = pl.DataFrame(schema={by: pl.String, "maturing": pl.Int64})
    if horizon is not None:
        young = (
            tickets.lazy()
            .filter(~mature_expr(horizon))
            .group_by(_key(by))
            .agg(pl.len().cast(pl.Int64).alias("maturing"))
            .collect()
        )
        tickets = apply_horizon(tickets.lazy(), horizon).collect()
    # One cheap group-by on (value, escalated) with sums and counts; the means and gaps are
    # then combined on the small result (much faster than filtered aggregations on 1M rows).
    solved = pl.col("solved_at").is_not_null() & (pl.col("solved_at") >= pl.col("created_at"))
    parts = (
        _with_optional(tickets, "solved_at", "satisfaction")
        .lazy()
        .with_columns(pl.when(solved).then(_hours("solved_at")).alias("_h"))
        .group_by(_key(by), "escalated")
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col("_h").sum().alias("h_sum"),
            pl.col("_h").count().cast(pl.Int64).alias("h_n"),
            pl.col("satisfaction").sum().alias("s_sum"),
            pl.col("satisfaction").count().cast(pl.Int64).alias("s_n"),
        )
        .collect()
    )

    def side(escalated: bool, suffix: str) -> pl.DataFrame:
        return parts.filter(pl.col("escalated") == escalated).select(
            by,
            pl.col("n").alias(f"n_{suffix}"),
            _safe_ratio("h_sum", "h_n", f"handling_hours_{suffix}"),
            pl.col("h_n").alias(f"handling_n_{suffix}"),
            _safe_ratio("s_sum", "s_n", f"csat_{suffix}"),
            pl.col("s_n").alias(f"csat_n_{suffix}"),
        )

    out = (
        side(True, "escalated")
        .join(side(False, "other"), on=by, how="full", coalesce=True)
        .with_columns(
            pl.col("n_escalated", "handling_n_escalated", "csat_n_escalated").fill_null(0),
            pl.col("n_other", "handling_n_other", "csat_n_other").fill_null(0),
        )
        .with_columns(
            pl.col("n_escalated").alias("escalations"),
            (pl.col("n_escalated") + pl.col("n_other")).alias("tickets"),
        )
    )
    out = (
        out.with_columns(
            *wilson_exprs(level=level),
            pl.col("escalations").sum().cast(pl.Int64).alias("_all"),
            (pl.col("handling_hours_escalated") - pl.col("handling_hours_other")).alias(
                "extra_handling_hours"
            ),
            (pl.col("csat_other") - pl.col("csat_escalated")).alias("csat_gap"),
        )
        .with_columns(
            _safe_ratio("escalations", "_all", "share_of_escalations"),
            (pl.col("escalations") * pl.col("extra_handling_hours")).alias("impact_handling"),
            (pl.col("escalations") * pl.col("csat_gap")).alias("impact_csat"),
        )
        .filter(pl.col("escalations") > 0)
        .join(young, on=by, how="left")
        .with_columns(pl.col("maturing").fill_null(0))
    )
    key = "escalations" if rank_by == "frequency" else rank_by
    out = out.sort(
        [key, "escalations", by], descending=[True, True, False], nulls_last=True
    ).with_row_index("rank", offset=1)
    out = out.select("rank", by, *_DRIVER_COLUMNS)
    return out if top is None else out.head(top)


def pareto(
    tickets: pl.DataFrame, by: str = "category", *, horizon: Horizon | None = None
) -> pl.DataFrame:
    """Escalations per value, most first, with the cumulative share (for a Pareto chart).

    Columns: ``rank``, ``by``, ``escalations``, ``share`` (of ``all_escalations``),
    ``cumulative_share``, ``all_escalations``. Values without escalations are left out. With
    a ``horizon`` only mature tickets' escalations within the horizon count (as
    :func:`drivers`).

    >>> t = pl.DataFrame({"category": ["a", "b", "a", "c", "a"], "escalated": [True] * 4 + [False]})
    >>> pareto(t).select("category", "escalations", "share", "cumulative_share")
    shape: (3, 4)
    ┌──────────┬─────────────┬───────┬──────────────────┐
    │ category ┆ escalations ┆ share ┆ cumulative_share │
    │ ---      ┆ ---         ┆ ---   ┆ ---              │
    │ str      ┆ i64         ┆ f64   ┆ f64              │
    ╞══════════╪═════════════╪═══════╪══════════════════╡
    │ a        ┆ 2           ┆ 0.5   ┆ 0.5              │
    │ b        ┆ 1           ┆ 0.25  ┆ 0.75             │
    │ c        ┆ 1           ┆ 0.25  ┆ 1.0              │
    └──────────┴─────────────┴───────┴──────────────────┘
    """
    _check_column(tickets, by)
    lf = tickets.lazy() if horizon is None else apply_horizon(tickets.lazy(), horizon)
    out = (
        lf.filter(pl.col("escalated"))
        .group_by(_key(by))
        .agg(pl.len().cast(pl.Int64).alias("escalations"))
        .sort(["escalations", by], descending=[True, False])
        .collect()
    )
    total = int(out.get_column("escalations").sum()) if out.height else 0
    return (
        out.with_row_index("rank", offset=1)
        .with_columns(
            (pl.col("escalations") / total).alias("share")
            if total
            else pl.lit(None, pl.Float64).alias("share"),
            (pl.col("escalations").cum_sum() / total).alias("cumulative_share")
            if total
            else pl.lit(None, pl.Float64).alias("cumulative_share"),
            pl.lit(total, dtype=pl.Int64).alias("all_escalations"),
        )
        .select("rank", by, "escalations", "share", "cumulative_share", "all_escalations")
    )


def tier1_resolution(
    tickets: pl.DataFrame,
    *,
    target: float = 0.70,
    by: str = "category",
    level: float = 0.95,
) -> pl.DataFrame:
    """Tier 1 resolution rate per category against a target.

    A ticket is solved when its status is solved or closed, or it has a ``solved_at``; it is
    resolved at Tier 1 when solved and not escalated. Columns: ``by``, ``solved``,
    ``resolved_tier1``, ``rate`` (= resolved_tier1 / solved), ``rate_low``, ``rate_high``,
    ``target``, ``gap`` (rate - target), ``meets_target``. Worst rate first.

    >>> t = pl.DataFrame({
    ...     "category": ["sso"] * 4 + ["billing"],
    ...     "status": ["solved", "closed", "solved", "open", "solved"],
    ...     "solved_at": [None] * 5,
    ...     "escalated": [True, False, False, True, False],
    ... })
    >>> tier1_resolution(t).select("category", "solved", "resolved_tier1", "rate", "meets_target")
    shape: (2, 5)
    ┌──────────┬────────┬────────────────┬──────────┬──────────────┐
    │ category ┆ solved ┆ resolved_tier1 ┆ rate     ┆ meets_target │
    │ ---      ┆ ---    ┆ ---            ┆ ---      ┆ ---          │
    │ str      ┆ i64    ┆ i64            ┆ f64      ┆ bool         │
    ╞══════════╪════════╪════════════════╪══════════╪══════════════╡
    │ sso      ┆ 3      ┆ 2              ┆ 0.666667 ┆ false        │
    │ billing  ┆ 1      ┆ 1              ┆ 1.0      ┆ true         │
    └──────────┴────────┴────────────────┴──────────┴──────────────┘
    """
    if not 0 <= target <= 1:
        raise MetricsError(f"the Tier 1 target must be between 0 and 1 (e.g. 0.7), not {target!r}")
    _check_column(tickets, by)
    solved = (
        pl.col("status").is_in(SOLVED_STATUSES).fill_null(False) | pl.col("solved_at").is_not_null()
    )
    out = (
        tickets.lazy()
        .filter(solved)
        .group_by(_key(by))
        .agg(
            pl.len().cast(pl.Int64).alias("solved"),
            (~pl.col("escalated")).sum().cast(pl.Int64).alias("resolved_tier1"),
        )
        .collect()
    )
    return (
        out.with_columns(wilson_exprs("resolved_tier1", "solved", level=level))
        .with_columns(
            pl.lit(float(target)).alias("target"),
            (pl.col("rate") - target).alias("gap"),
            (pl.col("rate") >= target).alias("meets_target"),
        )
        .sort(["rate", "solved", by], descending=[False, True, False])
        .select(by, *_TIER1_COLUMNS)
    )
