"""Picking tickets for the next calibration set from any drill-down.

:func:`control` renders, under a drill-down's ticket table, a box to choose some of its tickets
and an "Add to the next calibration set" button (editors only; viewers see it disabled with the
reason). The picks form a draft kept in the browser session (:data:`DRAFT`: ticket id -> where
it was picked); the Calibration page's Build a set tab shows the draft pre-filled under "Ticket
ids I choose" and clears it once the session is opened. The draft is not stored: closing the
browser tab loses it, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl
import streamlit as st

from ui import session

DRAFT = "cal_draft"
HAND = "chosen by hand"
#: At most this many of a drill-down's tickets are offered (the newest, as the table shows).
MAX_OPTIONS = 2000
READ_ONLY = "Read-only access: a leader (editor) builds calibration sets."


def parse_ids(text: str) -> list[str]:
    """Ticket ids pasted one per line or separated by commas, semicolons or spaces.

    >>> parse_ids("T1, T2\\nT3;  T1")
    ['T1', 'T2', 'T3']
    """
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,;]+", text or ""):
        if part:
            seen.setdefault(part, None)
    return list(seen)


def draft() -> dict[str, str]:
    """The draft: ticket id -> where it was picked, in the order picked."""
    return dict(st.session_state.get(DRAFT) or {})


def add(ticket_ids: Sequence[str], source: str) -> int:
    """Add ``ticket_ids`` (picked on ``source``) to the draft; how many were new."""
    current = draft()
    new = [str(i) for i in ticket_ids if str(i) not in current]
    current.update({i: f"picked on {source}" for i in new})
    st.session_state[DRAFT] = current
    return len(new)


def clear() -> None:
    """Forget the draft (the session was opened with it)."""
    st.session_state.pop(DRAFT, None)


def why() -> pl.Expr:
    """``why`` for a scenario's ``ticket_id``: where it was picked, else "chosen by hand"."""
    d = draft()
    return pl.col("ticket_id").replace_strict(d, default=HAND, return_dtype=pl.String)


def sync_text(key: str) -> None:
    """Before the ids box ``key`` is drawn: show the draft in it (one id per line)."""
    ids = list(draft())
    if parse_ids(st.session_state.get(key) or "") != ids:
        st.session_state[key] = "\n".join(ids)


def from_text(key: str) -> None:
    """After the ids box ``key`` changed: the draft becomes its ids (typed ones: by hand)."""
    old = draft()
    st.session_state[DRAFT] = {i: old.get(i, HAND) for i in parse_ids(st.session_state[key])}


def _add_picked(key: str, source: str) -> None:
    chosen = st.session_state.get(key) or []
    added = add(chosen, source)
    st.session_state[key] = []
    st.session_state[f"{key}_msg"] = (
        f"Added {added} ticket(s) to the next calibration set ({len(draft())} in it)."
        if added
        else "Already in the next calibration set."
    )


def control(ticket_ids: Sequence[str], *, key: str, source: str) -> None:
    """Choose some of ``ticket_ids`` (a drill-down's tickets, shown in ``source``) and add them
    to the next calibration set."""
    edit = session.can_edit()
    options = list(dict.fromkeys(str(i) for i in ticket_ids if i is not None))[:MAX_OPTIONS]
    pick_key = f"{key}_cal_pick"
    row = st.container(horizontal=True, vertical_alignment="bottom")
    chosen = row.multiselect(
        "Tickets for the next calibration set",
        options,
        key=pick_key,
        disabled=not edit,
        placeholder="Choose ticket ids…",
        help=None if edit else READ_ONLY,
        width=360,
    )
    row.button(
        "Add to the next calibration set",
        key=f"{key}_cal_add",
        icon=":material/playlist_add:",
        disabled=not edit or not chosen,
        help=READ_ONLY if not edit else "The Calibration page's Build a set tab lists them.",
        on_click=_add_picked,
        args=(pick_key, source),
    )
    if msg := st.session_state.pop(f"{pick_key}_msg", None):
        st.success(msg, icon=":material/check_circle:")
    n = len(draft())
    if not edit:
        st.caption(READ_ONLY)
    elif n:
        st.caption(f"{n} ticket(s) in the next calibration set.")
        st.page_link(
            "views/calibration.py", label="Build it on Calibration", icon=":material/groups:"
        )
