"""Seeded simulated helpdesks with a known truth, for the agent-outlier tests and benchmark.

Escalation follows a main-effects logistic model of category, channel, priority and customer
tier, plus an agent effect that is zero except for the "raised" agents (odds ratio 2-3). The
"hard-case" agents take mostly the hard categories, enterprise customers and the phone queue, so
their raw rate is about twice the average with no effect of their own. Volumes differ about
tenfold between agents, and one raised agent always has a low volume.

Not part of ``lib``: nothing in ``lib`` imports it.

>>> sim = simulate_helpdesk(1, n_agents=10, n_tickets=2000)
>>> sim.tickets.height, sorted(set(sim.truth.get_column("kind")))
(2000, ['hard_case', 'normal', 'raised'])
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import polars as pl

from lib.outliers import benjamini_hochberg
from lib.schema import conform

#: category: (share of ordinary tickets, probability at the reference channel/priority/tier)
CATEGORIES: dict[str, tuple[float, float]] = {
    "password_reset": (0.16, 0.02),
    "how_to": (0.16, 0.03),
    "billing": (0.15, 0.05),
    "account": (0.10, 0.05),
    "shipping": (0.10, 0.06),
    "refund": (0.10, 0.10),
    "data_export": (0.06, 0.15),
    "bug": (0.09, 0.22),
    "api": (0.04, 0.30),
    "sso": (0.04, 0.35),
}
HARD = ("bug", "api", "sso", "data_export")
#: How much more (and less) often hard-case agents get hard (and other) categories.
HARD_WEIGHT = (2.6, 0.7)
#: level: (share of ordinary tickets, share of hard-case agents' tickets, log odds ratio)
CHANNELS = {
    "email": (0.40, 0.30, 0.0),
    "chat": (0.30, 0.15, -0.3),
    "phone": (0.15, 0.40, 0.5),
    "web": (0.15, 0.15, 0.0),
}
PRIORITIES = {
    "low": (0.20, 0.10, -0.5),
    "normal": (0.50, 0.45, 0.0),
    "high": (0.20, 0.30, 0.5),
    "urgent": (0.10, 0.15, 1.0),
}
TIERS = {
    "free": (0.40, 0.15, -0.4),
    "pro": (0.40, 0.40, 0.0),
    "enterprise": (0.20, 0.45, 0.6),
}


@dataclass(frozen=True)
class SimHelpdesk:
    """Canonical tickets plus the truth per agent (agent, kind, odds_ratio, weight)."""

    tickets: pl.DataFrame
    truth: pl.DataFrame


def _draw(rng: np.random.Generator, shares: np.ndarray, size: int) -> np.ndarray:
    """Integer codes drawn with the given (unnormalised) shares."""
    return rng.choice(shares.size, size=size, p=shares / shares.sum())


def simulate_helpdesk(
    seed: int,
    *,
    n_agents: int = 30,
    n_tickets: int = 36_000,
    n_raised: int = 3,
    n_hard: int = 3,
    raised_odds: tuple[float, float] = (2.0, 3.0),
    agent_sd: float = 0.0,
    unassigned: float = 0.03,
    null_tier: float = 0.05,
    days: int = 182,
    start: datetime = datetime(2024, 1, 1, tzinfo=UTC),
) -> SimHelpdesk:
    """One seeded helpdesk. ``agent_sd`` adds a random logit effect to every agent (truth
    becomes fuzzy; used to study overdispersion). The first raised agent has a low volume."""
    rng = np.random.default_rng(seed)
    agents = [f"agent_{i:02d}" for i in range(n_agents)]
    weight = 10 ** rng.uniform(0, 1, n_agents)  # tenfold range of volumes
    order = np.argsort(weight)
    kinds = np.array(["normal"] * n_agents, dtype=object)
    # hard-case agents: middle to high volume; raised: one from the quietest fifth, rest anywhere
    hard = rng.choice(order[n_agents // 3 :], size=n_hard, replace=False) if n_hard else []
    kinds[hard] = "hard_case"
    if n_raised:
        quiet = [i for i in order[: max(2, n_agents // 5)] if kinds[i] == "normal"]
        first = rng.choice(quiet)
        kinds[first] = "raised"
        rest = [i for i in range(n_agents) if kinds[i] == "normal"]
        kinds[rng.choice(rest, size=n_raised - 1, replace=False)] = "raised"
    odds = np.where(kinds == "raised", rng.uniform(*raised_odds, n_agents), 1.0)
    effect = np.log(odds) + (rng.normal(0, agent_sd, n_agents) if agent_sd else 0.0)

    n_assigned = rng.binomial(n_tickets, 1 - unassigned)
    owner = rng.choice(n_agents, size=n_assigned, p=weight / weight.sum())
    owner = np.concatenate([owner, np.full(n_tickets - n_assigned, -1)])
    is_hard = np.zeros(n_tickets, dtype=bool)
    is_hard[:n_assigned] = kinds[owner[:n_assigned]] == "hard_case"

    def column(shares: np.ndarray, hard_shares: np.ndarray) -> np.ndarray:
        codes = np.empty(n_tickets, dtype=np.int64)
        codes[~is_hard] = _draw(rng, shares, int((~is_hard).sum()))
        codes[is_hard] = _draw(rng, hard_shares, int(is_hard.sum()))
        return codes

    cat_share = np.array([v[0] for v in CATEGORIES.values()])
    hard_share = cat_share * np.array([HARD_WEIGHT[0 if k in HARD else 1] for k in CATEGORIES])
    category = column(cat_share, hard_share)
    eta = np.log([v[1] / (1 - v[1]) for v in CATEGORIES.values()])[category]
    names: dict[str, np.ndarray] = {"category": np.array(list(CATEGORIES), dtype=object)[category]}
    for name, spec in (("channel", CHANNELS), ("priority", PRIORITIES), ("customer_tier", TIERS)):
        values = np.array(list(spec.values()))
        codes = column(values[:, 0], values[:, 1])
        eta = eta + values[:, 2][codes]
        names[name] = np.array(list(spec), dtype=object)[codes]
    eta = eta + np.where(owner >= 0, effect[np.maximum(owner, 0)], 0.0)
    escalated = rng.random(n_tickets) < 1 / (1 + np.exp(-eta))
    names["customer_tier"][rng.random(n_tickets) < null_tier] = None

    offsets = (rng.uniform(0, days * 86400, n_tickets) * 1e6).astype("timedelta64[us]")
    created = np.datetime64(start.replace(tzinfo=None), "us") + offsets
    tickets = conform(
        pl.DataFrame(
            {
                "ticket_id": pl.int_range(n_tickets, eager=True).cast(pl.String),
                "created_at": pl.Series(created).dt.replace_time_zone("UTC"),
                "status": pl.repeat("solved", n_tickets, eager=True),
                **{k: pl.Series(k, v.tolist(), dtype=pl.String) for k, v in names.items()},
                # -1 (unassigned) picks the trailing None
                "agent": pl.Series(
                    np.array([*agents, None], dtype=object)[owner].tolist(), dtype=pl.String
                ),
                "escalated": escalated,
                "source": pl.repeat("sim", n_tickets, eager=True),
            }
        )
    )
    truth = pl.DataFrame(
        {"agent": agents, "kind": kinds.tolist(), "odds_ratio": odds, "weight": weight}
    )
    return SimHelpdesk(tickets=tickets, truth=truth)


def naive_raw_flags(tickets: pl.DataFrame, *, q_level: float = 0.05) -> pl.DataFrame:
    """What a naive dashboard does: each agent's raw rate against everyone else's by a pooled
    two-proportion z-test, Benjamini-Hochberg across all agents, no case mix, no minimum.

    >>> t = pl.DataFrame({"agent": ["a"] * 100 + ["b"] * 100,
    ...                   "escalated": [True] * 30 + [False] * 70 + [True] * 10 + [False] * 90})
    >>> naive_raw_flags(t).select("agent", "flagged").rows()
    [('a', True), ('b', True)]
    """
    per = (
        tickets.filter(pl.col("agent").is_not_null())
        .group_by("agent")
        .agg(n=pl.len(), o=pl.col("escalated").sum())
        .sort("agent")
    )
    n_all = tickets.height
    o_all = int(tickets.get_column("escalated").sum())
    n = per.get_column("n").to_numpy().astype(float)
    o = per.get_column("o").to_numpy().astype(float)
    n_rest, o_rest = n_all - n, o_all - o
    pooled = o_all / n_all
    from scipy import stats

    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / n + 1 / np.where(n_rest > 0, n_rest, np.nan)))
        z = (o / n - o_rest / np.where(n_rest > 0, n_rest, np.nan)) / se
    p = 2 * stats.norm.sf(np.abs(z))
    q = benjamini_hochberg(p)
    flagged = q < q_level
    return per.with_columns(
        raw_rate=pl.Series(o / n),
        raw_z=pl.Series(z),
        raw_q=pl.Series(q),
        flagged=pl.Series(flagged),
        direction=pl.Series(np.where(flagged, np.where(z > 0, "high", "low"), None).tolist()),
    )


#: Month effects (log odds) and volume weights for :func:`simulate_shifted`: months 3 and 4
#: (March and April) are busy, with more tickets that also escalate more often.
BUSY_MONTHS = (3, 4)


def simulate_shifted(
    seed: int,
    kind: str,
    *,
    n_agents: int = 25,
    n_tickets: int = 30_000,
    n_raised: int = 2,
    raised_odds: tuple[float, float] = (2.0, 3.0),
    specialist_share: float = 0.85,
    specialist_category: str = "api",
    specialist_odds: float = 2.0,
    busy_odds: float = 2.0,
    start: datetime = datetime(2024, 1, 1, tzinfo=UTC),
) -> SimHelpdesk:
    """A helpdesk where a plain case-mix model misjudges one agent (issue 13 point 3).

    ``kind="specialist"``: one agent (truth kind ``"specialist"``) takes ``specialist_share``
    of ``specialist_category`` besides an ordinary share of the rest, and escalates at
    ``specialist_odds`` times the odds. ``kind="new_hire"``: six months, March and April busy
    (twice the tickets, ``busy_odds`` times the escalation odds); one agent (kind
    ``"new_hire"``, no own effect) works only in those two months. Both add ``n_raised``
    ordinary raised agents (odds ratio 2-3). The six months start at ``start``.

    >>> sim = simulate_shifted(1, "new_hire", n_agents=10, n_tickets=3000)
    >>> sorted(set(sim.truth.get_column("kind")))
    ['new_hire', 'normal', 'raised']
    """
    if kind not in ("specialist", "new_hire"):
        raise ValueError(f"kind must be 'specialist' or 'new_hire', got {kind!r}")
    rng = np.random.default_rng(seed)
    agents = [f"agent_{i:02d}" for i in range(n_agents)]
    weight = 10 ** rng.uniform(0, 1, n_agents)
    kinds = np.array(["normal"] * n_agents, dtype=object)
    special = int(rng.integers(n_agents))
    kinds[special] = kind
    rest = [i for i in range(n_agents) if i != special]
    raised = rng.choice(rest, size=n_raised, replace=False) if n_raised else []
    kinds[raised] = "raised"
    odds = np.where(kinds == "raised", rng.uniform(*raised_odds, n_agents), 1.0)
    if kind == "specialist":
        odds[special] = specialist_odds

    # Months: 1..6, busy ones twice as likely; days spread uniformly within the month.
    month_weight = np.array([2.0 if m in BUSY_MONTHS else 1.0 for m in range(1, 7)])
    month = _draw(rng, month_weight, n_tickets) + 1
    busy = np.isin(month, BUSY_MONTHS)
    cat_share = np.array([v[0] for v in CATEGORIES.values()])
    category = _draw(rng, cat_share, n_tickets)
    eta = np.log([v[1] / (1 - v[1]) for v in CATEGORIES.values()])[category]
    names: dict[str, np.ndarray] = {"category": np.array(list(CATEGORIES), dtype=object)[category]}
    for name, spec in (("channel", CHANNELS), ("priority", PRIORITIES), ("customer_tier", TIERS)):
        values = np.array(list(spec.values()))
        codes = _draw(rng, values[:, 0], n_tickets)
        eta = eta + values[:, 2][codes]
        names[name] = np.array(list(spec), dtype=object)[codes]
    if kind == "new_hire":
        eta = eta + np.where(busy, np.log(busy_odds), 0.0)

    owner = np.empty(n_tickets, dtype=np.int64)
    if kind == "specialist":
        target = list(CATEGORIES).index(specialist_category)
        in_cat = category == target
        mine = in_cat & (rng.random(n_tickets) < specialist_share)
        others = weight.copy()
        others[special] = 0.0
        owner[in_cat] = rng.choice(n_agents, size=int(in_cat.sum()), p=others / others.sum())
        owner[mine] = special
        owner[~in_cat] = rng.choice(n_agents, size=int((~in_cat).sum()), p=weight / weight.sum())
    else:
        calm = weight.copy()
        calm[special] = 0.0
        owner[~busy] = rng.choice(n_agents, size=int((~busy).sum()), p=calm / calm.sum())
        owner[busy] = rng.choice(n_agents, size=int(busy.sum()), p=weight / weight.sum())
    eta = eta + np.log(odds)[owner]
    escalated = rng.random(n_tickets) < 1 / (1 + np.exp(-eta))

    day = rng.uniform(0, 28 * 86400, n_tickets)
    created = [start.replace(month=int(m)).timestamp() + d for m, d in zip(month, day, strict=True)]
    tickets = conform(
        pl.DataFrame(
            {
                "ticket_id": pl.int_range(n_tickets, eager=True).cast(pl.String),
                "created_at": pl.Series((np.array(created) * 1e6).astype("int64"))
                .cast(pl.Datetime("us"))
                .dt.replace_time_zone("UTC"),
                "status": pl.repeat("solved", n_tickets, eager=True),
                **{k: pl.Series(k, v.tolist(), dtype=pl.String) for k, v in names.items()},
                "agent": pl.Series(np.array(agents, dtype=object)[owner].tolist(), dtype=pl.String),
                "escalated": escalated,
                "source": pl.repeat("sim", n_tickets, eager=True),
            }
        )
    )
    truth = pl.DataFrame(
        {"agent": agents, "kind": kinds.tolist(), "odds_ratio": odds, "weight": weight}
    )
    return SimHelpdesk(tickets=tickets, truth=truth)
