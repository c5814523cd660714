"""At risk: which open tickets are likely to escalate next, and how often is the score right?"""

from __future__ import annotations

import hashlib

import streamlit as st

from lib import formatting, risk
from lib.charts import risk as charts
from lib.markdown import md_escape
from ui import idle, layout, session, widgets
from ui import risk as glue
from ui.calibration import pick

layout.header(
    "At risk",
    "Which open tickets are likely to escalate next, and how often has this score been right?",
)
data = layout.page_data()
res = glue.result(data)
bt = res.backtest
hd = bt.horizon_days

c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
threshold = (
    c1.slider(
        "Alert above (chance of escalating)",
        min_value=5,
        max_value=95,
        value=40,
        step=5,
        format="%d%%",
        key="ar_threshold",
        help="Open tickets scored above this are counted and shown first; the backtest below "
        "says how often tickets above it escalated in past weeks.",
    )
    / 100
)
hours = idle.control(c2, key="ar_idle_hours")
st.caption(
    f"The model learns from this export's own past: the tickets passing the sidebar's filters "
    f"(its date range does not apply: the model needs all the history), asking whether each "
    f"escalates within {hd:g} days (the sidebar's escalation horizon)."
)

if res.refusal is not None:
    st.warning("No score: " + md_escape(res.refusal), icon=":material/block:")
    layout.empty_state(glue.NEEDS)
    st.stop()
model = res.model
assert model is not None
scores = res.scores

# ---- headline numbers -----------------------------------------------------------------------
n_above = charts.above(scores, threshold)
row = bt.at_threshold(threshold)
escalations = int(bt.scored.get_column("escalated").sum())
hits10, flagged10 = charts.top_counts(bt.recall_top10, bt.precision_top10, escalations)
cards = st.columns(4)
cards[0].metric(
    f"Open above {formatting.pct(threshold, 0)}",
    f"{n_above:,}",
    f"of {scores.height:,} open",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="Open tickets (not solved, closed or escalated) at the export's newest timestamp.",
)
cards[1].metric(
    "Past hit rate",
    formatting.pct(row["share_escalated"], 0),
    f"of {row['above']:,} above {formatting.pct(threshold, 0)}",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=f"Backtest: of the {row['above']:,} ticket scores above the threshold in past weeks, "
    f"{row['escalated_above']:,} escalated within {hd:g} days.",
)
cards[2].metric(
    "Top 10% caught",
    formatting.pct(bt.recall_top10, 0),
    f"{hits10:,} of {escalations:,}",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=f"Backtest: looking only at the riskiest 10% of each day's open tickets "
    f"({flagged10:,} ticket scores) would have found {hits10:,} of the {escalations:,} "
    "escalations.",
)
cards[3].metric(
    "vs oldest idle first",
    charts.lift_words(bt.lift_over_idle),
    f"{charts.lift_words(bt.lift_over_category)} the category's rate",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="How many times more of the model's top 10% escalated than of the top 10% picked by "
    "the longest idle time (value) or by the category's own escalation rate (below).",
)
if bt.leakage_suspected:
    st.error(
        "Leakage suspected: " + md_escape(bt.leakage_why or "") + ". The figures below are too "
        "good to be true; do not act on these scores.",
        icon=":material/warning:",
    )
if (flash := st.session_state.pop("_ar_flash", None)) is not None:
    st.success(md_escape(flash), icon=":material/check:")

# ---- the ranked open tickets ----------------------------------------------------------------
st.subheader("Open tickets, riskiest first")
editor = session.can_edit()
why_not = "Viewers cannot change a meeting's agenda: ask an editor to send it."
meeting = glue.next_meeting()
sent = glue.on_agenda(meeting)
target = (
    f"“{md_escape(meeting.title)}” ({meeting.date})"
    if meeting is not None
    else "a new review meeting (none is open: one is started, with the agenda built from the data)"
)
st.caption(
    f"Send to agenda puts the ticket on the next review meeting's agenda: {target}."
    + ("" if editor else " " + why_not)
)


def _send(row: dict) -> None:
    with layout.user_errors("Sending to the agenda"):
        st.session_state["_ar_flash"] = glue.send(data, row, threshold=threshold, hd=hd)
        st.rerun()


def card(row: dict, where: str = "top") -> None:
    """One open ticket: its score, why, age, idle time, owner and group, and the send button."""
    uid = where + hashlib.sha1(str(row["ticket_id"]).encode()).hexdigest()[:10]
    with st.container(border=True, key=f"ar_card_{uid}"):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.markdown(
            f"**{formatting.pct(row['risk'], 0)}** · ticket #{md_escape(str(row['ticket_id']))}"
            + (f" · {md_escape(row['subject'])}" if row.get("subject") else "")
        )
        if row["risk"] > threshold:
            head.badge(f"above {formatting.pct(threshold, 0)}", color="orange")
        on = str(row["ticket_id"]) in sent
        if on:
            head.badge("on the agenda", color="blue")
        for reason in row.get("reasons") or ["no single factor stands out"]:
            st.markdown("- " + md_escape(reason))
        st.caption(
            f"Open {formatting.num(row['age_hours'])} h · idle {formatting.num(row['idle_hours'])}"
            f" h · owner {md_escape(row.get('agent') or 'none')} · group "
            f"{md_escape(row.get('group') or 'none')} · {md_escape(row.get('category') or '')}"
        )
        if st.button(
            "Send to agenda",
            key=f"ar_send_{uid}",
            icon=":material/event_note:",
            type="tertiary",
            disabled=not editor or on,
            help=why_not if not editor else ("Already on it." if on else None),
        ):
            _send(row)


