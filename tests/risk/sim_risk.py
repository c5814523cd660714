"""A seeded helpdesk whose escalations follow known risk factors, hour by hour.

Each ticket, while open, escalates in a given hour with a hazard
``base * category * tier * agent * customer history * idle``:

- category: ``SSO`` 3x, ``Billing`` 0.6x, others 1x;
- customer tier ``Enterprise`` 1.5x;
- agent: the first owner ``Agent 7`` 3x, the others 1x;
- customer history: ``(1 + contacts in the previous 7 days) ** 0.5``;
- idle: hours since the last activity (creation, then the first reply) raise the hazard
  ``(1 + idle / 24) ** 1`` (a ticket left alone drifts towards escalation).

A ticket is solved after an exponential time (mean 30 h) unless it escalates first. Escalated
tickets end up in the group ``Tier 2`` (the final group: a leak when used as a feature).
Not part of ``lib``.

>>> sim = simulate(1, n_tickets=500)
>>> sim.tickets.height, sim.tickets.get_column("escalated").dtype
(500, Boolean)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from lib.schema import conform

START = datetime(2024, 1, 1, tzinfo=UTC)
CATEGORY_EFFECT = {"SSO": 4.0, "Billing": 0.4, "Login": 1.0, "Export": 1.0, "Other": 1.0}
TIER_EFFECT = {"Enterprise": 2.0, "Pro": 1.0, "Free": 1.0}
BAD_AGENT = "Agent 7"
AGENT_EFFECT = 4.0
HISTORY_POWER = 0.7
IDLE_POWER = 1.5


@dataclass(frozen=True)
class Sim:
    """Tickets (canonical), the export moment, the activity log (first replies) and each
    ticket's true base hazard per hour (``truth``: ticket_id, true_rate)."""

    tickets: pl.DataFrame
    as_of: datetime
    events: pl.DataFrame
    truth: pl.DataFrame


def simulate(
    seed: int,
    *,
    n_tickets: int = 6000,
    days: float = 120.0,
    base: float = 0.0003,
    open_at_end: bool = True,
    idle_power: float = IDLE_POWER,
) -> Sim:
    """A seeded helpdesk (see the module notes); the export is taken at the end of ``days``."""
    rng = np.random.default_rng(seed)
    n = n_tickets
    created = np.sort(rng.uniform(0, days * 24, n))
    n_cust = max(n // 8, 5)
    weight = rng.gamma(0.5, size=n_cust)
    cust = rng.choice(n_cust, n, p=weight / weight.sum())
    tiers = np.array(["Enterprise", "Pro", "Free"])[rng.choice(3, n_cust, p=[0.2, 0.4, 0.4])]
    tier = tiers[cust]
    cats = np.array(list(CATEGORY_EFFECT))
    cat = cats[rng.choice(len(cats), n, p=[0.15, 0.25, 0.2, 0.2, 0.2])]
    agents = np.array([f"Agent {k}" for k in range(1, 11)])
    agent = agents[rng.integers(0, 10, n)]
    groups = np.array(["Service desk", "Billing desk"])
    group = np.where(cat == "Billing", groups[1], groups[0])
    # contacts of the same customer in the previous 7 days (known at creation)
    order = np.lexsort((created, cust))
    ck, ct = cust[order], created[order]
    key = ck * 1e7 + ct
    prev = np.searchsorted(key, key) - np.searchsorted(key, ck * 1e7 + ct - 7 * 24)
    contacts = np.empty(n)
    contacts[order] = prev
    lam = (
        base
        * np.vectorize(CATEGORY_EFFECT.get)(cat)
        * np.vectorize(TIER_EFFECT.get)(tier)
        * np.where(agent == BAD_AGENT, AGENT_EFFECT, 1.0)
        * (1 + contacts) ** HISTORY_POWER
    )
    reply = rng.exponential(8.0, n) * np.where(rng.random(n) < 0.15, 6.0, 1.0)
    solve = rng.exponential(30.0, n) + 0.5
    esc_t = np.full(n, np.nan)
    alive = np.ones(n, bool)
    for h in range(24 * 21):
        t = h + 0.5
        alive &= solve > t
        if not alive.any():
            break
        last = np.where(reply <= t, reply, 0.0)
        p = 1 - np.exp(-lam * (1 + (t - last) / 24) ** idle_power)
        hit = alive & (rng.random(n) < p)
        esc_t[hit] = t - rng.random(hit.sum())
        alive &= ~hit
    escalated = ~np.isnan(esc_t)
    end = days * 24
    solved_h = np.where(escalated, esc_t + rng.exponential(40.0, n), solve)
    reply = np.where(escalated & (esc_t < reply), np.nan, reply)

    def hours(x):
        return [
            None if not np.isfinite(v) or v > end else START + timedelta(hours=float(v)) for v in x
        ]

    created_h = created
    esc_abs = created_h + esc_t
    solved_abs = created_h + solved_h
    reply_abs = created_h + reply
    is_esc = escalated & (esc_abs <= end)
    is_solved = solved_abs <= end
    if not open_at_end:
        is_solved = np.ones(n, bool)
    status = np.where(is_solved, "solved", np.where(rng.random(n) < 0.5, "open", "pending"))
    updated = np.fmin(
        np.fmax.reduce([created_h, np.nan_to_num(reply_abs), np.where(is_esc, esc_abs, 0)]), end
    )
    updated = np.where(is_solved, np.fmax(updated, solved_abs), updated)
    tickets = pl.DataFrame(
        {
            "ticket_id": [f"T{k:06d}" for k in range(n)],
            "created_at": hours(created_h),
            "solved_at": hours(np.where(is_solved, solved_abs, np.nan)),
            "updated_at": hours(np.fmin(updated, end)),
            "status": status,
            "priority": np.where(rng.random(n) < 0.2, "high", "normal"),
            "channel": np.where(rng.random(n) < 0.5, "email", "web"),
            "category": cat,
            "agent": np.where(is_esc, "Tier 2 agent", agent),
            "first_agent": agent,
            "first_group": group,
            "group": np.where(is_esc, "Tier 2", group),
            "customer": [f"Customer {c}" for c in cust],
            "customer_tier": tier,
            "subject": [f"Ticket about {c}" for c in cat],
            "escalated": is_esc,
            "escalated_at": hours(np.where(is_esc, esc_abs, np.nan)),
            "first_response_minutes": np.where(reply_abs <= end, reply * 60, np.nan),
            "source": "generic",
            "true_rate": lam,
        },
        strict=False,
    )
    truth = tickets.select("ticket_id", "true_rate")
    tickets = conform(tickets.with_columns(pl.col("first_response_minutes").fill_nan(None)))
    ev_t = reply_abs[np.isfinite(reply_abs) & (reply_abs <= end)]
    ev_id = np.array([f"T{k:06d}" for k in range(n)])[np.isfinite(reply_abs) & (reply_abs <= end)]
    events = pl.DataFrame({"ticket_id": ev_id, "at": hours(ev_t), "kind": ["update"] * len(ev_t)})
    return Sim(tickets, START + timedelta(hours=end), events, truth)
