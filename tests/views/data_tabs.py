"""Opening a tab of the Data page in an AppTest: only the open tab runs (``st.tabs`` with
``on_change="rerun"``), and a click on a tab sets its label in session state, as this does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.data_tabs import DATA_TAB_KEY, DATA_TABS


def open_data_tab(at: AppTest, label: str) -> AppTest:
    """Open the Data page's tab ``label`` (one of :data:`ui.data_tabs.DATA_TABS`) and rerun."""
    assert label in DATA_TABS, label
    at.session_state[DATA_TAB_KEY] = label
    return at.run()
