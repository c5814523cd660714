"""Daily and weekly statistics of every topic against its baseline (tail probabilities, residuals,
sentiment z-scores), and whether each topic is judged per day or per week.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.anomaly.baseline import _Fit
from lib.anomaly.calibrate import _Scales, wander_share, wander_spread
from lib.anomaly.grid import _Grid
from lib.anomaly.options import _Options
from lib.anomaly.tails import _count_tests, _estimated_tail, _t_as_normal

#: A topic judged weekly returns to daily judgement at ``HYSTERESIS * min_daily``.
HYSTERESIS = 1.25


@dataclass
class _Judged:
    grid: _Grid
    fit: _Fit
    opts: _Options
    daily: np.ndarray  # K x T: judged per day (else per week)
    series: dict[str, dict[str, np.ndarray]]  # unit ("day"/"week") -> arrays
    week_start: np.ndarray  # W: day index of each complete week's Monday
    shared: np.ndarray | None = None  # T: -1 most topics fell together, +1 rose, 0 neither


def _granularity(fit: _Fit, grid: _Grid, min_daily: float) -> np.ndarray:
    k_n, t_n = fit.level.shape
    week = (grid.weekday0 + np.arange(t_n)) // 7
    firsts = np.flatnonzero(np.r_[True, np.diff(week) > 0])
    state = np.ones(k_n, dtype=bool)
    daily = np.ones((k_n, t_n), dtype=bool)
    started = np.zeros(k_n, dtype=bool)
    for i, first in enumerate(firsts):
        stop = firsts[i + 1] if i + 1 < len(firsts) else t_n
        lvl = fit.level[:, first]
        fresh = ~started
        state = np.where(
            fresh,
            lvl >= min_daily,
            np.where(state, lvl >= min_daily, lvl >= HYSTERESIS * min_daily),
        )
        started |= fit.judged[:, first]
        daily[:, first:stop] = state[:, None]
    return daily


def _sentiment_df(
    fit: _Fit, s_se2: np.ndarray, known: np.ndarray, s_v: np.ndarray | float = 1.0
) -> np.ndarray:
    """Effective degrees of freedom of a day's sentiment variance ``s_se2`` (Satterthwaite,
    ``2 s_se2^2 / Var``): all but its ``known`` part (the tickets' own variance over the day's
    count, from hundreds of tickets) is estimated from the window's days. The wandering part
    varies as ``2 E^2 / s_df`` (a wandering mean makes the days few; the calibration's widening
    ``s_v`` counts as wander too), and the window's day means carry their own tickets' noise,
    which scatters the estimate of the wander (``s_tau2_noise``). Referred to the normal, the
    one-day test fired two to three times its rate at 100-300 tickets a day; without the second
    term still 1.8 times at 100 (issue 14).

    >>> from types import SimpleNamespace as N
    >>> f = N(s_df=np.array([8.0]), s_tau2_noise=np.array([0.0]))
    >>> _sentiment_df(f, np.array([2.0]), np.array([1.0])).tolist()
    [32.0]
    >>> f.s_tau2_noise = np.array([0.25])
    >>> _sentiment_df(f, np.array([2.0]), np.array([1.0])).tolist()
    [16.0]
    """
    with np.errstate(all="ignore"):
        est = np.maximum(s_se2 - known, 1e-3 * s_se2)
        var = 2 * est**2 / fit.s_df + np.square(s_v) * fit.s_tau2_noise
        return np.nan_to_num(np.clip(2 * s_se2**2 / var, 1.0, 1e4), nan=1e4)


def _prewhiten(z: np.ndarray, rho: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Residuals freed of their lag-1 correlation for the CUSUMs (Alwan and Roberts 1988):
    ``(z_t - rho z_{t-1}) / sqrt(1 - rho^2)``, still N(0, 1) when ``z`` is, but no longer
    drifting with a persistent level; ``z_t`` as it is after a day not judged."""
    prev = np.zeros_like(z)
    prev[:, 1:] = np.where(active[:, :-1], z[:, :-1], np.nan)
    with np.errstate(all="ignore"):
        white = (z - rho * prev) / np.sqrt(1 - rho**2)
    return np.where(np.isnan(prev), z, white)


