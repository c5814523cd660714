"""Alarm events: one-day spike and sentiment-fall tests (false discovery rate across topics) and
the upper and lower CUSUMs behind level shifts and drops.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import special

from lib.anomaly.assess import _Judged
from lib.anomaly.cusum import _cusum, cusum_threshold, cusum_thresholds
from lib.anomaly.sensitivity import SENSITIVITY
from lib.anomaly.tails import _bh

#: Smallest mean sentiment fall (on -1..1) that a one-day sentiment test reports.
MIN_SENTIMENT_FALL = 0.1


def _alarms(j: _Judged, metrics: Sequence[str] = ("volume", "sentiment")) -> list[dict]:
    """Run the tests and CUSUMs; return alarm events before merging."""
    sens = SENSITIVITY[j.opts.sensitivity]
    events: list[dict] = []
    for unit, arrays in j.series.items():
        per = 7 if unit == "week" else 1
        sim = dict(
            fitted_on=max(j.opts.window // per, 2), guard=-(-j.opts.guard // per), df_step=per
        )
        h = cusum_threshold(sens.cusum_arl / per, **sim)
        # daily CUSUMs: the threshold of each topic-day's own residual correlation
        h_v = cusum_thresholds(sens.cusum_arl, arrays["wander"], **sim) if per == 1 else h
        # sentiment: also for the uncertainty of the measured wander (calibrate.wander_spread)
        h_s = (
            cusum_thresholds(sens.cusum_arl, arrays["s_wander"], spread=arrays["s_spread"], **sim)
            if per == 1
            else h
        )
        if "volume" in metrics:
            y, mu, p = arrays["y"], arrays["mu"], arrays["p_up"]
            report = arrays["report"]
            q = _bh(np.where(report, p, np.nan))
            excess = y - mu >= np.maximum(j.opts.min_excess, j.opts.min_rise * mu)
            alpha = min(sens.spike_alpha * per, 0.5)
            spike = report & (q <= sens.spike_fdr) & (p <= alpha) & excess
            _, up, up_on = _cusum(arrays["zc"], arrays["active"], h_v)
            _, down, down_on = _cusum(-arrays["zc"], arrays["active"], h_v)
            events += _collect(unit, "volume", "up", spike, up & report, up_on, p, q)
            events += _collect(unit, "volume", "down", None, down & report, down_on, p, q)
        if "sentiment" in metrics:
            sz, report = arrays["s_z"], arrays["s_report"]
            p = special.ndtr(sz)
            q = _bh(np.where(report, p, np.nan))
            alpha = min(sens.sentiment_alpha * per, 0.5)
            fall = arrays["s_exp"] - arrays["s_obs"] >= MIN_SENTIMENT_FALL
            one_day = report & (q <= sens.spike_fdr) & (p <= alpha) & np.nan_to_num(fall)
            _, down, down_on = _cusum(-arrays["s_zc"], arrays["s_active"], h_s)
            events += _collect(unit, "sentiment", "down", one_day, down & report, down_on, p, q)
    return events


def _collect(
    unit: str,
    metric: str,
    direction: str,
    single: np.ndarray | None,
    cusum: np.ndarray,
    onset: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
) -> list[dict]:
    """Alarm events (topic index, step, onset). Where there is a one-day test, a CUSUM alarm on a
    step the test flagged, or that accumulated nothing before the step, is left to that test."""
    events = []
    if single is not None:
        for k, t in zip(*np.nonzero(single), strict=True):
            events.append(
                dict(
                    unit=unit,
                    metric=metric,
                    direction=direction,
                    k=int(k),
                    t=int(t),
                    onset=int(t),
                    p=float(p[k, t]),
                    q=float(q[k, t]),
                )
            )
    for k, t in zip(*np.nonzero(cusum), strict=True):
        o = int(onset[k, t])
        if single is not None and (o == t or single[k, t]):
            continue  # the day's own test decides: a spike, or nothing
        events.append(
            dict(
                unit=unit,
                metric=metric,
                direction=direction,
                k=int(k),
                t=int(t),
                onset=o,
                p=math.nan,
                q=math.nan,
            )
        )
    return events
