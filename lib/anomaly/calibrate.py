"""Calibration of the second pass to each topic's own residuals: how much wider its days swing
than the model says, and how much more its residuals drift together over two weeks.

The second fit's residuals (before calibration) over the trailing ``PROFILE_DAYS`` days (ending
``guard`` days before the day judged, as every baseline) give, per topic and day:

* ``v``: the marginal variance ratio, the scale of ``z^2`` (:func:`_trailing_scale`). A
  persistent level (AR(1)) makes a day differ from its window's mean by more than the
  day-to-day scatter inside the window shows; ``v`` widens the predictive variance (one-day
  tests, bands) by what was seen.
* ``lam``: the long-run variance ratio of the CUSUM inputs, the scale of overlapping
  ``BLOCK``-day sums ``S_b^2 / b`` over ``v``. Independent days give 1; a level that wanders for
  days gives more (an AR(1) level holding a share ``s`` of the variance with correlation
  ``rho``: about ``1 + 2 s rho / (1 - rho)``, 3.7 at ``s = 1/3, rho = 0.8``), which the
  prewhitening by the lag-1 correlation removes only in part (the residual is ARMA(1, 1), not
  AR(1)). The CUSUMs' thresholds are simulated for the wandering share that ``lam`` implies
  (:func:`wander_share`, :func:`lib.anomaly.cusum.cusum_thresholds`).

Robust scales (a median's guess, then a mean of values clipped at 9 times it): the days of a
real incident in the history (a level shift weeks long) do not widen the limits after it much.
Both ratios are floored at 1 (the model's own variance is never narrowed); before a topic has
``MIN_DAYS`` days of residuals they are all topics' pooled ones, and 1 before those exist.
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
#: Days of a topic's own residuals that weigh as much as all topics' pooled long-run ratio.
PRIOR_DAYS = 364
#: Days in the overlapping sums behind the long-run ratio: a level wandering with a day-to-day
#: correlation of 0.8 still holds 0.8^7 = 0.2 of it after a week, so a week's sums miss part
#: of its drift (measured: 1.45 against 1.88 with two weeks and 1.83 with four).
BLOCK = 14
#: Typical long-run ratio of real-shaped helpdesks (measured 2.4-2.7): the pooled ratios clip
#: each square at ``_CLIP`` times its typical size (1 for z^2, this for the block squares).
LAM_TYPICAL = 2.5
#: Median of a chi-square with one degree of freedom.
_CHI2_MEDIAN = 0.4549
#: Squares are clipped at this many times the median's guess; ``E min(chi2_1, 9)``.
_CLIP, _CLIPPED_MEAN = 9.0, 0.9951


#: Fewest residual days a long-run ratio is taken as known from (two blocks: about 100%).
MIN_SPREAD_DAYS = 2 * BLOCK
#: Relative scatter assumed of a topic's own long-run ratio around all topics' pooled one.
POOL_SPREAD = 0.3


@dataclass
class _Scales:
    v: np.ndarray  # K x T: volume marginal variance ratio
    lam: np.ndarray  # K x T: volume long-run variance ratio of the CUSUM inputs
    s_v: np.ndarray
    s_lam: np.ndarray
    s_own: np.ndarray | None = None  # K x T: the topic's own block sums behind s_lam
    s_weight: np.ndarray | None = None  # K x T: their weight in s_lam (the pooled one's: 1 - it)


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


def _pooled(x: np.ndarray, guard: int, clip: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """(T mean of every topic's finite ``x`` over the trailing window of each day, NaN until
    they hold ``MIN_DAYS`` values in all; K x T how many values each topic's own window holds).
    Values are clipped at ``clip`` first: the pooled ratios are borrowed by young topics, and a
    neighbour's incident (weeks of residuals of 5-10 SD) must not widen them all.

    >>> m, n = _pooled(np.array([[1.0, 3.0, np.nan], [5.0, 7.0, 1.0]]), 0)
    >>> m.tolist(), n.tolist()
    ([nan, nan, nan], [[0, 1, 2], [0, 1, 2]])
    """
    x = np.minimum(x, clip)
    t_n = x.shape[1]
    fin = np.isfinite(x)
    cs = np.c_[np.zeros(x.shape[0]), np.cumsum(np.where(fin, x, 0.0), 1)]
    cn = np.c_[np.zeros(x.shape[0], dtype=int), np.cumsum(fin, 1)]
    end = np.clip(np.arange(t_n) - guard, 0, t_n)
    begin = np.maximum(end - min(PROFILE_DAYS, t_n), 0)
    count = (cn[:, end] - cn[:, begin]).sum(0)
    with np.errstate(all="ignore"):
        mean = np.where(count >= MIN_DAYS, (cs[:, end] - cs[:, begin]).sum(0) / count, np.nan)
    return mean, cn[:, end] - cn[:, begin]


def _ratios(z: np.ndarray, zc: np.ndarray, active: np.ndarray, guard: int):
    """(v, lam): see :func:`_ratios_own`."""
    return _ratios_own(z, zc, active, guard)[:2]


def _ratios_own(z: np.ndarray, zc: np.ndarray, active: np.ndarray, guard: int):
    """(v, lam, n_own, weight) K x T from residuals ``z``, CUSUM inputs ``zc`` on the
    ``active`` days; ``n_own``: the topic's own block sums behind ``lam``, ``weight``: their
    ratio's weight in it.

    A topic's own ``v`` once it has ``MIN_DAYS`` residuals, all topics' pooled before (a young
    helpdesk's topics share their first weeks, and judged as if their days were independent
    they raised most of their false alarms then). ``lam`` is shrunk towards all topics' pooled
    ratio, the pooled one weighing as much as ``PRIOR_DAYS`` of the topic's own days: a year of
    a topic's own fortnights is only about 26 independent sums (a ratio known to about 30%),
    and as a CUSUM's false-alarm rate grows steeply as its threshold falls, topics whose ratio
    came out low by chance raised more false alarms than those whose ratio came out high saved
    (real-shaped series: about twice the stated rate on the topic's own ratio alone).
    """
    z2 = np.where(active, np.minimum(z**2, 100.0), np.nan)
    own = _trailing_scale(z2, guard)
    pooled_v = _pooled(z2, guard, _CLIP)[0] / _CLIPPED_MEAN
    v = np.where(np.isnan(own), pooled_v[None, :], own)
    v = np.clip(np.nan_to_num(v, nan=1.0), 1.0, MAX_RATIO)
    c = np.concatenate([np.zeros((z.shape[0], 1)), np.cumsum(np.where(active, zc, 0), 1)], 1)
    n = np.concatenate([np.zeros((z.shape[0], 1)), np.cumsum(active, 1)], 1)
    q = np.full(z.shape, np.nan)
    b = BLOCK
    full = (n[:, b:] - n[:, :-b]) == b
    q[:, b - 1 :] = np.where(full, np.minimum((c[:, b:] - c[:, :-b]) ** 2 / b, 100.0 * b), np.nan)
    pooled, n_own = _pooled(q / v, guard, _CLIP * LAM_TYPICAL)
    own = _trailing_scale(q, guard) / v
    w = np.where(np.isnan(own), 0.0, n_own / (n_own + PRIOR_DAYS))
    lam = np.where(np.isnan(pooled)[None, :], own, w * np.nan_to_num(own) + (1 - w) * pooled)
    lam = np.clip(np.nan_to_num(lam, nan=1.0), 1.0, MAX_RATIO)
    return v, lam, np.where(np.isnan(own), 0, n_own), np.where(np.isnan(pooled)[None, :], 1.0, w)


def _wander_ratio() -> float:
    """Long-run ratio of ``BLOCK``-day sums of a wholly wandering series (AR(1) at
    :data:`lib.anomaly.cusum.PERSISTENCE`): 9.08."""
    from lib.anomaly.cusum import PERSISTENCE

    j = np.arange(1, BLOCK)
    return float(1 + 2 * ((1 - j / BLOCK) * PERSISTENCE**j).sum())


def wander_share(lam: np.ndarray) -> np.ndarray:
    """The share of the CUSUM inputs' variance in a slowly wandering part (an AR(1) of lag-1
    correlation :data:`lib.anomaly.cusum.PERSISTENCE`, the rest independent) that makes their
    ``BLOCK``-day sums vary ``lam`` times as much as independent days' (0 at 1, at most 0.9).
    The CUSUMs' thresholds are simulated for it (:func:`lib.anomaly.cusum.cusum_thresholds`):
    dividing the inputs by ``sqrt(lam)`` and keeping the threshold of independent days (the
    first version) still raised two to three times the stated false alarms at 100-300 tickets
    a day, because a level that wanders for weeks fills a CUSUM in long runs.

    >>> wander_share(np.array([1.0, 1.8, 50.0])).round(2).tolist()
    [0.0, 0.1, 0.9]
    """
    return np.clip((np.asarray(lam, dtype=float) - 1) / (_wander_ratio() - 1), 0.0, 0.9)


def wander_spread(lam: np.ndarray, own_days: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Standard error of :func:`wander_share` for a long-run ratio ``lam`` that weighs the
    topic's own ratio, measured on ``own_days`` of its residuals, by ``weight`` and all topics'
    pooled one by the rest. A scale from ``m = own_days / BLOCK`` independent block sums is known
    to ``sqrt(2 / m)`` of itself (fewer than ``MIN_SPREAD_DAYS`` count as that many: a topic with
    no ratio of its own or pooled is a guess known to about 100%), and a topic's own ratio is
    taken to scatter ``POOL_SPREAD`` around the pooled one. A CUSUM's false-alarm rate grows
    steeply as its threshold falls, so the thresholds allow for it
    (:func:`lib.anomaly.cusum.cusum_thresholds`, ``spread``): at the ratio alone the sentiment
    CUSUM alarmed 1.8 times its rate after a topic's first four weeks and 4-6 times in them,
    when no ratio exists yet (issue 14).

    >>> lam, days, weight = np.array([1.0, 2.0, 2.0]), np.array([0, 0, 364]), np.array([1, 0, 0.5])
    >>> wander_spread(lam, days, weight).round(3).tolist()
    [0.124, 0.074, 0.051]
    """
    w = np.asarray(weight, dtype=float)
    own = 2 * BLOCK / np.maximum(own_days, MIN_SPREAD_DAYS)
    rel = np.sqrt(w**2 * own + (1 - w) ** 2 * POOL_SPREAD**2)
    return np.asarray(lam, dtype=float) * rel / (_wander_ratio() - 1)


def _scales(series: dict[str, np.ndarray], guard: int) -> _Scales:
    """The ratios of every topic and day from a first pass's day series."""
    v, lam = _ratios(series["z"], series["zc"], series["active"], guard)
    s_v, s_lam, s_own, s_w = _ratios_own(series["s_z"], series["s_zc"], series["s_active"], guard)
    return _Scales(v, lam, s_v, s_lam, s_own, s_w)
