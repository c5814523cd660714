"""Overview: where does the escalation rate stand against the previous period and the baseline?"""

from __future__ import annotations

import streamlit as st

from lib import audit, formatting, plain_words
from lib.audit.maturity import maturing_note
from lib.charts import deltas, overview, tables
from lib.charts.common import band_note
from lib.charts.maturity import maturing_trend_chart
from lib.markdown import md_escape
from ui import (
    aggregates,
    decomposition,
    editors,
    horizon,
    import_notice,
    layout,
    session,
    sidebar,
    tags,
    widgets,
)

layout.header("Overview", "Where does the escalation rate stand, and is it moving?")
import_notice.show()  # just imported on the Data page: what was saved
data = layout.page_data()

prds = sidebar.review_periods()
dims = sidebar.dimension_filters()
hz = horizon.current()  # compare periods on escalation within a fixed horizon (None: as exported)
qc = aggregates.aggregate(data, audit.quarter_comparison, where=dims, horizon=hz)
if prds is None or qc.get_column("tickets").sum() == 0:
    layout.empty_state("No tickets match the filters.", action="Clear a filter in the sidebar.")
    st.stop()

policy = tags.policy_categories()
kpi = aggregates.aggregate(
    data, audit.kpis, where=dims, periods=prds, policy_categories=policy, horizon=hz
)
# what changed and what drives it: the one story the Breakdowns, Drivers, agenda and pack tell
story = aggregates.aggregate(data, audit.period_story, where=dims, periods=prds, horizon=hz)

# ---- the narrative and the headline numbers -------------------------------------------------
# When the rules hardly match the export (the warning above says so), rates are no finding.
low_signal = layout.escalation_signal(data) is not None
if not low_signal:
    with st.container(border=True):
        said = audit.story_words(story).lines
        st.markdown(":material/summarize: " + md_escape(said[0]) + "\n\n" + md_escape(said[1]))
        if said[2:]:
            st.markdown("\n".join(f"- {md_escape(line)}" for line in said[2:]))

row1 = st.columns([1, 1, 1.4, 1.4])
for col, (name, label) in zip(
    row1,
    (("tickets", "Tickets"), ("escalations", "Escalations"), ("rate", "Escalation rate")),
    strict=False,
):
    card = formatting.kpi_metric(kpi, name)
    if name == "rate" and low_signal:
        card = formatting.low_signal_rate(card, kpi.review["escalations"])
    card = horizon.card(kpi, name, card)
    if name == "escalations" and not low_signal:  # a rise is bad: red beyond chance
        card = deltas.escalations_card(kpi, card)
    col.metric(label, **card, border=True)
baseline = overview.baseline_card(kpi)
if low_signal:
    baseline = formatting.low_signal_rate(baseline, kpi.baseline["escalations"])
row1[3].metric("Baseline rate", **baseline, border=True)
row2 = st.columns(5)
row2[0].metric(
    "Time to escalate", **overview.kpi_card(kpi, "median_hours_to_escalate"), border=True
)
row2[1].metric(
    "First response", **overview.kpi_card(kpi, "median_first_response_minutes"), border=True
)
row2[2].metric("Satisfaction", **overview.csat_card(kpi), border=True)
row2[3].metric("Reopen rate", **overview.kpi_card(kpi, "reopen_rate"), border=True)
no_tags = {"value": "–", "delta": "no category tagged", "delta_color": "off", "delta_arrow": "off"}
policy_card = overview.kpi_card(kpi, "policy_share") if policy else no_tags
row2[4].metric("Policy-based share", **policy_card, border=True)
notes = []
if kpi.review["escalations_timed"] == 0:
    notes.append("this export has no escalation times, so there is no time to escalate")
if not policy:
    notes.append("no category is tagged policy-based yet (tag them on **Drivers**)")
notes.append("time to escalate and first response are medians")
st.caption(formatting.kpi_caption(kpi) + " Note: " + "; ".join(notes) + ".")
if hz is not None:
    st.caption(horizon.caption(kpi))

with st.expander("Review period, previous period and baseline side by side", expanded=True):
    side = overview.kpi_table(kpi)
    if low_signal:  # the rates under the warning read "–", as on the cards
        side = formatting.low_signal_table(side, kpi)
    widgets.table(side, key="ov_kpis", filename="headline_numbers.csv")
    for vs, label in (("previous", "previous period"), ("baseline", "baseline")):
        test = kpi.change(vs)
        st.markdown(
            f"- Review period vs {label}: {overview.verdict(test)}",
            help=f"Two-proportion test: {plain_words.figures(p=test.p_value)}"
            if test.testable
            else None,
        )
    st.caption(
        "Rates carry a 95% Wilson interval; a change is called real only when chance alone "
        "would give one this large less than 1 time in 20 (a two-proportion test). n = tickets "
        "the number is based on."
    )

# ---- why the rate moved: mix or performance (issue 13) ---------------------------------------
st.subheader("Why did the rate move: mix or performance?")
if split_by := decomposition.choose_dimension(data, key="ov_mix_by"):
    decomposition.rate_change_section(data, prds, by=split_by, where=dims, key="ov_mix", horizon=hz)

# ---- the trend ------------------------------------------------------------------------------
st.subheader("Trend")
every = st.segmented_control(
    "Trend by", ["Day", "Week", "Two weeks", "Month", "Quarter"], default="Week", key="ov_every"
)
code = {"Day": "1d", "Week": "1w", "Two weeks": "2w", "Month": "1mo", "Quarter": "1q"}[
    every or "Week"
]
tr = aggregates.aggregate(
    data, audit.trend, every=code, align_to=prds.review[1] if code == "2w" else None, horizon=hz
)
if tr.height == 0:
    layout.empty_state("No tickets in the selected date range.", action="Widen the date range.")
else:
    first, last = tr.get_column("period_start").min(), tr.get_column("period_end").max()
    marks = overview.markers(
        session.store().list_meetings(), session.store().list_events(), start=first, end=last
    )
    widgets.chart_downloads(
        maturing_trend_chart(tr, markers=marks), "escalation_trend", key="ov_trend", data=tr
    )
    st.caption(
        "Bars: tickets created per period (right axis). Line: share escalated, with its 95% "
        "Wilson interval as the band (wide bands = few tickets). Dotted lines mark review "
        "meetings and the events below. Hover for counts. "
        + band_note(tr, (every or "Week").lower().replace("two weeks", "two-week period"))
    )
    if hz is not None:
        st.caption(
            ":material/hourglass_top: Hatched bars and open points: "
            + maturing_note(int(tr.get_column("maturing").sum()), hz)
        )

with st.expander("Events on the trend (policy changes, releases, new playbooks)"):
    if session.can_edit():
        editors.events_editor()
    else:
        st.caption("You have read-only access: ask an editor to add events.")
    events = session.store().list_events()
    if events.height:
        widgets.table(
            events.select("date", "kind", "title", "created_by"),
            key="ov_events",
            filename="events.csv",
        )

# ---- quarter over quarter -------------------------------------------------------------------
st.subheader("Quarter over quarter")
if qc.height < 2:
    layout.empty_state(
        "The data cover less than two calendar quarters.", action="Load a longer export."
    )
else:
    young = (("maturing", "Still maturing", "int"),) if "maturing" in qc.columns else ()
    view = tables.present(qc.with_columns(overview.verdict_expr()), tables.QUARTER_VIEW + young)
    widgets.table(view, key="ov_quarters", filename="quarter_over_quarter.csv")
    st.caption(
        "All dates, sidebar filters applied. A quarter with fewer days of data than the "
        "calendar quarter is partial; its rate is still comparable, its volume is not."
    )
