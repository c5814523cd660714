"""What an agent comparison means in plain sentences: how to read the funnel, what a flag does
and does not say, which agents are not judged, and one agent's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from lib.agent_review._common import _names, _require


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
