"""Anomalies: which topics are suddenly busier, quieter or more negative than usual?"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta
from typing import Any

import polars as pl
import streamlit as st

from lib import anomaly, audit, plain_words, sentiment
from lib.charts import anomaly as charts
from lib.charts import tables
from lib.markdown import md_escape
from lib.satisfaction_time import dated_share
from lib.sentiment_words import satisfaction_date_note
from ui import anomaly_calendar, dataset, layout, scoring, session, sidebar, widgets

layout.header(
    "Anomalies",
    "Which topics are suddenly busier, quieter or more negative than usual, and what is rising "
    "before the escalation rate moves?",
)
data = layout.page_data()
prds = sidebar.review_periods()
if prds is None:
    layout.empty_state("The dataset has no tickets.", action="Load an export on **Data**.")
    st.stop()


# ---- cached work (keyed on the snapshot, filters and options; the tickets are not hashed) ---
@st.cache_data(max_entries=32, show_spinner=False)
def _detect(key: str, where: audit.Filters, opts: tuple, _t: pl.DataFrame) -> dict:
    return anomaly.review(audit.apply_filters(_t, where), **dict(opts))


@st.cache_data(max_entries=32, show_spinner=False)
def _weekly(key: str, where: audit.Filters, opts: tuple, _t: pl.DataFrame) -> pl.DataFrame:
    return anomaly.judgements(audit.apply_filters(_t, where), unit="week", **dict(opts))


@st.cache_data(max_entries=32, show_spinner=False)
def _leading(key: str, where: audit.Filters, opts: tuple, _t: pl.DataFrame) -> tuple:
    t = audit.apply_filters(_t, where)
    everything = t.with_columns(pl.lit("All tickets").alias("_all"))
    return (
        anomaly.leading_indicators(t, **dict(opts)),
        anomaly.leading_indicators(everything, **{**dict(opts), "topic": "_all"}),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _negative(key: str, where: audit.Filters, topic: str, _t: pl.DataFrame) -> pl.DataFrame:
    return sentiment.most_negative(audit.apply_filters(_t, where), topic_col=topic, n=10)


# ---- settings -------------------------------------------------------------------------------
with st.spinner("Reading ticket sentiment…"):
    tickets = scoring.sentiment_tickets(data)
method = scoring.sentiment_method(data)
end = prds.review[1]
starts = {
    "review": prds.review[0],
    "30": end - timedelta(days=29),
    "90": end - timedelta(days=89),
}
names = {
    "review": f"Review period ({prds.days('review')} days)",
    "30": "Last 30 days",
    "90": "Last 90 days",
}
topic_cols = charts.topic_columns(tickets)
sens_help = "  \n".join(s.description for s in anomaly.SENSITIVITY.values())
c1, c2, c3 = st.columns([2.1, 1, 1.7], vertical_alignment="bottom")
choice = c1.segmented_control(
    "Alerts in",
    list(starts),
    default="review",
    required=True,
    format_func=names.get,
    key="an_period",
)
topic = c2.selectbox(
    "Topics", topic_cols or ["category"], format_func=charts.TOPIC_COLUMNS.get, key="an_topic"
)
sens = c3.segmented_control(
    "Sensitivity",
    list(anomaly.SENSITIVITY),
    default="balanced",
    required=True,
    format_func=lambda s: anomaly.SENSITIVITY[s].label,
    key="an_sens",
    help=sens_help,
)
start = starts[choice or "review"]
sens = sens or "balanced"
st.caption(
    f"{charts.sensitivity_note(sens)} Design rates; measured ones are in BENCHMARKS.md. Alerts "
    f"shown: {start} to {end}. Each day is judged only on the days before it, so the sidebar's "
    "date range does not apply here (its other filters do)."
)
key, where = dataset.snapshot_key(data), sidebar.dimension_filters()
opts = (("topic", topic), ("sensitivity", sens), ("end", end))
holidays = ("holidays", anomaly_calendar.holidays())
opts += (holidays,)
dated_note = None
if scoring.sentiment_scorer(data) == "satisfaction":  # sentiment is the survey's ratings
    dated, rated = dated_share(tickets)
    dated_note = satisfaction_date_note(dated, rated)
    if dated:  # each rating on the day it was given (else the ticket's creation day)
        opts += (("sentiment_at", "satisfaction_at"),)
det = None
with (
    layout.user_errors("Anomaly detection"),
    st.spinner("Judging every topic's days…", show_time=True),
):
    det = _detect(key, where, opts, tickets)
if det is None:
    st.stop()
if det["day"].filter(pl.col("judged")).height == 0:
    layout.empty_state(
        "There is too little history to judge any topic: detection needs about five weeks of "
        "tickets (four weeks to learn from, one left out before the day judged).",
        action="Load a longer export, or clear a sidebar filter.",
    )
    st.stop()

states = session.store().get_alert_states()
found = charts.triaged(charts.overlapping(det["alerts"], start, end), states)
dismissed = found.filter(pl.col("state") == "dismissed").height
live = found.filter(pl.col("state").is_null() | (pl.col("state") != "dismissed"))
before = charts.triaged(
    charts.overlapping(
        det["alerts"], start - (end - start) - timedelta(1), start - timedelta(days=1)
    ),
    states,
)
before = before.filter(pl.col("state").is_null() | (pl.col("state") != "dismissed"))

# ---- headline numbers -----------------------------------------------------------------------
gran = det["granularity"]
weekly_n = gran.filter(pl.col("granularity") == "week").height
row = st.columns(5)
row[0].metric(
    "Alerts",
    live.height,
    f"{live.height - before.height:+,}",
    delta_color="off",
    delta_arrow="off",
    delta_description="vs before",
    border=True,
    help=f"Not counting {dismissed} dismissed as noise. Change: against the "
    f"{(end - start).days + 1} days before ({before.height} alerts).",
)
row[1].metric("Volume alerts", live.filter(pl.col("metric") == "volume").height, border=True)
row[2].metric("Sentiment alerts", live.filter(pl.col("metric") == "sentiment").height, border=True)
row[3].metric("Not yet triaged", live.filter(pl.col("state").is_null()).height, border=True)
row[4].metric(
    "Judged weekly",
    f"{weekly_n} of {gran.height}",
    border=True,
    help="Topics too small to judge day by day are judged per week.",
)
if (note := charts.weekly_note(gran)) is not None:
    st.caption(":material/calendar_view_week: " + md_escape(note))
st.caption(":material/sentiment_neutral: Sentiment: " + md_escape(method) + ".")
if dated_note is not None:
    st.caption(":material/event: " + md_escape(dated_note))
checks, used = scoring.rating_checks(data)
if used is not None and used.rated:
    with st.expander(f"How far to trust sentiment: {used.verdict.split(':')[0]}"):
        st.markdown(md_escape(used.sentence()))
        for note in scoring.sentiment_notes(data):
            st.markdown(md_escape(note))
        table = tables.rating_checks_table(checks)
        if table.height > 1:
            st.caption(
                "Every text the export offers, checked the same way on its rated tickets: the "
                "higher the AUC, the better that text tells an unhappy customer from a happy one."
            )
            widgets.table(table, key="an_rating_checks", filename="sentiment_checks.csv")
if (flash := st.session_state.pop("_an_flash", None)) is not None:
    st.success(flash, icon=":material/check:")

# ---- the alerts, each with its chart --------------------------------------------------------
st.subheader("Alerts")
anomaly_calendar.shared_events(det["shared"], start, end)
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
show_dismissed = c1.toggle(f"Show dismissed alerts ({dismissed})", key="an_dismissed")
top = c2.selectbox(
    "Charts for the first", [6, 12, 24, 48], key="an_top", format_func=lambda n: f"{n} alerts"
)
shown = found if show_dismissed else live
if shown.height == 0:
    layout.empty_state(
        f"No {charts.TOPIC_COLUMNS.get(topic, topic).lower()} alerts between {start} and {end} at "
        f"the {sens} setting.",
        action="Widen the period to the last 30 or 90 days, or choose Sensitive.",
    )
weekly_days = None
if shown.head(top).filter(pl.col("granularity") == "week").height:
    weekly_days = _weekly(key, where, opts, tickets)
BADGE = {
    None: ("new", "orange"),
    "agenda": ("on agenda", "blue"),
    "known": ("known", "green"),
    "dismissed": ("dismissed as noise", "gray"),
}
ACTIONS = (
    ("dismissed", "Dismiss as noise", ":material/visibility_off:"),
    ("known", "Mark known", ":material/task_alt:"),
    ("agenda", "Send to agenda", ":material/event_note:"),
)


def card(alert: dict[str, Any]) -> None:
    """One alert: what, when, how far from expected, its chart and its triage buttons."""
    uid = hashlib.sha1(alert["key"].encode()).hexdigest()[:10]
    with st.container(border=True, key=f"an_card_{uid}"):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.markdown(
            f"**{md_escape(alert['topic'])}** · {charts.kind_label(alert['metric'], alert['kind'])}"
        )
        text, colour = BADGE.get(alert["state"], BADGE[None])
        head.badge(text, color=colour)  # type: ignore[arg-type]
        st.markdown(md_escape(charts.explanation(alert)))
        judged = " · judged weekly" if alert["granularity"] == "week" else ""
        st.caption(
            f"{charts.alert_dates(alert)} · {alert['tickets']:,} tickets · "
            f"{plain_words.score(alert['score'])}{judged}",
            help=f"Score {alert['score']:.1f}: how many standard errors the observed value is "
            "from the expected one.",
        )
        judged = weekly_days if alert["granularity"] == "week" else det["day"]
        fig = charts.alert_figure(charts.alert_window(judged, alert), alert)
        st.plotly_chart(fig, key=f"an_fig_{uid}", config=widgets.chart_config(f"alert_{uid}"))
        if not session.can_edit():
            return
        buttons = st.container(horizontal=True, gap="small")
        for state, label, icon in ACTIONS:
            if buttons.button(
                label,
                key=f"an_{state}_{uid}",
                icon=icon,
                type="tertiary",
                disabled=alert["state"] == state,
            ):
                with layout.user_errors("Triage"):
                    session.store().set_alert_state(
                        alert, state, dataset_id=data.record.id, actor=session.actor()
                    )
                    msg = f"{md_escape(alert['topic'])}: {charts.STATES[state]}."
                    st.session_state["_an_flash"] = msg
                    st.rerun()
        if alert["state"] and buttons.button(
            "Undo", key=f"an_undo_{uid}", type="tertiary", icon=":material/undo:"
        ):
            with layout.user_errors("Triage"):
                session.store().clear_alert_state(alert["key"], actor=session.actor())
                st.rerun()


grid = st.columns(2)
for i, alert in enumerate(shown.head(top).iter_rows(named=True)):
    with grid[i % 2]:
        card(alert)
st.caption(
    "Bars: the topic's tickets a day (a week for small topics); red bars and the shaded days are "
    "the alert. Dashed line: expected from the topic's own weekday rhythm over the 8 weeks "
    "before (leaving out the week before the day judged); blue band: 99% of ordinary days fall "
    "inside it. Sentiment charts show the day's mean sentiment (-1 to 1), red diamonds on the "
    "alert's days. Score: how far the alert is from expected, in standard errors. Hover for "
    "counts."
)
if shown.height:
    with st.expander(f"All {shown.height} alerts as a table", expanded=shown.height > top):
        widgets.table(charts.alert_table(shown), key="an_table", filename="anomaly_alerts.csv")
anomaly_calendar.calendar_editor()

# ---- leading indicators ---------------------------------------------------------------------
st.subheader("Leading indicators")
recent = max(7, min(prds.days("review"), 56))
lead_opts = (("topic", topic), ("recent", recent), ("end", end), holidays)
lead, overall = _leading(key, where, lead_opts, tickets)
notes = charts.leading_notes(lead)
for n in notes:
    st.markdown(":material/trending_up: " + md_escape(n))
if not notes:
    st.caption("No topic's volume, negative share or escalation rate is rising significantly.")
st.caption(md_escape(charts.overall_note(overall, rising=len(notes))))
widgets.table(charts.leading_table(lead), key="an_lead", filename="leading_indicators.csv")
st.caption(
    f"The last {recent} days (to {end}) against the 56 days before. Rising: a significant rise "
    "after allowing for the number of topics (Benjamini-Hochberg, 5%). Negative: sentiment "
    "below -0.05. Each topic is tested on its own, so a rise can show here before it is large "
    "enough to move the overall rate."
)

# ---- most negative tickets ------------------------------------------------------------------
st.subheader("Most negative tickets")
neg_where = dataclasses.replace(where, start=start, end=end)
neg = _negative(key, neg_where, topic, tickets)
neg_topics = neg.get_column("topic").unique().sort().to_list()
if not neg_topics:
    layout.empty_state(
        "No ticket in the period has a sentiment score.",
        action=f"Sentiment {md_escape(method)}.",
    )
else:
    sent = live.filter(pl.col("metric") == "sentiment").get_column("topic").to_list()
    first = next((t for t in sent if t in neg_topics), neg_topics[0])
    pick = st.selectbox("Topic", neg_topics, index=neg_topics.index(first), key="an_neg_topic")
    table = neg.filter(pl.col("topic") == pick).drop("topic")
    widgets.table(
        table, view=tables.NEGATIVE_TICKETS_VIEW, key="an_neg", filename="most_negative_tickets.csv"
    )
    st.caption(
        f"The 10 lowest-scored tickets of this topic from {start} to {end}; sentiment "
        f"{md_escape(method)}."
    )
