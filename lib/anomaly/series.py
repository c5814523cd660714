"""Series for charts: every topic-day's (or topic-week's) judgement with its expected band, one
topic's series, and each topic's granularity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy import special, stats

from lib.anomaly.assess import _Judged
from lib.anomaly.judge import _judge
from lib.anomaly.options import AnomalyError, _Options, _options
from lib.anomaly.tails import _nb

#: Central coverage of the expected band returned by :func:`judgements` / :func:`topic_series`.
BAND = 0.99


JUDGEMENT_SCHEMA: dict[str, pl.DataType] = {
    "topic": pl.String(),
    "day": pl.Date(),
    "metric": pl.String(),
    "granularity": pl.String(),
    "judged": pl.Boolean(),
    "observed": pl.Float64(),
    "expected": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "z": pl.Float64(),
    "p_value": pl.Float64(),
}


def judgements(tickets: pl.DataFrame, *, unit: str = "day", **options: object) -> pl.DataFrame:
    """Every topic-day's judgement (or topic-week's with ``unit="week"``, ``day`` = the Monday).

    Same options as :func:`detect_anomalies`. Columns (:data:`JUDGEMENT_SCHEMA`): topic, day,
    metric, granularity (how the topic was judged then), judged, observed, expected, lower, upper
    (central ``BAND`` predictive interval), z (standardised residual), p_value (upper tail mid-p for
    volume, lower tail for sentiment). Rows a topic cannot be judged on yet have ``judged`` false
    and null expectations. One call serves the charts of every topic.

    >>> from lib.anomaly.simulate import simulate_tickets
    >>> j = judgements(simulate_tickets(days=60, topics={"a": 10.0}))
    >>> j.filter(pl.col("judged")).select(pl.col("day").min()).item()
    datetime.date(2024, 2, 5)
    """
    if unit not in ("day", "week"):
        raise AnomalyError(f"unit must be 'day' or 'week', got {unit!r}")
    opts = _options(**options)
    return _judgements_of(_judge(tickets, opts), opts, unit)


def _judgements_of(j: _Judged | None, opts: _Options, unit: str) -> pl.DataFrame:
    if j is None or unit not in j.series:
        return pl.DataFrame(schema=JUDGEMENT_SCHEMA)
    return _series_frame(j, unit, opts.metrics, range(len(j.grid.topics)))


def _series_frame(
    j: _Judged, unit: str, metrics: Sequence[str], rows: Sequence[int]
) -> pl.DataFrame:
    rows = list(rows)
    a = {key: (v[rows] if v.ndim == 2 else v) for key, v in j.series[unit].items()}
    day_idx = j.week_start if unit == "week" else np.arange(j.grid.counts.shape[1])
    daily = j.daily[rows][:, day_idx]
    days = np.datetime64(j.grid.first_day, "D") + day_idx
    t_n = len(day_idx)
    tail = (1 - BAND) / 2
    frames = []
    for metric in metrics:
        act = a["active"] if metric == "volume" else a["s_active"]
        gran = np.where(daily == (unit == "day"), unit, "week" if unit == "day" else "day")
        base = {
            "topic": np.repeat(np.array([j.grid.topics[k] for k in rows], dtype=str), t_n),
            "day": np.tile(days, len(rows)),
            "metric": metric,
            "granularity": np.where(act, gran, None).reshape(-1).tolist(),
            "judged": act.reshape(-1),
        }
        if metric == "volume":
            mu, var = a["mu"], a["var"]
            n_, p_ = _nb(mu, var / mu)
            values = {
                "observed": a["y"],
                "expected": mu,
                "lower": stats.nbinom.ppf(tail, n_, p_),
                "upper": stats.nbinom.ppf(1 - tail, n_, p_),
                "z": a["z"],
                "p_value": a["p_up"],
            }
        else:
            half = special.ndtri(1 - tail) * np.sqrt(a["s_se2"])
            values = {
                "observed": a["s_obs"],
                "expected": a["s_exp"],
                "lower": a["s_exp"] - half,
                "upper": a["s_exp"] + half,
                "z": a["s_z"],
                "p_value": special.ndtr(a["s_z"]),
            }
        for name, v in values.items():
            keep = (a["s_n"] > 0) if (metric, name) == ("sentiment", "observed") else act
            if name == "observed" and metric == "volume":
                keep = np.ones_like(act)
            base[name] = np.where(keep, v, np.nan).reshape(-1)
        frames.append(pl.DataFrame(base))
    out = pl.concat(frames) if frames else pl.DataFrame(schema=JUDGEMENT_SCHEMA)
    return (
        out.with_columns(pl.col("day").cast(pl.Date), pl.col(pl.Float64).fill_nan(None))
        .cast(JUDGEMENT_SCHEMA)
        .select(JUDGEMENT_SCHEMA.keys())
        .sort(["metric", "topic", "day"])
    )


def topic_series(
    tickets: pl.DataFrame,
    topic_value: str,
    *,
    metric: str = "volume",
    granularity: str | None = None,
    **options: object,
) -> pl.DataFrame:
    """One topic's series for a small chart: day, observed, expected, lower, upper, judged,
    granularity.

    ``granularity`` "day" or "week" (rows per Monday-to-Sunday week, ``day`` = the Monday); by
    default the topic's current granularity. Same other options as :func:`detect_anomalies`.
    (For many topics, call :func:`judgements` once and filter it.)

    >>> from lib.anomaly.simulate import simulate_tickets
    >>> s = topic_series(simulate_tickets(days=70, topics={"a": 10.0}), "a")
    >>> s.columns
    ['day', 'observed', 'expected', 'lower', 'upper', 'judged', 'granularity']
    """
    if metric not in ("volume", "sentiment"):
        raise AnomalyError(f"metric must be 'volume' or 'sentiment', got {metric!r}")
    if granularity not in (None, "day", "week"):
        raise AnomalyError(f"granularity must be 'day' or 'week', got {granularity!r}")
    opts = _options(**options)
    j = _judge(tickets, opts)
    if j is None or topic_value not in j.grid.topics:
        known = [] if j is None else j.grid.topics[:10]
        raise AnomalyError(f"topic {topic_value!r} has no tickets (topics: {known})")
    k = j.grid.topics.index(topic_value)
    unit = granularity or ("day" if j.daily[k, -1] else "week")
    if unit not in j.series:
        unit = "day"  # not one complete week of data
    cols = ["day", "observed", "expected", "lower", "upper", "judged", "granularity"]
    return _series_frame(j, unit, (metric,), [k]).select(cols)


def topic_granularity(tickets: pl.DataFrame, **options: object) -> pl.DataFrame:
    """Per topic: mean tickets a day in the latest window and whether it is judged per day or week.

    >>> from lib.anomaly.simulate import simulate_tickets
    >>> t = simulate_tickets(days=70, topics={"big": 20.0, "small": 0.5})
    >>> topic_granularity(t).select("topic", "granularity").rows()
    [('big', 'day'), ('small', 'week')]
    """
    return _granularity_of(_judge(tickets, _options(**options)))


def _granularity_of(j: _Judged | None) -> pl.DataFrame:
    if j is None:
        return pl.DataFrame(
            schema={
                "topic": pl.String(),
                "mean_daily": pl.Float64(),
                "granularity": pl.String(),
                "judged": pl.Boolean(),
            }
        )
    return pl.DataFrame(
        {
            "topic": j.grid.topics,
            "mean_daily": j.fit.level[:, -1],
            "granularity": np.where(j.daily[:, -1], "day", "week"),
            "judged": j.fit.judged[:, -1],
        }
    )
