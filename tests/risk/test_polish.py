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
    threaded, _ = fit._newton(x, y, ridge=fit.RIDGE, iters=30, start=None)
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


def test_the_hessian_in_single_precision_reaches_the_double_precision_optimum():
    """The Newton steps form X'WX in single precision: they stop at the same coefficients as
    steps with the exact Hessian (the gradient and the likelihood stay in double)."""
    rng = np.random.default_rng(3)
    x = np.column_stack([rng.normal(size=(20_000, 6)), rng.random((20_000, 3)) < 0.2])
    y = (rng.random(20_000) < expit(x[:, 0] - 0.5 * x[:, 7] - 1.5)).astype(float)
    xa = np.column_stack([np.ones(len(x)), x])
    pen = np.full(xa.shape[1], fit.RIDGE)
    pen[0] = 0.0
    beta = np.zeros(xa.shape[1])
    for _ in range(50):  # reference: plain Newton with the exact double-precision Hessian
        mu = expit(xa @ beta)
        hess = xa.T @ (xa * (mu * (1 - mu))[:, None]) + np.diag(pen)
        beta = beta + np.linalg.solve(hess, xa.T @ (y - mu) - pen * beta)
    np.testing.assert_allclose(fit.fit_logistic(x, y, single=True), beta, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(fit.fit_logistic(x, y), beta, rtol=1e-7, atol=1e-8)


def test_single_precision_falls_back_to_double_on_columns_far_from_unit_scale():
    """A column with a large offset makes the single-precision X'WX nearly singular: its step
    improves nothing, and the fit goes on with the exact Hessian instead of stopping at the
    starting point."""
    rng = np.random.default_rng(4)
    z = rng.normal(size=20_000)
    y = (rng.random(20_000) < expit(z - 1)).astype(float)
    for offset in (1_000.0, 1e5):
        x = (offset + z)[:, None]
        exact = fit.fit_logistic(x, y, ridge=0.0)
        assert abs(exact[1] - 1.0) < 0.1  # the true slope
        np.testing.assert_allclose(fit.fit_logistic(x, y, ridge=0.0, single=True), exact, rtol=1e-6)


def test_one_thread_blocks_in_several_threads_restore_the_count_once_all_end():
    import threading

    before = blas.threads()
    inside: list[list[int]] = []
    waited: list[bool] = []
    first_in, second_done = threading.Event(), threading.Event()

    def long_fit():
        with blas.one_thread():
            first_in.set()
            # the other thread's block runs meanwhile (one lock held throughout would stall it)
            waited.append(second_done.wait(10))
            inside.append(blas.threads())  # the other block ended: still one thread here

    worker = threading.Thread(target=long_fit)
    worker.start()
    first_in.wait(10)
    with blas.one_thread():
        inside.append(blas.threads())
    second_done.set()
    worker.join(10)
    assert waited == [True]
    assert all(set(n) <= {1} for n in inside) and len(inside) == 2
    assert blas.threads() == before


def test_backtest_cut_offs_side_by_side_equal_one_at_a_time(sim):
    from polars.testing import assert_frame_equal

    from lib.risk import backtest
    from tests.risk.conftest import HORIZON

    alone = backtest(sim.tickets, horizon_days=HORIZON, workers=1)
    paired = backtest(sim.tickets, horizon_days=HORIZON, workers=2)
    assert alone.refusal is None and paired.refusal is None
    assert alone.cutoffs.height >= 2
    assert_frame_equal(alone.cutoffs, paired.cutoffs)
    assert_frame_equal(alone.scored, paired.scored)
    assert_frame_equal(alone.thresholds, paired.thresholds)
    assert (alone.auc, alone.recall_top10) == (paired.auc, paired.recall_top10)


def test_backtest_cut_offs_see_the_callers_business_zone(sim, monkeypatch):
    """Each cut-off runs in a worker thread with a copy of the caller's context variables."""
    import importlib

    from lib import periods
    from tests.risk.conftest import HORIZON

    bt_module = importlib.import_module("lib.risk.backtest")

    seen: list[str] = []
    train = bt_module.train_risk_model

    def spy(*args, **kwargs):
        seen.append(periods.business_zone())
        return train(*args, **kwargs)

    monkeypatch.setattr(bt_module, "train_risk_model", spy)
    with periods.use_zone("Asia/Tokyo"):
        bt_module.backtest(sim.tickets, horizon_days=HORIZON, workers=2)
    assert seen and set(seen) == {"Asia/Tokyo"}
