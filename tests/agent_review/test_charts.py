"""lib.charts.agents: the Agents page's figures on the demo helpdesk and on hand-made frames."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lib import agent_review as review
from lib.charts import agents as charts
from lib.outliers import agent_category_breakdown, agent_expected_trend
from tests.agent_review.helpers import TRUTH

# ---------------------------------------------------------------------------- figures


def test_funnel_figure_on_demo(comparison) -> None:
    table = review.adjusted_order(comparison.table)
    fig = charts.funnel_figure(table, comparison.funnel, highlight=TRUTH.hard_case_agent)
    names = [t.name for t in fig.data]
    assert names.count("Chance range (19 in 20)") == 2
    assert names.count("Chance range (998 in 1,000)") == 2
    high = next(t for t in fig.data if t.name == "Flagged high")
    assert [c[0] for c in high.customdata] == [TRUTH.outlier_agent]
    row = comparison.table.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert high.x[0] == pytest.approx(row["expected"]) and high.y[0] == pytest.approx(row["ratio"])
    assert list(high.customdata[0][1:3]) == [row["tickets"], row["escalated"]]
    assert fig.layout.hovermode == "closest"
    ring = fig.data[-1]
    assert ring.name == "Selected" and ring.customdata[0][0] == TRUTH.hard_case_agent
    in_line = next(t for t in fig.data if t.name == "In line")
    assert len(in_line.x) == comparison.n_agents - 1
    # the drawn 99.8% upper line is the lib's funnel, point for point
    upper = next(t for t in fig.data if t.name == "Chance range (998 in 1,000)")
    lib_upper = comparison.funnel.filter(pl.col("level") == 0.998).sort("expected")["upper"]
    assert np.allclose(upper.y, lib_upper.to_numpy())


def test_funnel_figure_escapes_names_and_hollow_unjudged() -> None:
    t = pl.DataFrame({"agent": ["<b>x</b>", "y"], "tickets": [50, 5], "escalated": [20, 1],
                      "expected": [8.0, 0.9], "ratio": [2.5, 1.1], "ratio_low": [1.5, 0.0],
                      "ratio_high": [3.9, 6.2], "q_value": [0.001, None],
                      "judged": [True, False], "flagged": [True, False],
                      "direction": ["high", None]})  # fmt: skip
    fig = charts.funnel_figure(t, pl.DataFrame(schema={"expected": pl.Float64,
                               "level": pl.Float64, "lower": pl.Float64,
                               "upper": pl.Float64}))  # fmt: skip
    high = next(tr for tr in fig.data if tr.name == "Flagged high")
    assert high.text == ("&lt;b&gt;x&lt;/b&gt;",)
    unjudged = next(tr for tr in fig.data if tr.name == "Not judged")
    assert unjudged.marker.symbol == "circle-open" and unjudged.customdata[0][6] == "not judged"


def test_category_and_trend_figures(demo, comparison) -> None:
    b = agent_category_breakdown(
        demo, TRUTH.outlier_agent, model=comparison.model_for(TRUTH.outlier_agent)
    )
    fig = charts.category_figure(b)
    observed, expected = fig.data
    assert list(observed.x) == b.get_column("escalated").to_list()[:12]
    assert list(expected.x) == pytest.approx(b.get_column("expected").to_list()[:12])
    tr = agent_expected_trend(
        demo, TRUTH.outlier_agent, model=comparison.model_for(TRUTH.outlier_agent)
    )
    bars, line = charts.expected_trend_figure(tr).data
    assert sum(bars.y) == tr.get_column("escalated").sum()
    assert list(line.y) == pytest.approx(tr.get_column("expected").to_list())
    assert list(bars.customdata) == tr.get_column("tickets").to_list()
