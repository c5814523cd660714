"""Daily topic series: tickets turned into the topic x day grid of counts and sentiment sums
(days without tickets count as zeros; a partial last day has its exposure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from lib.anomaly.options import AnomalyError, _Options
from lib.periods import local_time

#: Label of tickets without a topic.
NO_TOPIC = "(none)"


_TOPIC_COLUMNS = ("category", "tags", "channel", "customer_tier", "priority", "group", "customer")


@dataclass
class _Grid:
    topics: list[str]
    first_day: dt.date
    counts: np.ndarray  # K x T tickets
    s_n: np.ndarray  # K x T tickets with a sentiment
    s_sum: np.ndarray
    s_sq: np.ndarray
    born: np.ndarray  # K: index of the topic's first ticket day
    exposure: np.ndarray  # T: share of the day covered by the data (last day may be partial)
    closed: np.ndarray | None = None  # T: on the holiday calendar (not judged, not learnt from)

    @property
    def weekday0(self) -> int:  # Monday = 0
        return self.first_day.weekday()


def _local_created(tickets: pl.DataFrame, opts: _Options) -> pl.Expr:
    """``created_at`` on the clock whose days are judged: ``opts.tz``, else the dataset's
    business zone (:func:`lib.periods.local_time`)."""
    created = local_time("created_at")  # the business zone's days (lib.periods)
    if opts.tz:
        try:
            created = created.dt.convert_time_zone(opts.tz)
            tickets.head(1).select(created)
        except Exception as exc:
            raise AnomalyError(f"unknown time zone {opts.tz!r}") from exc
    return created


def _topic_frame(tickets: pl.DataFrame, opts: _Options, carry: Sequence[str] = ()) -> pl.DataFrame:
    if "created_at" not in tickets.columns:
        raise AnomalyError("the tickets have no created_at column")
    if opts.topic not in tickets.columns:
        raise AnomalyError(
            f"topic column {opts.topic!r} is not in the tickets; try one of "
            f"{[c for c in _TOPIC_COLUMNS if c in tickets.columns]}"
        )
    created = _local_created(tickets, opts)
    rated = created
    if opts.sentiment_at is not None:
        if opts.sentiment_at not in tickets.columns:
            raise AnomalyError(f"the tickets have no {opts.sentiment_at!r} column")
        given = local_time(opts.sentiment_at)
        if opts.tz:
            given = given.dt.convert_time_zone(opts.tz)
        rated = pl.max_horizontal(pl.coalesce(given, created), created)
    sentiment = (
        pl.col("sentiment").cast(pl.Float64)
        if "sentiment" in tickets.columns
        else pl.lit(None, pl.Float64)
    )
    extra = [
        (pl.col(c) if c in tickets.columns else pl.lit(None, pl.Boolean)).alias(c) for c in carry
    ]
    frame = tickets.select(
        created.alias("ts"),
        rated.alias("s_ts"),
        pl.col(opts.topic).alias("topic"),
        sentiment.alias("sentiment"),
        *extra,
    ).filter(pl.col("ts").is_not_null())
    if isinstance(frame.schema["topic"], pl.List):
        frame = frame.explode("topic", empty_as_null=True)  # no tag: topic "(none)"
    topic = pl.col("topic").cast(pl.String)
    frame = frame.with_columns(
        pl.when(topic.is_null() | (topic.str.strip_chars() == ""))
        .then(pl.lit(NO_TOPIC))
        .otherwise(topic)
        .alias("topic"),
        pl.col("ts").dt.date().alias("day"),
        pl.col("s_ts").dt.date().alias("s_day"),
    )
    if opts.end is not None:  # as of the end: a rating given after it is not known yet
        frame = frame.filter(pl.col("day") <= opts.end).with_columns(
            pl.when(pl.col("s_day") <= opts.end).then(pl.col("sentiment")).alias("sentiment")
        )
    return frame


def _build_grid(tickets: pl.DataFrame, opts: _Options) -> _Grid | None:
    frame = _topic_frame(tickets, opts)
    if frame.is_empty():
        return None
    first, last = frame.get_column("day").min(), frame.get_column("day").max()
    # volume on the day each ticket was created, sentiment on the day it was given (the same
    # day unless ``sentiment_at``); ratings given after the data's last day are left out
    agg = frame.group_by("topic", "day").agg(pl.len().alias("n"))
    felt = frame.filter(pl.col("sentiment").is_not_null() & (pl.col("s_day") <= last))
    felt = felt.group_by("topic", pl.col("s_day").alias("day")).agg(
        pl.len().alias("s_n"),
        pl.col("sentiment").sum().alias("s_sum"),
        (pl.col("sentiment") ** 2).sum().alias("s_sq"),
    )
    agg = agg.join(felt, on=["topic", "day"], how="full", coalesce=True).with_columns(
        pl.col("n").fill_null(0)
    )
    topics = sorted(agg.get_column("topic").unique().to_list())
    index = {t: i for i, t in enumerate(topics)}
    n_days = (last - first).days + 1
    ki = np.array([index[t] for t in agg.get_column("topic").to_list()], dtype=np.int64)
    ti = (agg.get_column("day") - first).dt.total_days().to_numpy().astype(np.int64)
    mats = []
    for col in ("n", "s_n", "s_sum", "s_sq"):
        m = np.zeros((len(topics), n_days))
        m[ki, ti] = agg.get_column(col).fill_null(0).to_numpy()
        mats.append(m)
    counts = mats[0]
    born = np.argmax(counts > 0, axis=1)
    exposure = np.ones(n_days)
    # judged "as of" an earlier day than the data's last one (both days on the judged clock)
    last_local = tickets.select(_local_created(tickets, opts).max()).item()
    truncated = opts.end is not None and opts.end < last_local.date()
    if not truncated and n_days > 1:
        tod = (pl.col("ts") - pl.col("ts").dt.truncate("1d")).dt.total_seconds()
        last_tod = frame.filter(pl.col("day") == last).select(tod.max()).item()
        before = frame.filter(pl.col("day") < last).select(tod.alias("tod"))
        if before.height >= 100:
            share = before.select((pl.col("tod") <= last_tod).mean()).item()
            exposure[-1] = 1.0 if share >= 0.98 else max(share, 0.02)
    closed = np.zeros(n_days, dtype=bool)
    idx = [(d - first).days for d in opts.holidays]
    closed[[i for i in idx if 0 <= i < n_days]] = True
    return _Grid(topics, first, counts, mats[1], mats[2], mats[3], born, exposure, closed)
