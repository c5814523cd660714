"""Shared by the tests of lib.outliers: tickets from (agent, tickets, escalated) groups."""

from __future__ import annotations

import polars as pl


def frame(groups: list[tuple[str | None, int, int]], **extra: list) -> pl.DataFrame:
    """Tickets from (agent, tickets, escalated) groups; escalated ones first in each group."""
    agents, escalated = [], []
    for agent, n, o in groups:
        agents += [agent] * n
        escalated += [True] * o + [False] * (n - o)
    return pl.DataFrame({"agent": agents, "escalated": escalated, **extra})
