"""The demo helpdesk as a canonical ticket frame."""

from __future__ import annotations

from datetime import date

import polars as pl

from lib.demo.catalogue import (
    _ESCALATION_REASON,
    _PRIORITIES,
    CATEGORIES,
    CHANNELS,
    GROUPS,
    TIERS,
)
from lib.demo.generate import _datetime, _generate, _lookup, _subject_table, _tags_expr
from lib.schema import COLUMNS, SCHEMA


def demo_tickets(
    *,
    seed: int = 7,
    days: int = 180,
    tickets_per_day: float = 60.0,
    end: date | None = None,
    n_agents: int = 15,
) -> pl.DataFrame:
    """Generate the demo helpdesk as a canonical ticket frame (``source == "demo"``).

    Parameters
    ----------
    seed
        Same seed, same tickets. The planted effects (:func:`demo_truth`) depend on ``seed``,
        ``days``, ``end`` and ``n_agents``, not on ``tickets_per_day``.
    days
        Length of the history in days (at least 56), ending on ``end``.
    tickets_per_day
        Mean tickets per calendar day over the period (weekdays get more, weekends fewer).
    end
        The last day (default :data:`DEFAULT_END`); the data is as of the end of that day.
    n_agents
        Front-line agents (6 to 40).

    >>> t = demo_tickets(days=60, tickets_per_day=20)
    >>> t.height > 1000, t.get_column("escalated").mean() < 0.2
    (True, True)
    >>> t.filter(pl.col("escalated")).get_column("group").unique().sort().to_list()
    ['Tier 2', 'Tier 3 Engineering']
    """
    frame, plan = _generate(
        seed=seed, days=days, tickets_per_day=tickets_per_day, end=end, n_agents=n_agents
    )
    tickets = frame.select(
        pl.col("ticket_id"),
        _datetime("created").alias("created_at"),
        _datetime("solved").alias("solved_at"),
        _datetime("updated").alias("updated_at"),
        _lookup("status", ["new", "open", "pending", "on_hold", "solved", "closed"]).alias(
            "status"
        ),
        _lookup("priority", _PRIORITIES).alias("priority"),
        _lookup("channel", CHANNELS).alias("channel"),
        _lookup("category", CATEGORIES).alias("category"),
        _lookup("agent", [a.name for a in plan.agents]).alias("agent"),
        # The demo's agent handles a ticket from start to end: first owner and escalating owner.
        _lookup("agent", [a.name for a in plan.agents]).alias("first_agent"),
        _lookup("group", GROUPS).alias("first_group"),
        pl.when(pl.col("escalated"))
        .then(_lookup("agent", [a.name for a in plan.agents]))
        .alias("escalated_by"),
        _lookup("group", GROUPS).alias("group"),
        _lookup("org", plan.org_names).alias("customer"),
        _lookup("tier", TIERS).alias("customer_tier"),
        _lookup("subject", _subject_table()[0]).alias("subject"),
        _tags_expr().alias("tags"),
        pl.col("escalated"),
        _datetime("escalated_at").alias("escalated_at"),
        pl.when(pl.col("escalated")).then(pl.lit(_ESCALATION_REASON)).alias("escalation_reason"),
        pl.col("reassignments").cast(pl.Int32),
        pl.col("reopens").cast(pl.Int32),
        pl.col("first_reply").cast(pl.Float64).alias("first_response_minutes"),
        pl.when(pl.col("csat") == 0)
        .then(1.0)
        .when(pl.col("csat") == 1)
        .then(0.0)
        .alias("satisfaction"),
        pl.lit(None, dtype=pl.Float64).alias("sentiment"),
        pl.lit("demo").alias("source"),
    )
    return tickets.select(  # columns the demo has no value for (satisfaction_at) are null
        pl.col(c).cast(SCHEMA[c]) if c in tickets.columns else pl.lit(None, SCHEMA[c]).alias(c)
        for c in COLUMNS
    )
