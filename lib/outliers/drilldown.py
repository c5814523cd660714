"""Drill-down of an agent comparison: one agent's observed against expected escalations per
category and per period, and every agent's flags month by month.
"""

from __future__ import annotations

import polars as pl

from lib.outliers.casemix import CASE_MIX, CaseMixModel, _level_expr, with_derived_terms
from lib.outliers.cells import Cells, ticket_cells
from lib.outliers.compare import agent_comparison, comparison_of_cells
from lib.outliers.inputs import _check_options, _filter_period, _require
from lib.outliers.loo import PeriodIndexer
from lib.outliers.owner import responsible_owner
from lib.periods import local_day


def _model_for(
    tickets: pl.DataFrame, model: CaseMixModel | None, options: dict, agent: str | None = None
) -> tuple[pl.DataFrame, CaseMixModel]:
    """The period's tickets, credited as the comparison credits them, and the comparison's model
    (refitted unless one is given). The derived case-mix columns are not added here: the
    callers add them to the rows they score (one agent's), not to every ticket."""
    _check_options(options)
    _require(tickets, ["agent", "escalated"])
    if model is None:
        comparison = agent_comparison(tickets, **options)
        model = comparison.model if agent is None else comparison.model_for(agent)
    tickets = _filter_period(tickets, options.get("period"))
    # Credit tickets as the comparison did (idempotent on tickets credited already).
    tickets = responsible_owner(tickets, options.get("owner", "escalating")).tickets
    return tickets, model


def agent_category_breakdown(
    tickets: pl.DataFrame,
    agent: str,
    *,
    by: str = "category",
    model: CaseMixModel | None = None,
    **options,
) -> pl.DataFrame:
    """Where an agent's excess comes from: observed vs expected escalations per category.

    The expected counts come from the same case-mix model as :func:`agent_comparison` with the
    same options (pass ``model=comparison.model`` to skip refitting it), so they add up to the
    agent's expected count there. ``by`` may name any column (category by default);
    ``peer_rate`` is the raw rate of everyone else's tickets at that level. Sorted by excess
    (observed - expected), largest first.

    >>> import polars as pl
    >>> t = pl.DataFrame({"agent": ["a"] * 4 + ["b"] * 4,
    ...                   "category": ["x", "x", "y", "y"] * 2,
    ...                   "escalated": [True, True, False, False, False, False, False, True]})
    >>> b = agent_category_breakdown(t, "a", leave_one_out=False)
    >>> b.select("category", "escalated", pl.col("expected").round(6)).rows()
    [('x', 2, 1.0), ('y', 0, 0.5)]
    """
    tickets, model = _model_for(tickets, model, options, agent)
    tickets = with_derived_terms(tickets, [by])  # (a derived column asked for as ``by``)
    _require(tickets, [by])
    esc = pl.col("escalated").fill_null(False).cast(pl.Int64)
    level = _level_expr(by).alias(by)
    mine = pl.col("agent") == agent
    # everyone else's raw rate per level: one lazy pass over the three columns it reads
    peers = (
        tickets.lazy()
        .filter(~mine | pl.col("agent").is_null())
        .group_by(level)
        .agg(peer_tickets=pl.len().cast(pl.Int64), peer_rate=esc.mean())
        .collect()
    )
    # the model scores the agent's own tickets only (its derived columns made for those)
    own = with_derived_terms(tickets.filter(mine), model.terms)
    return (
        own.select(level, esc.alias("o"), model.expr())
        .group_by(by)
        .agg(
            tickets=pl.len().cast(pl.Int64),
            escalated=pl.col("o").sum().cast(pl.Int64),
            expected=pl.col("p_escalate").sum(),
        )
        .with_columns(
            excess=pl.col("escalated") - pl.col("expected"),
            ratio=pl.when(pl.col("expected") > 0).then(pl.col("escalated") / pl.col("expected")),
            rate=pl.col("escalated") / pl.col("tickets"),
        )
        .join(peers, on=by, how="left")
        .sort(["excess", by], descending=[True, False])
    )


