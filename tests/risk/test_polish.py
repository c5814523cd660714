"""Issue 15 polish: the fits run BLAS on one thread (busy cores made the demo page crawl) with
unchanged results; the idle rule refuses in words where it cannot be compared; and it counts
the same open tickets as the model."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
from scipy.special import expit

from lib.risk import blas, idle_rule, score_open
from lib.risk import model as fit


def test_fits_run_blas_on_one_thread(sim, monkeypatch):
    seen: list[list[int]] = []
    solve = np.linalg.solve

    def spy(a, b):
        seen.append(blas.threads())
        return solve(a, b)

    monkeypatch.setattr(fit.np.linalg, "solve", spy)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2000, 5))
    y = (rng.random(2000) < expit(x[:, 0] - 1)).astype(float)
    fit.fit_logistic(x, y)
    assert seen and all(set(n) <= {1} for n in seen)


def test_one_thread_fit_equals_the_threaded_one():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6000, 30))
    y = (rng.random(6000) < expit(x[:, :3].sum(axis=1) - 2)).astype(float)
    threaded = fit._newton(x, y, ridge=fit.RIDGE, iters=30, start=None)
    np.testing.assert_allclose(fit.fit_logistic(x, y), threaded, rtol=1e-9, atol=1e-9)


def test_idle_rule_without_escalation_times_refuses_in_words(sim, bt):
    untimed = dataclasses.replace(bt, timed=False)
    rule = idle_rule(sim.tickets, idle_hours=24, backtest_result=untimed)
    assert rule.sentences == () and rule.flagged == 0 and rule.precision is None
    assert rule.refusal is not None and "without escalation times" in rule.refusal
    assert not any("0, of which" in s for s in rule.sentences)


def test_idle_rule_with_nothing_that_idle_refuses_in_words(sim, bt):
    rule = idle_rule(sim.tickets, idle_hours=100_000, backtest_result=bt)
    assert rule.sentences == () and rule.refusal is not None
    assert "no ticket was idle over 100000 h" in rule.refusal


def test_idle_rule_counts_the_open_tickets_the_model_scores(sim, model, bt):
    t = sim.tickets
    is_open = ~pl.col("status").is_in(["solved", "closed"])
    assert t.filter(is_open & pl.col("escalated")).height > 0  # open escalated tickets exist
    rule = idle_rule(t, idle_hours=24, backtest_result=bt)
    scores = score_open(model, t, reasons=False)
    assert rule.open_now == scores.height > 0
    assert 0 < rule.open_flagged_now == scores.filter(pl.col("idle_hours") > 24).height
