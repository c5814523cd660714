"""One-sided CUSUMs on standardised residuals, and their thresholds set by simulation so that they
raise one false alarm per given average run length.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.signal import lfilter

from lib.anomaly.options import AnomalyError

#: Reference value of the CUSUMs, in standard deviations (tuned to shifts of about 1 SD a day).
CUSUM_K = 0.5
#: Lag-1 correlation of the wandering part of the CUSUMs' inputs (see :func:`cusum_threshold`):
#: a level that drifts for weeks (issue 14 measured 0.8 in the counts; the fitted baseline's own
#: slow error adds to it).
PERSISTENCE = 0.9


def _siegmund_h(arl: float, k: float) -> float:
    """Siegmund's approximation of the h giving a CUSUM on N(0, 1) an average run length arl."""
    lo, hi = 0.0, 50.0
    for _ in range(60):
        h = (lo + hi) / 2
        b = 2 * k * (h + 1.166)
        lo, hi = (h, hi) if (math.exp(b) - b - 1) / (2 * k * k) < arl else (lo, h)
    return h


@lru_cache(maxsize=256)
def cusum_threshold(
    arl: float,
    k: float = CUSUM_K,
    *,
    fitted_on: int = 0,
    guard: int = 0,
    df_step: int = 1,
    wander: float = 0.0,
) -> float:
    """Threshold ``h`` at which a one-sided CUSUM ``S = max(0, S + z - k)``, reset after each
    alarm, raises one false alarm per ``arl`` steps in the long run (seeded simulation).

    With ``fitted_on = n`` the residuals are made as the detector makes them: each step's mean
    and variance are estimated from ``n`` steps ending ``guard`` steps before it (``df_step``
    degrees of freedom a step for the variance). The estimation error is shared by neighbouring
    steps, which makes their residuals drift together; the simulated alarm rate includes that.
    ``wander``: the share of each step's variance that is a slowly wandering part (AR(1) of
    lag-1 correlation :data:`PERSISTENCE`, added to the residuals as measured after the fit);
    the rest is independent. Real helpdesks' residuals wander (a busy fortnight), and a CUSUM
    then alarms far more often at the same ``h``, so ``h`` grows with ``wander`` (see
    :func:`cusum_thresholds` for many topics at once, read from a stored table).
    Cached; a call takes a fraction of a second to a second.

    >>> round(cusum_threshold(930.0), 1)  # Siegmund's approximation gives 5.0
    5.0
    >>> cusum_threshold(930.0, fitted_on=56) > cusum_threshold(930.0)
    True
    >>> cusum_threshold(930.0, wander=0.2) > cusum_threshold(930.0) + 3
    True
    """
    if arl < 2:
        raise AnomalyError("the average run length must be at least 2")
    if not 0.0 <= wander <= 0.95:
        raise AnomalyError("the wandering share must be in 0..0.95")
    rng = np.random.default_rng(20240501)
    n, g = fitted_on, guard if fitted_on else 0
    chains = 500  # about 500 alarms at the answer: the rate is known to about 5%
    steps = int(max(arl, 20 * (n + g), 200))
    h0 = _siegmund_h(arl, k)
    wide = math.sqrt(1 + wander * 2 * PERSISTENCE / (1 - PERSISTENCE))  # long-run SD of steps
    hs = np.linspace(max(h0 - 1.0, 0.1), (h0 + 3.5) * wide * 1.4, 16 if wander == 0 else 32)
    ar = rng.standard_normal(chains) if wander else None  # stationary start
    s = np.zeros((chains, hs.size))
    alarms = np.zeros(hs.size)
    tail_x = rng.standard_normal((n + g, chains))
    tail_u = rng.chisquare(df_step, (n + g, chains)) / df_step
    for first in range(0, steps, 2048):
        rows = min(2048, steps - first)
        x = rng.standard_normal((rows, chains))
        z = x
        if n:
            u = rng.chisquare(df_step, (rows, chains)) / df_step
            cx = np.cumsum(np.vstack([np.zeros((1, chains)), tail_x, x]), axis=0)
            cu = np.cumsum(np.vstack([np.zeros((1, chains)), tail_u, u]), axis=0)
            mean = (cx[n : n + rows] - cx[:rows]) / n  # steps [t - g - n, t - g)
            var = (cu[n : n + rows] - cu[:rows]) / n
            z = (x - mean) / np.sqrt(var * (1 + 1 / n))
            tail_x, tail_u = np.vstack([tail_x, x])[-n - g :], np.vstack([tail_u, u])[-n - g :]
        if wander:  # the wandering part, as measured in the residuals (after the fit)
            a, ar = _ar1_steps(rng.standard_normal((rows, chains)), PERSISTENCE, ar)
            z = math.sqrt(1 - wander) * z + math.sqrt(wander) * a
        for zi in z - k:
            s += zi[:, None]
            np.maximum(s, 0.0, out=s)
            hit = s > hs
            alarms += hit.sum(0)
            s[hit] = 0.0
    rate = np.maximum(alarms, 0.5) / (chains * steps)
    # log alarm rate falls almost linearly in h: interpolate where it equals 1 / arl
    return round(float(np.interp(math.log(1 / arl), np.log(rate[::-1]), hs[::-1])), 2)