def agent_expected_trend(
    tickets: pl.DataFrame,
    agent: str,
    *,
    every: str = "1w",
    model: CaseMixModel | None = None,
    **options,
) -> pl.DataFrame:
    """An agent's observed vs expected escalations per period (weeks by default).

    Expected counts come from the comparison's model, as in :func:`agent_category_breakdown`.
    ``every`` is a Polars duration ("1w" weeks start on Monday, "1mo" months).

    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = pl.DataFrame({"agent": ["a", "a", "b", "b"], "escalated": [True, False, True, False],
    ...     "created_at": [datetime(2024, 1, d, tzinfo=timezone.utc) for d in (1, 8, 1, 8)]})
    >>> agent_expected_trend(t, "a").select("period_start", "escalated", "expected").rows()
    [(datetime.date(2024, 1, 1), 1, 0.5), (datetime.date(2024, 1, 8), 0, 0.5)]
    """
    tickets, model = _model_for(tickets, model, options, agent)
    _require(tickets, ["created_at"])
    esc = pl.col("escalated").fill_null(False).cast(pl.Int64)
    own = with_derived_terms(tickets.filter(pl.col("agent") == agent), model.terms)
    return (
        own.select(
            local_day("created_at").dt.truncate(every).alias("period_start"),
            esc.alias("o"),
            model.expr(),
        )
        .group_by("period_start")
        .agg(
            tickets=pl.len().cast(pl.Int64),
            escalated=pl.col("o").sum().cast(pl.Int64),
            expected=pl.col("p_escalate").sum(),
        )
        .with_columns(
            ratio=pl.when(pl.col("expected") > 0).then(pl.col("escalated") / pl.col("expected"))
        )
        .sort("period_start")
    )


def flag_history(
    tickets: pl.DataFrame | pl.LazyFrame, *, every: str = "1mo", **options
) -> pl.DataFrame:
    """Each agent's result in each period (months by default), each period judged on its own.

    The comparison (model, overdispersion, BH) is rerun within every period, so a flag in
    March means March's tickets alone made the agent stand out.

    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = pl.DataFrame({"agent": ["a", "b"] * 2, "escalated": [True, False] * 2,
    ...     "created_at": [datetime(2024, m, 2, tzinfo=timezone.utc) for m in (1, 1, 2, 2)]})
    >>> flag_history(t).select("agent", "period_start", "flagged").rows()[:2]
    [('a', datetime.date(2024, 1, 1), False), ('a', datetime.date(2024, 2, 1), False)]
    """
    _check_options(options)
    _require(tickets, ["agent", "escalated", "created_at"])
    tickets = _filter_period(tickets, options.pop("period", None))
    case_mix = options.pop("case_mix", CASE_MIX)
    owner = options.pop("owner", "escalating")
    # one pass over the tickets: every period's comparison runs on its slice of the cells
    cells = ticket_cells(tickets, case_mix, owner, every=every)
    return history_of_cells(cells, tickets, every=every, **options)


def history_of_cells(
    cells: Cells, tickets: pl.DataFrame | pl.LazyFrame, *, every: str = "1mo", **options
) -> pl.DataFrame:
    """:func:`flag_history` on tickets counted per period already
    (``ticket_cells(tickets, case_mix, owner, every=every)``); ``tickets`` are read again only
    for a period that lacks the owner columns the others have. ``options`` are those of
    :func:`lib.outliers.comparison_of_cells`."""
    frames = []
    ordered, parts = cells.period_parts()
    # each month's cells indexed from numbers worked out once over every month (agents,
    # combinations of levels, levels) for the terms two months or more are modelled on
    terms = [part.usable_terms() if owner == cells.used else None for *_, owner, part in parts]
    every_month = Cells(ordered, *cells._names())
    shared = {
        t: PeriodIndexer.of(every_month.filled(t), t)
        for t in dict.fromkeys(terms)
        if t is not None and terms.count(t) > 1
    }
    for (start, offset, size, owner, part), t in zip(parts, terms, strict=True):
        index = None
        if owner != cells.used:
            # this period alone lacks the owner columns the others have: count it on its own
            lazy = tickets.lazy().filter(
                local_day("created_at").dt.truncate(every).eq_missing(start)
            )
            part = ticket_cells(lazy, cells.case_mix, cells.requested)
        elif t in shared:
            index = shared[t].index(offset, size)
        table = comparison_of_cells(part, cell_index=index, **options).table
        frames.append(
            table.select(
                "agent",
                pl.lit(start, dtype=pl.Date).alias("period_start"),
                "tickets",
                "escalated",
                "expected",
                "ratio",
                "z",
                "q_value",
                "judged",
                "flagged",
                "direction",
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={
                "agent": pl.String,
                "period_start": pl.Date,
                "tickets": pl.Int64,
                "escalated": pl.Int64,
                "expected": pl.Float64,
                "ratio": pl.Float64,
                "z": pl.Float64,
                "q_value": pl.Float64,
                "judged": pl.Boolean,
                "flagged": pl.Boolean,
                "direction": pl.String,
            }
        )
    return pl.concat(frames).sort(["agent", "period_start"])
