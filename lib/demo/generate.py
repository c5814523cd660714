"""Drawing every ticket of a demo helpdesk once, as integer codes, and the expressions that decode
them into the canonical and the export frames."""

from __future__ import annotations

import functools
import numbers
from datetime import date

import numpy as np
import polars as pl

from lib.demo.catalogue import (
    _CAT_TAG,
    _CATEGORY_TABLE,
    _CHANNEL_GIVEN_TIER,
    _CHANNEL_LOGIT,
    _CONTACTS_PER_ORG,
    _FIRST_REPLY_MEDIAN,
    _FIRST_REPLY_SIGMA,
    _HARD,
    _HOURS,
    _KIND,
    _KIND_SLOWNESS,
    _POLICY,
    _PRIORITY_GIVEN_TIER,
    _PRIORITY_LOGIT,
    _RESOLUTION_MEDIAN,
    _S_PER_DAY,
    _SHARE,
    _TICKET_STREAM,
    _TIER3_CATEGORIES,
    _TIER_GIVEN_KIND,
    _TIER_LOGIT,
    _WEEKDAY,
    CATEGORIES,
    GROUPS,
    SUBJECT_TEMPLATES,
    TIERS,
)
from lib.demo.truth import _Plan, _plan


def _draw(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each entry of ``rows``, draw a column of ``probs[row]`` (rows need not sum to 1)."""
    k, m = probs.shape
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    flat = (cum + np.arange(k)[:, None]).ravel()
    u = rng.random(rows.size)
    picked = np.searchsorted(flat, rows + u, side="right")
    return np.minimum(picked - rows * m, m - 1)


@functools.cache
def _subject_table() -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    """All subjects as one array, with per (category, tone) offsets and template counts."""
    subjects: list[str] = []
    offset = np.zeros((len(CATEGORIES), 3), dtype=np.int64)
    n_templates = np.zeros((len(CATEGORIES), 3), dtype=np.int64)
    n_fillers = np.zeros(len(CATEGORIES), dtype=np.int64)
    for c, name in enumerate(CATEGORIES):
        fillers, *tones = SUBJECT_TEMPLATES[name]
        n_fillers[c] = len(fillers)
        for t, templates in enumerate(tones):
            offset[c, t] = len(subjects)
            n_templates[c, t] = len(templates)
            for template in templates:
                for filler in fillers:
                    text = template.format(x=filler)
                    subjects.append(text[0].upper() + text[1:])
    return tuple(subjects), offset, n_templates, n_fillers


def _day_number(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _generate(
    *, seed: int, days: int, tickets_per_day: float, end: date | None, n_agents: int
) -> tuple[pl.DataFrame, _Plan]:
    """Draw every ticket once; the canonical and the export frames are projections of it."""
    if (
        not isinstance(tickets_per_day, numbers.Real)
        or isinstance(tickets_per_day, bool)
        or not (0 < tickets_per_day <= 1e6)
    ):
        raise ValueError(f"tickets_per_day must be a number above 0, got {tickets_per_day!r}")
    plan = _plan(seed, days, end, n_agents)
    truth = plan.truth
    rng = np.random.default_rng([int(seed), _TICKET_STREAM])
    n_cat = len(CATEGORIES)

    # Daily volume per category: weekly rhythm, mild trend, noise, and the planted events.
    day0 = _day_number(plan.start)
    day_num = day0 + np.arange(days)
    weekday = (day_num + 3) % 7  # 1970-01-01 was a Thursday
    rhythm = _WEEKDAY / _WEEKDAY.mean()
    trend = np.exp(np.log(1.2) * (np.arange(days) / (days - 1) - 0.5))
    mu = tickets_per_day * (rhythm[weekday] * trend)[:, None] * _SHARE[None, :]
    mu *= rng.gamma(30.0, 1.0 / 30.0, size=mu.shape)
    spike_c = CATEGORIES.index(truth.spike_topic)
    shift_c = CATEGORIES.index(truth.shift_topic)
    s0, s1 = _day_number(truth.spike_start) - day0, _day_number(truth.spike_end) - day0
    mu[s0 : s1 + 1, spike_c] *= truth.spike_factor
    mu[_day_number(truth.shift_start) - day0 :, shift_c] *= truth.shift_factor
    counts = rng.poisson(mu)

    flat = counts.ravel()
    day_idx = np.repeat(np.repeat(np.arange(days), n_cat), flat)
    cat = np.repeat(np.tile(np.arange(n_cat), days), flat)
    n = cat.size
    wd = weekday[day_idx]

    # Customer plan and organisation, channel, priority.
    tier_table = np.array([_TIER_GIVEN_KIND[k] for k in _KIND])
    tier = _draw(rng, tier_table, cat)
    org_table = np.where(plan.org_tier[None, :] == np.arange(3)[:, None], plan.org_weight, 0.0)
    org = _draw(rng, org_table, tier)
    channel = _draw(rng, _CHANNEL_GIVEN_TIER, tier)
    prio_table = np.repeat(_PRIORITY_GIVEN_TIER, 2, axis=0)
    prio_table[1::2, 2:] *= 1.5  # hard categories are more often high or urgent
    priority = _draw(rng, prio_table, tier * 2 + _HARD[cat])

    # Front-line owner: volume x category and plan preference x working days.
    weights = np.empty((n_cat, 3, 7, n_agents))
    for a, agent in enumerate(plan.agents):
        weights[..., a] = (
            agent.volume
            * agent.category_pref[:, None, None]
            * agent.tier_pref[None, :, None]
            * agent.workdays[None, None, :]
        )
    agent = _draw(rng, weights.reshape(-1, n_agents), (cat * 3 + tier) * 7 + wd)
    role = np.array([a.role for a in plan.agents])[agent]

    # Escalation: additive on the log-odds; policy categories escalate whoever handles them.
    base_rate = np.array([row[2] for row in _CATEGORY_TABLE])
    base = np.log(base_rate / (1.0 - base_rate))
    logit = base[cat] + _CHANNEL_LOGIT[channel] + _PRIORITY_LOGIT[priority] + _TIER_LOGIT[tier]
    logit = np.where(_POLICY[cat], base[cat], logit)
    own = (role == "outlier") & ~_POLICY[cat]
    logit = logit + np.where(own, np.log(truth.outlier_odds_ratio), 0.0)
    escalated = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))

    # Timing, in whole seconds since the epoch (UTC). The data is as of the end of the last day.
    as_of = (_day_number(plan.end) + 1) * _S_PER_DAY
    last = as_of - 1
    hour = _draw(rng, _HOURS[None, :], np.zeros(n, dtype=np.int64))
    created = (day0 + day_idx) * _S_PER_DAY + hour * 3600 + rng.integers(0, 3600, n)
    speed = np.where(tier == 2, 0.6, 1.0) * np.where(priority == 3, 0.5, 1.0)
    noise = np.exp(rng.normal(0.0, 1.0, n) * _FIRST_REPLY_SIGMA[channel])
    first_reply = np.round(_FIRST_REPLY_MEDIAN[channel] * speed * noise)
    slowness = np.array([_KIND_SLOWNESS[k] for k in _KIND])[cat]
    resolution = (
        _RESOLUTION_MEDIAN[channel]
        * slowness
        * np.where(escalated, 5.0, 1.0)
        * np.exp(rng.normal(0.0, 1.1, n))
    )
    resolution = np.clip(resolution, first_reply + 5.0, 45 * 24 * 60.0)  # none open > 45 days
    replied_at = created + first_reply.astype(np.int64) * 60
    solved_at = created + (resolution * 60).astype(np.int64)
    responded = replied_at < as_of
    solved = solved_at < as_of
    escalated &= responded  # nobody has looked at it yet, so it has not been escalated yet
    closed = solved & (solved_at + 4 * _S_PER_DAY < as_of)  # auto-close four days after solve

    # Status codes: new, open, pending, on_hold, solved, closed.
    u = rng.random(n)
    waiting = np.where(
        escalated,
        np.where(u < 0.5, 1, np.where(u < 0.75, 2, 3)),
        np.where(u < 0.55, 1, 2),
    )
    status = np.where(~responded, 0, np.where(closed, 5, np.where(solved, 4, waiting)))
    stop = np.minimum(solved_at, as_of)
    escalated_at = replied_at + (rng.uniform(0.05, 0.6, n) * (stop - replied_at)).astype(np.int64)
    last_touch = np.maximum(replied_at, np.where(escalated, escalated_at, 0))
    u = rng.random(n)
    updated_at = np.where(
        closed,
        np.minimum(solved_at + 4 * _S_PER_DAY + (u * 3600).astype(np.int64), last),
        np.where(
            solved,
            solved_at + (u * np.minimum(last - solved_at, _S_PER_DAY)).astype(np.int64),
            np.where(responded, last_touch + (u * (last - last_touch)).astype(np.int64), created),
        ),
    )

    # Routing, reassignments, reopens, replies.
    tier3 = np.isin(cat, [CATEGORIES.index(c) for c in _TIER3_CATEGORIES]) & (rng.random(n) < 0.5)
    home = np.array([GROUPS.index(a.group) for a in plan.agents])[agent]
    group = np.where(escalated, np.where(tier3, 4, 3), home)
    new_group = np.where(hour < 13, 0, 1)
    group = np.where(responded, group, new_group)
    u = rng.random(n)
    group_stations = np.where(
        escalated,
        np.where(tier3, np.where(u < 0.7, 3, 2), np.where(u < 0.85, 2, 3)),
        np.where(responded & (u < 0.08), 2, 1),
    )
    u = rng.random(n)
    assignee_stations = np.where(u < 0.85, 1, np.where(u < 0.97, 2, 3))
    assignee_stations = np.where(responded, assignee_stations, 0)
    reassignments = (group_stations - 1) + np.maximum(assignee_stations - 1, 0)
    u = rng.random(n)
    reopens = np.where(solved & (u < 0.05 + 0.12 * escalated), np.where(u < 0.01, 2, 1), 0)
    replies = np.where(responded, 1 + rng.poisson(1.2 + 2.5 * escalated + reopens), 0)

    # Subject tone: escalations and the planted topic in its last weeks read more negative.
    drop = (cat == CATEGORIES.index(truth.sentiment_topic)) & (
        day0 + day_idx >= _day_number(truth.sentiment_start)
    )
    p_neg = np.where(escalated, 0.45, 0.12)
    p_neg = np.where(drop, np.where(escalated, 0.8, 0.55), p_neg)
    p_pos = np.where(drop, 0.06, np.where(escalated, 0.08, 0.25))
    u = rng.random(n)
    tone = np.where(u < p_neg, 0, np.where(u < p_neg + p_pos, 2, 1))
    _, offset, n_templates, n_fillers = _subject_table()
    template = (rng.random(n) * n_templates[cat, tone]).astype(np.int64)
    filler = (rng.random(n) * n_fillers[cat]).astype(np.int64)
    subject_idx = offset[cat, tone] + template * n_fillers[cat] + filler

    # Satisfaction: offered on most solved tickets, answered by fewer; worse when escalated.
    u = rng.random(n)
    done = status >= 4
    offered = done & (u < 0.75)
    answered = offered & (rng.random(n) < 0.45)
    long_wait = resolution > 3 * 24 * 60
    score = 2.6 - 1.4 * escalated - 0.8 * (reopens > 0) - 0.7 * (tone == 0) - 0.3 * long_wait
    p_good = 1.0 / (1.0 + np.exp(-score))
    good = rng.random(n) < p_good
    csat = np.where(answered, np.where(good, 0, 1), np.where(offered, 2, 3))

    # Tags and the requester (a contact at the organisation).
    escalated_tag = escalated & (rng.random(n) < 0.8)
    contact = org * _CONTACTS_PER_ORG + rng.integers(0, _CONTACTS_PER_ORG, n)

    order = np.argsort(created, kind="stable")
    columns = {
        "created": created,
        "solved": np.where(solved, solved_at, -1),
        "updated": updated_at,
        "escalated_at": np.where(escalated, escalated_at, -1),
        "status": status,
        "priority": priority,
        "channel": channel,
        "category": cat,
        "agent": np.where(responded, agent, -1),
        "group": group,
        "org": org,
        "tier": tier,
        "subject": subject_idx,
        "escalated": escalated,
        "escalated_tag": escalated_tag,
        "reopens": reopens,
        "group_stations": group_stations,
        "assignee_stations": assignee_stations,
        "reassignments": reassignments,
        "replies": replies,
        "first_reply": np.where(responded, first_reply, np.nan),
        "resolution": np.where(solved, np.round((solved_at - created) / 60), np.nan),
        "csat": csat,
        "contact": contact,
    }
    frame = pl.DataFrame({name: values[order] for name, values in columns.items()})
    frame = frame.with_columns(
        ticket_id=pl.int_range(10_001, 10_001 + n, eager=False).cast(pl.String),
        **{c: pl.when(pl.col(c) >= 0).then(pl.col(c)) for c in ("solved", "escalated_at", "agent")},
        first_reply=pl.col("first_reply").fill_nan(None),
        resolution=pl.col("resolution").fill_nan(None),
    )
    return frame, plan


def _lookup(column: str, values: tuple[str, ...] | list[str] | np.ndarray) -> pl.Expr:
    """Map integer codes in ``column`` to strings (nulls stay null)."""
    vocab = pl.Series(values, dtype=pl.String)
    return pl.col(column).map_batches(
        lambda s: vocab.gather(s), return_dtype=pl.String, is_elementwise=True
    )


def _tags_expr() -> pl.Expr:
    """The ticket's tags: its category's tag, its plan, and escalated / reopened markers."""
    category_tags = pl.Series(_CAT_TAG, dtype=pl.String)
    return pl.concat_list(
        pl.col("category").map_batches(
            lambda s: category_tags.gather(s), return_dtype=pl.String, is_elementwise=True
        ),
        pl.concat_str(pl.lit("plan_"), _lookup("tier", TIERS)),
        pl.when(pl.col("escalated_tag")).then(pl.lit("escalated")),
        pl.when(pl.col("reopens") > 0).then(pl.lit("reopened")),
    ).list.drop_nulls()


def _datetime(column: str) -> pl.Expr:
    """Whole seconds since the epoch -> Datetime(us, UTC)."""
    return (pl.col(column) * 1_000_000).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
