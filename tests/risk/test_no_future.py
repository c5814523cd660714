"""Scores as of a moment use nothing from after it: training and scoring on the export as it
would have been downloaded then give the same model and the same scores as on the full export
with everything that happened later (new tickets, solves, escalations, replies, events)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from lib.risk import RiskModel, score_open, train_risk_model
from tests.risk.conftest import HORIZON


def as_it_was(tickets: pl.DataFrame, c) -> pl.DataFrame:
    """The export downloaded at ``c``: later tickets absent, later changes undone."""
    solved_later = pl.col("solved_at") > c
    esc_later = pl.col("escalated_at") > c
    reply_at = pl.col("created_at") + pl.duration(minutes=pl.col("first_response_minutes"))
    return tickets.filter(pl.col("created_at") <= c).with_columns(
        solved_at=pl.when(solved_later).then(None).otherwise(pl.col("solved_at")),
        status=pl.when(solved_later).then(pl.lit("open")).otherwise(pl.col("status")),
        escalated=pl.col("escalated") & ~esc_later.fill_null(False),
        escalated_at=pl.when(esc_later).then(None).otherwise(pl.col("escalated_at")),
        group=pl.when(esc_later).then(pl.col("first_group")).otherwise(pl.col("group")),
        agent=pl.when(esc_later).then(pl.col("first_agent")).otherwise(pl.col("agent")),
        first_response_minutes=pl.when(reply_at > c)
        .then(None)
        .otherwise(pl.col("first_response_minutes")),
        updated_at=pl.min_horizontal(pl.col("updated_at"), pl.lit(c)),
    )


@pytest.fixture(scope="module")
def moment(sim):
    return sim.as_of - timedelta(days=20, hours=5)


@pytest.mark.parametrize("with_events", [False, True])
def test_model_and_scores_ignore_what_came_later(sim, moment, with_events):
    full = sim.tickets
    then = as_it_was(full, moment)
    assert then.height < full.height
    ev_full = sim.events if with_events else None
    ev_then = sim.events.filter(pl.col("at") <= moment) if with_events else None
    # the later events must be there for the test to mean anything
    assert not with_events or ev_then.height < ev_full.height
    kw = {"horizon_days": HORIZON, "as_of": moment}
    m_full = train_risk_model(full, events=ev_full, **kw)
    m_then = train_risk_model(then, events=ev_then, **kw)
    assert isinstance(m_full, RiskModel) and isinstance(m_then, RiskModel)
    assert m_full.design.columns == m_then.design.columns
    np.testing.assert_allclose(m_full.beta, m_then.beta, rtol=1e-9, atol=1e-12)
    assert m_full.platt == pytest.approx(m_then.platt)
    s_full = score_open(m_full, full, as_of=moment, events=ev_full)
    s_then = score_open(m_then, then, as_of=moment, events=ev_then)
    assert s_full.height > 20
    cols = ["ticket_id", "risk", "reasons", "age_hours"]
    a, b = (s.select(cols).sort("ticket_id") for s in (s_full, s_then))
    assert a.get_column("ticket_id").to_list() == b.get_column("ticket_id").to_list()
    np.testing.assert_allclose(a.get_column("risk").to_numpy(), b.get_column("risk").to_numpy())
    assert a.get_column("reasons").to_list() == b.get_column("reasons").to_list()


def test_appending_later_events_leaves_scores_unchanged(sim, model):
    later = sim.events.with_columns(pl.col("at") + timedelta(days=400))
    before = score_open(model, sim.tickets, events=sim.events)
    after = score_open(model, sim.tickets, events=pl.concat([sim.events, later]))
    assert before.select("ticket_id", "risk").equals(after.select("ticket_id", "risk"))


def test_training_rows_see_only_their_own_past(sim):
    """Features of a ticket at a past moment, computed on the whole export (as the training
    snapshots are), equal those computed on the export cut at that moment."""
    from lib.risk.features import DEFAULT_FEATURES, compute, context
    from lib.risk.timeline import prepare

    full = prepare(sim.tickets, as_of=sim.as_of, horizon_days=HORIZON, events=sim.events)
    ctx_full = context(full, "UTC")
    names = tuple(
        n
        for n in DEFAULT_FEATURES
        if n not in ("reassignments_so_far", "reopens_so_far", "sentiment")
    )
    for days_back in (30, 55.5, 80.25):
        m = sim.as_of - timedelta(days=days_back)
        cut = prepare(sim.tickets, as_of=m, horizon_days=HORIZON, events=sim.events)
        idx_cut = np.flatnonzero(cut.open_at(cut.as_of))
        ids = cut.frame.get_column("ticket_id").to_numpy()[idx_cut]
        pos = {v: i for i, v in enumerate(full.frame.get_column("ticket_id").to_list())}
        idx_full = np.array([pos[v] for v in ids])
        assert np.array_equal(np.sort(idx_full), np.flatnonzero(full.open_at(full.hours(m))))
        a = compute(full, ctx_full, idx_full, np.full(idx_full.size, full.hours(m)), names, 0.05)
        b = compute(
            cut, context(cut, "UTC"), idx_cut, np.full(idx_cut.size, cut.as_of), names, 0.05
        )
        for name in a.numeric:
            np.testing.assert_allclose(a.numeric[name][1], b.numeric[name][1], err_msg=name)
        for name in a.categorical:
            assert (a.categorical[name] == b.categorical[name]).all(), name
