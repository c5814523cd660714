"""One seeded helpdesk, model and backtest shared by the risk tests (built once per session)."""

from __future__ import annotations

import pytest

from lib.risk import RiskModel, backtest, train_risk_model
from tests.risk.sim_risk import simulate

#: The horizon the tests use (fixed, so truncated copies of the data train the same way).
HORIZON = 4.0


@pytest.fixture(scope="session")
def sim():
    return simulate(1)


@pytest.fixture(scope="session")
def model(sim) -> RiskModel:
    m = train_risk_model(sim.tickets, horizon_days=HORIZON)
    assert isinstance(m, RiskModel), getattr(m, "reason", "")
    return m


@pytest.fixture(scope="session")
def bt(sim):
    return backtest(sim.tickets, horizon_days=HORIZON)
