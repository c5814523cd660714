"""Features recorded after the escalation are never used by default; named on purpose, the
backtest reports suspected leakage."""

from __future__ import annotations

import pytest

from lib.risk import AFTER_THE_FACT, DEFAULT_FEATURES, FeatureError, backtest, train_risk_model
from tests.risk.conftest import HORIZON


def test_default_features_hold_nothing_recorded_after_the_fact(model):
    assert not set(DEFAULT_FEATURES) & set(AFTER_THE_FACT)
    assert not set(model.features) & set(AFTER_THE_FACT)
    assert model.leaky == ()


def test_the_final_group_named_on_purpose_is_reported_as_leakage(sim, bt):
    # escalated tickets end in the group "Tier 2": the final group gives the outcome away
    leaky = backtest(
        sim.tickets, horizon_days=HORIZON, cutoffs=2, features=(*DEFAULT_FEATURES, "group")
    )
    assert bt.auc < 0.8  # the honest model on the same data
    assert leaky.auc > 0.95
    assert leaky.leakage_suspected
    assert "group (the final group)" in leaky.leakage_why
    assert "AUC is 0.9" in leaky.leakage_why or "AUC is 1.0" in leaky.leakage_why


@pytest.mark.parametrize(
    ("name", "words"),
    [("escalated", "is the outcome"), ("escalated_at", "is the outcome"), ("bogus", "unknown")],
)
def test_the_outcome_and_unknown_names_are_refused(sim, name, words):
    with pytest.raises(FeatureError, match=words):
        train_risk_model(sim.tickets.head(50), horizon_days=HORIZON, features=(name,))
