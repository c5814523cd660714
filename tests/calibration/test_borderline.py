"""Borderline tickets from the escalation risk model, on a seeded helpdesk."""

from __future__ import annotations

import polars as pl
import pytest

from lib.calibration import sample_calibration_set
from lib.calibration.borderline import arrival_risk
from lib.calibration.sampling import near_threshold
from tests.risk.sim_risk import simulate


@pytest.fixture(scope="module")
def sim_tickets() -> pl.DataFrame:
    return simulate(3, n_tickets=1500, days=60).tickets


@pytest.fixture(scope="module")
def scores(sim_tickets: pl.DataFrame) -> pl.DataFrame:
    got = arrival_risk(sim_tickets, horizon_days=4.0)
    assert got.refusal is None and got.scores is not None
    return got.scores


def test_arrival_risk_scores_every_ticket(sim_tickets, scores):
    assert scores.height == sim_tickets.height
    p = scores.get_column("p_escalate")
    assert p.null_count() == 0 and p.min() > 0 and p.max() < 1
    # the simulator's riskiest category (SSO, 4x) scores higher at arrival than Billing (0.4x)
    by = (
        sim_tickets.join(scores, on="ticket_id")
        .group_by("category")
        .agg(pl.col("p_escalate").mean())
    )
    mean = dict(by.iter_rows())
    assert mean["SSO"] > 2 * mean["Billing"]


def test_sampler_draws_borderline_cases_near_the_risk_threshold(sim_tickets, scores):
    picked = sample_calibration_set(sim_tickets, 10, seed=4, risk=scores)
    border = picked.filter(pl.col("why").str.contains("risk model"))
    assert border.height == 3
    share = float(sim_tickets.get_column("escalated").cast(pl.Float64).mean())
    band = near_threshold(scores, share)
    assert set(border.get_column("ticket_id")) <= set(band.get_column("ticket_id"))
    # the band is the decile of ranks around the threshold: neither the safest nor the riskiest
    p = scores.get_column("p_escalate")
    for value in border.get_column("p_escalate"):
        assert p.quantile(0.5) < value < p.max()
    assert not picked.get_column("why").str.contains("case-mix").any()


def test_refused_model_leaves_the_case_mix_borderline():
    tiny = simulate(2, n_tickets=60, days=10).tickets
    got = arrival_risk(tiny, horizon_days=4.0)
    assert got.scores is None and got.refusal
    picked = sample_calibration_set(tiny, 6, seed=1)
    assert not picked.get_column("why").str.contains("risk model").any()


def test_near_threshold_empty_scores():
    empty = pl.DataFrame(schema={"ticket_id": pl.String, "p_escalate": pl.Float64})
    assert near_threshold(empty, 0.2).height == 0


def test_still_open_tickets_are_named(sim_tickets):
    from lib.calibration.sampling import still_open

    live = sim_tickets.filter(~pl.col("status").is_in(["solved", "closed"]) & ~pl.col("escalated"))
    done = sim_tickets.filter(pl.col("status") == "solved").get_column("ticket_id")
    one = live.get_column("ticket_id")[0]
    assert still_open(sim_tickets, [done[0], one, "nope"]) == [one]
