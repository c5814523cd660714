"""The Data page's tabs: their labels, the key that holds the open one (in the session and in
the page's URL, ``/data?tab=Datasets``), and links that open the page on one of them. Only the
open tab runs (``views/data.py``)."""

from __future__ import annotations

import streamlit as st

#: The Data page's tabs, in order (their labels name them in its URL: ``?tab=Data+quality``).
DATA_TABS = ("Import", "Escalation rules", "Data quality", "Datasets")
#: The key of the Data page's tabs: their session state and their URL's query parameter.
DATA_TAB_KEY = "tab"


def data_tab_link(tab: str, *, icon: str) -> None:
    """A link to the Data page opened on its tab ``tab`` (one of :data:`DATA_TABS`)."""
    if tab not in DATA_TABS:
        raise ValueError(f"the Data page has no tab {tab!r}")
    st.page_link(
        "views/data.py",
        label=f"Open Data → {tab}",
        icon=icon,
        query_params={DATA_TAB_KEY: tab},
    )
