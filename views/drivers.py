"""Drivers (step 1 of the audit): which categories drive escalations, and skill or policy?"""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib import audit, formatting
from lib.audit.maturity import maturity_summary
from lib.charts import drivers, tables
from ui import aggregates, editors, horizon, layout, session, story, tags, widgets

layout.header(
    "Drivers",
    "Which categories drive escalations, and is each one a skill gap or a policy gap?",
)
data = layout.page_data(
    require="category",
    missing="This export has no category column, so there are no drivers to rank.",
    action="Map a category (ticket type, topic, product area) on **Data**.",
)

all_categories = aggregates.aggregate(data, audit.rate_by, where=audit.Filters(), by="category")
categories = [c for c in all_categories.get_column("category").to_list() if c != audit.MISSING]
# escalation within the sidebar's horizon, among tickets old enough (None: as exported)
hz = horizon.current()
every = aggregates.aggregate(data, audit.drivers, top=None, horizon=hz)
policy = set(tags.policy_categories())
if every.height == 0:
    layout.empty_state(
        "No escalated tickets match the filters.",
        action="Widen the date range, or check what counts as an escalation on **Data**.",
    )
    st.stop()

# ---- headline numbers -----------------------------------------------------------------------
story.drivers_headline(data)  # the review period's drivers, and which dates the page counts
par = aggregates.aggregate(data, audit.pareto, by="category", horizon=hz)
total = int(every.get_column("escalations").sum())
in_policy = int(every.filter(pl.col("category").is_in(list(policy)))["escalations"].sum())
n80 = int((par.get_column("cumulative_share") < 0.8).sum()) + 1
counted = aggregates.aggregate(data, maturity_summary, horizon=hz) if hz is not None else None
m = st.columns(4)
m[0].metric(
    "Escalations",
    formatting.num(total),
    f"+{counted['maturing']:,} tickets still maturing" if counted and counted["maturing"] else None,
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=None if hz is None else f"Tickets {hz.describe()}.",
)
m[1].metric("Categories with escalations", every.height, border=True)
m[2].metric(
    "80% of escalations from",
    f"{min(n80, par.height)} categories",
    border=True,
    help="The fewest categories that together account for 80% of escalations (Pareto).",
)
m[3].metric(
    "Policy-based share",
    formatting.pct(in_policy / total) if policy else "–",
    None if policy else "no category tagged yet",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="Escalations in categories tagged policy-based, over all escalations.",
)
if counted is not None:
    st.caption(
        ":material/hourglass_top: "
        + horizon.rates_caption(
            hz, counted["maturing"], counted["late_escalations"], where="in the date range"
        )
    )

# ---- top drivers ----------------------------------------------------------------------------
st.subheader("Top drivers")
c1, c2 = st.columns([3, 1])
rank = (
    c1.segmented_control(
        "Rank by",
        list(drivers.RANKINGS),
        default="frequency",
        key="dr_rank",
        format_func=lambda k: drivers.RANKINGS[k][0],
    )
    or "frequency"
)
top = c2.slider("How many", 5, 10, 10, key="dr_top")
st.info(audit.IMPACT_EXPLANATIONS[rank], icon=":material/help:")
ranked = tags.with_tags(
    aggregates.aggregate(data, audit.drivers, rank_by=rank, top=top, horizon=hz)
)
if rank != "frequency" and ranked.get_column(rank).null_count() == ranked.height:
    layout.empty_state(
        "No category has both escalated and other tickets with this measure.",
        action="Pick another ranking; this one needs solve times or satisfaction ratings.",
    )
else:
    widgets.chart_downloads(
        drivers.ranking_figure(ranked, "category", rank),
        f"drivers_{rank}",
        key="dr_rank_chart",
        data=ranked,
    )
driver_view = tables.DRIVER_VIEW if hz is None else horizon.with_maturing(tables.DRIVER_VIEW)
widgets.table(ranked, view=driver_view, key="dr_table", filename="drivers.csv")

st.subheader("Pareto of escalations by category")
widgets.chart_downloads(drivers.pareto_figure(par, "category"), "pareto", key="dr_pareto", data=par)
st.caption(
    f"Bars: escalations per category, most first. Line: cumulative share (right axis); the "
    f"dotted line is 80%. Here {min(n80, par.height)} of {par.height} categories make up 80% "
    "of escalations: start there."
)

# ---- skill or policy ------------------------------------------------------------------------
st.subheader("Skill-based or policy-based?")
st.caption(
    "Skill-based: Tier 1 could solve these with training or better articles. Policy-based: "
    "Tier 1 may not solve them (refunds, deletions, approvals), so only a policy change helps. "
    "Tags are shared by every page and feed the overview's policy-based share."
)
tag_rows = pl.DataFrame({"category": categories}).join(
    every.select("category", "escalations", "rate"), on="category", how="left"
)
tagged = tags.with_tags(tag_rows).join(
    tags.category_tags().select("category", "note", "updated_by"), on="category", how="left"
)
left, right = st.columns([3, 2])
with left:
    widgets.table(tagged, view=tables.TAG_VIEW, key="dr_tags", filename="category_tags.csv")
with right:
    if session.can_edit():
        editors.tag_editor(categories)
    else:
        st.caption("You have read-only access: ask an editor to tag categories.")

# ---- knowledge coverage ---------------------------------------------------------------------
st.subheader("Knowledge coverage")
cov = session.store().get_knowledge_coverage()
coverage = tags.with_tags(pl.DataFrame({"category": categories})).join(
    cov.drop("updated_at"), on="category", how="left"
)
coverage = coverage.with_columns(
    pl.when(pl.col("link").str.contains(r"^https?://")).then(pl.col("link")).alias("link")
)
widgets.table(coverage, view=tables.COVERAGE_VIEW, key="dr_cov", filename="coverage.csv")
missing = coverage.filter(pl.col("article_exists").is_null()).height
st.caption(
    f"Does an article exist for each category, is it accurate, and can Tier 1 follow it? "
    f"{missing} of {coverage.height} categories have no record yet."
)
if session.can_edit():
    editors.coverage_editor(categories)
