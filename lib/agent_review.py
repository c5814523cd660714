"""Reading an agent comparison: orderings, rank changes, skill or policy, stability, peers.

:mod:`lib.outliers` does the statistics (expected escalations from the case mix, funnel limits,
flags). This module turns its results into what the Agents page says and shows:

- :func:`adjusted_order` and :func:`raw_order`: the two rankings as the page lists them
  (judged agents first, by z; and by raw escalation rate), with a ``status`` in words;
- :func:`rank_shift`: how many agents change place between the raw and the adjusted ranking;
- :func:`unjudged_sentence`: which agents are shown but not judged, and why;
- :func:`skill_policy_split`: an agent's excess split by the categories' skill / policy tags,
  and which dominates (or that the categories are untagged, instead of a guess);
- :func:`history_summary` and :func:`stability_sentence`: whether an agent was flagged in
  earlier months too (from :func:`lib.outliers.flag_history`);
- :func:`peer_comparison`: reassignments, time to escalate and first reply against everyone
  else's tickets;
- :func:`agent_detail`: the drill-down bundle for one agent (categories, trend, peers, tickets).

Example
-------
>>> import polars as pl
>>> table = pl.DataFrame({
...     "agent": ["ann", "bob", "cat"], "tickets": [100, 100, 10],
...     "raw_rate": [0.30, 0.10, 0.50], "z": [-0.5, 2.5, 0.4],
...     "judged": [True, True, False], "flagged": [False, True, False],
...     "direction": [None, "high", None],
... })
>>> adjusted_order(table).select("place", "agent", "status").rows()
[(1, 'bob', 'Flagged high'), (2, 'ann', 'In line'), (3, 'cat', 'Not judged')]
>>> rank_shift(table).sentence
'2 of 3 agents change place between the raw and the adjusted ranking. Biggest moves: cat from 1st to 3rd; bob from 3rd to 1st.'
"""  # noqa: E501

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from lib.audit.rates import two_proportion_test
from lib.errors import ReviewError

__all__ = [
    "STATUS_LABELS",
    "AgentDetail",
    "AgentReviewError",
    "RankShift",
    "SkillPolicySplit",
    "adjusted_order",
    "agent_detail",
    "agent_sentence",
    "escalated_tickets",
    "flag_notes",
    "funnel_caption",
    "history_summary",
    "ordinal",
    "peer_comparison",
    "q_label_expr",
    "rank_shift",
    "raw_order",
    "raw_ranking",
    "skill_policy_split",
    "stability_sentence",
    "status_expr",
    "trend_every",
    "unjudged_sentence",
]

#: Status of an agent in words, by key.
STATUS_LABELS: dict[str, str] = {
    "high": "Flagged high",
    "low": "Flagged low",
    "in_line": "In line",
    "not_judged": "Not judged",
}
#: Where the Drivers page tags categories (named in sentences that ask for tags).
DRIVERS_PAGE = "Drivers"


class AgentReviewError(ReviewError, ValueError):
    """An agent review was asked for something the data cannot give (message says why)."""


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '103rd']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _names(items: Sequence[str], limit: int = 3) -> str:
    """``"a, b and c"``; with more than ``limit``, ``"a, b, c and 2 more"``."""
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _num(x: float) -> str:
    """A count of escalations: whole numbers bare, others with one decimal."""
    return f"{x:,.0f}" if abs(x - round(x)) < 0.05 else f"{x:,.1f}"


# --------------------------------------------------------------------------------------------
# Orderings
# --------------------------------------------------------------------------------------------


def status_expr() -> pl.Expr:
    """The agent's status in words (:data:`STATUS_LABELS`) from judged, flagged, direction."""
    return (
        pl.when(~pl.col("judged").fill_null(False))
        .then(pl.lit(STATUS_LABELS["not_judged"]))
        .when(pl.col("flagged").fill_null(False) & (pl.col("direction") == "high"))
        .then(pl.lit(STATUS_LABELS["high"]))
        .when(pl.col("flagged").fill_null(False) & (pl.col("direction") == "low"))
        .then(pl.lit(STATUS_LABELS["low"]))
        .otherwise(pl.lit(STATUS_LABELS["in_line"]))
        .alias("status")
    )


