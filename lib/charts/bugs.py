"""Product bugs page: the groups chart and the display tables.

Example
-------
>>> import polars as pl
>>> g = pl.DataFrame({"group": [1], "label": ["csv · 500"], "tickets": [30], "escalated": [6]})
>>> len(groups_figure(g).data)
2
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lib.charts.common import COLORS, base_layout

#: The groups table.
GROUP_VIEW = (
    ("group", "Group", "int"),
    ("label", "Top terms", "text"),
    ("example_subject", "Typical subject", "text"),
    ("tickets", "Tickets", "int"),
    ("escalated", "Escalated", "int"),
    ("escalation_share", "Escalated", "pct"),
    ("open", "Open", "int"),
    ("customers", "Customers", "int"),
    ("tiers", "Tiers", "text"),
    ("first_seen", "First seen", "datetime"),
    ("last_seen", "Last seen", "datetime"),
    ("categories", "Categories", "text"),
    ("spike", "Topic spike", "text"),
    ("defect_share", "Reads like a defect", "pct"),
    ("example_ids", "Example tickets", "text"),
)
#: A group's tickets.
MEMBER_VIEW = (
    ("ticket_id", "Ticket", "text"),
    ("created_at", "Created", "datetime"),
    ("status", "Status", "text"),
    ("escalated", "Escalated", "bool"),
    ("customer", "Customer", "text"),
    ("customer_tier", "Tier", "text"),
    ("category", "Category", "text"),
    ("subject", "Subject", "text"),
)
#: Escalations by linked issue.
ISSUE_VIEW = (
    ("issue", "Linked issue", "text"),
    ("via", "Found in", "text"),
    ("tickets", "Tickets", "int"),
    ("escalated", "Escalated", "int"),
    ("escalation_share", "Escalated", "pct"),
    ("open", "Still waiting", "int"),
    ("waiting", "Waiting tickets", "text"),
    ("customers", "Customers", "int"),
    ("first_seen", "First seen", "datetime"),
    ("last_seen", "Last seen", "datetime"),
)


def with_shares(groups: pl.DataFrame) -> pl.DataFrame:
    """The groups with ``escalation_share`` (escalated / tickets) for the table.

    >>> with_shares(pl.DataFrame({"tickets": [4], "escalated": [1]})).item(0, 2)
    0.25
    """
    return groups.with_columns(
        escalation_share=pl.col("escalated") / pl.col("tickets").cast(pl.Float64)
    )


def groups_figure(groups: pl.DataFrame, top: int = 15) -> go.Figure:
    """Horizontal bars: each group's tickets, split into escalated and not, largest first."""
    g = groups.head(top).reverse()
    names = [f"#{n} {lab[:32]}" for n, lab in zip(g["group"], g["label"], strict=True)]
    esc = g.get_column("escalated").to_list()
    rest = [t - e for t, e in zip(g.get_column("tickets").to_list(), esc, strict=True)]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=esc,
        orientation="h",
        name="Escalated",
        marker_color=COLORS["rate"],
        hovertemplate="%{y}: %{x:,} escalated<extra></extra>",
    )
    fig.add_bar(
        y=names,
        x=rest,
        orientation="h",
        name="Not escalated",
        marker_color=COLORS["volume"],
        hovertemplate="%{y}: %{x:,} not escalated<extra></extra>",
    )
    base_layout(fig, height=max(260, 28 * g.height + 80))
    fig.update_layout(barmode="stack", hovermode="closest")
    fig.update_xaxes(title_text="Tickets in the period")
    return fig
