"""Seeded synthetic tickets with injected volume, ramp and sentiment events (examples, tests,
benchmark).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from lib.anomaly.options import AnomalyError


def simulate_tickets(
    *,
    days: int = 120,
    topics: dict[str, float] | None = None,
    start: dt.date = dt.date(2024, 1, 1),
    weekend: float = 0.6,
    dispersion: float = 0.0,
    sentiment_mean: float = 0.0,
    sentiment_sd: float = 0.4,
    escalation_rate: float = 0.1,
    events: Sequence[tuple[str, str, int, float, int]] = (),
    seed: int = 0,
) -> pl.DataFrame:
    """Seeded tickets (ticket_id, created_at, category, sentiment, escalated) for examples, tests.

    ``topics`` maps a category to its mean tickets per weekday (weekends at ``weekend`` times
    that); daily counts are Poisson, or negative binomial with ``var = mu + dispersion * mu^2``.
    ``events`` are ``(topic, kind, day, size, length)`` with kind ``"volume"`` (counts times
    ``size`` for ``length`` days), ``"ramp"`` (rising linearly to times ``size`` over ``length``
    days) or ``"sentiment"`` (mean sentiment lower by ``size`` ticket-level SDs).

    >>> simulate_tickets(days=7, topics={"a": 2.0}).height
    14
    """
    rng = np.random.default_rng(seed)
    topics = {"billing": 20.0} if topics is None else topics
    wd = (start.weekday() + np.arange(days)) % 7
    day_factor = np.where(wd >= 5, weekend, 1.0)
    parts = []
    for name, rate in topics.items():
        mult = np.ones(days)
        fall = np.zeros(days)
        for topic, kind, day, size, length in events:
            if topic != name:
                continue
            span = slice(day, min(day + length, days))
            if kind == "volume":
                mult[span] *= size
            elif kind == "ramp":
                steps = np.arange(1, length + 1)[: days - day]
                mult[span] *= 1 + (size - 1) * steps / length
            elif kind == "sentiment":
                fall[span] += size * sentiment_sd
            else:
                raise AnomalyError(f"unknown event kind {kind!r}")
        mu = rate * day_factor * mult
        if dispersion > 0:
            mu = rng.gamma(1 / dispersion, mu * dispersion)
        counts = rng.poisson(mu)
        day_of = np.repeat(np.arange(days), counts)
        secs = rng.integers(0, 86_400, size=day_of.size)
        senti = np.clip(rng.normal(sentiment_mean - fall[day_of], sentiment_sd), -1.0, 1.0)
        parts.append(
            pl.DataFrame(
                {
                    "day": day_of,
                    "secs": secs,
                    "category": name,
                    "sentiment": senti,
                    "escalated": rng.random(day_of.size) < escalation_rate,
                }
            )
        )
    return _ticket_frame(pl.concat(parts), start)


def _ticket_frame(frame: pl.DataFrame, start: dt.date) -> pl.DataFrame:
    """Tickets from rows of (day index, secs, category, sentiment, escalated?)."""
    origin = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    escalated = pl.col("escalated") if "escalated" in frame.columns else pl.lit(False)
    return frame.select(
        pl.format("T{}", pl.int_range(pl.len())).alias("ticket_id"),
        (
            pl.lit(origin).cast(pl.Datetime("us", "UTC"))
            + pl.duration(days=pl.col("day"), seconds=pl.col("secs"))
        ).alias("created_at"),
        pl.col("category"),
        pl.col("sentiment").round(4),
        escalated.alias("escalated"),
    ).sort("created_at", "ticket_id")
