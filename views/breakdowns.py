"""Breakdowns: which agents, channels, categories, groups, priorities or tiers drive escalations?"""

from __future__ import annotations

import hashlib

import polars as pl
import streamlit as st

from lib import audit, formatting, periods
from lib.audit.maturity import maturing_note, maturity_summary
from lib.charts import breakdowns, deltas, overview, tables
from lib.charts.common import band_note
from lib.charts.maturity import maturing_trend_chart
from lib.markdown import md_escape
from ui import aggregates, decomposition, horizon, layout, sidebar, story, tags, widgets
from ui.calibration import pick

DIMENSIONS = {
    "category": "Category",
    "channel": "Channel",
    "agent": "Agent",
    "group": "Group",
    "priority": "Priority",
    "customer_tier": "Customer tier",
}

layout.header("Breakdowns", "Where do escalations concentrate, and what changed since last time?")
data = layout.page_data()
prds = sidebar.review_periods()
t = data.tickets
shown = [c for c in DIMENSIONS if t.get_column(c).null_count() < t.height]
if prds is None or not shown:
    layout.empty_state("This dataset has no column to break the tickets down by.")
    st.stop()

c1, c2 = st.columns([3, 2])
by = (
    c1.segmented_control(
        "Break down by", shown, format_func=DIMENSIONS.get, default=shown[0], key="bd_by"
    )
    or shown[0]
)
mode = (
    c2.segmented_control(
        "Period",
        ["review", "range"],
        default="review",
        key="bd_period",
        format_func={"review": "Review period", "range": "Sidebar date range"}.get,
        help="Review period: compared with the previous period of the same length. Sidebar date "
        "range: compared with the same number of days just before it.",
    )
    or "review"
)
f = sidebar.filters()
cur = prds
if mode == "range" and f.start is not None and f.end is not None:
    days = (f.end - f.start).days + 1
    cur = periods.review_periods(
        None, review_days=days, review_end=f.end, baseline=(f.start, f.end)
    )
in_period = sidebar.period_filters(*cur.review)
# rates and comparisons count escalation within the sidebar's horizon among tickets old enough;
# the younger ones are shown as "still maturing", never silently dropped (None: as exported)
hz = horizon.current()
bd = aggregates.aggregate(
    data, audit.breakdown, where=sidebar.dimension_filters(), by=by, periods=cur, horizon=hz
)
bd = tags.with_tags(bd.filter((pl.col("tickets") > 0) | (pl.col("maturing") > 0)))
(a, b), (c, d) = cur.review, cur.previous
st.caption(f"Tickets created {a} to {b}, compared with {c} to {d} (the same number of days).")
if hz is not None:
    counted = aggregates.aggregate(data, maturity_summary, where=in_period, horizon=hz)
    st.caption(
        ":material/hourglass_top: "
        + horizon.rates_caption(hz, counted["maturing"], counted["late_escalations"])
    )
if bd.height == 0:
    layout.empty_state("No tickets in this period match the filters.", action="Widen the period.")
    st.stop()
told = story.breakdowns_headline(data, cur, by)  # what changed, tested with every dimension
# one family of tests: the rows' q-values are the story's (every row of every dimension), so
# the rises below and the headline above never disagree
bd = audit.with_story_q(bd, told, by).with_columns(overview.verdict_expr())

