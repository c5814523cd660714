"""The public API of lib.risk answers in the shapes its docstring promises (a seeded helpdesk)."""

from __future__ import annotations

import polars as pl
import pytest

from lib.risk import (
    Backtest,
    RiskModel,
    RiskRefusal,
    backtest,
    idle_rule,
    plain_summary,
    score_open,
    train_risk_model,
)
from tests.risk.sim_risk import simulate


@pytest.fixture(scope="module")
def sim():
    return simulate(3, n_tickets=3000, days=60)


@pytest.fixture(scope="module")
def model(sim):
    m = train_risk_model(sim.tickets, horizon_days=4)
    assert isinstance(m, RiskModel), getattr(m, "reason", "")
    return m


def test_score_open_has_the_promised_columns(sim, model):
    out = score_open(model, sim.tickets)
    assert out.columns[:3] == ["ticket_id", "risk", "reasons"]
    assert out.schema["reasons"] == pl.List(pl.String)
    assert out.height > 0
    risk = out.get_column("risk")
    assert risk.is_sorted(descending=True) and risk.min() >= 0 and risk.max() <= 1
    assert out.get_column("reasons").list.len().max() <= 3


def test_tiny_export_is_refused_in_words(sim):
    out = train_risk_model(sim.tickets.head(40), horizon_days=4)
    assert isinstance(out, RiskRefusal)
    assert "needs at least" in out.reason


def test_backtest_idle_rule_and_summary(sim):
    bt = backtest(sim.tickets, horizon_days=4, cutoffs=2)
    assert isinstance(bt, Backtest) and bt.refusal is None
    assert bt.auc is not None and bt.calibration is not None
    rule = idle_rule(sim.tickets, idle_hours=24, backtest_result=bt)
    assert rule.flagged >= 0 and rule.open_now > 0
    assert plain_summary(bt, 0.4)
