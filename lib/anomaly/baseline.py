"""The trailing baseline: for every topic and judged day, a count model (weekday profile, level,
overdispersion) and the sentiment mean and variances, fitted only on data before day - guard.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from lib.anomaly.grid import _Grid
from lib.anomaly.options import _Options

#: Days of history the weekday profile is estimated from.
PROFILE_DAYS = 364
#: Prior weight (in tickets) pulling a topic's weekday profile towards that of all topics.
PROFILE_PRIOR = 30.0
#: Tickets added to a window's total so that a topic with an empty window has a small, non-zero
#: expected count (a first ticket after weeks of silence is then judged, not infinitely unusual).
LEVEL_PSEUDO = 0.1
#: Window days further than this many SD from the first fit are clipped before the final fit.
CLIP_SD = 3.0
#: Largest residual lag-1 autocorrelation the limits are widened for (variance inflation 19).
RHO_MAX = 0.9
#: A window's local trend is used in full when its t statistic is well above this, not at all
#: below it (shrinkage ``1 - TREND_T2 / t^2``): a trend as large as its noise is not extrapolated.
TREND_T2 = 4.0


#: Cells (topics x days x window days) held at once in the 3-D window arrays (bounds memory).
_CHUNK_CELLS = 400_000


@dataclass
class _Fit:
    judged: np.ndarray  # K x T: enough history to judge
    level: np.ndarray  # K x T: fitted mean tickets a day over the window
    mu: np.ndarray  # K x T: expected count of the day
    alpha: np.ndarray  # K x T: negative binomial overdispersion (variance = mu + alpha mu^2)
    df: np.ndarray  # K x T: degrees of freedom of alpha
    phi: np.ndarray  # K x T: predictive variance / mu, including the level's uncertainty
    s_judged: np.ndarray  # K x T: sentiment baseline usable
    s_mean: np.ndarray  # K x T: baseline mean sentiment
    s_var: np.ndarray  # K x T: ticket-level variance
    s_tau2: np.ndarray  # K x T: day-to-day variance of day means
    s_mean_var: np.ndarray  # K x T: variance of the baseline mean
    rho: np.ndarray  # K x T: lag-1 autocorrelation of the window's count residuals
    s_rho: np.ndarray  # K x T: lag-1 autocorrelation of the window's sentiment day means
    s_df: np.ndarray  # K x T: degrees of freedom of s_tau2 (correlated days count less)
    s_tau2_noise: np.ndarray  # K x T: variance the day means' own ticket noise adds to s_tau2


def _weekday_profile(
    grid: _Grid, opts: _Options, skip: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """K x T x 7 weekday factors (mean 1) from up to PROFILE_DAYS of data before t - guard (the
    ``skip`` days left out), and K x T the number of days they were estimated from."""
    k_n, t_n = grid.counts.shape
    wd = (grid.weekday0 + np.arange(t_n)) % 7
    cum = np.zeros((k_n, 7, t_n + 1))
    days = np.zeros((7, t_n + 1))
    for w in range(7):
        on = (wd == w) & ~skip
        cum[:, w, 1:] = np.cumsum(grid.counts * on, axis=1)
        days[w, 1:] = np.cumsum(on)
    end = np.clip(np.arange(t_n) - opts.guard, 0, t_n)  # exclusive end, per t
    begin = np.maximum(end - PROFILE_DAYS, 0)
    begin_k = np.minimum(np.maximum(begin[None, :], grid.born[:, None]), end[None, :])  # K x T
    s_kw = cum[:, :, end] - np.take_along_axis(cum, np.repeat(begin_k[:, None, :], 7, 1), axis=2)
    n_kw = days[:, end][None, :, :] - days[:, begin_k].transpose(1, 0, 2)  # K x 7 x T
    g_rate = (cum[:, :, end] - cum[:, :, begin][:, :, :]).sum(0) / np.maximum(
        days[:, end] - days[:, begin], 1
    )  # 7 x T
    g_mean = g_rate.mean(0, keepdims=True)
    g = np.where(g_mean > 0, g_rate / np.where(g_mean > 0, g_mean, 1.0), 1.0)
    g = np.maximum(g, 0.05)
    m_k = s_kw.sum(1) / np.maximum(n_kw.sum(1), 1)  # K x T mean daily count
    prior_mean = np.maximum(m_k[:, None, :] * g[None], 1e-9)
    with np.errstate(all="ignore"):
        rate = (s_kw + PROFILE_PRIOR) / (n_kw + PROFILE_PRIOR / prior_mean)
        f = rate / rate.mean(1, keepdims=True)
    f = np.where(np.isfinite(f), f, 1.0)
    return f.transpose(0, 2, 1), end[None, :] - begin_k  # K x T x 7; days behind each profile


def _windows(a: np.ndarray, pad: int, width: int, t_n: int, fill: float = 0.0) -> np.ndarray:
    padded = np.concatenate([np.full((a.shape[0], pad), fill), a], axis=1)
    return np.lib.stride_tricks.sliding_window_view(padded, width, axis=1)[:, :t_n, :]


def _usable(
    valid: np.ndarray, known: np.ndarray | None, pad: int, w_n: int, t_n: int
) -> np.ndarray:
    """Window days to fit on: ``valid`` without the days already known (alarm raised before the
    judged day) to be part of an alert, unless fewer than 14 days would be left. A lasting change
    stops raising first-pass alarms once that pass has absorbed it, and then enters the window."""
    if known is None:
        return valid
    alarmed = _windows(known, pad, w_n, t_n, fill=np.inf) < np.arange(t_n)[None, :, None]
    keep = valid & ~alarmed
    return np.where((keep.sum(-1) >= 14)[..., None], keep, valid)


def _lag1(r: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Lag-1 autocorrelation along the last axis of residuals ``r`` on the ``keep`` days
    (consecutive pairs only), corrected for the bias of a short series around a fitted mean
    (Marriott and Pope: ``E r = rho - (1 + 4 rho) / n``) and clipped to ``0..RHO_MAX``."""
    r = np.where(keep, r, 0.0)
    pair = keep[..., 1:] & keep[..., :-1]
    n = keep.sum(-1)
    with np.errstate(all="ignore"):
        raw = (r[..., 1:] * r[..., :-1] * pair).sum(-1) / (r**2).sum(-1)
        rho = (raw * n + 1) / (n - 4)
    return np.clip(np.nan_to_num(np.where(pair.sum(-1) >= 14, rho, 0.0)), 0.0, RHO_MAX)


