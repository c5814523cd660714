"""What an agent comparison means in plain sentences: how to read the funnel, what a flag does
and does not say, which agents are not judged, and one agent's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from lib import plain_words
from lib.agent_review._common import _names, _require
from lib.formatting import count, pvalue
from lib.formatting import ratio as fmt_ratio


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


def case_mix_sentence(terms: Sequence[str], tickets_columns: Sequence[str] = ()) -> str:
    """What the case mix rests on: values known at creation where the export has them.

    ``terms`` are the case-mix columns used; ``tickets_columns`` the columns the tickets have.

    >>> case_mix_sentence(["category", "priority", "month"], ["group"])[:73]
    'Case mix: category, priority and month of creation. Category and priority'
    """
    names = [
        {"first_group": "group at creation", "month": "month of creation"}.get(
            t, t.replace("_", " ")
        )
        for t in terms
    ]
    out = f"Case mix: {_join_words(names) or 'nothing'}."
    final = [t.replace("_", " ") for t in terms if t in ("category", "priority", "channel")]
    if final:
        out += (
            f" {_join_words(final).capitalize()} {'is' if len(final) == 1 else 'are'} the "
            "export's final values (it gives none at creation), so a change made during the "
            "escalation counts as case mix."
        )
    if "first_group" not in terms and "group" in tickets_columns:
        out += (
            " Group is not adjusted for: the export gives no group at creation (or only a copy "
            "of the final group), and the final group of an escalated ticket is where it was sent."
        )
    return out


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
        f"(flagged when the chance it's noise, with every agent tested, is below "
        f"{c.q_level:.0%}, so up to about {c.q_level:.0%} of flags may be false alarms; "
        "Benjamini–Hochberg).",
        "Flags come from that chance, not from the lines. A dot just outside the outer line "
        "(which chance alone crosses for fewer than 1 in 1,000 agents) can stay unflagged once "
        "every agent is tested together, and the lines are drawn with the team's average "
        "variance, so an agent's own limits (in the table's download) can sit slightly off "
        "the line.",
        f"Case mix is only what the export records: the ticket's {mix}. Harder customers "
        "within a category, special assignments, shifts or a queue routed to one person are "
        "invisible to the model. Read the agent's escalated tickets and talk with them before "
        "concluding anything.",
        "Not flagged is not the same as fine: an agent with few tickets needs a large "
        "difference to be flagged, and agents below the minimum are not judged at all.",
        dispersion_sentence(c),
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
    apart = pl.col("comparable").fill_null(True) if "comparable" in table.columns else pl.lit(True)
    names = (
        table.filter(~pl.col("judged").fill_null(False) & apart)
        .get_column("agent")
        .sort()
        .to_list()
    )
    if not names:
        return None
    who = f" ({_names(names, 4)})"
    verb = "has" if len(names) == 1 else "have"
    if (
        "shrunk_ratio" in table.columns
        and table.get_column("shrunk_ratio").null_count() < table.height
    ):
        return (
            f"{len(names)} of {table.height} agents{who} {verb} no expected escalations in the "
            "period: they are shown (hollow grey dots, listed last) but not judged."
        )
    return (
        f"{len(names)} of {table.height} agents{who} {verb} fewer than {min_expected:g} expected "
        "escalations in the period: they are shown (hollow grey dots, listed last) but not "
        "judged, because so few escalations cannot tell a real difference from chance. Widen "
        "the period or lower the minimum to judge them."
    )


def not_comparable_sentence(table: pl.DataFrame) -> str | None:
    """Which agents are not comparable (mostly tickets of a kind they handle over half of).

    >>> t = pl.DataFrame({"agent": ["a", "b"], "comparable": [True, False]})
    >>> not_comparable_sentence(t)[:60]
    '1 of 2 agents (b) is not comparable: more than 90% of their '
    """
    from lib.outliers.compare import NOT_COMPARABLE_SHARE

    if "comparable" not in table.columns:
        return None
    names = table.filter(~pl.col("comparable").fill_null(True)).get_column("agent").sort()
    if names.is_empty():
        return None
    verb = "is" if names.len() == 1 else "are"
    return (
        f"{names.len()} of {table.height} agents ({_names(names.to_list(), 4)}) {verb} not "
        f"comparable: more than {NOT_COMPARABLE_SHARE:.0%} of their expected escalations come "
        "from kinds of ticket (the same case-mix levels apart from the month) where they handle "
        "over half of the tickets, so the standard there rests mostly on their own work or on "
        "the few tickets others had. They are shown but not judged (column “Own-kind share”)."
    )


def dispersion_sentence(comparison: Any) -> str:
    """How much agents differ beyond chance, in words (the figures: :func:`dispersion_figures`).

    >>> from types import SimpleNamespace as NS
    >>> dispersion_sentence(NS(phi=1.17, phi_p_value=0.23, n_judged=15))
    'Agents differ about as much as chance alone would make them differ: the funnel allows for chance and this usual variation.'
    """  # noqa: E501
    c = comparison
    if c.phi is None:
        return (
            f"Too few judged agents ({c.n_judged}) to tell how much agents differ beyond "
            "chance; the funnel allows for chance only."
        )
    said = plain_words.dispersion(c.phi, c.phi_p_value)
    return f"{said[0].upper()}{said[1:]}: the funnel allows for chance and this usual variation."


def dispersion_figures(comparison: Any) -> str:
    """The figures behind :func:`dispersion_sentence`, for a tooltip.

    >>> from types import SimpleNamespace as NS
    >>> dispersion_figures(NS(phi=1.17, phi_p_value=0.23, overdispersion_summary=lambda: "x."))
    'Dispersion phi=1.17 (test p=0.23; 1 = chance alone). x.'
    """
    if comparison.phi is None:
        return comparison.overdispersion_summary()
    return (
        f"Dispersion phi={comparison.phi:.2f} (test {pvalue(comparison.phi_p_value)}; "
        f"1 = chance alone). {comparison.overdispersion_summary()}"
    )


def agent_sentence(row: dict[str, Any], *, min_expected: float, q_level: float) -> str:
    """One agent's result in words, from their row of the comparison table.

    >>> row = {"agent": "ann", "tickets": 400, "escalated": 60, "expected": 30.0,
    ...        "ratio": 2.0, "ratio_low": 1.53, "ratio_high": 2.57, "q_value": 0.00002,
    ...        "judged": True, "flagged": True, "direction": "high"}
    >>> agent_sentence(row, min_expected=5, q_level=0.05)
    'ann escalated 60 of 400 tickets where their case mix predicts 30: 2.00 times as many as expected (95% interval 1.53 to 2.57). Flagged high: more escalations than their case mix predicts, unlikely to be chance (about 1 in 50,000, with every agent tested).'
    >>> agent_sentence({**row, "expected": 2.5, "judged": False}, min_expected=5, q_level=0.05)
    'ann escalated 60 of 400 tickets where their case mix predicts 2: fewer than 5 expected escalations, too few to judge.'
    """  # noqa: E501
    head = (
        f"{row['agent']} escalated {row['escalated']:,} of {row['tickets']:,} tickets where "
        f"their case mix predicts {count(row['expected'])}"
    )
    if not row.get("judged"):
        return f"{head}: fewer than {min_expected:g} expected escalations, too few to judge."
    ratio = row.get("ratio")
    times = "" if ratio is None else f": {fmt_ratio(ratio)} times as many as expected"
    if ratio is not None and row.get("ratio_low") is not None:
        times += f" (95% interval {fmt_ratio(row['ratio_low'])} to {fmt_ratio(row['ratio_high'])})"
    q = row.get("q_value")
    odds = "" if q is None else f" ({plain_words.odds(q)}, with every agent tested)"
    if row.get("flagged"):
        status = "Flagged high" if row["direction"] == "high" else "Flagged low"
        said = plain_words.flag(status)
        verdict = f"{status}: {said[0].lower()}{said[1:]}{odds}."
    else:
        verdict = (
            f"Not flagged: within what chance and the usual variation between agents explain{odds}."
        )
    return f"{head}{times}. {verdict}"
