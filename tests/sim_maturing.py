"""Seeded helpdesks with a known, constant (or planted) escalation rate whose escalations
arrive after a realistic delay, observed at the export: for the maturity tests and benchmark.

Tickets arrive at ``PER_DAY`` a day (Poisson) for ``DAYS`` days; each escalates eventually with
probability ``RATE`` (``DROP_RATE`` from the first day of the last 14 when ``drop``), after a
delay drawn from a lognormal with median 0.6 days and 7% after 7 days (about 40% after a day,
as in the demo) or resampled from given delays. The export is taken at the end of the last day:
an escalation due later is not in it (``escalated`` false, ``escalated_at`` null). Tickets are
solved after their escalation (escalated ones take longer); ``status`` is ``solved`` or ``open``.

Not part of ``lib``: nothing in ``lib`` imports it.

>>> t = helpdesk(1, days=20, per_day=50)
>>> t.columns
['created_at', 'escalated', 'escalated_at', 'solved_at', 'status', 'updated_at']
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

DAYS = 90
PER_DAY = 300
RATE = 0.14
DROP_RATE = 0.12
START = datetime(2024, 1, 1, tzinfo=UTC)
S_PER_DAY = 86_400


def _lognormal_delays(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days to escalate: median 0.6 days, P(> 7 days) = 7%."""
    sigma = np.log(7 / 0.6) / 1.4758  # z of the 93rd percentile
    return np.exp(np.log(0.6) + sigma * rng.standard_normal(n))


def demo_delays() -> np.ndarray:
    """Days from creation to escalation of the demo helpdesk's escalations (its own truth)."""
    from lib.demo import demo_tickets

    t = demo_tickets().filter(pl.col("escalated"))
    return (
        ((t.get_column("escalated_at") - t.get_column("created_at")).dt.total_seconds() / S_PER_DAY)
        .drop_nulls()
        .to_numpy()
    )


def helpdesk(
    seed: int,
    *,
    delays: np.ndarray | None = None,
    drop: bool = False,
    days: int = DAYS,
    per_day: int = PER_DAY,
) -> pl.DataFrame:
    """One seeded helpdesk, observed at the end of its last day (see the module notes).

    ``delays`` (days) are resampled for the time to escalate; default: the lognormal.
    """
    rng = np.random.default_rng(seed)
    counts = rng.poisson(per_day, days)
    day = np.repeat(np.arange(days), counts)
    n = day.size
    created = day * S_PER_DAY + rng.integers(0, S_PER_DAY, n)
    rate = np.where(drop & (day >= days - 14), DROP_RATE, RATE)
    eventually = rng.random(n) < rate
    delay = _lognormal_delays(rng, n) if delays is None else rng.choice(delays, n)
    esc_at = created + (delay * S_PER_DAY).astype(np.int64)
    as_of = days * S_PER_DAY
    escalated = eventually & (esc_at < as_of)
    # solving comes after the escalation; escalated tickets take longer
    solve = np.where(
        eventually,
        delay + np.exp(np.log(1.0) + 1.0 * rng.standard_normal(n)),
        np.exp(np.log(0.5) + 1.1 * rng.standard_normal(n)),
    )
    solved_at = created + (solve * S_PER_DAY).astype(np.int64)
    solved = solved_at < as_of

    frame = pl.DataFrame(
        {
            "created_s": created,
            "escalated": escalated,
            "esc_s": np.where(escalated, esc_at, -1),
            "solved_s": np.where(solved, solved_at, -1),
        }
    )
    start_us = int(START.timestamp() * 1_000_000)

    def as_time(col: str) -> pl.Expr:
        return (
            pl.when(pl.col(col) >= 0)
            .then((pl.col(col) * 1_000_000 + start_us).cast(pl.Datetime("us", "UTC")))
            .otherwise(None)
        )

    out = frame.select(
        as_time("created_s").alias("created_at"),
        pl.col("escalated"),
        as_time("esc_s").alias("escalated_at"),
        as_time("solved_s").alias("solved_at"),
        pl.when(pl.col("solved_s") >= 0)
        .then(pl.lit("solved"))
        .otherwise(pl.lit("open"))
        .alias("status"),
    )
    # the export is taken at the end of the last day (its newest timestamp)
    return out.with_columns(updated_at=pl.lit(START + timedelta(seconds=as_of - 1)))


def with_categories(
    tickets: pl.DataFrame, seed: int, shares: tuple[float, ...] = (0.5, 0.3, 0.2)
) -> pl.DataFrame:
    """``tickets`` with a ``category`` (``a``, ``b``, ...) drawn at random with ``shares``:
    every category has the same true rate (for the Breakdowns rows).

    >>> with_categories(helpdesk(1, days=20, per_day=5), 1).get_column("category").n_unique()
    3
    """
    rng = np.random.default_rng(seed + 10_000)
    names = [chr(ord("a") + i) for i in range(len(shares))]
    return tickets.with_columns(category=pl.Series(rng.choice(names, tickets.height, p=shares)))
