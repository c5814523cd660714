"""Product bugs: which defects are customers reporting, and what goes to the product team?"""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib import bugs, formatting
from lib.charts import bugs as charts
from lib.markdown import md_escape
from ui import bugs as glue
from ui import layout, sidebar, widgets

layout.header(
    "Product bugs",
    "Which defects are customers reporting in the review period, how many of them escalate, "
    "and what should go to the product team?",
)
data = layout.page_data()
prds = sidebar.review_periods()
if prds is None:
    layout.empty_state("The dataset has no tickets.", action="Load an export on **Data**.")
    st.stop()
review = prds.review
STRICTNESS = {"loose": 0.25, "balanced": 0.3, "strict": 0.4}
c1, c2, c3 = st.columns([1.4, 1, 1.4], vertical_alignment="bottom")
strict = c1.segmented_control(
    "Grouping",
    list(STRICTNESS),
    default="balanced",
    required=True,
    key="pb_strict",
    format_func=str.capitalize,
    help="How alike two tickets' texts must be to join a group (cosine of their word and "
    "character profiles: loose 0.25, balanced 0.3, strict 0.4).",
)
min_tickets = int(c2.number_input("Smallest group", 2, 100, 5, key="pb_min"))
questions = c3.toggle("Show groups that read like questions too", key="pb_questions")
st.caption(
    f"Tickets created in the review period ({review[0]} to {review[1]}, sidebar: Review period) "
    "passing the sidebar's other filters."
)
res, period_tickets, spikes_read = glue.groups(
    data, review, threshold=STRICTNESS[strict or "balanced"], min_tickets=min_tickets
)
if not res.text:
    layout.empty_state(glue.NO_TEXT)
    st.page_link("views/data.py", label="Go to Data", icon=":material/upload_file:")
    st.stop()
shown = res.groups if questions else res.groups.filter(pl.col("defect_like"))
shown = charts.with_shares(shown)

# ---- headline numbers -----------------------------------------------------------------------
in_groups = int(shown.get_column("tickets").sum() or 0)
esc = int(shown.get_column("escalated").sum() or 0)
cards = st.columns(4)
cards[0].metric(
    "Defect groups" if not questions else "Groups",
    f"{shown.height:,}",
    border=True,
    help=f"{res.groups.height:,} groups of {min_tickets}+ similar tickets in all; "
    "shown: those where most tickets read like a defect (error words, a bug tag).",
)
cards[1].metric(
    "Tickets in them",
    f"{in_groups:,}",
    f"of {res.tickets:,} in the period",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
cards[2].metric(
    "Escalated among them",
    f"{esc:,}",
    f"{formatting.pct(esc / in_groups if in_groups else 0, 0)} of {in_groups:,}",
    delta_color="off",
    delta_arrow="off",
    border=True,
)
cards[3].metric(
    "Spiking categories",
    f"{int(shown.get_column('spiking').sum() or 0):,}",
    border=True,
    help="Groups whose main category had a volume spike or level shift "
    "in the period (Anomalies page, balanced setting).",
)
for note in res.notes:
    st.caption(":material/info: " + md_escape(note))
if not spikes_read:
    st.caption("No category in this export: groups are not compared with topic spikes.")

if shown.height == 0:
    layout.empty_state(
        f"No group of {min_tickets} or more similar tickets"
        + ("" if questions else " reads like a defect")
        + " in the review period.",
        action="Lower the smallest group, choose Loose grouping, show question-like groups, "
        "or lengthen the review period in the sidebar.",
    )
else:
    widgets.chart_downloads(
        charts.groups_figure(shown),
        "product_bug_groups",
        key="pb_chart",
        data=shown.select("group", "label", "tickets", "escalated"),
        caption="Each bar is a group of tickets whose subjects say the same thing, strongest "
        "first (tickets, doubled when the category spiked): red, the escalated ones.",
    )
    st.subheader("Groups")
    st.caption("Click a row to see its tickets and draft a bug report.")
    picked = widgets.table(
        shown,
        view=charts.GROUP_VIEW,
        key="pb_groups",
        filename="product_bug_groups.csv",
        select=True,
    )
    drafts = [
        bugs.draft(r, period=f"{review[0]} to {review[1]}") for r in shown.iter_rows(named=True)
    ]
    st.download_button(
        "Draft bug reports for all shown groups (Jira CSV)",
        data=bugs.jira_csv(drafts),
        file_name="bug_reports_jira.csv",
        mime="text/csv",
        key="pb_all_jira",
        on_click="ignore",
        icon=":material/download:",
    )
    labels = dict(zip(shown.get_column("group"), shown.get_column("label"), strict=True))
    box = st.selectbox(
        "Draft a bug report for",
        list(labels),
        index=None,
        format_func=lambda g: f"Group {g}: {labels[g]}",
        placeholder="Pick a group (or click a row above)",
        key="pb_pick_box",
    )
    chosen = widgets.latest_choice(
        "pb_pick", table=None if picked is None else int(picked["Group"]), box=box
    )
    if chosen in labels:
        glue.group_detail(shown, int(chosen), period_tickets, res, review)

glue.linked_section(data)
