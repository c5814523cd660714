"""Opening a lazy tab in an AppTest: only the open tab runs (``st.tabs`` with
``on_change="rerun"``), and a click on a tab sets its label in session state, as this does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.data_tabs import DATA_TAB_KEY, DATA_TABS

#: The key of the Routing & policy page's tabs (``views/routing.py``).
ROUTING_TAB_KEY = "rt_tab"


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab ``label`` of the tabs with key ``key`` and rerun; fails when the page drew
    no such tab."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tabs = [t for t in at.tabs if t.label == label]
    assert tabs, f"no tab {label!r} on the page"
    return at


def open_data_tab(at: AppTest, label: str) -> AppTest:
    """Open the Data page's tab ``label`` (one of :data:`ui.data_tabs.DATA_TABS`) and rerun."""
    assert label in DATA_TABS, label
    at.session_state[DATA_TAB_KEY] = label
    return at.run()


def open_routing_tab(at: AppTest, label: str) -> AppTest:
    """Open the Routing & policy page's tab ``label`` and rerun."""
    return open_tab(at, ROUTING_TAB_KEY, label)
