"""Shared by the calibration tabs: who is answering, messages, store calls that report errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from lib.errors import ReviewError
from lib.markdown import md_escape
from ui import layout, session

FLASH = "cal_flash"
NAME = "cal_name"
GROUP = "cal_group"
TENURE = "cal_tenure"
TENURES = ("", "under 1 year", "1 to 3 years", "over 3 years")


def show_flash() -> None:
    """The message the last action left (shown once)."""
    msg = st.session_state.pop(FLASH, None)
    if msg:
        st.success(md_escape(msg), icon=":material/check_circle:")


def flash(message: str) -> None:
    st.session_state[FLASH] = message


def participant() -> str | None:
    """The signed-in user's e-mail, else the name typed in the "Your name" box."""
    actor = session.actor()
    if actor is not None:
        return actor.email
    return (st.session_state.get(NAME) or "").strip() or None


def try_store(action: Callable[[], Any], what: str) -> Any:
    """Run a store call; a refusal (closed session, bad input, read-only) becomes a message."""
    try:
        return action()
    except ReviewError as exc:
        layout.show_error(exc, what=what)
        return None


def sessions(status: str) -> pl.DataFrame:
    """Sessions with that status, newest first."""
    return session.store().list_calibration_sessions().filter(pl.col("status") == status)


def session_label(row: dict) -> str:
    """``"March calibration (10 scenarios)"``."""
    return f"{row['title']} ({row['scenarios']} scenarios)"


def pick_session(frame: pl.DataFrame, key: str, label: str) -> dict:
    """The chosen session's row (a selectbox when there is more than one)."""
    rows = frame.to_dicts()
    if len(rows) == 1:
        return rows[0]
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(
        label, list(by_id), format_func=lambda i: session_label(by_id[i]), key=key
    )
    return by_id[chosen]
