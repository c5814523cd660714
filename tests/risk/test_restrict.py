"""The backtest cuts each cut-off's timeline and context from the export's own
(:func:`lib.risk.timeline.restrict`, :func:`lib.risk.features.restrict_context`) instead of
preparing them from every ticket again: the same timeline, and the same model, bit for bit."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from lib.risk import Prepared, RiskModel, train_risk_model
from lib.risk.features import context, restrict_context
from lib.risk.model import export_moment
from lib.risk.timeline import is_timed, prepare, restrict
from tests.risk.conftest import HORIZON


def _variants(sim) -> dict[str, pl.DataFrame]:
    t = sim.tickets
    return {
        "timed": t,
        "untimed": t.with_columns(escalated_at=pl.lit(None, t.schema["escalated_at"])),
        # a ticket without a creation time, and the ticket created exactly at a cut-off
        "gaps": t.with_columns(
            created_at=pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise("created_at")
        ),
    }


def _cuts(tickets: pl.DataFrame) -> list:
    end = export_moment(tickets)
    exact = tickets.get_column("created_at").drop_nulls().sort()[tickets.height // 2]
    return [end - timedelta(days=d) for d in (3, 10, 17, 40)] + [exact]


@pytest.mark.parametrize("variant", ["timed", "untimed", "gaps"])
def test_a_cut_timeline_equals_a_prepared_one(sim, variant: str) -> None:
    tickets = _variants(sim)[variant]
    timed = is_timed(tickets)
    full = prepare(tickets, as_of=export_moment(tickets), horizon_days=HORIZON, timed=timed)
    for c in _cuts(tickets):
        cut, mask = restrict(full, c)
        want = prepare(tickets, as_of=c, horizon_days=HORIZON, timed=timed)
        assert 0 < cut.n < full.n and int(mask.sum()) == cut.n
        for f in fields(want):
            got, exp = getattr(cut, f.name), getattr(want, f.name)
            if isinstance(exp, np.ndarray):
                np.testing.assert_array_equal(got, exp, err_msg=f.name)
            elif isinstance(exp, pl.DataFrame):
                assert got.equals(exp), f.name
            else:
                assert got == exp, f.name


@pytest.mark.parametrize("variant", ["timed", "untimed"])
def test_a_model_on_a_cut_timeline_is_the_same_model(sim, variant: str) -> None:
    tickets = _variants(sim)[variant]
    full = prepare(
        tickets, as_of=export_moment(tickets), horizon_days=HORIZON, timed=is_timed(tickets)
    )
    ctx = context(full, "Europe/Paris")
    for c in _cuts(tickets)[1:3]:
        cut, mask = restrict(full, c)
        shared = train_risk_model(
            tickets,
            horizon_days=HORIZON,
            as_of=c,
            zone="Europe/Paris",
            prepared=Prepared(cut, restrict_context(ctx, cut, mask), c, HORIZON, "Europe/Paris"),
        )
        alone = train_risk_model(tickets, horizon_days=HORIZON, as_of=c, zone="Europe/Paris")
        assert isinstance(alone, RiskModel) and isinstance(shared, RiskModel)
        np.testing.assert_array_equal(shared.beta, alone.beta)
        assert shared.platt == alone.platt and shared.level_rates == alone.level_rates
        assert (shared.training_rows, shared.positives) == (alone.training_rows, alone.positives)
        assert shared.features == alone.features


def test_what_cannot_be_cut_is_prepared(sim) -> None:
    t = sim.tickets
    end = export_moment(t)
    full = prepare(t, as_of=end, horizon_days=HORIZON)
    first = t.get_column("created_at").min()
    assert restrict(full, first - timedelta(seconds=1)) is None  # no ticket by then
    logged = prepare(t, as_of=end, horizon_days=HORIZON, events=sim.events)
    assert logged.activity is not None
    assert restrict(logged, end - timedelta(days=10)) is None  # the log is cut by prepare
