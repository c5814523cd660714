"""The plan of a demo helpdesk: the planted effects (:class:`DemoTruth`), its agents with their
roles and preferences, and its customer organisations, drawn from the plan's random stream."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from lib.demo.catalogue import (
    _AGENT_NAMES,
    _HARD,
    _ORG_A,
    _ORG_B,
    _ORG_SUFFIX,
    _PLAN_STREAM,
    _POLICY,
    CATEGORIES,
    DEFAULT_END,
    MIN_AGENTS,
    MIN_DAYS,
    N_ORGS,
    TIERS,
)


@dataclass(frozen=True)
class DemoTruth:
    """The effects planted in a demo helpdesk, for tests and for the demo walkthrough.

    Attributes
    ----------
    outlier_agent
        Escalates ``outlier_odds_ratio`` (2.5) times the odds their case mix predicts, outside
        the policy categories. Moderate volume and an easy-leaning mix, so their raw rate is
        unremarkable; an observed/expected ratio from a case-mix model shows about 1.8-2.
    hard_case_agent
        Takes mostly hard categories (API, SSO, bugs) and enterprise customers: raw rate about
        twice the average, no effect of their own (observed/expected about 1).
    spike_topic, spike_start, spike_end
        Volume x ``spike_factor`` (3) on three weekdays within the last 30 days (end inclusive).
    shift_topic, shift_start
        Volume x ``shift_factor`` (1.6) from ``shift_start`` (about 25 days before the end) on.
    sentiment_topic, sentiment_start
        From ``sentiment_start`` (about 20 days before the end) on, most subjects in that topic
        are worded negatively.
    policy_categories
        Tier 1 may not resolve these (refunds, account deletion): about 90% are escalated
        whoever handles them, and no agent effect applies.
    """

    outlier_agent: str
    hard_case_agent: str
    spike_topic: str
    spike_start: date
    spike_end: date
    shift_topic: str
    shift_start: date
    sentiment_topic: str
    sentiment_start: date
    policy_categories: tuple[str, ...]
    outlier_odds_ratio: float = 2.5
    spike_factor: float = 3.0
    shift_factor: float = 1.6


@dataclass(frozen=True)
class _Agent:
    name: str
    role: str  # hard_case, outlier, part_time, billing, generalist
    group: str
    volume: float
    category_pref: np.ndarray
    tier_pref: np.ndarray
    workdays: np.ndarray  # bool per weekday, Monday first


@dataclass(frozen=True)
class _Plan:
    truth: DemoTruth
    start: date
    end: date
    agents: tuple[_Agent, ...]
    org_names: tuple[str, ...]
    org_tier: np.ndarray
    org_weight: np.ndarray


def _check(seed: int, days: int, n_agents: int, end: date | None) -> date:
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(days, int | np.integer) or days < MIN_DAYS:
        raise ValueError(
            f"days must be an integer of at least {MIN_DAYS} (the planted events need a "
            f"baseline), got {days!r}"
        )
    if not isinstance(n_agents, int | np.integer) or not (
        MIN_AGENTS <= n_agents <= len(_AGENT_NAMES)
    ):
        raise ValueError(
            f"n_agents must be an integer from {MIN_AGENTS} to {len(_AGENT_NAMES)}, "
            f"got {n_agents!r}"
        )
    if end is None:
        return DEFAULT_END
    if isinstance(end, datetime) or not isinstance(end, date):
        raise ValueError(f"end must be a datetime.date, got {end!r}")
    return end


def _plan(seed: int, days: int, end: date | None, n_agents: int) -> _Plan:
    end = _check(seed, days, n_agents, end)
    rng = np.random.default_rng([int(seed), _PLAN_STREAM])
    start = end - timedelta(days=days - 1)

    # Topics: the spike, the shift and the sentiment drop each in a different category with
    # enough daily volume to judge.
    spike_topic = str(rng.choice(["Login & SSO", "Performance", "Data export", "Bug report"]))
    shift_pool = ("Billing & invoices", "Onboarding", "How-to", "Data export")
    shift_topic = str(rng.choice([c for c in shift_pool if c != spike_topic]))
    sentiment_pool = [
        c
        for c in ("Onboarding", "Billing & invoices", "Data export", "API & integrations",
                  "Performance", "How-to")
        if c not in (spike_topic, shift_topic)
    ]  # fmt: skip
    sentiment_topic = str(rng.choice(sentiment_pool))
    # A three-weekday spike starting Monday to Wednesday, 8 to 27 days before the end.
    candidates = [
        end - timedelta(days=k) for k in range(8, 28) if (end - timedelta(days=k)).weekday() <= 2
    ]
    spike_start = candidates[int(rng.integers(len(candidates)))]
    shift_start = end - timedelta(days=25 + int(rng.integers(-2, 3)))
    sentiment_start = end - timedelta(days=20 + int(rng.integers(-2, 3)))

    # Agents: names, roles, groups, volumes and preferences.
    names = [str(n) for n in rng.permutation(np.array(_AGENT_NAMES))[:n_agents]]
    roles = ["hard_case", "outlier", "part_time", "part_time", "billing", "billing"]
    roles += ["generalist"] * (n_agents - len(roles))
    order = rng.permutation(n_agents)
    roles = [roles[i] for i in order]
    agents = []
    region = 0
    part_time_seen = 0
    for name, role in zip(names, roles, strict=True):
        cat_pref = np.ones(len(CATEGORIES))
        tier_pref = np.ones(len(TIERS))
        workdays = np.ones(7, dtype=bool)
        volume = float(np.exp(rng.normal(0.0, 0.15)))
        if role == "hard_case":
            cat_pref = np.where(_HARD, 3.5, np.where(_POLICY, 0.3, 0.45))
            cat_pref[CATEGORIES.index("Performance")] = 1.0
            tier_pref = np.array([0.5, 1.0, 2.5])
            volume = 0.9
        elif role == "outlier":
            cat_pref = np.where(_HARD, 0.4, np.where(_POLICY, 0.15, 1.0))
            cat_pref[CATEGORIES.index("How-to")] = 1.3
            cat_pref[CATEGORIES.index("Onboarding")] = 1.3
            volume = 0.85
        elif role == "part_time":
            volume = 0.8  # per working day; they work two or three days a week
            workdays = np.zeros(7, dtype=bool)
            workdays[[0, 1, 2] if part_time_seen == 0 else [3, 4]] = True
            part_time_seen += 1
        elif role == "billing":
            cat_pref = np.full(len(CATEGORIES), 0.25)
            cat_pref[CATEGORIES.index("Billing & invoices")] = 8.0
            cat_pref[CATEGORIES.index("Refunds & credits")] = 1.5
            volume = 0.8
        else:
            cat_pref = np.exp(rng.normal(0.0, 0.15, len(CATEGORIES)))
        if role == "billing":
            group = "Billing"
        else:
            group = ("Tier 1 EMEA", "Tier 1 Americas")[region % 2]
            region += 1
        agents.append(_Agent(name, role, group, volume, cat_pref, tier_pref, workdays))

    # Customer organisations: names, plans and how much each one writes in.
    combos = [(a, b) for a in _ORG_A for b in _ORG_B]
    pick = rng.choice(len(combos), size=N_ORGS, replace=False)
    org_names = tuple(
        f"{combos[i][0]} {combos[i][1]} {_ORG_SUFFIX[int(rng.integers(len(_ORG_SUFFIX)))]}"
        for i in pick
    )
    org_tier = np.repeat(np.arange(3), [90, 75, 35])
    rng.shuffle(org_tier)
    org_weight = 1.0 / (rng.permutation(N_ORGS) + 3.0) ** 0.8

    truth = DemoTruth(
        outlier_agent=next(a.name for a in agents if a.role == "outlier"),
        hard_case_agent=next(a.name for a in agents if a.role == "hard_case"),
        spike_topic=spike_topic,
        spike_start=spike_start,
        spike_end=spike_start + timedelta(days=2),
        shift_topic=shift_topic,
        shift_start=shift_start,
        sentiment_topic=sentiment_topic,
        sentiment_start=sentiment_start,
        policy_categories=tuple(c for c, p in zip(CATEGORIES, _POLICY, strict=True) if p),
    )
    return _Plan(truth, start, end, tuple(agents), org_names, org_tier, org_weight)


def demo_truth(
    *, seed: int = 7, days: int = 180, end: date | None = None, n_agents: int = 15
) -> DemoTruth:
    """Return the effects planted in the demo helpdesk with these parameters.

    Cheap: it does not generate tickets. ``tickets_per_day`` does not change the truth.

    >>> t = demo_truth()
    >>> t.spike_end - t.spike_start
    datetime.timedelta(days=2)
    >>> t.outlier_agent != t.hard_case_agent
    True
    """
    return _plan(seed, days, end, n_agents).truth
