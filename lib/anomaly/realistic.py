"""Seeded tickets shaped like a real helpdesk's (benchmark, tests): each topic's level wanders
(AR(1) on the log scale), drifts (a local linear trend), follows its own weekly rhythm, and
public holidays make most topics fall together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from lib.anomaly.simulate import _ticket_frame

#: Public holidays (weekdays) of a year starting on a Monday, as day offsets from 1 January 2024:
#: Good Friday, Easter Monday, two May bank holidays, 4 July, Labor Day, Thanksgiving, Christmas.
HOLIDAY_OFFSETS = (88, 91, 126, 147, 185, 245, 332, 359, 360)


@dataclass(frozen=True)
class Helpdesk:
    """A simulated helpdesk: its tickets and the public holidays planted in them."""

    tickets: pl.DataFrame
    holidays: list[dt.date]


def _ar1(rng: np.random.Generator, n: int, rho: float, sd: float) -> np.ndarray:
    """A stationary AR(1) series of length ``n`` with lag-1 correlation ``rho`` and SD ``sd``."""
    x = np.empty(n)
    x[0] = rng.normal(0.0, sd)
    shocks = rng.normal(0.0, sd * np.sqrt(1 - rho**2), n)
    for t in range(1, n):
        x[t] = rho * x[t - 1] + shocks[t]
    return x


def simulate_helpdesk(
    *,
    days: int = 365,
    topics: int = 20,
    level: float = 100.0,
    rho: float = 0.8,
    cv: float = 0.1,
    trend: float = 0.3,
    holidays: Sequence[int] = HOLIDAY_OFFSETS,
    holiday_share: float = 0.85,
    sentiment_sd: float = 0.03,
    spikes: Sequence[tuple[int, int, float]] = (),
    start: dt.date = dt.date(2024, 1, 1),
    seed: int = 0,
) -> Helpdesk:
    """Tickets (ticket_id, created_at, category, sentiment, escalated) of ``topics`` topics over
    ``days`` days, with no anomaly except the planted holidays and ``spikes``.

    Each topic ``k`` has a weekday mean of ``level`` times U(0.7, 1.3); its log mean a day adds
    a weekly profile (weekends at 0.3-0.8), a linear trend of up to ``trend`` a year either way
    and an AR(1) level (lag-1 correlation ``rho``, SD ``cv``). Counts are negative binomial
    (variance ``mu + 0.01 mu^2``). On each holiday (day offsets) a share ``holiday_share`` of the
    topics fall to 15-45% of their mean. The mean sentiment of a day wanders too (AR(1), SD
    ``sentiment_sd``), tickets spreading around it with SD 0.4. ``spikes``: (topic index, day,
    factor) one-day events.

    >>> h = simulate_helpdesk(days=120, topics=3, level=10.0)
    >>> sorted(h.tickets.get_column("category").unique()), h.holidays[:1]
    (['t00', 't01', 't02'], [datetime.date(2024, 3, 29)])
    """
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    wd = (start.weekday() + t) % 7
    off = np.zeros(days, dtype=bool)
    off[[h for h in holidays if h < days]] = True
    parts = []
    for k in range(topics):
        profile = np.r_[rng.uniform(0.9, 1.15, 5), np.repeat(rng.uniform(0.3, 0.8), 2)]
        log_mu = np.log(level * rng.uniform(0.7, 1.3) * profile[wd])
        log_mu += rng.uniform(-trend, trend) * t / 365 + _ar1(rng, days, rho, cv)
        mu = np.exp(log_mu)
        falls = off & (rng.random(days) < holiday_share)
        mu[falls] *= rng.uniform(0.15, 0.45, falls.sum())
        for topic, day, factor in spikes:
            if topic == k and day < days:
                mu[day] *= factor
        counts = rng.poisson(rng.gamma(100.0, mu / 100.0))
        day_of = np.repeat(t, counts)
        s_mean = rng.uniform(-0.2, 0.2) + _ar1(rng, days, rho, sentiment_sd)
        senti = np.clip(rng.normal(s_mean[day_of], 0.4), -1.0, 1.0)
        parts.append(
            pl.DataFrame(
                {
                    "day": day_of,
                    "secs": rng.integers(0, 86_400, size=day_of.size),
                    "category": f"t{k:02d}",
                    "sentiment": senti,
                }
            )
        )
    tickets = _ticket_frame(pl.concat(parts), start)
    return Helpdesk(tickets, [start + dt.timedelta(days=h) for h in holidays if h < days])
