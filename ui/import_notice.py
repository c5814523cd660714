"""The "Imported" message, carried from the Data page's import to the Overview it opens.

An import is followed by the Overview (what the user reads next): the message that the
tickets were saved is shown there once, on top, instead of on a page the user leaves.
"""

from __future__ import annotations

import streamlit as st

#: Session key of the message waiting for the Overview.
NOTICE = "imp_notice"
OVERVIEW = "views/overview.py"


def open_overview(text: str) -> None:
    """Keep ``text`` for the Overview and switch to it (ends this script run).

    >>> OVERVIEW
    'views/overview.py'
    """
    st.session_state[NOTICE] = text
    st.switch_page(OVERVIEW)


def show() -> None:
    """On the Overview: the import's message, once."""
    text = st.session_state.pop(NOTICE, None)
    if text:
        st.success(text, icon=":material/task_alt:")
