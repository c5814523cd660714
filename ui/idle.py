"""The idle-ticket threshold (hours without an update), one setting for the Routing and At risk
pages: a value chosen on one page is the value on the other."""

from __future__ import annotations

from typing import Any

import streamlit as st

#: Session key of the setting (not a widget key: a page's box is removed when it is not shown).
SETTING = "_idle_hours"
DEFAULT_HOURS = 48


def hours() -> float:
    """The session's idle threshold in hours."""
    return float(st.session_state.get(SETTING, DEFAULT_HOURS))


def _keep(key: str) -> None:
    st.session_state[SETTING] = st.session_state[key]


def control(container: Any, *, key: str) -> float:
    """The "Idle for more than (hours)" box bound to the shared setting (each page's box has
    its own ``key``); returns the threshold."""
    st.session_state[key] = int(hours())
    container.number_input(
        "Idle for more than (hours)",
        min_value=1,
        max_value=24 * 90,
        step=12,
        key=key,
        on_change=_keep,
        args=(key,),
        help="The idle-ticket rule: an open ticket without an update for longer than this is "
        "flagged. One setting for the Routing and At risk pages.",
    )
    return hours()
