"""The At risk page makes the tickets' timeline and context once (:func:`lib.risk.prepare_for`)
for the model, the backtest and the open tickets' scores: each gives exactly what it gives
when it reads the tickets itself, and refuses a timeline made for other arguments."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from lib.risk import RiskModel, backtest, prepare_for, score_open, train_risk_model
from tests.risk.conftest import HORIZON

ZONE = "Europe/Paris"


def _variants(sim) -> dict[str, pl.DataFrame]:
    t = sim.tickets
    return {
        "timed": t,
        "untimed": t.with_columns(escalated_at=pl.lit(None, t.schema["escalated_at"])),
        # columns the open tickets' table shows, missing from the export
        "narrow": t.drop("customer", "subject", "category", strict=False),
    }


@pytest.mark.parametrize("variant", ["timed", "untimed", "narrow"])
def test_one_timeline_for_model_backtest_and_scores_changes_nothing(sim, variant: str) -> None:
    tickets = _variants(sim)[variant]
    prep = prepare_for(tickets, horizon_days=HORIZON, zone=ZONE)
    shared = train_risk_model(tickets, horizon_days=HORIZON, zone=ZONE, prepared=prep)
    alone = train_risk_model(tickets, horizon_days=HORIZON, zone=ZONE)
    assert isinstance(alone, RiskModel) and isinstance(shared, RiskModel)
    np.testing.assert_array_equal(shared.beta, alone.beta)
    assert shared.platt == alone.platt and shared.features == alone.features

    bt_shared = backtest(tickets, horizon_days=HORIZON, zone=ZONE, prepared=prep)
    bt_alone = backtest(tickets, horizon_days=HORIZON, zone=ZONE)
    assert bt_alone.refusal is None and bt_alone.scored.height > 100
    assert_frame_equal(bt_shared.scored, bt_alone.scored)
    assert_frame_equal(bt_shared.cutoffs, bt_alone.cutoffs)

    open_shared = score_open(alone, tickets, zone=ZONE, prepared=prep)
    open_alone = score_open(alone, tickets, zone=ZONE)
    assert open_alone.height > 0
    assert_frame_equal(open_shared, open_alone)


def test_a_timeline_made_for_other_arguments_is_refused(sim) -> None:
    tickets = sim.tickets
    prep = prepare_for(tickets, horizon_days=HORIZON, zone=ZONE)
    model = train_risk_model(tickets, horizon_days=HORIZON, zone=ZONE)
    earlier = prep.moment - timedelta(days=3)
    untimed = tickets.with_columns(escalated_at=pl.lit(None, tickets.schema["escalated_at"]))
    log = tickets.select("ticket_id", at="created_at").head(5)
    calls = [
        lambda: train_risk_model(tickets, horizon_days=HORIZON + 1, zone=ZONE, prepared=prep),
        lambda: train_risk_model(tickets, horizon_days=HORIZON, zone="UTC", prepared=prep),
        lambda: train_risk_model(untimed, horizon_days=HORIZON, zone=ZONE, prepared=prep),
        lambda: backtest(tickets, horizon_days=HORIZON, zone=ZONE, as_of=earlier, prepared=prep),
        lambda: score_open(model, tickets, zone="UTC", prepared=prep),
        lambda: score_open(model, tickets, zone=ZONE, as_of=earlier, prepared=prep),
        # an activity log: the timeline would have to be cut by it
        lambda: backtest(tickets, horizon_days=HORIZON, zone=ZONE, events=log, prepared=prep),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="prepared= was made for another"):
            call()


def test_no_ticket_prepares_nothing() -> None:
    empty = pl.DataFrame(
        {"ticket_id": [], "created_at": []}, schema_overrides={"ticket_id": pl.String}
    )
    assert prepare_for(empty) is None
