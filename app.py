"""Escalation Review: the router, the shared sidebar and page furniture.

Run with ``make run`` (or ``streamlit run app.py``). ``REVIEW_DATA=a.csv:b.csv make run`` opens
the app on those exports; without it the app reopens the last dataset, or the bundled demo.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

from ui import agents_work, auth, dataset, layout, sidebar

st.set_page_config(
    page_title="Escalation Review",
    page_icon=str(dataset.ROOT / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="auto",
)
layout.style()
auth.gate()

PAGES = {
    "Review": [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("views/breakdowns.py", title="Breakdowns", icon=":material/stacked_bar_chart:"),
        st.Page("views/drivers.py", title="Drivers", icon=":material/troubleshoot:"),
        st.Page("views/routing.py", title="Routing & policy", icon=":material/alt_route:"),
        st.Page("views/agents.py", title="Agents", icon=":material/support_agent:"),
        st.Page("views/anomalies.py", title="Anomalies", icon=":material/notifications_active:"),
        st.Page("views/at_risk.py", title="At risk", icon=":material/crisis_alert:"),
        st.Page("views/product.py", title="Product bugs", icon=":material/bug_report:"),
        st.Page("views/meetings.py", title="Review meetings", icon=":material/groups:"),
        st.Page("views/calibration.py", title="Calibration", icon=":material/balance:"),
        st.Page("views/settings.py", title="Alerts & digests", icon=":material/notifications:"),
    ],
    "Data": [
        st.Page("views/data.py", title="Data", icon=":material/upload_file:"),
    ],
}
nav = st.navigation(PAGES)
data = dataset.active()
sidebar.render(data)
st.session_state["_active"] = data
rerun = False
try:
    nav.run()
except RerunException:  # a click mid-run: the rerun draws the page first, then its turn
    rerun = True
    raise
finally:
    if not rerun and data is not None and data.tickets.height >= agents_work.WARM_ROWS:
        # a large dataset's agent codes, made while the user reads the page just drawn (made
        # before it, they shared the two cores with the Overview's first run at 10M: 1 s more)
        agents_work.warm_codes(
            dataset.snapshot_key(data), data.tickets, saved=agents_work.codes_file(data)
        )
