"""lib.agent_review.peers: an agent against their peers, and their escalated tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from scipy import stats

from lib import agent_review as review
from lib.audit import two_proportion_test
from lib.outliers import agent_comparison
from tests.agent_review.helpers import TRUTH

# ---------------------------------------------------------------------------- peers


def _peer_tickets() -> pl.DataFrame:
    c = datetime(2024, 1, 1, tzinfo=UTC)
    # agent "a": 10 tickets, 4 escalated; peers "b": 20 tickets, 2 escalated; 1 unassigned
    agent = ["a"] * 10 + ["b"] * 20 + [None]
    escalated = [True] * 4 + [False] * 6 + [True] * 2 + [False] * 18 + [True]
    reassign = [1, 2, 1, 3] + [1, 1, 1, 0, 0, 0] + [1, 1] + [1] * 2 + [0] * 16 + [5]
    hours = [2, 4, 6, 8] + [None] * 6 + [20, 30] + [None] * 18 + [1]
    first = [10.0] * 10 + [30.0] * 20 + [1.0]
    return pl.DataFrame(
        {
            "agent": agent,
            "created_at": [c] * 31,
            "escalated": escalated,
            "escalated_at": [None if h is None else c + timedelta(hours=h) for h in hours],
            "reassignments": reassign,
            "first_response_minutes": first,
        }
    )


def test_peer_comparison_numbers() -> None:
    out = review.peer_comparison(_peer_tickets(), "a", min_n=2)
    rows = {r["measure"]: r for r in out.rows(named=True)}
    not_esc = rows["Reassigned, tickets not escalated"]
    # a: 3 of 6 non-escalated reassigned; peers: 2 of 18 (unassigned ticket left out)
    assert (not_esc["agent_value"], not_esc["agent_n"]) == (0.5, 6)
    assert not_esc["peers_value"] == pytest.approx(2 / 18) and not_esc["peers_n"] == 18
    assert not_esc["p_value"] == pytest.approx(two_proportion_test(3, 6, 2, 18).p_value)
    assert not_esc["verdict"].startswith("higher than peers")
    all_t = rows["Reassigned, all tickets"]
    assert (all_t["agent_value"], all_t["peers_value"]) == (0.7, 0.2)
    per_esc = rows["Reassignments per escalated ticket (median)"]
    assert (per_esc["agent_value"], per_esc["peers_value"]) == (1.5, 1.0)
    hours = rows["Hours to escalate (median)"]
    assert (hours["agent_value"], hours["peers_value"], hours["agent_n"]) == (5.0, 25.0, 4)
    expected_p = stats.mannwhitneyu([2, 4, 6, 8], [20, 30], alternative="two-sided").pvalue
    assert hours["p_value"] == pytest.approx(expected_p)
    assert hours["agent_text"] == "5.0 h" and hours["peers_text"] == "25.0 h"
    frt = rows["Minutes to first reply (median)"]
    assert frt["agent_text"] == "10 min" and frt["verdict"].startswith("lower than peers")


def test_peer_comparison_too_few_and_missing_columns() -> None:
    t = _peer_tickets()
    out = review.peer_comparison(t, "a", min_n=8)
    hours = out.filter(pl.col("measure") == "Hours to escalate (median)").row(0, named=True)
    assert hours["verdict"] == "too few to compare"
    bare = review.peer_comparison(t.select("agent", "escalated"), "a")
    assert bare.height == 0 and "verdict" in bare.columns


def test_escalated_tickets_newest_first_only_that_agent(demo) -> None:
    out = review.escalated_tickets(demo, TRUTH.outlier_agent)
    row = agent_comparison(demo).table.filter(pl.col("agent") == TRUTH.outlier_agent)
    assert out.height == row.get_column("escalated").item()
    assert out.get_column("created_at").is_sorted(descending=True)
    assert out.columns[:4] == ["ticket_id", "created_at", "subject", "category"]
