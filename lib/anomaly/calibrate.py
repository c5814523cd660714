"""Calibration of the second pass to each topic's own residuals: how much wider its days swing
than the model says, and how much more its residuals drift together over two weeks.

The first pass's residuals over the trailing ``PROFILE_DAYS`` days (ending ``guard`` days before
the day judged, as every baseline) give, per topic and day:

* ``v``: the marginal variance ratio, the scale of ``z^2`` (:func:`_trailing_scale`). A
  persistent level (AR(1)) makes a day differ from its window's mean by more than the
  day-to-day scatter inside the window shows; ``v`` widens the predictive variance (one-day
  tests, bands) by what was seen.
* ``lam``: the long-run variance ratio of the CUSUM inputs, the scale of overlapping
  ``BLOCK``-day sums ``S_b^2 / b`` over ``v``. Independent days give 1; a level that wanders for
  days gives more (an AR(1) level holding a share ``s`` of the variance with correlation
  ``rho``: about ``1 + 2 s rho / (1 - rho)``, 3.7 at ``s = 1/3, rho = 0.8``), which the
  prewhitening by the lag-1 correlation removes only in part (the residual is ARMA(1, 1), not
  AR(1)). The CUSUMs take their inputs divided by ``sqrt(lam)``, so their false-alarm rate is
  nearer the one simulated for independent days (:func:`lib.anomaly.cusum_threshold`).

Robust scales (a median's guess, then a mean of values clipped at 9 times it): the days of a
real incident in the history (a level shift weeks long) do not widen the limits after it much.
Both ratios are floored at 1 (the model's own variance is never narrowed) and are 1 until
``MIN_DAYS`` days of residuals exist.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from lib.anomaly.baseline import PROFILE_DAYS

#: Residual days needed before a topic's own ratios are used (1 before).
MIN_DAYS = 28
#: Largest widening of a variance by either ratio.
MAX_RATIO = 9.0
#: Days in the overlapping sums behind the long-run ratio: a level wandering with a day-to-day
#: correlation of 0.8 still holds 0.8^7 = 0.2 of it after a week, so a week's sums miss part
#: of its drift (measured: 1.45 against 1.88 with two weeks and 1.83 with four).
BLOCK = 14
#: Median of a chi-square with one degree of freedom.
_CHI2_MEDIAN = 0.4549
#: Squares are clipped at this many times the median's guess; ``E min(chi2_1, 9)``.
_CLIP, _CLIPPED_MEAN = 9.0, 0.9951


@dataclass
class _Scales:
    v: np.ndarray  # K x T: volume marginal variance ratio
    lam: np.ndarray  # K x T: volume long-run variance ratio of the CUSUM inputs
    s_v: np.ndarray
    s_lam: np.ndarray


def _trailing_scale(x: np.ndarray, guard: int) -> np.ndarray:
    """K x T scale ``s`` of squares ``x ~ s chi2_1`` over ``[t - guard - PROFILE_DAYS, t - guard)``
    (finite values; NaN where fewer than ``MIN_DAYS``): a first guess from the median, then the
    mean with values above ``_CLIP`` times the guess clipped (efficient, yet an incident's days
    do not blow it up)."""
    k_n, t_n = x.shape
    w = min(PROFILE_DAYS, t_n)
    padded = np.concatenate([np.full((k_n, w + guard), np.nan), x], axis=1)
    out = np.full((k_n, t_n), np.nan)
    step = max(1, 4_000_000 // (t_n * w))
    for lo in range(0, k_n, step):
        rows = padded[lo : lo + step]
        # window of day t: padded[t .. t + w) = x[t - guard - w .. t - guard)
        view = np.lib.stride_tricks.sliding_window_view(rows, w, axis=1)[:, :t_n]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            scale = np.nanmedian(view, axis=-1) / _CHI2_MEDIAN
            clipped = np.minimum(view, _CLIP * scale[..., None])
            mean = np.nanmean(clipped, axis=-1) / _CLIPPED_MEAN
        n = np.sum(np.isfinite(view), axis=-1)
        out[lo : lo + rows.shape[0]] = np.where(n >= MIN_DAYS, mean, np.nan)
    return out


def _ratios(z: np.ndarray, zc: np.ndarray, active: np.ndarray, guard: int):
    """(v, lam) K x T from residuals ``z``, CUSUM inputs ``zc`` on the ``active`` days."""
    z2 = np.where(active, np.minimum(z**2, 100.0), np.nan)
    v = np.clip(np.nan_to_num(_trailing_scale(z2, guard), nan=1.0), 1.0, MAX_RATIO)
    c = np.concatenate([np.zeros((z.shape[0], 1)), np.cumsum(np.where(active, zc, 0), 1)], 1)
    n = np.concatenate([np.zeros((z.shape[0], 1)), np.cumsum(active, 1)], 1)
    q = np.full(z.shape, np.nan)
    b = BLOCK
    full = (n[:, b:] - n[:, :-b]) == b
    q[:, b - 1 :] = np.where(full, np.minimum((c[:, b:] - c[:, :-b]) ** 2 / b, 100.0 * b), np.nan)
    lam = _trailing_scale(q, guard)
    lam = np.clip(np.nan_to_num(lam / v, nan=1.0), 1.0, MAX_RATIO)
    return v, lam


def _scales(series: dict[str, np.ndarray], guard: int) -> _Scales:
    """The ratios of every topic and day from a first pass's day series."""
    v, lam = _ratios(series["z"], series["zc"], series["active"], guard)
    s_v, s_lam = _ratios(series["s_z"], series["s_zc"], series["s_active"], guard)
    return _Scales(v, lam, s_v, s_lam)
