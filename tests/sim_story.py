"""A seeded helpdesk with a known truth for the "one story" tests (issue 19): constant escalation
rates per category and channel, optionally with the phone channel's rate doubled in the last
``REVIEW_DAYS`` days, escalations arriving after a realistic delay and observed at the export
(the end of the last day), so the newest tickets are still maturing.

Not part of ``lib``: nothing in ``lib`` imports it.

>>> t = helpdesk(1, days=20, per_day=30)
>>> t.height > 0, t.get_column("channel").unique().sort().to_list()
(True, ['chat', 'email', 'phone', 'web'])
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl

from lib.schema import conform

DAYS = 56
PER_DAY = 150
REVIEW_DAYS = 14
START = datetime(2024, 1, 1, tzinfo=UTC)
#: category: (share of tickets, escalation probability on a non-phone channel)
CATEGORIES = {
    "Login & SSO": (0.25, 0.20),
    "Billing": (0.25, 0.12),
    "API": (0.15, 0.25),
    "How-to": (0.25, 0.06),
    "Shipping": (0.10, 0.10),
}
CHANNELS = {"phone": 0.25, "email": 0.35, "chat": 0.25, "web": 0.15}
#: the phone channel's escalation odds multiplier in the review period when ``planted``
PHONE_FACTOR = 2.0
PRIORITIES = {"low": 0.3, "normal": 0.5, "high": 0.2}
GROUPS = {"Tier 1 North": 0.5, "Tier 1 South": 0.5}
TIERS = {"free": 0.5, "pro": 0.35, "enterprise": 0.15}


def _pick(rng: np.random.Generator, table: dict, n: int) -> np.ndarray:
    names = list(table)
    p = np.array([v[0] if isinstance(v, tuple) else v for v in table.values()], float)
    return np.array(names, dtype=object)[rng.choice(len(names), size=n, p=p / p.sum())]


def helpdesk(
    seed: int, *, planted: bool = False, days: int = DAYS, per_day: int = PER_DAY
) -> pl.DataFrame:
    """Canonical tickets of one seeded helpdesk (see the module notes).

    Every rate is constant over time except, when ``planted``, the phone channel's, which is
    doubled (``PHONE_FACTOR``) for tickets created in the last ``REVIEW_DAYS`` days.
    """
    rng = np.random.default_rng(seed)
    counts = rng.poisson(per_day, days)
    n = int(counts.sum())
    day = np.repeat(np.arange(days), counts)
    created_s = day * 86_400 + rng.uniform(0, 86_399, n)  # seconds from START
    category = _pick(rng, CATEGORIES, n)
    channel = _pick(rng, CHANNELS, n)
    p = np.array([CATEGORIES[c][1] for c in category])
    if planted:
        p = np.where((channel == "phone") & (day >= days - REVIEW_DAYS), p * PHONE_FACTOR, p)
    eventually = rng.uniform(size=n) < p
    # days to escalate: median 0.6 days, 7% after 7 days (as the demo)
    sigma = np.log(7 / 0.6) / 1.4758
    delay = np.exp(np.log(0.6) + sigma * rng.standard_normal(n))
    export_s = days * 86_400
    escalated_s = created_s + delay * 86_400
    seen = eventually & (escalated_s <= export_s)
    solved_s = (
        created_s + (rng.exponential(1.5, n) + np.where(eventually, delay + 1.0, 0.0)) * 86_400
    )
    solved = solved_s <= export_s

    def stamp(seconds: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
        us = pl.Series((seconds * 1e6).astype(np.int64))
        if keep is not None:
            us = us.zip_with(pl.Series(keep), pl.Series([None] * n, dtype=pl.Int64))
        return pl.lit(START) + pl.duration(microseconds=us)

    frame = pl.DataFrame(
        {
            "ticket_id": [f"T{seed}-{i}" for i in range(n)],
            "category": category.astype(str),
            "channel": channel.astype(str),
            "priority": _pick(rng, PRIORITIES, n).astype(str),
            "group": _pick(rng, GROUPS, n).astype(str),
            "customer_tier": _pick(rng, TIERS, n).astype(str),
            "agent": np.array([f"agent{i:02d}" for i in rng.integers(0, 12, n)]),
            "escalated": seen,
            "status": np.where(solved, "solved", "open"),
        }
    ).with_columns(
        stamp(created_s).alias("created_at"),
        stamp(escalated_s, seen).alias("escalated_at"),
        stamp(solved_s, solved).alias("solved_at"),
    )
    frame = frame.with_columns(
        pl.max_horizontal("created_at", "escalated_at", "solved_at").alias("updated_at")
    )
    return conform(frame.sort("created_at"))
