"""The public API of lib.risk answers in the shapes its docstring promises."""

from __future__ import annotations

import polars as pl

from lib.risk import Backtest, idle_rule, plain_summary, score_open


def test_score_open_has_the_promised_columns(sim, model):
    out = score_open(model, sim.tickets)
    assert out.columns == [
        "ticket_id", "risk", "reasons", "age_hours", "idle_hours", "agent", "group",
        "category", "customer", "customer_tier", "priority", "subject",
    ]  # fmt: skip
    assert out.schema["reasons"] == pl.List(pl.String)
    open_ = sim.tickets.filter(~pl.col("status").is_in(["solved", "closed"]) & ~pl.col("escalated"))
    assert out.height == open_.height > 0
    risk = out.get_column("risk")
    assert risk.is_sorted(descending=True) and risk.min() >= 0 and risk.max() <= 1
    assert 1 <= out.get_column("reasons").list.len().max() <= 3
    words = out.get_column("reasons").explode().drop_nulls()
    assert words.str.contains(r"^category SSO escalates \d\.\dx the average$").any()
    assert words.str.contains(r"^idle \d+ h$|^idle \d+\.\d days$").any()
    assert words.str.contains(r"customer with \d+ (escalations?|other contacts?)").any()


def test_backtest_idle_rule_and_summary_shapes(sim, bt):
    assert isinstance(bt, Backtest) and bt.refusal is None
    assert bt.calibration.columns == ["decile", "tickets", "predicted", "observed"]
    assert bt.calibration.get_column("tickets").sum() == bt.scored.height
    assert bt.thresholds.height == 19
    assert bt.cutoffs.height == 4 and bt.cutoffs.get_column("refusal").null_count() == 4
    rule = idle_rule(sim.tickets, idle_hours=24, backtest_result=bt)
    assert rule.flagged > 0 and rule.open_now > 0 and len(rule.sentences) == 2
    words = plain_summary(bt, 0.2)
    assert words[0].startswith("Of the ") and "escalated within 4 days" in words[0]


def test_at_threshold_counts_by_hand(bt):
    row = bt.at_threshold(0.3)
    above = bt.scored.filter(pl.col("risk") > 0.3)
    assert row["above"] == above.height
    assert row["escalated_above"] == above.get_column("escalated").sum()
    total = bt.scored.get_column("escalated").sum()
    assert row["share_caught"] == row["escalated_above"] / total


def test_backtest_windows_stay_where_the_tickets_are(sim):
    """An export whose newest timestamp is a solve months after its last ticket (the
    ServiceNow log's shape) still gets its backtest windows over the tickets."""
    from datetime import timedelta

    from lib.risk import backtest

    late = sim.tickets.head(1).with_columns(
        ticket_id=pl.lit("late"),
        solved_at=pl.lit(sim.as_of + timedelta(days=200)),
        updated_at=pl.lit(sim.as_of + timedelta(days=200)),
    )
    bt = backtest(pl.concat([sim.tickets, late]), horizon_days=4, cutoffs=2)
    assert bt.refusal is None
    assert bt.scored.get_column("scored_at").max() < sim.as_of


def test_model_summary_names_what_it_uses_and_leaves_out(model):
    from lib.risk import model_summary

    words = model_summary(model)
    assert words[0].startswith("Learned from ") and "within 4 days" in words[0]
    assert "the ticket's category (topic)" in words[1]
    assert any("activity log" in note for note in model.notes)  # reopens so far: not used
