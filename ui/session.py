"""Who this session is and which store it writes to.

The process-wide store, the signed-in user's role, and whether they may edit.
"""

from __future__ import annotations

import streamlit as st

from lib.store import Actor, Store, default_store


def store() -> Store:
    """The process-wide store (one engine per process)."""
    return default_store()


def actor() -> Actor | None:
    """The signed-in user's role, or ``None`` in single-user mode (no ``[auth]`` configured)."""
    return st.session_state.get("_actor")


def can_edit() -> bool:
    """True when this session may change tags, mappings, meetings and action items."""
    a = actor()
    return a is None or a.can_edit
