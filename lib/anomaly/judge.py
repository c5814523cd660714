"""Judging tickets in two passes: the second baseline leaves out the days the first pass had
already put in an alert, so an incident does not echo in its own baseline.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from lib.anomaly.alarms import _alarms
from lib.anomaly.assess import _assess, _Judged
from lib.anomaly.baseline import _fit
from lib.anomaly.calibrate import _scales
from lib.anomaly.common import _shared_days
from lib.anomaly.grid import _build_grid, _Grid
from lib.anomaly.options import _Options


def _judge(tickets: pl.DataFrame, opts: _Options) -> _Judged | None:
    """Fit and judge twice: the second fit leaves out of each window the days that the first
    pass had already put in an alert before the day judged (no echo of an incident in its own
    baseline, no look-ahead). Holiday-calendar days are left out of both; days on which most
    topics moved together (:mod:`lib.anomaly.common`) are not judged per topic, and the second
    fit leaves them out too. The second pass is calibrated to the first pass's residuals
    (:mod:`lib.anomaly.calibrate`)."""
    grid = _build_grid(tickets, opts)
    return None if grid is None else _judge_grid(grid, opts)


def _judge_grid(grid: _Grid, opts: _Options) -> _Judged:
    """:func:`_judge` of a topic x day grid."""
    fit = _fit(grid, opts, skip=grid.closed)
    first = _assess(grid, fit, opts)
    shared = _shared_days(first) != 0
    first = _assess(grid, fit, opts, shared)
    known = _known(first, _alarms(first))
    fit = _fit(grid, opts, known=known, skip=grid.closed | shared)
    # the calibration reads the residuals of this second fit, not of the first: leaving the
    # first pass's alarm days out of the windows narrows the fit, and its own residuals show it
    scales = _scales(_assess(grid, fit, opts, shared).series["day"], opts.guard)
    second = _assess(grid, fit, opts, scales=scales)
    shared_days = _shared_days(second)
    out = _assess(grid, fit, opts, shared_days != 0, scales)
    out.shared = shared_days
    return out


def _known(j: _Judged, events: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """K x T day index at which each day became part of an alert (inf if never)."""
    shape = j.grid.counts.shape
    known = {"volume": np.full(shape, np.inf), "sentiment": np.full(shape, np.inf)}
    for e in events:
        if e["unit"] == "week":
            a, b = j.week_start[e["onset"]], j.week_start[e["t"]] + 6
        else:
            a, b = e["onset"], e["t"]
        row = known[e["metric"]][e["k"]]
        row[a : b + 1] = np.minimum(row[a : b + 1], b)
    return known["volume"], known["sentiment"]