def _tau2_noise(var: np.ndarray, sn: np.ndarray, keep: np.ndarray, tau2: np.ndarray) -> np.ndarray:
    """Variance that the tickets' own noise adds to the window's estimate of the day-to-day
    variance ``tau2``: it is the day means' sample variance less their noise, and a sample
    variance of ``n`` days scatters by ``2 gamma0^2 / (n - 1)`` with ``gamma0 = noise + tau2``,
    the wandering part's own share (``2 tau2^2``) being counted by ``s_df``. At 100 tickets a
    day the noise of a day's mean is larger than the wander, and leaving it out put the one-day
    test's degrees of freedom at about twice their worth (issue 14).

    >>> _tau2_noise(np.array([1.0]), np.array([[10.0, 10.0, 10.0]]), np.array([[True] * 3]),
    ...             np.array([0.0])).round(4).tolist()
    [0.01]
    """
    n_days = keep.sum(-1)
    with np.errstate(all="ignore"):
        noise = var * np.where(keep, 1.0 / sn, 0.0).sum(-1) / np.maximum(n_days, 1)
        out = 2 * (noise**2 + 2 * noise * tau2) / np.maximum(n_days - 1, 1)
    return np.nan_to_num(out, nan=0.0)


def _fit(
    grid: _Grid,
    opts: _Options,
    known: tuple[np.ndarray, np.ndarray] | None = None,
    skip: np.ndarray | None = None,
) -> _Fit:
    """Fit every topic and day; ``known`` (volume, sentiment): K x T day index from which a day
    is known to belong to an alert (inf if never), left out of later windows; ``skip``: T days
    (holidays, shared events) left out of every window and weekday profile.

    Persistent levels. Real helpdesks' days are not independent: a busy week stays busy (a
    level wandering as AR(1), rho 0.8 measured in issue 14). Three things then go wrong with
    limits made for independent days, and each is corrected with the lag-1 autocorrelation
    ``rho`` of the window's own residuals (:func:`_lag1`): the window mean is less certain (its
    variance times ``(1 + rho) / (1 - rho)``, the AR(1) variance inflation, added to the day's
    predictive variance), the window's variance has fewer degrees of freedom (Bartlett:
    ``n (1 - rho^2) / (1 + rho^2)``, used for the Student widening of the one-day test), and the
    CUSUMs' residuals are prewhitened with ``rho`` (:mod:`lib.anomaly.assess`). An AR term in a
    statsmodels GLM per topic and day would be the textbook fit but costs a model per topic-day
    (hundreds of thousands); the inflation needs one more sum over the window.

    Local trend. The level is fitted with a slope over the window (weighted least squares of the
    counts on the day, weights the weekday factors), extrapolated to the day judged and shrunk
    by ``1 - TREND_T2 / t^2`` (none unless the slope is clearly beyond its noise, whose variance
    is widened by the same AR(1) inflation); the slope's uncertainty at the day judged is added
    to the predictive variance.
    """
    k_n, t_n = grid.counts.shape
    w_n, guard = opts.window, opts.guard
    skip = np.zeros(t_n, dtype=bool) if skip is None else skip
    profile, profile_days = _weekday_profile(grid, opts, skip)
    pos = np.arange(t_n)[:, None] - guard - w_n + np.arange(w_n)[None, :]  # T x W day index
    skipped = np.where(pos >= 0, skip[np.clip(pos, 0, None)], False)  # T x W
    wd_pos = (grid.weekday0 + pos) % 7
    wd_t = (grid.weekday0 + np.arange(t_n)) % 7
    out = {name: np.zeros((k_n, t_n)) for name in _Fit.__dataclass_fields__}
    pad = w_n + guard
    chunk = max(1, _CHUNK_CELLS // (t_n * w_n))
    for lo in range(0, k_n, chunk):
        sl = slice(lo, min(lo + chunk, k_n))
        prof = profile[sl]
        y = _windows(grid.counts[sl], pad, w_n, t_n)
        exists = pos[None] >= np.maximum(grid.born[sl], 0)[:, None, None]
        n_exists = exists.sum(-1)
        open_ = exists & ~skipped[None]
        valid = _usable(open_, None if known is None else known[0][sl], pad, w_n, t_n)
        n_valid = valid.sum(-1)
        f = np.take_along_axis(prof, np.broadcast_to(wd_pos, (prof.shape[0], t_n, w_n)), axis=2)
        f = np.where(valid, f, 0.0)
        yv = np.where(valid, y, 0.0)
        # first pass; robust dispersion (median squared residual); clip; final fit
        level0 = (yv.sum(-1) + LEVEL_PSEUDO) / np.maximum(f.sum(-1), 1e-9)
        mu0 = np.maximum(level0[..., None] * f, 1e-3)
        r2 = np.where(valid, (yv - mu0) ** 2 / mu0, np.nan)
        with warnings.catch_warnings():  # all-NaN rows: days with no window yet
            warnings.simplefilter("ignore", RuntimeWarning)
            phi0 = np.maximum(np.nan_to_num(np.nanmedian(r2, axis=-1) / 0.455, nan=1.0), 1.0)
            typical = np.nan_to_num(np.nanmedian(np.where(valid, mu0, np.nan), axis=-1), nan=1.0)
        alpha0 = (phi0 - 1.0) / np.maximum(typical, 1e-3)
        sd0 = np.sqrt(mu0 * (1.0 + alpha0[..., None] * mu0))
        yc = np.where(valid, np.clip(yv, mu0 - CLIP_SD * sd0, mu0 + CLIP_SD * sd0 + 1.0), 0.0)
        f_sum = np.maximum(f.sum(-1), 1e-9)
        level = np.where(n_valid > 0, (yc.sum(-1) + LEVEL_PSEUDO) / f_sum, 0)
        # local trend: slope of the level over the window, about its weighted centre day
        centre = (f * pos[None]).sum(-1) / f_sum
        dc = np.where(valid, pos[None] - centre[..., None], 0.0)
        sxx = np.maximum((f * dc**2).sum(-1), 1e-9)
        slope = (dc * yc).sum(-1) / sxx
        # residuals about the level and the full slope: their lag-1 autocorrelation
        mu_s = np.maximum((level[..., None] + slope[..., None] * dc) * f, 1e-3)
        sd_s = np.sqrt(mu_s * (1 + alpha0[..., None] * mu_s))
        rho = _lag1((yc - mu_s) / sd_s, valid)
        vif = (1 + rho) / (1 - rho)
        slope_var = (dc**2 * np.where(valid, sd_s**2, 0.0)).sum(-1) / sxx**2 * vif
        with np.errstate(all="ignore"):
            keep = np.nan_to_num(np.clip(1 - TREND_T2 * slope_var / slope**2, 0.0, 1.0))
        mu_w = np.where(
            valid, np.maximum((level[..., None] + (keep * slope)[..., None] * dc) * f, 1e-3), 0.0
        )
        excess = np.where(valid, (yc - mu_w) ** 2 - mu_w, 0.0).sum(-1)
        sq = (mu_w**2).sum(-1)
        # parameters fitted to the window: the level and slope (each worth ``vif`` days when the
        # days are correlated), and the weekday effects in the share of their data the window is
        share = np.minimum(n_exists / np.maximum(profile_days[sl], 1), 1.0)
        used = 1 + (keep > 0)  # level, and slope when it is used
        spent = np.maximum(n_valid - used * vif - 6 * share, n_valid / 4)
        alpha = np.maximum(excess * n_valid / np.maximum(spent, 1), 0.0) / np.maximum(sq, 1e-9)
        df = np.maximum(n_valid * (1 - rho**2) / (1 + rho**2) - used - 6 * share, 1)
        ahead = np.arange(t_n)[None, :] - centre  # days from the window's centre to the day
        level_t = np.clip(level + keep * slope * ahead, 0.5 * level, 2.0 * level)
        f_t = np.take_along_axis(prof, wd_t[None, :, None].repeat(prof.shape[0], 0), 2)[..., 0]
        mu = np.maximum(level_t * f_t * grid.exposure[None, :], 0.01)
        total = np.maximum(level * f.sum(-1), 0.1)
        out["judged"][sl] = n_exists >= opts.min_history
        out["level"][sl] = level
        out["mu"][sl] = mu
        out["alpha"][sl] = alpha
        out["df"][sl] = df
        out["rho"][sl] = rho
        # variance / mu: the day's own (1 + alpha mu), the uncertainty of the fitted level
        # (inflated for correlated days) and of the extrapolated trend
        with np.errstate(all="ignore"):
            trend_var = np.nan_to_num((keep * ahead) ** 2 * slope_var / level_t**2)
        out["phi"][sl] = (
            1.0 + alpha * mu + mu * ((1.0 / total + alpha * sq / total**2) * vif + trend_var)
        )
        # sentiment baseline
        valid = _usable(open_, None if known is None else known[1][sl], pad, w_n, t_n)
        sn = np.where(valid, _windows(grid.s_n[sl], pad, w_n, t_n), 0.0)
        ss = np.where(valid, _windows(grid.s_sum[sl], pad, w_n, t_n), 0.0)
        s2 = np.where(valid, _windows(grid.s_sq[sl], pad, w_n, t_n), 0.0)
        keep = sn > 0
        for _ in range(2):  # second round leaves out days > 3 SE from the first
            nw = np.where(keep, sn, 0).sum(-1)
            with np.errstate(all="ignore"):
                mean = np.where(keep, ss, 0).sum(-1) / nw
                var = np.maximum(np.where(keep, s2, 0).sum(-1) / nw - mean**2, 1e-4)
                day_mean = ss / sn
                dev = (day_mean - mean[..., None]) ** 2 - var[..., None] / sn
                n_days = keep.sum(-1)
                tau2 = np.maximum(np.where(keep, dev, 0.0).sum(-1) / np.maximum(n_days - 1, 1), 0.0)
                z = (day_mean - mean[..., None]) / np.sqrt(var[..., None] / sn + tau2[..., None])
            keep = keep & (np.abs(np.nan_to_num(z)) <= CLIP_SD)
        s_rho = _lag1(np.nan_to_num(z), keep)
        out["s_rho"][sl] = s_rho
        out["s_judged"][sl] = (n_exists >= opts.min_history) & (n_days >= 7) & (nw >= 20)
        out["s_mean"][sl] = np.nan_to_num(mean)
        out["s_var"][sl] = np.nan_to_num(var, nan=1e-4)
        out["s_tau2"][sl] = np.nan_to_num(tau2)
        with np.errstate(all="ignore"):  # the wandering part's own lag-1 correlation: the day
            # means' is diluted by the tickets' noise, which does not persist
            per_day = var * n_days / np.maximum(nw, 1)
            rho_w = np.clip(np.nan_to_num(s_rho * (1 + per_day / tau2)), 0.0, 0.95)
        out["s_df"][sl] = np.maximum(n_days * (1 - rho_w**2) / (1 + rho_w**2) - 1, 1)
        out["s_tau2_noise"][sl] = _tau2_noise(var, sn, keep, tau2)
        with np.errstate(all="ignore"):  # variance of the baseline mean itself
            s_vif = (1 + s_rho) / (1 - s_rho)
            out["s_mean_var"][sl] = np.nan_to_num(var / nw + tau2 / n_days * s_vif, nan=1.0)
    out["judged"] = out["judged"].astype(bool)
    out["s_judged"] = out["s_judged"].astype(bool)
    return _Fit(**out)
