"""lib.agent_review.detail: the drill-down bundle and the trend's bucket."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from lib import agent_review as review
from lib.outliers import agent_comparison, agent_expected_trend, responsible_owner
from tests.agent_review.helpers import TRUTH

# ---------------------------------------------------------------------------- the drill-down


def test_agent_detail_adds_up_to_the_comparison(demo, comparison) -> None:
    d = review.agent_detail(demo, TRUTH.outlier_agent, comparison)
    row = comparison.table.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert d.row["escalated"] == row["escalated"]
    for part in (d.categories, d.trend):
        assert part.get_column("escalated").sum() == row["escalated"]
        assert part.get_column("expected").sum() == pytest.approx(row["expected"], rel=1e-9)
    # the same expected counts as the lib functions would give on their own
    alone = agent_expected_trend(
        demo, TRUTH.outlier_agent, model=comparison.model_for(TRUTH.outlier_agent)
    )
    assert d.trend.equals(alone)
    assert d.escalated.height == row["escalated"]
    with pytest.raises(review.AgentReviewError, match="no tickets"):
        review.agent_detail(demo, "Nobody", comparison)


def test_trend_every() -> None:
    d0 = date(2024, 1, 1)
    assert review.trend_every(d0, d0 + timedelta(days=41)) == "1d"
    assert review.trend_every(d0, d0 + timedelta(days=42)) == "1w"
    assert review.trend_every(d0, d0 + timedelta(days=400)) == "1mo"


@pytest.mark.parametrize("owner", ["final", "first", "escalating"])
@pytest.mark.parametrize("credited", [False, True])
def test_every_part_counts_the_tickets_of_the_owner_the_comparison_used(owner, credited) -> None:
    """Crediting tickets to the final agent (or the first) in the options: the categories,
    the trend and the escalated list hold the agent's row's tickets, whether the caller
    credited them already or not (before, the categories and the trend credited them to the
    escalating agent again, and were empty for a final owner who escalates nothing)."""
    rng = np.random.default_rng(7)
    n = 600
    escalated = rng.random(n) < 0.3
    first = rng.choice(["ana", "ben", "cho"], n)
    by = [
        str(w) if e else None
        for w, e in zip(rng.choice(["ana", "ben", "cho", "dev"], n), escalated, strict=True)
    ]
    t = pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(n)],
            "agent": rng.choice(["tier2-x", "tier2-y", "ana"], n),
            "first_agent": first,
            "escalated_by": by,
            "escalated": escalated,
            "category": rng.choice(["billing", "login", "api"], n),
            "created_at": [datetime(2024, 1, 1 + i % 28, tzinfo=UTC) for i in range(n)],
        }
    )
    c = agent_comparison(t, owner=owner, min_expected=0)
    given = responsible_owner(t, owner).tickets if credited else t
    for row in c.table.iter_rows(named=True):
        d = review.agent_detail(given, row["agent"], c)
        for part in (d.categories, d.trend):
            assert part.get_column("tickets").sum() == row["tickets"], (owner, row["agent"])
            assert part.get_column("escalated").sum() == row["escalated"]
            assert part.get_column("expected").sum() == pytest.approx(row["expected"])
        assert d.escalated.height == row["escalated"]
