"""Overview: where does the escalation rate stand against the previous period and the baseline?"""

from __future__ import annotations

import streamlit as st

import ui
from lib import charts, formatting, metrics

ui.header("Overview", "Where does the escalation rate stand, and is it moving?")
data = st.session_state.get("_active")
if data is None:
    ui.no_data()
    st.stop()
ui.context_caption(data)

tickets = ui.filtered(data, dates=False)
prds = ui.review_periods()
if tickets.height == 0 or prds is None:
    ui.empty_state("No tickets match the filters.", action="Clear a filter in the sidebar.")
    st.stop()

kpi = metrics.kpis(tickets, prds)
st.markdown(metrics.narrative(kpi, metrics.drivers(metrics.apply_filters(tickets, ui.filters()))))
cols = st.columns(3)
for col, (name, label) in zip(
    cols,
    (("tickets", "Tickets"), ("escalations", "Escalations"), ("rate", "Escalation rate")),
    strict=True,
):
    col.metric(label, **formatting.kpi_metric(kpi, name))
st.caption(formatting.kpi_caption(kpi))

every = st.segmented_control(
    "Trend by", ["Day", "Week", "Two weeks", "Month", "Quarter"], default="Week", key="ov_every"
)
code = {"Day": "1d", "Week": "1w", "Two weeks": "2w", "Month": "1mo", "Quarter": "1q"}[
    every or "Week"
]
in_range = ui.filtered(data)
tr = metrics.trend(in_range, every=code)
if tr.height == 0:
    ui.empty_state("No tickets in the selected date range.", action="Widen the date range.")
else:
    st.plotly_chart(charts.trend_figure(tr), key="ov_trend")
    st.caption(
        "Bars: tickets created per period (right axis). Line: share escalated, with its 95% "
        "Wilson interval as the band. Hover for counts."
    )
    ui.download(tr, "escalation_trend.csv", key="dl_trend")