def _require(frame: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AgentReviewError(f"{what} needs the column(s) {', '.join(missing)}")


def q_label_expr() -> pl.Expr:
    """``q_label``: the q-value as text (``"< 0.0001"``, ``"0.23"``; ``"–"`` when not judged)."""
    q = pl.col("q_value")
    return (
        pl.when(~pl.col("judged").fill_null(False) | q.is_null())
        .then(pl.lit("–"))
        .when(q < 0.0001)
        .then(pl.lit("< 0.0001"))
        .otherwise(q.round_sig_figs(2).cast(pl.String))
        .alias("q_label")
    )


def adjusted_order(table: pl.DataFrame) -> pl.DataFrame:
    """The comparison table as the page lists it: judged agents first, highest z first.

    Agents below the minimum expected count come last (they are shown, not judged), then by
    z. Adds ``place`` (1 = first listed), ``status`` (:data:`STATUS_LABELS`) and ``q_label``
    (the q-value as text: ``"< 0.0001"``, ``"0.23"``, ``"–"`` when not judged).
    See the module example.
    """
    _require(table, ["agent", "z", "judged", "flagged", "direction"], "the adjusted ranking")
    return (
        table.sort(
            [pl.col("judged").fill_null(False), pl.col("z"), pl.col("agent")],
            descending=[True, True, False],
            nulls_last=True,
        )
        .with_columns(status_expr(), *([q_label_expr()] if "q_value" in table.columns else []))
        .with_row_index("place", offset=1)
        .with_columns(pl.col("place").cast(pl.Int64))
    )


def raw_order(table: pl.DataFrame) -> pl.DataFrame:
    """The raw, unadjusted ranking: highest escalation rate first (ties: more tickets first).

    Adds ``raw_place`` (1 = highest raw rate).

    >>> t = pl.DataFrame({"agent": ["a", "b", "c"], "tickets": [10, 50, 40],
    ...                   "raw_rate": [0.1, 0.3, 0.3]})
    >>> raw_order(t).select("raw_place", "agent").rows()
    [(1, 'b'), (2, 'c'), (3, 'a')]
    """
    _require(table, ["agent", "tickets", "raw_rate"], "the raw ranking")
    return (
        table.sort(
            ["raw_rate", "tickets", "agent"], descending=[True, True, False], nulls_last=True
        )
        .with_row_index("raw_place", offset=1)
        .with_columns(pl.col("raw_place").cast(pl.Int64))
    )


@dataclass(frozen=True)
class RankShift:
    """How the raw and the adjusted ranking differ (see :func:`rank_shift`)."""

    n_agents: int
    #: Agents whose place differs between the two rankings.
    n_changed: int
    #: Agents who move ``far`` places or more.
    n_far: int
    #: One row per agent: agent, raw_place, place (adjusted), move (raw - adjusted: positive
    #: means the agent sits higher, i.e. looks worse, once case mix is allowed for).
    places: pl.DataFrame
    sentence: str


def rank_shift(table: pl.DataFrame, *, far: int = 3, examples: int = 2) -> RankShift:
    """Compare each agent's place in :func:`raw_order` with their place in
    :func:`adjusted_order`, and say so in one or two sentences.

    >>> t = pl.DataFrame({"agent": ["a", "b", "c", "d"], "tickets": [50] * 4,
    ...     "raw_rate": [0.4, 0.3, 0.2, 0.1], "z": [0.1, 3.0, 1.0, -1.0],
    ...     "judged": [True] * 4, "flagged": [False, True, False, False],
    ...     "direction": [None, "high", None, None]})
    >>> s = rank_shift(t)
    >>> s.n_changed, s.n_far, s.places.filter(pl.col("agent") == "a").row(0)
    (3, 0, ('a', 1, 3, -2))
    >>> s.sentence
    '3 of 4 agents change place between the raw and the adjusted ranking. Biggest moves: a from 1st to 3rd; b from 2nd to 1st.'
    """  # noqa: E501
    adjusted = adjusted_order(table).select("agent", "place")
    raw = raw_order(table).select("agent", "raw_place")
    places = (
        raw.join(adjusted, on="agent", how="inner")
        .with_columns(move=pl.col("raw_place") - pl.col("place"))
        .sort(["raw_place"])
    )
    n = places.height
    changed = places.filter(pl.col("move") != 0)
    n_changed = changed.height
    n_far = places.filter(pl.col("move").abs() >= far).height
    if n == 0:
        sentence = "No agents to rank."
    elif n_changed == 0:
        sentence = (
            f"All {n} agents keep their place: allowing for case mix does not change the order."
            if n > 1
            else "Only one agent: there is no ranking to compare."
        )
    else:
        lead = (
            f"All {n} agents change place"
            if n_changed == n
            else f"{n_changed} of {n} agents change place"
        )
        sentence = f"{lead} between the raw and the adjusted ranking"
        if n_far:
            sentence += f"; {n_far} move {far} places or more"
        top = changed.sort(
            [pl.col("move").abs(), pl.col("raw_place")], descending=[True, False]
        ).head(examples)
        moves = "; ".join(
            f"{r['agent']} from {ordinal(r['raw_place'])} to {ordinal(r['place'])}"
            for r in top.rows(named=True)
        )
        sentence += f". Biggest moves: {moves}."
    return RankShift(n, n_changed, n_far, places, sentence)


def raw_ranking(table: pl.DataFrame) -> pl.DataFrame:
    """:func:`raw_order` with each agent's adjusted ``place``, ``move`` (raw place - adjusted
    place) and ``move_text`` ("up 2": higher in the adjusted ranking, "down 1", "same").

    >>> t = pl.DataFrame({"agent": ["a", "b"], "tickets": [50, 50], "raw_rate": [0.4, 0.3],
    ...     "z": [0.1, 3.0], "judged": [True, True], "flagged": [False, True],
    ...     "direction": [None, "high"]})
    >>> raw_ranking(t).select("raw_place", "agent", "place", "move_text").rows()
    [(1, 'a', 2, 'down 1'), (2, 'b', 1, 'up 1')]
    """
    places = adjusted_order(table).select("agent", "place")
    return (
        raw_order(table)
        .join(places, on="agent", how="left")
        .with_columns(move=pl.col("raw_place") - pl.col("place"))
        .with_columns(
            move_text=pl.when(pl.col("move") > 0)
            .then(pl.format("up {}", pl.col("move")))
            .when(pl.col("move") < 0)
            .then(pl.format("down {}", -pl.col("move")))
            .otherwise(pl.lit("same"))
        )
    )


def _join_words(words: Sequence[str]) -> str:
    return _names(list(words), limit=len(words) or 1)


def funnel_caption(terms: Sequence[str]) -> str:
    """How to read the funnel plot, in plain words (``terms``: the case-mix columns used).

    >>> funnel_caption(["category", "channel"])[:80]
    'Each dot is an agent. Across: how many escalations their own tickets would produ'
    """
    mix = _join_words([t.replace("_", " ") for t in terms]) or "nothing (no case mix)"
    return (
        "Each dot is an agent. Across: how many escalations their own tickets would produce if "
        f"they escalated like the team, given each ticket's {mix}. Up: what they actually "
        "escalated, as a multiple of that (1 = as expected, 2 = twice as many). The funnel "
        "shows how far chance alone can push an agent: dashed lines hold 95% of agents in line "
        "with the team, solid lines 99.8%; it narrows to the right because more tickets mean "
        "less noise, and it is widened for the variation between agents seen here. Red "
        "diamonds are flagged high, blue ones flagged low, hollow grey dots are not judged. "
        "Hover for counts; click a dot to open the agent below."
    )


def flag_notes(comparison: Any) -> list[str]:
    """What a flag means and does not mean, as plain sentences (no Markdown), for the page.

    ``comparison`` is a :class:`lib.outliers.AgentComparison`.

    >>> from lib.outliers import agent_comparison
    >>> t = pl.DataFrame({"agent": ["a"] * 50 + ["b"] * 50, "escalated": [True, False] * 50})
    >>> notes = flag_notes(agent_comparison(t, case_mix=()))
    >>> notes[0][:40], len(notes)
    ('A flag is a prompt to look, not a verdic', 5)
    """
    c = comparison
    mix = _join_words([t.replace("_", " ") for t in c.model_terms]) or "nothing"
    notes = [
        "A flag is a prompt to look, not a verdict. It says the agent's escalations differ "
        "from what their case mix predicts by more than chance and the usual variation "
        f"between agents explain, after allowing for testing {c.n_judged} agents at once "
        f"(Benjamini–Hochberg: flagged when q < {c.q_level:g}, so up to about "
        f"{c.q_level:.0%} of flags may be false alarms).",
        "Flags come from each agent's q-value, not from the lines. A dot just outside the "
        "99.8% line can stay unflagged once every agent is tested together, and the lines are "
        "drawn with the team's average variance, so an agent's own limits (columns lower_95 "
        "to upper_998 in the table's download) can sit slightly off the line.",
        f"Case mix is only what the export records: the ticket's {mix}. Harder customers "
        "within a category, special assignments, shifts or a queue routed to one person are "
        "invisible to the model. Read the agent's escalated tickets and talk with them before "
        "concluding anything.",
        "Not flagged is not the same as fine: an agent with few tickets needs a large "
        "difference to be flagged, and agents below the minimum are not judged at all.",
        c.overdispersion_summary(),
    ]
    if c.excluded_from_model:
        notes.append(
            "The standard was set without the tickets of the flagged agents ("
            + _join_words(list(c.excluded_from_model))
            + "), so their excess does not raise everyone else's expected count."
        )
    return notes


def unjudged_sentence(table: pl.DataFrame, min_expected: float) -> str | None:
    """Which agents are shown but not judged, and why (``None`` when every agent is judged).

    >>> t = pl.DataFrame({"agent": ["a", "b", "c"], "judged": [True, False, False]})
    >>> unjudged_sentence(t, 5)
    '2 of 3 agents (b and c) have fewer than 5 expected escalations in the period: they are shown (hollow grey dots, listed last) but not judged, because so few escalations cannot tell a real difference from chance. Widen the period or lower the minimum to judge them.'
    """  # noqa: E501
    _require(table, ["agent", "judged"], "the unjudged list")
    names = table.filter(~pl.col("judged").fill_null(False)).get_column("agent").sort().to_list()
    if not names:
        return None
    who = f" ({_names(names, 4)})"
    verb = "has" if len(names) == 1 else "have"
    return (
        f"{len(names)} of {table.height} agents{who} {verb} fewer than {min_expected:g} expected "
        "escalations in the period: they are shown (hollow grey dots, listed last) but not "
        "judged, because so few escalations cannot tell a real difference from chance. Widen "
        "the period or lower the minimum to judge them."
    )


def _q_text(q: float | None) -> str:
    if q is None:
        return "–"
    return "q < 0.0001" if q < 0.0001 else f"q = {q:.2g}"


def agent_sentence(row: dict[str, Any], *, min_expected: float, q_level: float) -> str:
    """One agent's result in words, from their row of the comparison table.

    >>> row = {"agent": "ann", "tickets": 400, "escalated": 60, "expected": 30.0,
    ...        "ratio": 2.0, "ratio_low": 1.53, "ratio_high": 2.57, "q_value": 0.00002,
    ...        "judged": True, "flagged": True, "direction": "high"}
    >>> agent_sentence(row, min_expected=5, q_level=0.05)
    'ann escalated 60 of 400 tickets where their case mix predicts 30.0: 2.00 times as many (95% interval 1.53 to 2.57). Flagged high (q < 0.0001, below 0.05).'
    >>> agent_sentence({**row, "expected": 2.5, "judged": False}, min_expected=5, q_level=0.05)
    'ann escalated 60 of 400 tickets where their case mix predicts 2.5: fewer than 5 expected escalations, too few to judge.'
    """  # noqa: E501
    head = (
        f"{row['agent']} escalated {row['escalated']:,} of {row['tickets']:,} tickets where "
        f"their case mix predicts {row['expected']:.1f}"
    )
    if not row.get("judged"):
        return f"{head}: fewer than {min_expected:g} expected escalations, too few to judge."
    ratio = row.get("ratio")
    times = "" if ratio is None else f": {ratio:.2f} times as many"
    if ratio is not None and row.get("ratio_low") is not None:
        times += f" (95% interval {row['ratio_low']:.2f} to {row['ratio_high']:.2f})"
    q = row.get("q_value")
    if row.get("flagged"):
        verdict = f"Flagged {row['direction']} ({_q_text(q)}, below {q_level:g})."
    else:
        verdict = (
            f"Not flagged ({_q_text(q)}, not below {q_level:g}): within what chance and the "
            "usual variation between agents explain."
        )
    return f"{head}{times}. {verdict}"


# --------------------------------------------------------------------------------------------
# Skill or policy
# --------------------------------------------------------------------------------------------

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
    'Skill-based categories account for 10 of ann’s excess of 10.5 escalations against expected (95%), policy-based ones for 0.5: this looks like a skill gap (training, knowledge articles) more than a policy one.'
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


# --------------------------------------------------------------------------------------------
# Month-over-month stability
# --------------------------------------------------------------------------------------------


def history_summary(history: pl.DataFrame) -> pl.DataFrame:
    """Per agent: months judged, months flagged high and low, and a short label.

    ``history`` is :func:`lib.outliers.flag_history` (one row per agent and month).
    Columns: agent, months, months_judged, months_high, months_low, flagged_label
    (``"2 of 5 months"``, ``"not judged"`` when no month was judged).

    >>> from datetime import date
    >>> h = pl.DataFrame({"agent": ["a"] * 3 + ["b"],
    ...     "period_start": [date(2024, m, 1) for m in (1, 2, 3)] + [date(2024, 1, 1)],
    ...     "judged": [True, True, False, False], "flagged": [True, False, False, False],
    ...     "direction": ["high", None, None, None]})
    >>> history_summary(h).select("agent", "months_judged", "months_high", "flagged_label").rows()
    [('a', 2, 1, '1 of 2 months'), ('b', 0, 0, 'not judged')]
    """
    _require(history, ["agent", "period_start", "judged", "flagged", "direction"], "history")
    flagged = pl.col("flagged").fill_null(False)
    return (
        history.group_by("agent")
        .agg(
            months=pl.len().cast(pl.Int64),
            months_judged=pl.col("judged").fill_null(False).sum().cast(pl.Int64),
            months_high=(flagged & (pl.col("direction") == "high")).sum().cast(pl.Int64),
            months_low=(flagged & (pl.col("direction") == "low")).sum().cast(pl.Int64),
        )
        .with_columns(
            flagged_label=pl.when(pl.col("months_judged") == 0)
            .then(pl.lit("not judged"))
            .otherwise(
                pl.format(
                    "{} of {} month{}",
                    pl.col("months_high") + pl.col("months_low"),
                    pl.col("months_judged"),
                    pl.when(pl.col("months_judged") == 1).then(pl.lit("")).otherwise(pl.lit("s")),
                )
            )
        )
        .sort("agent")
    )


def _month(d: date) -> str:
    return d.strftime("%b %Y")


def stability_sentence(history: pl.DataFrame, agent: str) -> str:
    """Whether ``agent`` was flagged in earlier months too, in one sentence.

    Each month is judged on its own tickets (:func:`lib.outliers.flag_history`).

    >>> from datetime import date
    >>> h = pl.DataFrame({"agent": ["a"] * 4,
    ...     "period_start": [date(2024, m, 1) for m in (1, 2, 3, 4)],
    ...     "judged": [False, True, True, True], "flagged": [False, True, False, True],
    ...     "direction": [None, "high", None, "high"]})
    >>> stability_sentence(h, "a")
    'Flagged high in 2 of the 3 months judged on their own (Feb 2024 and Apr 2024), including the latest (Apr 2024). 1 month had too few expected escalations to judge.'
    >>> stability_sentence(h, "zed")
    'zed has no tickets in the months on record.'
    """  # noqa: E501
    mine = history.filter(pl.col("agent") == agent).sort("period_start")
    if mine.height == 0:
        return f"{agent} has no tickets in the months on record."
    judged = mine.filter(pl.col("judged").fill_null(False))
    unjudged = mine.height - judged.height
    tail = (
        f" {unjudged} month{'' if unjudged == 1 else 's'} had too few expected escalations to "
        "judge."
        if unjudged
        else ""
    )
    if judged.height == 0:
        return (
            f"No month had enough expected escalations to judge {agent} on its own "
            f"({mine.height} month{'' if mine.height == 1 else 's'} on record)."
        )
    flagged = judged.filter(pl.col("flagged").fill_null(False))
    n = judged.height
    months = "month" if n == 1 else "months"
    if flagged.height == 0:
        return f"Not flagged in any of the {n} {months} judged on their own.{tail}"
    parts = []
    for direction in ("high", "low"):
        hit = flagged.filter(pl.col("direction") == direction).get_column("period_start")
        if hit.len():
            parts.append(
                f"flagged {direction} in {hit.len()} of the {n} {months} judged on their own "
                f"({_names([_month(d) for d in hit.to_list()], 4)})"
            )
    sentence = "; ".join(parts)
    sentence = sentence[0].upper() + sentence[1:]
    last = judged.row(-1, named=True)
    latest = _month(last["period_start"])
    if last["flagged"]:
        sentence += f", including the latest ({latest})."
    else:
        sentence += f"; not flagged in the latest ({latest})."
    return sentence + tail


# --------------------------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------------------------

_PEER_SCHEMA = {
    "measure": pl.String,
    "unit": pl.String,
    "agent_value": pl.Float64,
    "peers_value": pl.Float64,
    "agent_n": pl.Int64,
    "peers_n": pl.Int64,
    "p_value": pl.Float64,
    "verdict": pl.String,
    "agent_text": pl.String,
    "peers_text": pl.String,
}


def _fmt_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    if unit == "minutes":
        return f"{value:.0f} min"
    return f"{value:.2f}"


def _verdict(diff: float | None, p: float | None, n1: int, n2: int, min_n: int) -> str:
    if n1 < min_n or n2 < min_n or p is None or diff is None:
        return "too few to compare"
    if p < 0.05 and diff != 0:
        return ("higher" if diff > 0 else "lower") + f" than peers (p = {p:.2g})"
    return f"no clear difference (p = {p:.2g})"


def _share_row(measure: str, t: pl.DataFrame, hit: pl.Expr, min_n: int) -> dict[str, Any]:
    counts = dict.fromkeys(("agent", "peers"), (0, 0))
    for who, k, n in (
        t.filter(pl.col("reassignments").is_not_null())
        .group_by("__who")
        .agg(k=hit.sum().cast(pl.Int64), n=pl.len().cast(pl.Int64))
        .iter_rows()
    ):
        counts[who] = (int(k), int(n))
    (k1, n1), (k2, n2) = counts["agent"], counts["peers"]
    test = two_proportion_test(k1, n1, k2, n2)
    return {
        "measure": measure,
        "unit": "share",
        "agent_value": test.p1,
        "peers_value": test.p2,
        "agent_n": n1,
        "peers_n": n2,
        "p_value": test.p_value,
        "verdict": _verdict(test.diff, test.p_value, n1, n2, min_n),
    }


def _median_row(
    measure: str, unit: str, t: pl.DataFrame, value: pl.Expr, min_n: int
) -> dict[str, Any]:
    v = t.select(pl.col("__who"), value.alias("v")).drop_nulls()
    mine = v.get_column("__who") == "agent"
    a, b = v.filter(mine)["v"].to_numpy(), v.filter(~mine)["v"].to_numpy()
    med_a = float(np.median(a)) if a.size else None
    med_b = float(np.median(b)) if b.size else None
    p = None
    if a.size and b.size:
        p = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
        if math.isnan(p):
            p = None
    diff = None if med_a is None or med_b is None else med_a - med_b
    return {
        "measure": measure,
        "unit": unit,
        "agent_value": med_a,
        "peers_value": med_b,
        "agent_n": int(a.size),
        "peers_n": int(b.size),
        "p_value": p,
        "verdict": _verdict(diff, p, int(a.size), int(b.size), min_n),
    }


def peer_comparison(tickets: pl.DataFrame, agent: str, *, min_n: int = 5) -> pl.DataFrame:
    """An agent's reassignment, escalation-time and first-reply figures against their peers.

    Peers are every other assigned ticket in the frame. Rows (those the export can fill):

    - share of tickets reassigned, of those not escalated (an escalation itself usually
      moves the ticket, so this shows passing tickets around *without* escalating) and of all;
    - median reassignments of escalated tickets (bouncing after escalating);
    - median hours from creation to escalation (needs ``escalated_at``);
    - median minutes to the first reply.

    Shares are compared with a two-proportion z-test, medians with a Mann-Whitney U test;
    ``verdict`` says "higher/lower than peers" only when p < 0.05 and both sides have at least
    ``min_n`` tickets. Columns: measure, unit, agent_value, peers_value, agent_n, peers_n,
    p_value, verdict, agent_text, peers_text.

    >>> t = pl.DataFrame({"agent": ["a"] * 4 + ["b"] * 4,
    ...     "escalated": [False, False, False, True] * 2,
    ...     "reassignments": [1, 1, 0, 2, 0, 0, 0, 1]})
    >>> peer_comparison(t, "a", min_n=1).select("measure", "agent_text", "peers_text").rows()
    [('Reassigned, tickets not escalated', '66.7%', '0.0%'), ('Reassigned, all tickets', '75.0%', '25.0%'), ('Reassignments per escalated ticket (median)', '2.00', '1.00')]
    """  # noqa: E501
    _require(tickets, ["agent", "escalated"], "a peer comparison")
    who = pl.when(pl.col("agent") == agent).then(pl.lit("agent")).otherwise(pl.lit("peers"))
    used = ("escalated", "created_at", "escalated_at", "reassignments", "first_response_minutes")
    t = (
        tickets.lazy()
        .filter(pl.col("agent").is_not_null())
        .select(who.alias("__who"), *[c for c in used if c in tickets.columns])
        .collect()
    )
    esc = pl.col("escalated").fill_null(False)
    rows: list[dict[str, Any]] = []
    if "reassignments" in t.columns and t.get_column("reassignments").null_count() < t.height:
        r = pl.col("reassignments")
        rows.append(_share_row("Reassigned, tickets not escalated", t.filter(~esc), r > 0, min_n))
        rows.append(_share_row("Reassigned, all tickets", t, r > 0, min_n))
        rows.append(
            _median_row(
                "Reassignments per escalated ticket (median)",
                "count",
                t.filter(esc),
                r.cast(pl.Float64),
                min_n,
            )
        )
    if "escalated_at" in t.columns:
        hours = (
            pl.when(esc & (pl.col("escalated_at") >= pl.col("created_at")))
            .then((pl.col("escalated_at") - pl.col("created_at")).dt.total_seconds() / 3600)
            .otherwise(None)
        )
        if t.select(hours.drop_nulls().len()).item():
            rows.append(_median_row("Hours to escalate (median)", "hours", t, hours, min_n))
    if (
        "first_response_minutes" in t.columns
        and t.get_column("first_response_minutes").null_count() < t.height
    ):
        rows.append(
            _median_row(
                "Minutes to first reply (median)",
                "minutes",
                t,
                pl.col("first_response_minutes").cast(pl.Float64),
                min_n,
            )
        )
    for row in rows:
        row["agent_text"] = _fmt_value(row["agent_value"], row["unit"])
        row["peers_text"] = _fmt_value(row["peers_value"], row["unit"])
    return pl.DataFrame(rows, schema=_PEER_SCHEMA)


def escalated_tickets(tickets: pl.DataFrame, agent: str) -> pl.DataFrame:
    """The agent's escalated tickets, newest first: ticket_id, created_at, subject, category,
    channel, priority, escalation_reason (those present).

    >>> from datetime import datetime, UTC
    >>> t = pl.DataFrame({"ticket_id": ["1", "2", "3"], "agent": ["a", "a", "b"],
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3)],
    ...     "escalated": [True, True, True]})
    >>> escalated_tickets(t, "a").get_column("ticket_id").to_list()
    ['2', '1']
    """
    _require(tickets, ["agent", "escalated", "ticket_id"], "the escalated ticket list")
    cols = [
        c
        for c in (
            "ticket_id", "created_at", "subject", "category", "channel", "priority",
            "customer_tier", "escalation_reason",
        )
        if c in tickets.columns
    ]  # fmt: skip
    out = tickets.filter((pl.col("agent") == agent) & pl.col("escalated").fill_null(False))
    order = [c for c in ("created_at", "ticket_id") if c in cols]
    return out.select(cols).sort(order, descending=True, nulls_last=True)


# --------------------------------------------------------------------------------------------
# The drill-down bundle
# --------------------------------------------------------------------------------------------


def trend_every(start: date | None, end: date | None) -> str:
    """The trend's bucket for a period: days up to six weeks, weeks up to a year, else months.

    >>> from datetime import date
    >>> trend_every(date(2024, 1, 1), date(2024, 1, 14)), trend_every(None, None)
    ('1d', '1w')
    """
    if start is None or end is None:
        return "1w"
    days = (end - start) / timedelta(days=1) + 1
    if days <= 42:
        return "1d"
    return "1w" if days <= 366 else "1mo"


@dataclass(frozen=True)
class AgentDetail:
    """Everything the drill-down shows for one agent (see :func:`agent_detail`)."""

    agent: str
    #: The agent's row of the comparison table (as a dict).
    row: dict[str, Any]
    #: Observed vs expected escalations per category (:func:`agent_category_breakdown`).
    categories: pl.DataFrame
    #: Observed vs expected per period (:func:`agent_expected_trend`).
    trend: pl.DataFrame
    #: :func:`peer_comparison`.
    peers: pl.DataFrame
    #: :func:`escalated_tickets`.
    escalated: pl.DataFrame


def agent_detail(
    tickets: pl.DataFrame, agent: str, comparison: Any, *, every: str = "1w"
) -> AgentDetail:
    """The drill-down of one agent, reusing the comparison's fitted model.

    ``tickets`` are the tickets the comparison was made on (same period and filters) and
    ``comparison`` its :class:`lib.outliers.AgentComparison`.

    >>> from lib.outliers import agent_comparison
    >>> from datetime import datetime, UTC
    >>> t = pl.DataFrame({"ticket_id": [str(i) for i in range(8)],
    ...     "agent": ["a"] * 4 + ["b"] * 4, "category": ["x", "y"] * 4,
    ...     "created_at": [datetime(2024, 1, 1, tzinfo=UTC)] * 8,
    ...     "escalated": [True, True, False, False, True, False, False, False]})
    >>> d = agent_detail(t, "a", agent_comparison(t, min_expected=0))
    >>> d.row["escalated"], d.categories.get_column("escalated").sum(), d.escalated.height
    (2, 2, 2)
    """
    from lib.outliers import agent_category_breakdown, agent_expected_trend

    row = comparison.table.filter(pl.col("agent") == agent)
    if row.height == 0:
        raise AgentReviewError(f"{agent!r} has no tickets in this comparison")
    model = comparison.model
    categories = (
        agent_category_breakdown(tickets, agent, model=model)
        if "category" in tickets.columns
        else pl.DataFrame()
    )
    trend = (
        agent_expected_trend(tickets, agent, every=every, model=model)
        if "created_at" in tickets.columns
        else pl.DataFrame()
    )
    return AgentDetail(
        agent=agent,
        row=row.row(0, named=True),
        categories=categories,
        trend=trend,
        peers=peer_comparison(tickets, agent),
        escalated=escalated_tickets(tickets, agent),
    )
