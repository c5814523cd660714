"""Agents: who escalates more than their own case mix predicts, and is it skill or policy?"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import polars as pl
import streamlit as st

from lib import agent_review as review
from lib import audit, formatting, outliers, periods, plain_words
from lib.charts import agents as charts
from lib.charts.tables import present
from lib.markdown import md_escape
from ui import agents_work, dataset, layout, sidebar, tags, widgets
from ui.agents_work import beside
from ui.calibration import pick as calibration_pick

layout.header(
    "Agents",
    "Who escalates more than their own mix of tickets predicts, and is it a skill gap or a "
    "policy gap?",
)
data = layout.page_data(
    require="agent",
    missing="This export has no assignee, so agents cannot be compared.",
    action="Map the agent (assignee, owner) column on **Data**.",
)


# ---- cached work (keyed on the snapshot, filters and options; the tickets are not hashed) ---
@st.cache_resource(max_entries=2, show_spinner="Indexing every agent's tickets…")
def _codes(key: str, _t: pl.DataFrame) -> outliers.TicketCodes:
    """The owner and case-mix columns of the snapshot as integer codes, made once per snapshot
    and business zone and shared by every session (about 100 MB at 10 million tickets): the
    counts below group on them instead of on the text. A large dataset's were started in
    the background when it was opened (``app.py``)."""
    return agents_work.codes(key, _t, agents_work.codes_file(data))


@st.cache_resource(max_entries=8, show_spinner="Counting every agent's tickets…")
def _cells(key: str, where: audit.Filters, opts: tuple, _t: pl.DataFrame) -> outliers.Cells:
    """The tickets passing ``where`` counted per agent, case mix and month: one lazy pass over
    the shared frame and its codes (no copy), shared by every session; the comparison and the
    month-by-month history both run on it."""
    return _count(key, where, opts, _t, every="1mo")


def _count(
    key: str, where: audit.Filters, opts: tuple, t: pl.DataFrame, every: str | None = None
) -> outliers.Cells:
    """The tickets passing ``where`` counted into cells on the snapshot's codes."""
    o, codes = dict(opts), _codes(key, t)
    lazy = audit.apply_filters(codes.attach(t), where)
    return outliers.ticket_cells(lazy, o["case_mix"], o["owner"], every=every, codes=codes)


@st.cache_data(
    max_entries=32,
    show_spinner="Comparing every agent with what their tickets predict, and each month on its "
    "own…",
)
def _compare(key: str, where: audit.Filters, opts: tuple, _t: pl.DataFrame, _c: Any) -> Any:
    # the month cells hold exactly these tickets when the period starts on the first day;
    # another period is counted on its own, on the codes too
    rest = {k: v for k, v in opts if k not in ("case_mix", "owner")}
    if _c is None:
        _c = _count(key, where, opts, _t)
    return outliers.comparison_of_cells(_c, **rest)


# no spinner of its own: it runs beside the comparison, whose spinner names both
@st.cache_data(max_entries=16, show_spinner=False)
def _history(
    key: str, where: audit.Filters, opts: tuple, _t: pl.DataFrame, _c: Any
) -> pl.DataFrame:
    rest = {k: v for k, v in opts if k not in ("case_mix", "owner")}
    return outliers.history_of_cells(_c, audit.apply_filters(_t.lazy(), where), **rest)


@st.cache_data(max_entries=64, show_spinner="Opening the agent…")
def _detail(
    key: str, where: audit.Filters, opts: tuple, agent: str, every: str, _t: pl.DataFrame, _c: Any
) -> review.AgentDetail:
    # The drill-down credits the tickets to the owner the comparison used (``_c.owner``).
    return review.agent_detail(audit.apply_filters(_t, where), agent, _c, every=every)


@st.cache_data(max_entries=8, show_spinner=False)
def _shape(key: str, _t: pl.DataFrame) -> tuple[list[str], Any, Any]:
    """Case-mix columns with more than one level, and the first and last day of data."""
    terms = list(_codes(key, _t).usable_terms(_t))
    return (terms, *(periods.date_bounds(_t) or (None, None)))


def _picked(key: str, agents: list[str]) -> str | None:
    """The agent a table row or a funnel point selects (read before drawing, so the funnel
    can ring the agent clicked in this very run)."""
    try:
        sel = st.session_state[key]["selection"]
    except (KeyError, TypeError):
        return None
    rows, points = sel.get("rows") or [], sel.get("points") or []
    if rows:
        return agents[rows[0]] if rows[0] < len(agents) else None
    custom = points[0].get("customdata") if points else None
    name = custom[0] if isinstance(custom, list | tuple) and custom else custom
    return name if name in agents else None


