"""Escalation rate per value of a column (with the change vs the previous period), the top values
within a slice, the tickets of a slice and the rate per combination of two columns.
"""

from __future__ import annotations

import polars as pl

from lib.audit._common import (
    MISSING,
    MetricsError,
    _check_column,
    _counts,
    _key,
    _match,
    _safe_ratio,
    _with_tests,
)
from lib.audit.maturity import (
    Horizon,
    apply_horizon,
    horizon_counts,
    mature_expr,
    with_escalation_time,
    within_horizon_expr,
)
from lib.audit.rates import wilson_exprs
from lib.audit.significance import DAY, bh_q_values, corrected_p_values, design_effects
from lib.periods import Periods, in_dates

# Output columns of the aggregate functions (after the grouping column).
_RATE_COLUMNS = (
    "tickets", "escalations", "rate", "rate_low", "rate_high",
    "share_of_escalations", "all_escalations",
)  # fmt: skip


_BREAKDOWN_COLUMNS = (
    *_RATE_COLUMNS, "previous_tickets", "previous_escalations", "previous_rate",
    "change", "p_value", "significant", "escalations_change",
    "plain_p_value", "design_effect", "q_value", "maturing",
)  # fmt: skip


def _sort_by_escalations(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Most escalations first, then most tickets, then by name with :data:`MISSING` last."""
    return frame.sort(
        [pl.col("escalations"), pl.col("tickets"), pl.col(by) == MISSING, pl.col(by)],
        descending=[True, True, False, False],
    )


def rate_by(tickets: pl.DataFrame, by: str, *, level: float = 0.95) -> pl.DataFrame:
    """Escalation rate per value of ``by`` over all the tickets given.

    Columns: ``by``, ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high``,
    ``share_of_escalations`` (this value's escalations / ``all_escalations``),
    ``all_escalations``. Sorted by escalations, most first.

    >>> t = pl.DataFrame({"customer_tier": ["gold", "gold", None], "escalated": [True, False, True]})
    >>> rate_by(t, "customer_tier").select("customer_tier", "tickets", "rate", "share_of_escalations")
    shape: (2, 4)
    ┌───────────────┬─────────┬──────┬──────────────────────┐
    │ customer_tier ┆ tickets ┆ rate ┆ share_of_escalations │
    │ ---           ┆ ---     ┆ ---  ┆ ---                  │
    │ str           ┆ i64     ┆ f64  ┆ f64                  │
    ╞═══════════════╪═════════╪══════╪══════════════════════╡
    │ gold          ┆ 2       ┆ 0.5  ┆ 0.5                  │
    │ (none)        ┆ 1       ┆ 1.0  ┆ 0.5                  │
    └───────────────┴─────────┴──────┴──────────────────────┘
    """  # noqa: E501
    _check_column(tickets, by)
    out = tickets.lazy().group_by(_key(by)).agg(_counts()).collect()
    out = out.with_columns(
        *wilson_exprs(level=level),
        pl.col("escalations").sum().cast(pl.Int64).alias("all_escalations"),
    ).with_columns(_safe_ratio("escalations", "all_escalations", "share_of_escalations"))
    out = out.select(by, *_RATE_COLUMNS)
    return _sort_by_escalations(out, by)


def breakdown(
    tickets: pl.DataFrame,
    by: str,
    periods: Periods,
    *,
    level: float = 0.95,
    cluster: str | None = DAY,
    fdr: bool = True,
    horizon: Horizon | None = None,
) -> pl.DataFrame:
    """Per value of ``by``: the review period's rate, share and change vs the previous period.

    With a ``horizon`` (:mod:`lib.audit.maturity`) only mature tickets count, escalated within
    the horizon, so the newest period is not flattered by tickets too young to have escalated;
    ``maturing`` counts the review period's tickets of the row left out as still maturing (a
    value whose review tickets are all maturing is kept with 0 ``tickets``). Without a
    horizon ``maturing`` is 0.

    Columns: ``by``, ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high``,
    ``share_of_escalations`` (of ``all_escalations`` in the review period),
    ``all_escalations``, ``previous_tickets``, ``previous_escalations``, ``previous_rate``,
    ``change`` (rate - previous rate), ``p_value``, ``significant``, ``escalations_change``
    (escalations - previous escalations), ``plain_p_value`` (the plain two-proportion z-test),
    ``design_effect``, ``q_value`` and ``maturing``. Values seen only in the previous period
    are kept with 0 tickets. Sorted by escalations, most first.

    The test allows for tickets that arrive together and for the many rows tested at once
    (:mod:`lib.audit.significance`): ``p_value`` is the z-test corrected by the row's design
    effect with the tickets clustered by ``cluster`` (``"day"``, the UTC day of creation, or
    a column such as ``"customer"``; ``None``: no correction, design effect 1), ``q_value``
    the Benjamini-Hochberg adjusted ``p_value`` across the rows with a test (``fdr=False``:
    the ``p_value`` itself), and ``significant`` is ``q_value < 1 - level``.

    >>> from datetime import UTC, datetime
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 8, 9, 10)],
    ...     "agent": ["ann", "bob", "ann", "ann", "bob"],
    ...     "escalated": [False, True, True, True, False],
    ... })
    >>> p = review_periods(t, review_days=7)
    >>> breakdown(t, "agent", p).select(
    ...     "agent", "tickets", "escalations", "previous_tickets", "change", "escalations_change")
    shape: (2, 6)
    ┌───────┬─────────┬─────────────┬──────────────────┬────────┬────────────────────┐
    │ agent ┆ tickets ┆ escalations ┆ previous_tickets ┆ change ┆ escalations_change │
    │ ---   ┆ ---     ┆ ---         ┆ ---              ┆ ---    ┆ ---                │
    │ str   ┆ i64     ┆ i64         ┆ i64              ┆ f64    ┆ i64                │
    ╞═══════╪═════════╪═════════════╪══════════════════╪════════╪════════════════════╡
    │ ann   ┆ 2       ┆ 2           ┆ 1                ┆ 1.0    ┆ 2                  │
    │ bob   ┆ 1       ┆ 0           ┆ 1                ┆ -1.0   ┆ -1                 │
    └───────┴─────────┴─────────────┴──────────────────┴────────┴────────────────────┘
    """
    _check_column(tickets, by)
    young_q = (
        tickets.lazy()
        .filter(in_dates(*periods.review) & ~mature_expr(horizon))
        .group_by(_key(by))
        .agg(pl.len().cast(pl.Int64).alias("maturing"))
        if horizon is not None
        else pl.LazyFrame(schema={by: pl.String, "maturing": pl.Int64})
    )
    if horizon is not None:
        tickets = apply_horizon(tickets.lazy(), horizon).collect()
    lf = tickets.lazy()
    cur_q = lf.filter(in_dates(*periods.review)).group_by(_key(by)).agg(_counts())
    prev_q = (
        lf.filter(in_dates(*periods.previous))
        .group_by(_key(by))
        .agg(
            pl.len().cast(pl.Int64).alias("previous_tickets"),
            pl.col("escalated").sum().cast(pl.Int64).alias("previous_escalations"),
        )
    )
    cur, prev, young = pl.collect_all([cur_q, prev_q, young_q])
    out = (
        cur.join(prev, on=by, how="full", coalesce=True)
        .join(young, on=by, how="full", coalesce=True)
        .with_columns(
            pl.col(
                "tickets", "escalations", "previous_tickets", "previous_escalations", "maturing"
            ).fill_null(0)
        )
    )
    out = out.with_columns(
        *wilson_exprs(level=level),
        pl.col("escalations").sum().cast(pl.Int64).alias("all_escalations"),
        _safe_ratio("previous_escalations", "previous_tickets", "previous_rate"),
        (pl.col("escalations") - pl.col("previous_escalations")).alias("escalations_change"),
    ).with_columns(_safe_ratio("escalations", "all_escalations", "share_of_escalations"))
    out = _with_tests(
        out, "escalations", "tickets", "previous_escalations", "previous_tickets", level=level
    )
    out = _with_corrections(out, tickets, by, periods, cluster=cluster, fdr=fdr, level=level)
    out = out.select(by, *_BREAKDOWN_COLUMNS)
    return _sort_by_escalations(out, by)


def _with_corrections(
    out: pl.DataFrame,
    tickets: pl.DataFrame,
    by: str,
    periods: Periods,
    *,
    cluster: str | None,
    fdr: bool,
    level: float,
) -> pl.DataFrame:
    """Replace ``p_value``/``significant`` by the clustered, FDR-controlled versions."""
    out = out.rename({"p_value": "plain_p_value"})
    if cluster is None or out.height == 0:
        out = out.with_columns(pl.lit(1.0).alias("design_effect"))
    else:
        deff = design_effects(tickets, by, periods, cluster=cluster).select(by, "design_effect")
        out = out.join(deff, on=by, how="left").with_columns(pl.col("design_effect").fill_null(1.0))
    p = corrected_p_values(out["plain_p_value"].to_list(), out["design_effect"].to_list())
    q = bh_q_values(p) if fdr else p
    return out.with_columns(
        pl.Series("p_value", p, pl.Float64),
        pl.Series("q_value", q, pl.Float64),
    ).with_columns((pl.col("q_value") < 1 - level).fill_null(False).alias("significant"))


def top_values(
    tickets: pl.DataFrame,
    by: str,
    within: str,
    value: str,
    *,
    top: int = 5,
    level: float = 0.95,
    horizon: Horizon | None = None,
) -> pl.DataFrame:
    """The values of ``by`` with most escalations among tickets where ``within == value``.

    For a drill-down: the top categories of one agent (``by="category", within="agent"``) or
    the top agents of one category. Same columns as :func:`rate_by`; shares are of the slice's
    escalations. With a ``horizon`` only mature tickets count, escalated within the horizon
    (as in :func:`breakdown`).

    >>> t = pl.DataFrame({
    ...     "agent": ["ann", "ann", "ann", "bob"],
    ...     "category": ["sso", "sso", "billing", "sso"],
    ...     "escalated": [True, True, False, True],
    ... })
    >>> top_values(t, "category", "agent", "ann").select("category", "tickets", "escalations")
    shape: (2, 3)
    ┌──────────┬─────────┬─────────────┐
    │ category ┆ tickets ┆ escalations │
    │ ---      ┆ ---     ┆ ---         │
    │ str      ┆ i64     ┆ i64         │
    ╞══════════╪═════════╪═════════════╡
    │ sso      ┆ 2       ┆ 2           │
    │ billing  ┆ 1       ┆ 0           │
    └──────────┴─────────┴─────────────┘
    """
    _check_column(tickets, by)
    _check_column(tickets, within)
    part = tickets.lazy().filter(_match(within, [value]))
    if horizon is not None:
        part = apply_horizon(part, horizon)
    return rate_by(part.collect(), by, level=level).head(top)


#: Columns shown when drilling into a slice.
SLICE_COLUMNS = ("ticket_id", "created_at", "subject", "agent", "escalated", "escalation_reason")


def slice_tickets(
    tickets: pl.DataFrame,
    by: str,
    value: str,
    *,
    escalated_only: bool = False,
    limit: int | None = None,
    horizon: Horizon | None = None,
) -> pl.DataFrame:
    """The tickets of one slice (``by == value``), newest first, for the drill-down table.

    Columns: ``ticket_id``, ``created_at``, ``subject``, ``agent``, ``escalated`` (as
    exported), ``escalation_reason`` (the rule that marked it escalated), ``counted`` (the
    ticket counts in the slice's rate: with a ``horizon``, it is old enough; else always) and
    ``counted_escalated`` (it counts as an escalation: escalated within the horizon; null for
    tickets not counted). The counted tickets and their ``counted_escalated`` are exactly the
    ``tickets`` and ``escalations`` of the slice's :func:`breakdown` row with the same
    horizon. :data:`MISSING` selects tickets with no value.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "ticket_id": ["1", "2", "3"],
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3)],
    ...     "subject": ["a", "b", "c"], "agent": ["ann", "bob", "ann"],
    ...     "category": ["sso", "sso", None],
    ...     "escalated": [True, False, True], "escalation_reason": ["tag", None, "group"],
    ... })
    >>> slice_tickets(t, "category", "sso").get_column("ticket_id").to_list()
    ['2', '1']
    >>> slice_tickets(t, "category", MISSING).get_column("ticket_id").to_list()
    ['3']

    With a 1-day horizon on 3 January the ticket of that day is still maturing:

    >>> from lib.audit.maturity import Horizon
    >>> h = Horizon(days=1, as_of=datetime(2024, 1, 3, tzinfo=UTC))
    >>> slice_tickets(t, "agent", "ann", horizon=h).select(
    ...     "ticket_id", "counted", "counted_escalated").rows()
    [('3', False, None), ('1', True, True)]
    """
    _check_column(tickets, by)
    expr = _match(by, [value])
    if escalated_only:
        expr = expr & pl.col("escalated")
    if horizon is None:
        counted, counted_escalated = pl.lit(True), pl.col("escalated").fill_null(False)
    else:
        counted = mature_expr(horizon)
        counted_escalated = pl.when(counted).then(within_horizon_expr(horizon))
    out = (
        with_escalation_time(tickets.lazy())
        .filter(expr)
        .select(
            *SLICE_COLUMNS,
            counted.alias("counted"),
            counted_escalated.alias("counted_escalated"),
        )
        .sort(["created_at", "ticket_id"], descending=True)
    )
    if limit is not None:
        out = out.head(limit)
    return out.collect()


def heatmap(
    tickets: pl.DataFrame,
    rows: str = "category",
    cols: str = "channel",
    *,
    level: float = 0.95,
    horizon: Horizon | None = None,
) -> pl.DataFrame:
    """Escalation rate per combination of two columns, in long format (one row per cell).

    Columns: ``rows``, ``cols``, ``tickets``, ``escalations``, ``rate``, ``rate_low``,
    ``rate_high`` and ``maturing``. Only combinations that occur are listed. With a
    ``horizon`` (as in :func:`breakdown`) ``tickets`` and ``escalations`` count the mature
    tickets, escalated within the horizon, and ``maturing`` the cell's tickets left out as
    still maturing (0 without a horizon; a cell of maturing tickets only has no rate).

    >>> t = pl.DataFrame({
    ...     "category": ["sso", "sso", "sso", "billing"],
    ...     "channel": ["chat", "chat", "email", "chat"],
    ...     "escalated": [True, False, True, False],
    ... })
    >>> heatmap(t).select("category", "channel", "tickets", "rate")
    shape: (3, 4)
    ┌──────────┬─────────┬─────────┬──────┐
    │ category ┆ channel ┆ tickets ┆ rate │
    │ ---      ┆ ---     ┆ ---     ┆ ---  │
    │ str      ┆ str     ┆ i64     ┆ f64  │
    ╞══════════╪═════════╪═════════╪══════╡
    │ billing  ┆ chat    ┆ 1       ┆ 0.0  │
    │ sso      ┆ chat    ┆ 2       ┆ 0.5  │
    │ sso      ┆ email   ┆ 1       ┆ 1.0  │
    └──────────┴─────────┴─────────┴──────┘
    """
    _check_column(tickets, rows)
    _check_column(tickets, cols)
    if rows == cols:
        raise MetricsError(f"a heatmap needs two different columns, got {rows!r} twice")
    if horizon is None:
        counts = [*_counts(), pl.lit(0, pl.Int64).alias("maturing")]
        lf = tickets.lazy()
    else:
        counts = horizon_counts(horizon)
        lf = with_escalation_time(tickets.lazy())
    out = lf.group_by(_key(rows), _key(cols)).agg(counts).sort(rows, cols).collect()
    return out.with_columns(wilson_exprs(level=level)).select(
        rows, cols, "tickets", "escalations", "rate", "rate_low", "rate_high", "maturing"
    )
