"""lib.agent_review.detail: the drill-down bundle and the trend's bucket."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from lib import agent_review as review
from lib.outliers import agent_expected_trend
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
