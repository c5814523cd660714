"""Skill or policy: an agent's excess escalations split by the skill / policy tags of the
categories they occur in, and which kind dominates.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lib.agent_review._common import _names, _require
from lib.formatting import count

#: Where the Drivers page tags categories (named in sentences that ask for tags).
DRIVERS_PAGE = "Drivers"


def _num(x: float) -> str:
    """A count of escalations in whole numbers (an excess of 63.9 is "about 64").

    >>> _num(10.0), _num(63.9), _num(0.2)
    ('10', 'about 64', 'less than 1')
    """
    if abs(x - round(x)) < 0.05:
        return count(x)
    return "less than 1" if abs(x) < 1 else f"about {count(x)}"


_KIND_ORDER = ("skill", "policy", "unknown", "untagged")


@dataclass(frozen=True)
class SkillPolicySplit:
    """An agent's excess escalations split by the tags of the categories they occur in."""

    agent: str
    #: Observed minus expected escalations over all the agent's categories.
    total_excess: float
    #: One row per kind (skill, policy, unknown, untagged): kind, categories (list), tickets,
    #: escalated, expected, excess.
    by_kind: pl.DataFrame
    #: "skill", "policy", "mixed", "untagged" (most of the excess is in untagged or
    #: unknown-tagged categories) or "none" (no excess to split).
    dominant: str
    sentence: str