# ---- headline numbers -----------------------------------------------------------------------
total_t, total_e = int(bd["tickets"].sum()), int(bd["escalations"].sum())
rising = bd.filter(pl.col("significant") & (pl.col("change") > 0))
m = st.columns(4)
m[0].metric("Tickets", **horizon.tickets_card(total_t, int(bd["maturing"].sum()), hz), border=True)
m[1].metric("Escalation rate", formatting.pct(total_e / total_t if total_t else None), border=True)
top = bd.row(0, named=True)
m[2].metric(
    "Top share of escalations",
    formatting.pct(top["share_of_escalations"]),
    f"{md_escape(str(top[by]))}: {top['escalations']:,} of {total_e:,}",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=f"The {DIMENSIONS[by].lower()} with the most escalations: its share of all "
    "escalations in the period, not its escalation rate.",
)
m[3].metric(
    "Significant rises",
    len(rising),
    ", ".join(md_escape(v) for v in rising[by].head(3)) or "none",
    **deltas.chip(len(rising), worse="up"),  # a significant rise is bad: red
    border=True,
    help="Rises vs the previous period unlikely to be chance once every row of every "
    "dimension is tested together (Benjamini-Hochberg q-value below 0.05, as in the line above), "
    "with each row's test widened by its design effect (tickets of one day move together).",
)
st.markdown(":material/rule: " + md_escape(audit.rises_in_words(bd, by)))

# ---- chart and table: click a bar or a row to drill in --------------------------------------
digest = hashlib.md5(repr((by, mode, sidebar.dimension_filters(), cur)).encode()).hexdigest()[:8]
measure = widgets.bars_measure(
    "bd_measure",
    rate="Escalation rate",
    count="Escalations",
    what="the share escalated, or the number escalated",
)
fig = breakdowns.interval_bars(
    bd, by, measure=measure, reference=total_e / total_t if total_t else None,
    reference_label="all tickets",
)  # fmt: skip
event = widgets.chart_downloads(
    fig, f"escalations_by_{by}", key=f"bd_chart_{digest}", on_select="rerun", data=bd
)
st.caption(
    breakdowns.bars_caption(
        measure, DIMENSIONS[by].lower(), values=bd.height, tickets=total_t, reference=True
    )
    + " Click a bar, or a row below, to drill in."
)
# the table lists its rows in the order the bars are drawn (the same measure, the same switch)
view = tables.key_first(
    tables.present(
        breakdowns.sort_bars(bd, measure),
        horizon.with_maturing(tables.breakdown_view(by, DIMENSIONS[by])),
    )
)
row = widgets.table(view, key=f"bd_table_{digest}", filename=f"breakdown_by_{by}.csv", select=True)
value = widgets.latest_choice(
    f"bd_drill_{digest}", table=row and row[DIMENSIONS[by]], chart=widgets.clicked(event, 5)
)

# ---- why the overall rate moved -------------------------------------------------------------
st.subheader("Why did the overall rate move: mix or performance?")
decomposition.rate_change_section(
    data, cur, by=by, where=sidebar.dimension_filters(), key=f"bd_mix_{digest}", horizon=hz
)

# ---- drill-down -----------------------------------------------------------------------------
if value is None:
    layout.empty_state(f"Select a row to see that {DIMENSIONS[by].lower()}'s trend and tickets.")
