"""A small seeded helpdesk for the At risk page's AppTests: known risk factors (category, tier,
one agent, customer history, idle time; see ``tests/risk/sim_risk.py``) and open tickets at the
export. Without escalation times each ticket is one training row as of its creation (the demo's
case too), so the model trains in well under a second."""

from __future__ import annotations

import polars as pl

from tests.risk.sim_risk import simulate


def risk_tickets(seed: int = 3, *, n_tickets: int = 800, days: float = 45) -> pl.DataFrame:
    """``n_tickets`` over ``days``, some open at the export, with no escalation times.

    >>> risk_tickets(n_tickets=100, days=10).get_column("escalated_at").null_count()
    100
    """
    t = simulate(seed, n_tickets=n_tickets, days=days).tickets
    return t.with_columns(pl.lit(None, t.schema["escalated_at"]).alias("escalated_at"))