# ---- options ---------------------------------------------------------------------------------
t_all, f, prds, key = (
    data.tickets,
    sidebar.filters(),
    sidebar.review_periods(),
    dataset.snapshot_key(data),
)
terms, lo, hi = _shape(key, t_all)
owner = st.radio(
    "Credit each ticket to",
    outliers.OWNERS,
    format_func=outliers.OWNER_LABELS.get,
    horizontal=True,
    key="ag_owner",
    help="Escalating owner: the agent who escalated a ticket (or its first owner when it was "
    "not escalated). First owner: who had it first. Final owner: the assignee in the export, "
    "often the person who received the escalation.",
)
with st.expander("Options: case mix, minimum, flag level, period", icon=":material/tune:"):
    c = st.columns(4)
    case_mix = c[0].multiselect(
        "Adjust for (case mix)", terms, default=terms, format_func=layout.label, key="ag_case_mix"
    )
    min_expected = c[1].number_input(
        "Minimum expected escalations for a plain test",
        0,
        10_000,
        5,
        step=1,
        key="ag_min",
        help="Agents with fewer expected escalations are judged on their shrunken ratio: "
        "flagged only when its 95% interval leaves out 1.",
    )
    q_level = c[2].selectbox(
        "Flag when the chance it's noise is below",
        [0.01, 0.05, 0.10, 0.20],
        index=1,
        key="ag_q",
        help="Benjamini–Hochberg false discovery rate across the judged agents.",
    )
    choice = c[3].selectbox(
        "Period", ["Sidebar's date range", "Review period", "All dates", "Custom"], key="ag_period"
    )
    start, end = f.start, f.end
    if choice == "Review period" and prds is not None:
        start, end = prds.review
    elif choice == "All dates":
        start, end = None, None
    elif choice == "Custom":
        rng = st.date_input(
            "From – to",
            value=(f.start or lo, f.end or hi),
            min_value=lo,
            max_value=hi,
            key="ag_rng",
        )
        if isinstance(rng, tuple) and len(rng) == 2:
            start, end = rng
# The agent filter narrows the list, not the standard: everyone's tickets set the expectation.
where = dataclasses.replace(f, start=start, end=end, escalated_only=False, agents=())
opts = (
    ("case_mix", tuple(case_mix)),
    ("min_expected", float(min_expected)),
    ("q_level", float(q_level)),
    ("owner", owner),
)
notes = [
    "adjusted for " + (", ".join(layout.label(t).lower() for t in case_mix) or "nothing (raw)"),
    f"below {min_expected:g} expected escalations judged on the shrunken ratio",
    f"flagged when the chance it's noise (every agent tested) is below {q_level:.0%}",
    f"period {start or lo} to {end or hi}",
]
if f.escalated_only:
    notes.append(
        "the sidebar's “escalated only” is ignored here (it would leave nothing to compare)"
    )
if f.agents:
    notes.append("the sidebar's agents are listed, against a standard set by every agent")
line = " · ".join(notes)
st.caption(line[0].upper() + line[1:])

comparison = history = None
with layout.user_errors("Agent comparison"):
    months = dataclasses.replace(where, start=None)
    cells = _cells(key, months, opts, t_all)
    same = where.start is None or lo is None or where.start <= lo
    # the month-by-month history runs beside the comparison (both mostly in Polars, numpy
    # and statsmodels' linear algebra, which release the GIL): on two cores, about the
    # time of the longer one instead of both
    comparison, history = beside(
        lambda: _compare(key, where, opts, t_all, cells if same else None),
        lambda: _history(key, months, opts, t_all, cells),
    )
if comparison is None or history is None:
    st.stop()
st.caption(
    md_escape(
        comparison.owner_sentence
        + " "
        + review.case_mix_sentence(comparison.model_terms, t_all.columns)
    )
)
receivers = outliers.receivers_note(comparison.table)
if receivers:
    st.warning(md_escape(receivers), icon=":material/swap_vert:")
if comparison.n_agents == 0 or comparison.table.get_column("escalated").sum() == 0:
    layout.empty_state(
        "No assigned tickets with escalations in this period match the filters.",
        action="Widen the period or clear some filters.",
    )
    st.stop()