def skill_policy_split(
    breakdown: pl.DataFrame,
    tags: pl.DataFrame,
    *,
    agent: str,
    by: str = "category",
    ratio: float = 2.0,
    flagged: bool = True,
) -> SkillPolicySplit:
    """Split an agent's excess (observed - expected escalations) by category tag.

    ``breakdown`` is :func:`lib.outliers.agent_category_breakdown` for the agent (``by``,
    ``tickets``, ``escalated``, ``expected``); ``tags`` has ``category`` and ``kind`` (skill,
    policy or unknown), as stored by the Drivers page. The excess in the agent's direction
    (above expected when their total is above, below when below) is summed per kind; a kind
    dominates when it holds at least ``ratio`` times the other's share. When most of it sits in
    untagged (or unknown-tagged) categories, the sentence says so and asks for tags instead
    of guessing. With ``flagged=False`` the sentence does not read a gap into the split (the
    agent's difference may be chance).

    >>> b = pl.DataFrame({"category": ["api", "refund", "faq"], "tickets": [50, 10, 40],
    ...                   "escalated": [20, 9, 2], "expected": [10.0, 8.5, 2.5]})
    >>> tags = pl.DataFrame({"category": ["api", "refund"], "kind": ["skill", "policy"]})
    >>> s = skill_policy_split(b, tags, agent="ann")
    >>> s.dominant, s.by_kind.select("kind", "excess").rows()
    ('skill', [('skill', 10.0), ('policy', 0.5), ('untagged', -0.5)])
    >>> s.sentence
    'Skill-based categories account for 10 of ann’s excess of about 10 escalations against expected (95%), policy-based ones for less than 1: this looks like a skill gap (training, knowledge articles) more than a policy one.'
    >>> skill_policy_split(b, tags.head(0), agent="ann").sentence
    'None of ann’s categories is tagged skill-based or policy-based yet, so their excess of 10 escalations against expected cannot be split; tag the categories on the Drivers page (most of it is in api and refund).'
    """  # noqa: E501
    _require(breakdown, [by, "tickets", "escalated", "expected"], "the skill/policy split")
    kinds = (
        tags.select(pl.col("category").cast(pl.String).alias(by), pl.col("kind"))
        if tags.height
        else pl.DataFrame(schema={by: pl.String, "kind": pl.String})
    )
    rows = (
        breakdown.select(
            pl.col(by).cast(pl.String),
            "tickets",
            pl.col("escalated").cast(pl.Float64),
            "expected",
        )
        .join(kinds, on=by, how="left")
        .with_columns(
            kind=pl.col("kind").fill_null("untagged"),
            excess=pl.col("escalated") - pl.col("expected"),
        )
    )
    total = float(rows.get_column("excess").sum()) if rows.height else 0.0
    sign = 1.0 if total >= 0 else -1.0
    by_kind = (
        rows.sort("excess", descending=sign > 0)
        .group_by("kind", maintain_order=True)
        .agg(
            pl.col(by).alias("categories"),
            pl.col("tickets").sum(),
            pl.col("escalated").sum(),
            pl.col("expected").sum(),
            pl.col("excess").sum(),
        )
        .with_columns(order=pl.col("kind").replace_strict(_KIND_ORDER, range(4), default=9))
        .sort("order")
        .drop("order")
    )
    part = {k: 0.0 for k in _KIND_ORDER}
    for kind, excess in by_kind.select("kind", "excess").iter_rows():
        part[kind] = max(sign * float(excess), 0.0)
    skill, policy = part["skill"], part["policy"]
    other = part["unknown"] + part["untagged"]
    size = skill + policy + other
    noun = "excess" if sign > 0 else "shortfall"
    amount = f"{noun} of {_num(size)} escalations"
    owner = f"{agent}’s"
    tagged_any = bool(rows.filter(pl.col("kind").is_in(["skill", "policy"])).height)
    # Categories carrying the excess (or shortfall), biggest first.
    carriers = (
        rows.filter(sign * pl.col("excess") > 0)
        .sort(pl.col("excess") * sign, descending=True)
        .get_column(by)
        .to_list()
    )
    if abs(total) < 0.5 or size < 0.5:
        dominant = "none"
        sentence = (
            f"{owner} escalations match what their case mix predicts (observed minus expected "
            f"{total:+.1f}), so there is no excess to split into skill and policy."
        )
    elif not tagged_any:
        dominant = "untagged"
        sentence = (
            f"None of {owner} categories is tagged skill-based or policy-based yet, so their "
            f"{amount} against expected cannot be split; tag the categories on the "
            f"{DRIVERS_PAGE} page (most of it is in {_names(carriers)})."
        )
    elif other > max(skill, policy):
        dominant = "untagged"
        tagged = set(rows.filter(pl.col("kind").is_in(["skill", "policy"])).get_column(by))
        untagged = [c for c in carriers if c not in tagged]
        sentence = (
            f"Most of {owner} {amount} against expected ({_num(other)}) is in categories not "
            f"tagged skill-based or policy-based ({_names(untagged)}), so it cannot be said "
            f"which dominates; tag them on the {DRIVERS_PAGE} page. Tagged so far: "
            f"skill-based {_num(skill)}, policy-based {_num(policy)}."
        )
    else:
        first, second = ("skill", "policy") if skill >= policy else ("policy", "skill")
        big, small = part[first], part[second]
        label = {"skill": "Skill-based", "policy": "Policy-based"}
        if big >= ratio * small:
            dominant = first
            if not flagged:
                meaning = "the agent is not flagged, so this may well be chance"
            elif sign > 0:
                meaning = (
                    "this looks like a skill gap (training, knowledge articles) more than a "
                    "policy one"
                    if first == "skill"
                    else "this looks like a policy gap (what Tier 1 may resolve) more than a "
                    "skill one"
                )
            else:
                meaning = (
                    "they escalate less where Tier 1 could solve with skill"
                    if first == "skill"
                    else "they escalate less where policy, not skill, decides: check that "
                    "policy cases are not being kept at Tier 1"
                )
            sentence = (
                f"{label[first]} categories account for {_num(big)} of {owner} {amount} "
                f"against expected ({big / size:.0%}), {second}-based ones for {_num(small)}: "
                f"{meaning}."
            )
        else:
            dominant = "mixed"
            sentence = (
                f"{owner[0].upper() + owner[1:]} {amount} against expected is spread over "
                f"skill-based ({_num(skill)}) and policy-based ({_num(policy)}) categories: "
                "neither dominates."
            )
        if other >= 0.5:
            sentence += f" Another {_num(other)} are in untagged categories."
    return SkillPolicySplit(agent, total, by_kind, dominant, sentence)
