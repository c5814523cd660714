"""One-sided CUSUMs on standardised residuals, and their thresholds set by simulation so that they
raise one false alarm per given average run length.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from lib.anomaly.options import AnomalyError

#: Reference value of the CUSUMs, in standard deviations (tuned to shifts of about 1 SD a day).
CUSUM_K = 0.5


def _siegmund_h(arl: float, k: float) -> float:
    """Siegmund's approximation of the h giving a CUSUM on N(0, 1) an average run length arl."""
    lo, hi = 0.0, 50.0
    for _ in range(60):
        h = (lo + hi) / 2
        b = 2 * k * (h + 1.166)
        lo, hi = (h, hi) if (math.exp(b) - b - 1) / (2 * k * k) < arl else (lo, h)
    return h


@lru_cache(maxsize=32)
def cusum_threshold(
    arl: float, k: float = CUSUM_K, *, fitted_on: int = 0, guard: int = 0, df_step: int = 1
) -> float:
    """Threshold ``h`` at which a one-sided CUSUM ``S = max(0, S + z - k)``, reset after each
    alarm, raises one false alarm per ``arl`` steps in the long run (seeded simulation).

    With ``fitted_on = n`` the residuals are made as the detector makes them: each step's mean
    and variance are estimated from ``n`` steps ending ``guard`` steps before it (``df_step``
    degrees of freedom a step for the variance). The estimation error is shared by neighbouring
    steps, which makes their residuals drift together; the simulated alarm rate includes that.
    Cached; a call takes a fraction of a second.

    >>> round(cusum_threshold(930.0), 1)  # Siegmund's approximation gives 5.0
    5.0
    >>> cusum_threshold(930.0, fitted_on=56) > cusum_threshold(930.0)
    True
    """
    if arl < 2:
        raise AnomalyError("the average run length must be at least 2")
    rng = np.random.default_rng(20240501)
    n, g = fitted_on, guard if fitted_on else 0
    chains = 500  # about 500 alarms at the answer: the rate is known to about 5%
    steps = int(max(arl, 20 * (n + g), 200))
    h0 = _siegmund_h(arl, k)
    hs = np.linspace(max(h0 - 1.0, 0.1), h0 + 3.5, 16)
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
        for zi in z - k:
            s += zi[:, None]
            np.maximum(s, 0.0, out=s)
            hit = s > hs
            alarms += hit.sum(0)
            s[hit] = 0.0
    rate = np.maximum(alarms, 0.5) / (chains * steps)
    # log alarm rate falls almost linearly in h: interpolate where it equals 1 / arl
    return round(float(np.interp(math.log(1 / arl), np.log(rate[::-1]), hs[::-1])), 2)


def _cusum(
    z: np.ndarray, active: np.ndarray, h: float, k: float = CUSUM_K
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided upper CUSUM per row, reset to 0 after an alarm; inactive steps leave S as is.

    Returns the statistic (before reset), the alarm mask and, at each alarm, the onset index
    (the step after S last stood at 0).
    """
    rows, steps = z.shape
    s = np.zeros(rows)
    last_zero = np.full(rows, -1)
    stat = np.zeros((rows, steps))
    alarm = np.zeros((rows, steps), dtype=bool)
    onset = np.full((rows, steps), -1)
    for t in range(steps):
        act = active[:, t]
        s = np.where(act, np.maximum(s + z[:, t] - k, 0.0), s)
        stat[:, t] = s
        hit = act & (s > h)
        alarm[:, t] = hit
        onset[:, t] = np.where(hit, last_zero + 1, -1)
        s = np.where(hit, 0.0, s)
        last_zero = np.where(s == 0.0, t, last_zero)
    return stat, alarm, onset
