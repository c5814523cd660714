"""Sentiment on data shaped like real helpdesks (issue 14): the one-day test's degrees of
freedom count the tickets' own noise in the window's day means, and the sentiment CUSUM's
threshold allows for how little is known of the residuals' wander (a young topic's not at all).
Seeded known-truth checks on day-level grids built directly (no ticket frames: fast)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np

from lib.anomaly.alarms import _alarms
from lib.anomaly.assess import _sentiment_df
from lib.anomaly.baseline import _fit
from lib.anomaly.cusum import _ar1_steps, cusum_thresholds
from lib.anomaly.grid import _Grid
from lib.anomaly.judge import _judge_grid
from lib.anomaly.options import _options

TAU, NOISE_SD, PER_DAY = 0.03, 0.4, 100


def _grid(k_n: int, t_n: int, seed: int) -> _Grid:
    """``k_n`` topics of ``PER_DAY`` tickets a day whose day-mean sentiment wanders
    independently from day to day (SD ``TAU``), tickets spread around it (SD ``NOISE_SD``)."""
    rng = np.random.default_rng(seed)
    n = np.full((k_n, t_n), float(PER_DAY))
    mean = rng.normal(0.0, TAU, (k_n, t_n))
    x = mean[..., None] + rng.normal(0.0, NOISE_SD, (k_n, t_n, PER_DAY))
    return _Grid(
        [f"t{k}" for k in range(k_n)],
        dt.date(2024, 1, 1),
        n,
        n.copy(),
        x.sum(-1),
        (x**2).sum(-1),
        np.zeros(k_n, dtype=int),
        np.ones(t_n),
        np.zeros(t_n, dtype=bool),
    )


def test_the_sentiment_degrees_of_freedom_count_the_day_means_own_noise():
    """The day-to-day variance is the window's day means' variance less their tickets' noise,
    so its estimate scatters with that noise too. At 100 tickets a day the noise of a day's
    mean (0.0016) is above the wander (0.0009): the variance the one-day test's degrees of
    freedom stand for must match the estimate's real scatter (before: under a third of it, so the
    test's t tail was near the normal and it fired 1.7 times its rate on real-shaped series)."""
    grid = _grid(60, 150, seed=7)
    fit = _fit(grid, _options(metrics=("sentiment",)))
    days = [90, 149]  # windows [27, 83) and [86, 142): independent estimates
    at = SimpleNamespace(**{name: a[:, days] for name, a in vars(fit).items()})
    known = at.s_var / PER_DAY
    se2 = known + at.s_tau2 + at.s_mean_var
    stated = np.mean(2 * se2**2 / _sentiment_df(at, se2, known))  # what df stands for
    measured = np.var(at.s_tau2)
    assert 0.6 < measured / stated < 1.6  # before: 3.6


def test_a_wander_known_only_roughly_gets_a_higher_threshold():
    """The uncertainty of the wander share raises the threshold; none leaves it as it was."""
    w = np.array([0.1, 0.1, 0.1])
    base = cusum_thresholds(1500.0, w, fitted_on=56, guard=7)
    wide = cusum_thresholds(1500.0, w, fitted_on=56, guard=7, spread=np.array([0.0, 0.03, 0.1]))
    assert wide[0] == base[0]
    assert (
        base[1]
        < wide[1]
        < wide[2]
        <= cusum_thresholds(1500.0, np.array([0.3]), fitted_on=56, guard=7)[0]
    )


def _wandering_grid(k_n: int, t_n: int, per_day: int, seed: int) -> _Grid:
    """Like :func:`_grid`, the day means wandering as AR(1) (lag-1 0.8, SD ``TAU``) as in
    :func:`lib.anomaly.realistic.simulate_helpdesk`; day sums drawn directly."""
    rng = np.random.default_rng(seed)
    mean = (
        rng.uniform(-0.2, 0.2, (k_n, 1))
        + np.stack(
            [
                _ar1_steps(rng.standard_normal((t_n, 1)), 0.8, rng.standard_normal(1))[0][:, 0]
                for _ in range(k_n)
            ]
        )
        * TAU
    )
    n = np.full((k_n, t_n), float(per_day))
    e_sum = rng.normal(0.0, np.sqrt(per_day), (k_n, t_n))
    e_sq = rng.chisquare(per_day, (k_n, t_n))
    s_sum = n * mean + NOISE_SD * e_sum
    s_sq = n * mean**2 + 2 * mean * NOISE_SD * e_sum + NOISE_SD**2 * e_sq
    return _Grid(
        [f"t{k}" for k in range(k_n)],
        dt.date(2024, 1, 1),
        n,
        n.copy(),
        s_sum,
        s_sq,
        np.zeros(k_n, dtype=int),
        np.ones(t_n),
        np.zeros(t_n, dtype=bool),
    )


def test_a_young_helpdesks_sentiment_cusum_allows_for_the_wander_it_cannot_measure_yet():
    """Known truth: 200 clean topics of a new helpdesk (300 tickets a day, the day-mean
    sentiment wandering), judged in their first four weeks, before any long-run ratio of their
    own or pooled exists. Their sentiment CUSUMs should raise about one false alarm per 1,500
    topic-days (about 4 here); judged as if their days were independent they raised 4-6 times
    that (issue 14)."""
    grid = _wandering_grid(200, 63, 300, seed=3)
    j = _judge_grid(grid, _options(metrics=("sentiment",)))
    day = j.series["day"]
    cusum = [e for e in _alarms(j, ("sentiment",)) if np.isnan(e["p"]) and e["unit"] == "day"]
    judged = int(day["s_report"].sum())
    assert judged > 4000
    stated = judged / 1500
    assert len(cusum) <= 2 * stated  # before: 13 (3.5 times), after: 4