table = review.adjusted_order(comparison.table).join(
    review.history_summary(history).select("agent", "flagged_label"), on="agent", how="left"
)
if f.agents:
    table = table.filter(pl.col("agent").is_in(list(f.agents)))
    table = table.with_columns(place=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
if table.height == 0:
    layout.empty_state(
        "None of the agents chosen in the sidebar has tickets in this period.",
        action="Widen the period or change the agent filter.",
    )
    st.stop()
agents = table.get_column("agent").to_list()
status = dict(table.select("agent", "status").iter_rows())

# ---- headline numbers ------------------------------------------------------------------------
high = table.filter(pl.col("status") == review.STATUS_LABELS["high"]).get_column("agent")
low = table.filter(pl.col("status") == review.STATUS_LABELS["low"]).get_column("agent")
m = st.columns(4)
m[0].metric(
    "Agents judged",
    f"{int(table['judged'].sum())} of {table.height}",
    border=True,
    help="Agents with expected escalations and comparable work (see the notes below).",
)
for col, label, who in ((m[1], "Flagged high", high), (m[2], "Flagged low", low)):
    names = ", ".join(md_escape(w) for w in who.head(2)) or "none"
    col.metric(label, len(who), names, delta_color="off", delta_arrow="off", border=True)
beyond = comparison.phi is not None and plain_words.is_real(comparison.phi_p_value)
m[3].metric(
    "Spread beyond chance",
    "–" if comparison.phi is None else "Yes" if beyond else "No",
    border=True,
    help=review.dispersion_figures(comparison),
)

# ---- funnel ----------------------------------------------------------------------------------
digest = hashlib.md5(repr((key, where, opts)).encode()).hexdigest()[:8]
chart_key, table_key = f"ag_funnel_{digest}", f"ag_table_{digest}"
sources = {"table": _picked(table_key, agents), "chart": _picked(chart_key, agents)}
seen = st.session_state.get("ag_seen", {})
for name, value in sources.items():
    if value is not None and value != seen.get(name):
        st.session_state["ag_pick"] = value
st.session_state["ag_seen"] = sources
if st.session_state.get("ag_pick") not in agents:
    st.session_state.pop("ag_pick", None)
pick = st.session_state.get("ag_pick")

st.subheader("Funnel plot")
widgets.chart_downloads(
    charts.funnel_figure(table, comparison.funnel, highlight=pick),
    "agent_funnel",
    key=chart_key,
    data=comparison.funnel,
    on_select="rerun",
)
st.caption(md_escape(review.funnel_caption(comparison.model_terms)))
# Open the first time a user sees it in this browser session, collapsed after.
first_time = not st.session_state.get("ag_flag_help_seen")
st.session_state["ag_flag_help_seen"] = True
with st.expander(
    "What a flag means, and what it does not", icon=":material/help:", expanded=first_time
):
    st.markdown("\n".join(f"- {md_escape(n)}" for n in review.flag_notes(comparison)))
if (unjudged := review.unjudged_sentence(table, min_expected)) is not None:
    st.info(md_escape(unjudged), icon=":material/visibility_off:")
if (apart := review.not_comparable_sentence(table)) is not None:
    st.warning(md_escape(apart), icon=":material/call_split:")

# ---- table (and the raw ranking next to it) --------------------------------------------------
st.subheader("All agents")
show_raw = st.toggle("Show the raw, unadjusted ranking next to it", key="ag_raw")
main = st.columns(2) if show_raw else [st.container()]
height = min(38 + 35 * table.height, 560)
with main[0]:
    widgets.table(
        present(table, charts.AGENT_COMPACT_VIEW if show_raw else charts.AGENT_VIEW),
        key=table_key,
        filename="agents.csv",
        select=True,
        height=height,
        download_frame=present(table, charts.AGENT_DOWNLOAD_VIEW),
    )
    st.caption(
        "Judged agents first, most above expected on top; tick a row to "
        "open the agent. “Flagged, by month”: months flagged when each month is judged "
        "on its own."
    )
if show_raw:
    shown = comparison.table.filter(pl.col("agent").is_in(agents))
    shift, raw = review.rank_shift(shown), review.raw_ranking(shown)
    with main[1]:
        widgets.table(
            raw, view=charts.RAW_VIEW, key="ag_raw_table", filename="agents_raw.csv", height=height
        )
        st.caption(
            "Raw: escalated ÷ tickets, highest first, ignoring case mix. “Up”: higher "
            "in the adjusted ranking than in the raw one."
        )
    st.info(md_escape(shift.sentence), icon=":material/swap_vert:")

# ---- drill-down ------------------------------------------------------------------------------
st.subheader("One agent")
agent = st.selectbox(
    "Agent",
    sorted(agents),
    index=None,
    key="ag_pick",
    placeholder="Choose an agent…",
    format_func=lambda a: f"{a} ({status.get(a, '').lower()})",
)
if agent is None:
    layout.empty_state(
        "Tick a row in the table, click a dot on the funnel, or choose a name above "
        "to see where an agent's escalations come from."
    )
    st.stop()
every = review.trend_every(start or lo, end or hi)
d = _detail(key, where, opts, agent, every, t_all, comparison)
r = d.row
st.markdown(f"#### Agent: {md_escape(agent)}")
m = st.columns(5)
m[0].metric("Tickets", formatting.num(r["tickets"]), border=True)
m[1].metric(
    "Escalated",
    formatting.num(r["escalated"]),
    border=True,
    help="Observed escalations in the period.",
)
m[2].metric(
    "Expected",
    formatting.count(r["expected"]),
    border=True,
    help="What their own tickets' case mix predicts at the team's standard.",
)
shrunk = (
    None
    if r.get("shrunk_ratio") is None
    else f"shrunken {r['shrunk_ratio']:.2f} ({r['shrunk_low']:.2f} to {r['shrunk_high']:.2f})"
)
interval = (
    None
    if r["ratio_low"] is None
    else f"95%: {formatting.ratio(r['ratio_low'])} to {formatting.ratio(r['ratio_high'])}"
)
m[3].metric(
    "Observed ÷ expected",
    formatting.ratio(r["ratio"]),
    interval,
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=(shrunk and f"Empirical-Bayes {shrunk}: pulled towards 1 as far as the evidence is thin. ")
    or None,
)
q_row = table.filter(pl.col("agent") == agent).get_column("q_value").item()
m[4].metric(
    "Flagged?",
    {"Flagged high": "Yes, high", "Flagged low": "Yes, low", "In line": "No"}.get(
        status[agent], status[agent]
    ),
    plain_words.ratio(r["ratio"], r["ratio_low"], r["ratio_high"]),
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=f"{plain_words.flag(status[agent])}. "
    + (
        f"Figures: {plain_words.figures(q=q_row)} (every agent tested)."
        if q_row is not None
        else ""
    ),
)
st.caption(md_escape(review.agent_sentence(r, min_expected=min_expected, q_level=q_level)))

st.markdown("**Where the excess comes from**")
cats = tags.with_tags(d.categories)
split = review.skill_policy_split(
    d.categories, tags.category_tags(), agent=agent, flagged=bool(r["flagged"])
)
if split.dominant == "untagged":
    st.warning(md_escape(split.sentence), icon=":material/sell:")
    st.page_link("views/drivers.py", label="Tag categories on Drivers", icon=":material/sell:")
else:
    st.info(md_escape(split.sentence), icon=":material/balance:")
if cats.height:
    left, right = st.columns([3, 2])
    with left:
        widgets.chart_downloads(
            charts.category_figure(cats),
            "agent_categories",
            key="ag_cat_chart",
            data=cats,
            caption="Observed (orange) against expected (grey) escalations per category, largest "
            "excess on top; hover for tickets and peers' rate.",
        )
    with right:
        widgets.table(
            cats, view=charts.CATEGORY_VIEW, key="ag_cat_table", filename="agent_categories.csv"
        )

left, right = st.columns(2)
with left:
    step, unit = {"1d": ("daily", "day"), "1w": ("weekly", "week"), "1mo": ("monthly", "month")}[
        every
    ]
    st.markdown(f"**Trend against their expected trend** ({step})")
    if d.trend.height:
        widgets.chart_downloads(
            charts.expected_trend_figure(d.trend),
            "agent_trend",
            key="ag_trend",
            data=d.trend,
            caption=f"Bars: escalations; dotted line: what their tickets that {unit} predict.",
        )
with right:
    st.markdown("**Month by month** (each month judged on its own)")
    st.caption(md_escape(review.stability_sentence(history, agent)))
    mine = history.filter(pl.col("agent") == agent).with_columns(
        review.status_expr("comparable" in history.columns),
        review.q_label_expr(),
        month=pl.col("period_start").dt.strftime("%b %Y"),
    )
    widgets.table(mine, view=charts.HISTORY_VIEW, key="ag_hist", filename="agent_months.csv")

st.markdown("**Reassignments and time to escalate, against peers**")
widgets.table(d.peers, view=charts.PEER_VIEW, key="ag_peers", filename="agent_vs_peers.csv")
no_time = "Hours to escalate (median)" not in d.peers.get_column("measure").to_list()
st.caption(
    "Peers: every other agent's tickets in the same period and filters. Shares: "
    "two-proportion z-test; medians: Mann–Whitney U test."
    + (
        " This export records no escalation times, so time to escalate cannot be compared."
        if no_time
        else ""
    )
)

st.markdown(f"**Their {d.escalated.height:,} escalated tickets**, newest first")
widgets.table(
    present(d.escalated.head(2000), charts.TICKETS_VIEW),
    key="ag_tickets",
    filename="agent_escalated_tickets.csv",
    download_frame=present(d.escalated, charts.TICKETS_VIEW),
)
calibration_pick.control(
    d.escalated.get_column("ticket_id").head(2000).to_list(), key="ag", source=f"Agents ({agent})"
)
