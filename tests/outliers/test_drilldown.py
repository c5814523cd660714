"""lib.outliers.drilldown: category breakdown, expected trend and month-by-month flags."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from lib.outliers import (
    NONE_LEVEL,
    agent_category_breakdown,
    agent_comparison,
    agent_expected_trend,
    flag_history,
    responsible_owner,
)
from lib.outliers.casemix import _level_expr, with_derived_terms
from tests.sim_helpdesk import simulate_helpdesk


def test_category_breakdown_adds_up_and_finds_the_excess():
    sim = simulate_helpdesk(8)
    c = agent_comparison(sim.tickets)
    raised = sim.truth.filter(pl.col("kind") == "raised").sort("weight").row(-1, named=True)
    hard = sim.truth.filter(pl.col("kind") == "hard_case").row(0, named=True)
    for agent in (raised["agent"], hard["agent"]):
        b = agent_category_breakdown(sim.tickets, agent, model=c.model_for(agent))
        row = c.table.filter(pl.col("agent") == agent).row(0, named=True)
        assert b.get_column("tickets").sum() == row["tickets"]
        assert b.get_column("escalated").sum() == row["escalated"]
        assert b.get_column("expected").sum() == pytest.approx(row["expected"])
        assert b.get_column("excess").to_list() == sorted(b.get_column("excess"), reverse=True)
    again = agent_category_breakdown(sim.tickets, raised["agent"])  # refits the same model
    assert again.get_column("expected").sum() == pytest.approx(
        c.table.filter(pl.col("agent") == raised["agent"]).get_column("expected").item()
    )
    by_tier = agent_category_breakdown(sim.tickets, hard["agent"], by="customer_tier")
    assert NONE_LEVEL in by_tier.get_column("customer_tier").to_list()


def test_expected_trend_by_week():
    sim = simulate_helpdesk(9, n_tickets=20_000)
    c = agent_comparison(sim.tickets)
    agent = c.table.row(0, named=True)
    trend = agent_expected_trend(sim.tickets, agent["agent"], model=c.model_for(agent["agent"]))
    assert trend.height >= 25
    assert all(d.weekday() == 0 for d in trend.get_column("period_start"))
    assert trend.get_column("escalated").sum() == agent["escalated"]
    assert trend.get_column("expected").sum() == pytest.approx(agent["expected"])


def test_flag_history_month_by_month():
    sim = simulate_helpdesk(10, n_tickets=60_000)
    h = flag_history(sim.tickets)
    assert h.get_column("period_start").n_unique() == 6
    assert h.get_column("period_start").min() == date(2024, 1, 1)
    raised = sim.truth.filter(pl.col("kind") == "raised").sort("weight").row(-1, named=True)
    mine = h.filter(pl.col("agent") == raised["agent"])
    assert mine.height == 6 and mine.get_column("flagged").sum() >= 4
    normal = h.join(sim.truth, on="agent").filter(pl.col("kind") == "normal")
    assert normal.get_column("flagged").mean() < 0.03
    q1 = flag_history(sim.tickets, period=(date(2024, 1, 1), date(2024, 3, 31)))
    assert q1.get_column("period_start").n_unique() == 3


def test_flag_history_takes_one_period_at_a_time_with_the_same_result(monkeypatch):
    """No partition of every column at once (it doubled the memory of 10M tickets); the
    result is the one the partitioned computation gave (seeded frame, two months)."""
    from lib.periods import local_day

    tickets = simulate_helpdesk(11, n_tickets=4_000).tickets.filter(
        pl.col("created_at").dt.month() <= 2
    )
    mix = {"case_mix": ("category",)}
    keyed = tickets.with_columns(local_day("created_at").dt.truncate("1mo").alias("p"))
    parts = keyed.partition_by("p", as_dict=True)  # the earlier way: every period at once
    tables = [
        agent_comparison(part.drop("p"), **mix).table.select(
            "agent", pl.lit(start, dtype=pl.Date).alias("period_start"), "z", "flagged"
        )
        for (start,), part in parts.items()
    ]
    expected = pl.concat(tables).sort(["agent", "period_start"])

    def whole_partition(*_, **__):
        raise AssertionError("every period's tickets copied at once")

    monkeypatch.setattr(pl.DataFrame, "partition_by", whole_partition)
    got = flag_history(tickets, **mix).select("agent", "period_start", "z", "flagged")
    assert got.equals(expected)


def _old_breakdown(tickets: pl.DataFrame, agent: str, model, by: str) -> pl.DataFrame:
    """The category breakdown as it was worked out before: every ticket scored by the model,
    the agent's and everyone else's rows grouped from those scores."""
    t = with_derived_terms(responsible_owner(tickets, "escalating").tickets, model.terms)
    esc = pl.col("escalated").fill_null(False).cast(pl.Int64)
    scored = t.select(_level_expr(by).alias(by), "agent", esc.alias("o"), model.expr())
    mine = pl.col("agent") == agent
    peers = (
        scored.filter(~mine | pl.col("agent").is_null())
        .group_by(by)
        .agg(peer_tickets=pl.len().cast(pl.Int64), peer_rate=pl.col("o").mean())
    )
    return (
        scored.filter(mine)
        .group_by(by)
        .agg(
            tickets=pl.len().cast(pl.Int64),
            escalated=pl.col("o").sum().cast(pl.Int64),
            expected=pl.col("p_escalate").sum(),
        )
        .join(peers, on=by, how="left")
        .sort(by)
    )


@pytest.mark.parametrize("seed", [3, 4])
def test_breakdown_and_trend_score_only_the_agents_tickets_with_the_same_result(seed):
    """Scoring the agent's own tickets (derived month column included) and counting everyone
    else's rates in one pass gives the numbers of scoring every ticket, for every agent and
    for a column with missing values."""
    sim = simulate_helpdesk(seed, n_tickets=6_000)
    t = sim.tickets.with_columns(
        category=pl.when(pl.int_range(pl.len()) % 17 == 0).then(None).otherwise("category")
    )
    c = agent_comparison(t, case_mix=("category", "channel", "month"), min_expected=0)
    assert "month" in c.model.terms  # a derived term the tickets do not have as a column
    for agent in c.table.get_column("agent").to_list():
        model = c.model_for(agent)
        for by in ("category", "month"):
            new = agent_category_breakdown(t, agent, by=by, model=model).sort(by)
            old = _old_breakdown(t, agent, model, by)
            assert (
                new.select(old.columns)
                .drop("expected", "peer_rate")
                .equals(old.drop("expected", "peer_rate"))
            )
            for column in ("expected", "peer_rate"):
                assert new.get_column(column).to_list() == pytest.approx(
                    old.get_column(column).to_list(), rel=1e-12
                )
        trend = agent_expected_trend(t, agent, every="1mo", model=model)
        row = c.table.filter(pl.col("agent") == agent).row(0, named=True)
        assert trend.get_column("expected").sum() == pytest.approx(row["expected"], rel=1e-9)
