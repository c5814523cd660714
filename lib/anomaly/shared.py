"""Shared events as a table: days on which most topics moved together, reported once."""

from __future__ import annotations

import polars as pl

from lib.anomaly.assess import _Judged
from lib.anomaly.common import shared_rows, shared_sentence
from lib.anomaly.detect import _alerts_of
from lib.anomaly.judge import _judge
from lib.anomaly.options import _Options, _options
from lib.anomaly.series import _granularity_of, _judgements_of

SHARED_SCHEMA: dict[str, pl.DataType] = {
    "start": pl.Date(),
    "end": pl.Date(),
    "direction": pl.String(),
    "topics": pl.Int64(),
    "judged": pl.Int64(),
    "observed": pl.Float64(),
    "expected": pl.Float64(),
    "explanation": pl.String(),
}


def shared_events(tickets: pl.DataFrame, **options: object) -> pl.DataFrame:
    """Days on which most topics fell or rose together (a holiday, an outage, a release), one row
    per run of such days, newest first; their topic volume alerts are not raised.

    Same options as :func:`detect_anomalies` (``holidays``: calendar days, never reported here
    nor judged). Columns (:data:`SHARED_SCHEMA`): start, end, direction ("fell"/"rose"), topics
    (how many moved beyond their limits), judged (topics judged per day then), observed and
    expected (tickets of the judged topics over the event), explanation.

    >>> from lib.anomaly.realistic import simulate_helpdesk
    >>> desk = simulate_helpdesk(days=100, topics=8, level=30.0, holidays=[91])
    >>> shared_events(desk.tickets).select("start", "direction", "judged").rows()
    [(datetime.date(2024, 4, 1), 'fell', 8)]
    """
    opts = _options(**options)
    return _shared_of(_judge(tickets, opts), opts)


def _shared_of(j: _Judged | None, opts: _Options) -> pl.DataFrame:
    """The shared-event table of a judged grid (see :func:`shared_events`)."""
    rows = [] if j is None else shared_rows(j)
    if not rows:
        return pl.DataFrame(schema=SHARED_SCHEMA)
    out = pl.DataFrame(
        [{**r, "explanation": shared_sentence(r)} for r in rows], schema=SHARED_SCHEMA, orient="row"
    )
    if opts.start is not None:
        out = out.filter(pl.col("end") >= opts.start)
    if opts.end is not None:
        out = out.filter(pl.col("start") <= opts.end)
    return out.sort("start", descending=True)


def review(tickets: pl.DataFrame, **options: object) -> dict[str, pl.DataFrame]:
    """What the Anomalies page shows, judged once: "alerts" (:func:`detect_anomalies`), "day"
    (:func:`judgements`), "granularity" (:func:`topic_granularity`) and "shared"
    (:func:`shared_events`), each as its own function returns it.

    >>> from lib.anomaly.simulate import simulate_tickets
    >>> sorted(review(simulate_tickets(days=60)))
    ['alerts', 'day', 'granularity', 'shared']
    """
    opts = _options(**options)
    j = _judge(tickets, opts)
    return {
        "alerts": _alerts_of(j, opts),
        "day": _judgements_of(j, opts, "day"),
        "granularity": _granularity_of(j),
        "shared": _shared_of(j, opts),
    }
