"""Suggested escalation signals: what the export says about escalations, one click to a rule.

Shown on the Data page (Escalation rules tab) and on the import screen after the tickets are
read; the finding is :func:`lib.ingest.signals.suggest_signals`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from lib.ingest.rules import SIGNAL_ADVICE, Rule
from lib.ingest.signals import Signal, accept_signal, suggest_signals
from lib.markdown import md_escape

#: What each kind of signal is, in the reader's words.
KINDS = {
    "flag": "a yes/no column about escalation",
    "tier_move": "the event log moves the ticket to a higher level",
    "group_move": "the ticket ended in another group than it started in",
    "value": "a status, group, level or category value",
    "team": "a category naming an engineering or development team",
    "tag": "a tag",
    "link": "a linked issue (engineering, problem, bug)",
    "sla": "a broken SLA or overdue flag",
    "reassigned": "how often the ticket was reassigned",
}
#: How many suggestions are shown.
SHOWN = 5


def _line(sig: Signal) -> str:
    example = f", for example ticket {md_escape(sig.example)}" if sig.example else ""
    return f"**{md_escape(sig.label)}**: {sig.tickets:,} tickets ({sig.share:.1%}){example}."


def signal_choices(
    frame: pl.DataFrame,
    rules: list[Rule],
    *,
    key: str,
    mapping: Mapping[str, Any] | None = None,
    low_signal: bool,
    found: list[Signal] | None = None,
) -> list[Rule] | None:
    """The export's escalation signals, each with its ticket count, an example ticket and a
    button that switches its rule on; returns the new rules when one is chosen. With
    ``low_signal`` (the rules mark (almost) nothing) the buttons are the primary action.
    ``found``: the signals when already worked out (:func:`suggest_signals`)."""
    if found is None:
        found = suggest_signals(frame, rules, mapping=mapping)
    if not found:
        if low_signal:
            st.info(
                "No column of this export looks like an escalation signal (no tier, level or "
                "escalation value, no yes/no escalation or SLA column, no linked issue, no "
                "reassignment count). Add a rule of your own below if a value does mean "
                "escalated.",
                icon=":material/search_off:",
            )
        return None
    st.markdown(
        "**Escalation signals in this export**"
        + (" (choose one so the rates mean something)" if low_signal else "")
    )
    st.caption(
        "Columns and values of your export that suggest a ticket went up a level, best first, "
        "with how many tickets each marks. Using one adds it as a rule; you can switch it off "
        "or delete it later."
    )
    for i, sig in enumerate(found[:SHOWN]):
        with st.container(border=True, key=f"{key}_sig_{i}"):
            text, button = st.columns([5, 1], vertical_alignment="center")
            text.markdown(_line(sig))
            text.caption(f"Signal: {KINDS.get(sig.kind, sig.kind)}.")
            if button.button(
                "Use this signal",
                key=f"{key}_use_{i}",
                type="primary" if low_signal and i == 0 else "secondary",
                icon=":material/add_task:",
            ):
                return accept_signal(rules, sig)
    return None


def low_signal_warning(text: str, *, key: str) -> None:
    """The low-signal sentence (``escalation_signal``) where the signals are listed: it points
    below instead of to the Data page."""
    here = text.removesuffix(SIGNAL_ADVICE) + " Choose one of the export's signals below."
    with st.container(key=key):
        st.warning(md_escape(here), icon=":material/rule:")