if scores.height == 0:
    layout.empty_state("No ticket is open at the export's newest timestamp: nothing to score.")
else:
    c1, _ = st.columns([1, 3])
    top = c1.selectbox(
        "Cards for the first",
        [6, 12, 24],
        key="ar_top",
        format_func=lambda n: f"{n} tickets",
    )
    grid = st.columns(2)
    for i, r in enumerate(scores.head(top).iter_rows(named=True)):
        with grid[i % 2]:
            card(r)
    st.markdown(f"**All {scores.height:,} open tickets** (click a row to send it to the agenda)")
    picked = widgets.table(
        scores, view=charts.RANKED_VIEW, key="ar_ranked", filename="at_risk.csv", select=True
    )
    if picked is not None:
        full = scores.filter(scores.get_column("ticket_id") == picked["Ticket"]).row(0, named=True)
        card(full, "pick")
    pick.control(scores.get_column("ticket_id").to_list(), key="ar", source="At risk (still open)")
    chance = (
        f"escalates within {hd:g} days"
        if model.timed
        else f"escalates at all (the export has no escalation times; most do within {hd:g} days)"
    )
    st.caption(
        f"Risk: the model's chance that the ticket {chance}, as of "
        f"{model.as_of:%Y-%m-%d %H:%M} UTC (the export's newest timestamp). Why: the three "
        "factors that raise its score most. Age and idle: hours since it was opened and since "
        "its last update."
    )

# ---- how good is this -----------------------------------------------------------------------
st.subheader("How good is this")
with st.container(border=True):
    for sentence in risk.plain_summary(bt, threshold):
        st.markdown(md_escape(sentence))
    st.caption(
        f"Backtest: at {bt.cutoffs.height} past cut-offs a model was trained on what was known "
        f"then and scored the open tickets of the weeks after, as they were "
        f"({bt.scored.height:,} ticket scores, {escalations:,} of them escalated within "
        f"{hd:g} days, {formatting.pct(bt.base_rate, 0)})."
    )
    if bt.calibration is not None and bt.calibration.height:
        widgets.chart_downloads(
            charts.calibration_figure(bt.calibration),
            "risk_calibration",
            key="ar_cal",
            data=bt.calibration,
            caption=charts.calibration_caption(bt.calibration, hd),
        )
    with st.expander("The backtest by threshold and by cut-off"):
        if bt.thresholds is not None:
            widgets.table(
                bt.thresholds,
                view=charts.THRESHOLD_VIEW,
                key="ar_thresholds",
                filename="risk_backtest_thresholds.csv",
            )
        widgets.table(
            bt.cutoffs, view=charts.CUTOFF_VIEW, key="ar_cutoffs", filename="risk_cutoffs.csv"
        )

# ---- beside the idle rule -------------------------------------------------------------------
st.subheader(f"Beside the idle rule: open tickets idle over {hours:g} h")
rule = glue.rule(data, res, hours)
c1, c2 = st.columns(2)
c1.metric(
    f"Idle > {hours:g} h",
    f"{rule.open_flagged_now:,}",
    f"of {rule.open_now:,} open",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="The Routing page's idle-ticket rule on today's open tickets (open tickets not yet "
    "escalated with no update for longer than the threshold, whatever their creation date).",
)
if rule.flagged:
    c2.metric(
        "Hit rate: idle rule / model",
        f"{formatting.pct(rule.precision, 0)} / {formatting.pct(rule.model_precision, 0)}",
        f"{rule.flagged:,} past ticket scores each",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="Backtest: of the tickets the idle rule flagged at the past scoring moments, the "
        "share that escalated; then the same for as many of the model's riskiest tickets at "
        "the same moments.",
    )
for sentence in rule.sentences:
    st.markdown(md_escape(sentence))
if rule.refusal:
    st.caption(md_escape(rule.refusal))
st.caption(
    f"The rule and the model both count the {rule.open_now:,} open tickets not yet escalated. "
    "Same setting as the idle tab of **Routing & policy**."
)

# ---- what the model uses --------------------------------------------------------------------
with st.expander("What the model uses"):
    st.markdown(
        "Used: " + "; ".join(md_escape(risk.FEATURES.get(f, f)) for f in model.features) + "."
    )
    for note in model.notes:
        st.markdown("- " + md_escape(note))
    st.caption(
        f"A regularised logistic regression, calibrated on held-out weeks, trained on "
        f"{model.training_tickets:,} tickets ({model.training_rows:,} snapshots, "
        f"{model.positives:,} escalated within {hd:g} days). Nothing recorded after the moment "
        "a ticket is scored is used."
    )
