"""The drill-down bundle for one agent (categories, trend, peers, escalated tickets) and the
trend's bucket for a period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from lib.agent_review._common import AgentReviewError
from lib.agent_review.peers import escalated_tickets, peer_comparison


def trend_every(start: date | None, end: date | None) -> str:
    """The trend's bucket for a period: days up to six weeks, weeks up to a year, else months.

    >>> from datetime import date
    >>> trend_every(date(2024, 1, 1), date(2024, 1, 14)), trend_every(None, None)
    ('1d', '1w')
    """
    if start is None or end is None:
        return "1w"
    days = (end - start) / timedelta(days=1) + 1
    if days <= 42:
        return "1d"
    return "1w" if days <= 366 else "1mo"


@dataclass(frozen=True)
class AgentDetail:
    """Everything the drill-down shows for one agent (see :func:`agent_detail`)."""

    agent: str
    #: The agent's row of the comparison table (as a dict).
    row: dict[str, Any]
    #: Observed vs expected escalations per category (:func:`agent_category_breakdown`).
    categories: pl.DataFrame
    #: Observed vs expected per period (:func:`agent_expected_trend`).
    trend: pl.DataFrame
    #: :func:`peer_comparison`.
    peers: pl.DataFrame
    #: :func:`escalated_tickets`.
    escalated: pl.DataFrame


def agent_detail(
    tickets: pl.DataFrame, agent: str, comparison: Any, *, every: str = "1w"
) -> AgentDetail:
    """The drill-down of one agent, reusing the comparison's fitted model.

    ``tickets`` are the tickets the comparison was made on (same period and filters), credited
    to their owner or not, and ``comparison`` its :class:`lib.outliers.AgentComparison`. They
    are credited here once, to the owner the comparison used (``comparison.owner``), so every
    part of the drill-down counts the same tickets as the agent's row.

    >>> from lib.outliers import agent_comparison
    >>> from datetime import datetime, UTC
    >>> t = pl.DataFrame({"ticket_id": [str(i) for i in range(8)],
    ...     "agent": ["a"] * 4 + ["b"] * 4, "category": ["x", "y"] * 4,
    ...     "created_at": [datetime(2024, 1, 1, tzinfo=UTC)] * 8,
    ...     "escalated": [True, True, False, False, True, False, False, False]})
    >>> d = agent_detail(t, "a", agent_comparison(t, min_expected=0))
    >>> d.row["escalated"], d.categories.get_column("escalated").sum(), d.escalated.height
    (2, 2, 2)
    """
    from lib.outliers import responsible_owner
    from lib.outliers.drilldown import agent_category_breakdown, agent_expected_trend

    row = comparison.table.filter(pl.col("agent") == agent)
    if row.height == 0:
        raise AgentReviewError(f"{agent!r} has no tickets in this comparison")
    model = comparison.model_for(agent)
    # credited once (idempotent on credited tickets); the parts below then take the agent
    # column as it is ("final")
    tickets = responsible_owner(tickets, comparison.owner).tickets
    own = tickets.filter(pl.col("agent") == agent)  # all the trend and the list need
    categories = (
        agent_category_breakdown(tickets, agent, model=model, owner="final")
        if "category" in tickets.columns
        else pl.DataFrame()
    )
    trend = (
        agent_expected_trend(own, agent, every=every, model=model, owner="final")
        if "created_at" in tickets.columns
        else pl.DataFrame()
    )
    return AgentDetail(
        agent=agent,
        row=row.row(0, named=True),
        categories=categories,
        trend=trend,
        peers=peer_comparison(tickets, agent),
        escalated=escalated_tickets(own, agent),
    )
