"""Breakdowns: which agents, channels, categories, groups, priorities or tiers drive escalations?"""

from __future__ import annotations

import hashlib

import polars as pl
import streamlit as st

from lib import audit, formatting, periods
from lib.charts import breakdowns, overview, tables
from lib.markdown import md_escape
from ui import aggregates, decomposition, layout, sidebar, story, tags, widgets

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
bd = aggregates.aggregate(
    data, audit.breakdown, where=sidebar.dimension_filters(), by=by, periods=cur
)
bd = tags.with_tags(bd.filter(pl.col("tickets") > 0)).with_columns(overview.verdict_expr())
(a, b), (c, d) = cur.review, cur.previous
st.caption(f"Tickets created {a} to {b}, compared with {c} to {d} (the same number of days).")
if bd.height == 0:
    layout.empty_state("No tickets in this period match the filters.", action="Widen the period.")
    st.stop()
story.breakdowns_headline(data, cur, by)  # what changed, tested with every dimension

# ---- headline numbers -----------------------------------------------------------------------
total_t, total_e = int(bd["tickets"].sum()), int(bd["escalations"].sum())
rising = bd.filter(pl.col("significant") & (pl.col("change") > 0))
m = st.columns(4)
m[0].metric("Tickets", formatting.num(total_t), border=True)
m[1].metric("Escalation rate", formatting.pct(total_e / total_t if total_t else None), border=True)
top = bd.row(0, named=True)
m[2].metric(
    "Most escalations (share of all)",
    formatting.pct(top["share_of_escalations"]),
    f"{md_escape(str(top[by]))}: {top['escalations']:,} of {total_e:,} escalations",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="Its share of all escalations in the period, not its escalation rate.",
)
m[3].metric(
    "Significant rises",
    len(rising),
    ", ".join(md_escape(v) for v in rising[by].head(3)) or "none",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="Rises vs the previous period whose q-value (Benjamini-Hochberg across the rows) is "
    "below 0.05, with each row's test widened by its design effect (tickets of one day move "
    "together).",
)
st.markdown(":material/rule: " + md_escape(audit.rises_in_words(bd, by)))

# ---- chart and table: click a bar or a row to drill in --------------------------------------
digest = hashlib.md5(repr((by, mode, sidebar.dimension_filters(), cur)).encode()).hexdigest()[:8]
fig = breakdowns.interval_bars(
    bd, by, reference=total_e / total_t if total_t else None, reference_label="all tickets"
)
event = widgets.chart_downloads(
    fig, f"escalation_rate_by_{by}", key=f"bd_chart_{digest}", on_select="rerun", data=bd
)
st.caption(
    "Share escalated per value, most escalations on top, with its 95% interval (whiskers); "
    "the dashed line is the rate over all tickets. Hover for counts; click a bar, or a row "
    "below, to drill in."
)
view = tables.present(bd, tables.breakdown_view(by, DIMENSIONS[by]))
row = widgets.table(view, key=f"bd_table_{digest}", filename=f"breakdown_by_{by}.csv", select=True)
value = widgets.latest_choice(
    f"bd_drill_{digest}", table=row and row[DIMENSIONS[by]], chart=widgets.clicked(event, 5)
)

# ---- why the overall rate moved -------------------------------------------------------------
st.subheader("Why did the overall rate move: mix or performance?")
decomposition.rate_change_section(
    data, cur, by=by, where=sidebar.dimension_filters(), key=f"bd_mix_{digest}"
)

# ---- drill-down -----------------------------------------------------------------------------
if value is None:
    layout.empty_state(f"Select a row to see that {DIMENSIONS[by].lower()}'s trend and tickets.")
else:
    st.subheader(f"{DIMENSIONS[by]}: {md_escape(str(value))}")
    slice_t = aggregates.aggregate(data, audit.slice_tickets, where=in_period, by=by, value=value)
    n, k = slice_t.height, int(slice_t.get_column("escalated").sum())
    low, high = audit.wilson_interval(k, n)
    d = st.columns(3)
    d[0].metric("Tickets", formatting.num(n), border=True)
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
            data, audit.trend, where=sidebar.narrowed(f, by, value), every="1w"
        )
        if tr.height:
            tfig = overview.shade(overview.trend_chart(tr), *cur.review, "period")
            widgets.chart_downloads(
                tfig, f"trend_{by}_slice", key=f"bd_slice_trend_{digest}", data=tr
            )
    other = "category" if by != "category" else "agent"
    with right:
        others = "categories" if other == "category" else "agents"
        st.markdown(f"**Top {others} in this slice** (by escalations)")
        tv = aggregates.aggregate(
            data, audit.top_values, where=in_period, by=other, within=by, value=value, top=8
        )
        if tv.filter(pl.col("escalations") > 0).height == 0:
            layout.empty_state("No escalations in this slice.")
        else:
            widgets.chart_downloads(
                breakdowns.interval_bars(tv, other),
                f"top_{other}s",
                key=f"bd_top_{digest}",
                data=tv,
            )
    st.markdown(f"**Its {formatting.num(n)} tickets**, newest first")
    shown_rows = slice_t.head(2000)
    widgets.table(
        tables.present(shown_rows, tables.SLICE_VIEW),
        key=f"bd_tickets_{digest}",
        filename=f"tickets_{by}.csv",
        download_frame=tables.present(slice_t, tables.SLICE_VIEW),
    )
    if n > shown_rows.height:
        st.caption(f"Showing the newest {shown_rows.height:,}; the download has all {n:,}.")
    escalated_ids = slice_t.filter(pl.col("escalated")).get_column("ticket_id")
    with st.expander(f"Copy the ids of its {k:,} escalated tickets"):
        st.code(", ".join(escalated_ids.head(1000).to_list()) or "none", language=None)

# ---- combinations ---------------------------------------------------------------------------
st.subheader("Where combinations are bad")
tabs = st.tabs(["Category × channel", "Category × agent"])
for tab, cols in zip(tabs, ("channel", "agent"), strict=True):
    with tab:
        cells = aggregates.aggregate(
            data, audit.heatmap, where=in_period, rows="category", cols=cols
        )
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
            f"Escalation rate per category and {cols} in the period; hover for escalations and "
            "tickets. Small cells swing a lot: check the counts before acting."
            + (" The 30 busiest agents are shown." if cols == "agent" else "")
        )