else:
    st.subheader(f"{DIMENSIONS[by]}: {md_escape(str(value))}")
    slice_t = aggregates.aggregate(
        data, audit.slice_tickets, where=in_period, by=by, value=value, horizon=hz
    )
    # the row's tickets: counted ones (its rate) and the ones still maturing, listed apart
    counted_t = slice_t.filter(pl.col("counted"))
    young_t = slice_t.filter(~pl.col("counted"))
    n, k = counted_t.height, int(counted_t.get_column("counted_escalated").sum())
    low, high = audit.wilson_interval(k, n)
    d = st.columns(3)
    d[0].metric("Tickets", **horizon.tickets_card(n, young_t.height, hz), border=True)
    d[1].metric("Escalations", formatting.num(k), border=True)
    d[2].metric(
        "Escalation rate",
        formatting.pct(k / n if n else None),
        f"95% interval {formatting.pct(low)} to {formatting.pct(high)}",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Trend** (sidebar date range, weekly; review period shaded)")
        tr = aggregates.aggregate(
            data, audit.trend, where=sidebar.narrowed(f, by, value), every="1w", horizon=hz
        )
        if tr.height:
            tfig = overview.shade(maturing_trend_chart(tr), *cur.review, "period")
            widgets.chart_downloads(
                tfig, f"trend_{by}_slice", key=f"bd_slice_trend_{digest}", data=tr
            )
            if note := band_note(tr, "week"):
                st.caption(note)
    other = "category" if by != "category" else "agent"
    with right:
        others = "categories" if other == "category" else "agents"
        st.markdown(f"**Top {others} in this slice** (by escalations)")
        tv = aggregates.aggregate(
            data,
            audit.top_values,
            where=in_period,
            by=other,
            within=by,
            value=value,
            top=8,
            horizon=hz,
        )
        if tv.filter(pl.col("escalations") > 0).height == 0:
            layout.empty_state("No escalations in this slice.")
        else:
            widgets.chart_downloads(
                breakdowns.interval_bars(tv, other, measure="count"),
                f"top_{other}s",
                key=f"bd_top_{digest}",
                data=tv,
            )
    slice_view = tables.SLICE_VIEW
    if hz is not None and hz.timed:
        within = ("counted_escalated", f"Escalated within {hz.days} days", "bool")
        slice_view = (*slice_view, within)
    st.markdown(f"**Its {formatting.num(n)} tickets counted**, newest first")
    shown_rows = counted_t.head(2000)
    widgets.table(
        tables.present(shown_rows, slice_view),
        key=f"bd_tickets_{digest}",
        filename=f"tickets_{by}.csv",
        download_frame=tables.present(counted_t, slice_view),
    )
    if n > shown_rows.height:
        st.caption(f"Showing the newest {shown_rows.height:,}; the download has all {n:,}.")
    pick.control(
        shown_rows.get_column("ticket_id").to_list(),
        key=f"bd_{digest}",
        source=f"Breakdowns ({DIMENSIONS[by].lower()} {value})",
    )
    if hz is not None and hz.timed:
        late = counted_t.filter(pl.col("escalated") & ~pl.col("counted_escalated")).height
        if late:
            st.caption(
                f"{late:,} of them escalated more than {hz.days} days after creation: "
                "**Escalated** is ticked, they do not count as escalations here."
            )
    if young_t.height:
        with st.expander(
            f"{young_t.height:,} more tickets still maturing (not counted in the rate)"
        ):
            st.caption(maturing_note(young_t.height, hz))
            widgets.table(
                tables.present(young_t.head(2000), tables.SLICE_VIEW),
                key=f"bd_young_{digest}",
                filename=f"tickets_{by}_still_maturing.csv",
                download_frame=tables.present(young_t, tables.SLICE_VIEW),
            )
    escalated_ids = counted_t.filter(pl.col("counted_escalated")).get_column("ticket_id")
    with st.expander(f"Copy the ids of its {k:,} escalated tickets"):
        st.code(", ".join(escalated_ids.head(1000).to_list()) or "none", language=None)

# ---- combinations ---------------------------------------------------------------------------
st.subheader("Where combinations are bad")
tabs = st.tabs(["Category × channel", "Category × agent"])
for tab, cols in zip(tabs, ("channel", "agent"), strict=True):
    with tab:
        cells = aggregates.aggregate(
            data, audit.heatmap, where=in_period, rows="category", cols=cols, horizon=hz
        )
        young = int(cells.get_column("maturing").sum()) if cells.height else 0
        cells = cells.filter(pl.col("tickets") > 0)
        if cells.height == 0:
            layout.empty_state("No tickets in this period match the filters.")
            continue
        widgets.chart_downloads(
            breakdowns.heatmap_figure(cells, "category", cols),
            f"heatmap_category_{cols}",
            key=f"bd_heat_{cols}",
            data=cells,
        )
        st.caption(
            f"Escalation rate per category and {cols} in the period, with its tickets (n); "
            f"grey cells have fewer than {breakdowns.FEW_TICKETS} tickets and show their "
            "escalations of tickets instead of a rate. Hover for the counts."
            + (" The 30 busiest agents are shown." if cols == "agent" else "")
            + (f" {maturing_note(young, hz)}" if hz is not None else "")
        )