def _ar1_steps(e: np.ndarray, rho: float, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of an AR(1) series of variance 1 driven by N(0, 1) shocks ``e``, continuing from
    the row ``last``; returns the rows and the new last row."""
    out, _ = lfilter([math.sqrt(1 - rho**2)], [1.0, -rho], e, axis=0, zi=rho * last[None, :])
    return out, out[-1]


#: Wandering shares at which :func:`cusum_thresholds` knows thresholds (interpolated).
WANDER_GRID = tuple(round(0.05 * i, 2) for i in range(19))  # 0 .. 0.9


def cusum_thresholds(
    arl: float,
    wander: np.ndarray,
    *,
    fitted_on: int = 0,
    guard: int = 0,
    df_step: int = 1,
    spread: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`cusum_threshold` for an array of wandering shares (clipped to ``0..0.9``),
    interpolated linearly between the points of :data:`WANDER_GRID`. The detector's default
    settings read them from :data:`lib.anomaly.cusum_table.TABLE` (simulated once by
    ``scripts/cusum_table.py``; a test checks it against the simulation); other settings
    simulate the grid points they need once per process.

    >>> h = cusum_thresholds(1500.0, np.array([0.0, 0.1, 0.12]), fitted_on=56, guard=7)
    >>> bool(h[0] == cusum_threshold(1500.0, fitted_on=56, guard=7)), bool(h[2] > h[1] > h[0])
    (True, True)

    ``spread``: the standard error of each wandering share. The false-alarm rate falls about
    exponentially in ``h`` (``rate ~ exp(-c h)``) and ``h`` grows about linearly in the share
    (slope ``s``), so a share known to ``spread`` raises ``E rate`` by ``exp(c^2 s^2 spread^2
    / 2)``, which ``h + c s^2 spread^2 / 2`` takes back (at most the threshold of the share plus
    two spreads). ``c`` comes from the thresholds of a second run length, ``s`` from the grid.

    >>> w = np.array([0.1, 0.1])
    >>> hs = cusum_thresholds(1500.0, w, fitted_on=56, guard=7, spread=np.array([0.0, 0.05]))
    >>> bool(hs[0] == h[1]), bool(h[1] + 0.3 < hs[1] < h[1] + 3)
    (True, True)
    """
    h = _thresholds(arl, wander, fitted_on=fitted_on, guard=guard, df_step=df_step)
    if spread is None:
        return h
    sim = dict(fitted_on=fitted_on, guard=guard, df_step=df_step)
    other = _other_arl(arl, fitted_on, guard, df_step)
    c = abs(math.log(arl / other)) / np.maximum(np.abs(h - _thresholds(other, wander, **sim)), 0.1)
    w = np.clip(np.nan_to_num(np.asarray(wander, dtype=float)), 0.0, WANDER_GRID[-1])
    up = np.minimum(w + 0.025, WANDER_GRID[-1])
    down = np.maximum(up - 0.05, 0.0)
    slope = (_thresholds(arl, up, **sim) - _thresholds(arl, down, **sim)) / (up - down)
    spread = np.nan_to_num(np.asarray(spread, dtype=float))
    cap = _thresholds(arl, w + 2 * spread, **sim)
    return np.minimum(h + 0.5 * c * (slope * spread) ** 2, np.maximum(cap, h))


def _other_arl(arl: float, fitted_on: int, guard: int, df_step: int) -> float:
    """A second run length to read the slope of the log alarm rate in ``h`` from: the nearest
    other one in the stored table for these settings, else a third of ``arl``."""
    from lib.anomaly.cusum_table import TABLE

    stored = [a for (a, *rest) in TABLE if tuple(rest) == (fitted_on, guard, df_step) and a != arl]
    return min(stored, key=lambda a: abs(math.log(a / arl))) if stored else arl / 3


def _thresholds(
    arl: float, wander: np.ndarray, *, fitted_on: int, guard: int, df_step: int
) -> np.ndarray:
    """:func:`cusum_thresholds` without a spread."""
    from lib.anomaly.cusum_table import TABLE

    r = np.clip(np.nan_to_num(np.asarray(wander, dtype=float)), 0.0, WANDER_GRID[-1])
    grid = np.array(WANDER_GRID)
    lo = np.clip(np.searchsorted(grid, r, side="right") - 1, 0, len(grid) - 2)
    w = (r - grid[lo]) / (grid[lo + 1] - grid[lo])
    stored = TABLE.get((float(arl), fitted_on, guard, df_step))
    hs = np.zeros(len(grid))
    for i in np.unique(np.r_[lo.ravel(), lo[w > 0] + 1]):
        hs[i] = (
            stored[i]
            if stored is not None
            else cusum_threshold(
                arl, fitted_on=fitted_on, guard=guard, df_step=df_step, wander=float(grid[i])
            )
        )
    return np.where(w > 0, (1 - w) * hs[lo] + w * hs[np.minimum(lo + 1, len(grid) - 1)], hs[lo])


def _cusum(
    z: np.ndarray, active: np.ndarray, h: float | np.ndarray, k: float = CUSUM_K
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided upper CUSUM per row, reset to 0 after an alarm; inactive steps leave S as is.

    Returns the statistic (before reset), the alarm mask and, at each alarm, the onset index
    (the step after S last stood at 0).
    """
    rows, steps = z.shape
    h = np.broadcast_to(h, z.shape)
    s = np.zeros(rows)
    last_zero = np.full(rows, -1)
    stat = np.zeros((rows, steps))
    alarm = np.zeros((rows, steps), dtype=bool)
    onset = np.full((rows, steps), -1)
    for t in range(steps):
        act = active[:, t]
        s = np.where(act, np.maximum(s + z[:, t] - k, 0.0), s)
        stat[:, t] = s
        hit = act & (s > h[:, t])
        alarm[:, t] = hit
        onset[:, t] = np.where(hit, last_zero + 1, -1)
        s = np.where(hit, 0.0, s)
        last_zero = np.where(s == 0.0, t, last_zero)
    return stat, alarm, onset