def _assess(
    grid: _Grid,
    fit: _Fit,
    opts: _Options,
    skip_volume: np.ndarray | None = None,
    scales: _Scales | None = None,
) -> _Judged:
    """Judge every topic-day (and complete week). Days on the holiday calendar are judged for
    nothing; ``skip_volume`` days (shared events) are not judged for volume, and week sums
    leave both out. ``scales``: the topic's own variance ratios (:mod:`lib.anomaly.calibrate`)
    widen the predictive variances and set the daily CUSUMs' thresholds (``wander``)."""
    t_n = grid.counts.shape[1]
    closed = np.zeros(t_n, dtype=bool) if grid.closed is None else grid.closed
    skip_v = closed if skip_volume is None else closed | skip_volume
    daily = _granularity(fit, grid, opts.min_daily)
    y, mu, phi = grid.counts, fit.mu, fit.phi * (1.0 if scales is None else scales.v)
    p_up, z = _count_tests(y, mu, phi)
    p_up = _estimated_tail(p_up, fit.alpha, fit.df)
    active = fit.judged & ~skip_v[None, :]
    with np.errstate(all="ignore"):
        s_obs = grid.s_sum / grid.s_n
        s_se2 = fit.s_var / grid.s_n + fit.s_tau2 + fit.s_mean_var
        s_v = 1.0 if scales is None else scales.s_v
        s_df = _sentiment_df(fit, s_se2 * s_v, fit.s_var / grid.s_n, s_v)
        s_z = _t_as_normal((s_obs - fit.s_mean) / np.sqrt(s_se2), s_df)
        s_se2, s_z = s_se2 * s_v, s_z / np.sqrt(s_v)
    s_active = fit.s_judged & (grid.s_n > 0) & ~closed[None, :]
    s_z = np.where(s_active, s_z, 0.0)
    k_n = y.shape[0]
    wander = np.zeros((k_n, t_n)) if scales is None else wander_share(scales.lam)
    s_wander = np.zeros((k_n, t_n)) if scales is None else wander_share(scales.s_lam)
    s_spread = (
        np.zeros((k_n, t_n))
        if scales is None or scales.s_own is None
        else wander_spread(scales.s_lam, scales.s_own, scales.s_weight)
    )
    series = {
        "day": {
            "y": y,
            "mu": mu,
            "var": phi * mu,
            "p_up": p_up,
            "z": z,
            "zc": _prewhiten(z, fit.rho, active),
            "wander": wander,
            "active": active,
            "report": active & daily,
            "s_n": grid.s_n,
            "s_obs": s_obs,
            "s_exp": fit.s_mean,
            "s_se2": s_se2,
            "s_z": s_z,
            "s_zc": _prewhiten(s_z, fit.s_rho, s_active),
            "s_wander": s_wander,
            "s_spread": s_spread,
            "s_active": s_active,
            "s_report": s_active & daily,
        }
    }
    # complete Monday..Sunday weeks
    first_monday = (7 - grid.weekday0) % 7
    n_weeks = max((t_n - first_monday) // 7, 0)
    week_start = first_monday + 7 * np.arange(n_weeks)
    if n_weeks:
        idx = week_start[:, None] + np.arange(7)[None, :]  # Wk x 7

        def wsum(a: np.ndarray, off: np.ndarray = closed) -> np.ndarray:
            return np.where(off, 0.0, a)[:, idx].sum(-1)

        wy, wmu, wvar = wsum(y, skip_v), wsum(mu, skip_v), wsum(phi * mu, skip_v)
        wp, wz = _count_tests(wy, wmu, wvar / wmu)
        wp = _estimated_tail(wp, fit.alpha[:, week_start], fit.df[:, week_start])
        w_active = fit.judged[:, idx].all(-1)
        sn = wsum(grid.s_n)
        with np.errstate(all="ignore"):
            s_obs_w = wsum(grid.s_sum) / sn
            s_exp_w = wsum(grid.s_n * fit.s_mean) / sn
            s_se2_w = (
                wsum(grid.s_n * fit.s_var + grid.s_n**2 * fit.s_tau2) / sn**2
                + fit.s_mean_var[:, week_start]
            )
            s_z_w = (s_obs_w - s_exp_w) / np.sqrt(s_se2_w)
        s_active_w = fit.s_judged[:, idx].all(-1) & (sn > 0)
        last_day = week_start + 6
        weekly = ~daily[:, week_start]
        series["week"] = {
            "y": wy,
            "mu": wmu,
            "var": wvar,
            "p_up": wp,
            "z": wz,
            "zc": wz,
            "active": w_active,
            "report": w_active & weekly,
            "s_n": sn,
            "s_obs": s_obs_w,
            "s_exp": s_exp_w,
            "s_se2": s_se2_w,
            "s_z": np.where(s_active_w, s_z_w, 0.0),
            "s_zc": np.where(s_active_w, s_z_w, 0.0),
            "s_active": s_active_w,
            "s_report": s_active_w & weekly,
            "last_day": last_day,
        }
    return _Judged(grid, fit, opts, daily, series, week_start)
