"""Judging tickets in two passes: the second baseline leaves out the days the first pass had
already put in an alert, so an incident does not echo in its own baseline.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from lib.anomaly.alarms import _alarms
from lib.anomaly.assess import _assess, _Judged
from lib.anomaly.baseline import _fit
from lib.anomaly.grid import _build_grid
from lib.anomaly.options import _Options


def _judge(tickets: pl.DataFrame, opts: _Options) -> _Judged | None:
    """Fit and judge twice: the second fit leaves out of each window the days that the first
    pass had already put in an alert before the day judged (no echo of an incident in its own
    baseline, no look-ahead)."""
    grid = _build_grid(tickets, opts)
    if grid is None:
        return None
    first = _assess(grid, _fit(grid, opts), opts)
    return _assess(grid, _fit(grid, opts, known=_known(first, _alarms(first))), opts)


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
