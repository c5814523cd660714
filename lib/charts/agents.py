"""Figures and display tables for the Agents page (case-mix adjusted agent comparison).

Every builder takes the small frames of :mod:`lib.outliers` and :mod:`lib.agent_review` (one
row per agent, category or period), never raw tickets. Hover texts give the counts behind every
ratio: tickets, observed and expected escalations.

Example
-------
>>> import polars as pl
>>> from lib.outliers import funnel_limits
>>> table = pl.DataFrame({"agent": ["ann", "bob"], "tickets": [400, 30], "escalated": [60, 2],
...     "expected": [30.0, 3.0], "ratio": [2.0, 0.67], "ratio_low": [1.5, 0.1],
...     "ratio_high": [2.6, 2.4], "q_value": [0.001, None], "judged": [True, False],
...     "flagged": [True, False], "direction": ["high", None]})
>>> fig = funnel_figure(table, funnel_limits([2.0, 40.0]))
>>> [t.name for t in fig.data if t.customdata is not None]
['Not judged', 'Flagged high']
>>> fig.data[-1].customdata[0][:4].tolist()
['ann', 400, 60, 30.0]
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import plotly.graph_objects as go
import polars as pl

from lib.agent_review.ranking import STATUS_LABELS, status_expr
from lib.charts.common import COLORS, base_layout
from lib.plain_words import NOISE_ALL

__all__ = [
    "AGENT_COMPACT_VIEW",
    "AGENT_DOWNLOAD_VIEW",
    "AGENT_VIEW",
    "CATEGORY_VIEW",
    "HISTORY_VIEW",
    "PEER_VIEW",
    "RAW_VIEW",
    "STATUS_STYLE",
    "TICKETS_VIEW",
    "category_figure",
    "expected_trend_figure",
    "funnel_figure",
]

#: Marker style per status: (colour, size, symbol).
STATUS_STYLE: dict[str, tuple[str, int, str]] = {
    STATUS_LABELS["not_judged"]: ("#A8A29E", 8, "circle-open"),
    STATUS_LABELS["not_comparable"]: ("#A8A29E", 9, "square-open"),
    STATUS_LABELS["in_line"]: (COLORS["neutral"], 9, "circle"),
    STATUS_LABELS["low"]: (COLORS["marker"], 15, "diamond"),
    STATUS_LABELS["high"]: (COLORS["bad"], 15, "diamond"),
}
_LIMIT_STYLE = {
    0.95: ("dash", "Chance range (19 in 20)"),
    0.998: ("solid", "Chance range (998 in 1,000)"),
}


def _label(value: Any) -> str:
    """Text safe for plotly labels (plotly renders a subset of HTML in them)."""
    return html.escape("" if value is None else str(value), quote=False)


def _level_name(level: float) -> tuple[str, str]:
    return _LIMIT_STYLE.get(round(level, 3), ("dot", f"{100 * level:g}% limits"))


def funnel_figure(
    table: pl.DataFrame,
    funnel: pl.DataFrame,
    *,
    highlight: str | None = None,
    height: int = 480,
) -> go.Figure:
    """The funnel plot: observed/expected ratio against expected escalations, per agent.

    ``table`` is :attr:`lib.outliers.AgentComparison.table` (or its :func:`adjusted_order`);
    ``funnel`` its ``funnel`` limits (columns expected, level, lower, upper). Points are
    coloured and sized by status (flagged high, flagged low, in line, not judged; see
    :data:`STATUS_STYLE`), flagged agents are named, and ``highlight`` rings one agent.
    ``customdata`` of each point starts with the agent's name, so a click can drill in; it
    holds ``[agent, tickets, escalated, expected, ratio_low, ratio_high, q text]``.
    Agents with no expected escalations have no ratio and are left out (they stay in the
    table). The x axis is logarithmic so busy and quiet agents both get room.
    """
    fig = go.Figure()
    for level in funnel.get_column("level").unique().sort().to_list() if funnel.height else []:
        dash, name = _level_name(level)
        part = funnel.filter(pl.col("level") == level).sort("expected")
        x = part.get_column("expected").to_list()
        for i, side in enumerate(("upper", "lower")):
            fig.add_scatter(
                x=x,
                y=part.get_column(side).to_list(),
                mode="lines",
                line={"color": "#78716C", "width": 1.3, "dash": dash},
                name=name,
                legendgroup=name,
                showlegend=i == 0,
                hoverinfo="skip",
            )
    points = table.with_columns(status_expr()) if "status" not in table.columns else table
    points = points.filter(
        pl.col("expected").is_not_null() & (pl.col("expected") > 0) & pl.col("ratio").is_not_null()
    )
    if points.height:
        lo = float(points.get_column("expected").min())
        hi = float(points.get_column("expected").max())
    elif funnel.height:
        lo, hi = (
            float(v)
            for v in funnel.select(
                pl.col("expected").min().alias("lo"), pl.col("expected").max().alias("hi")
            ).row(0)
        )
    else:
        lo, hi = 1.0, 10.0
    fig.add_scatter(
        x=[lo * 0.8, hi * 1.2],
        y=[1, 1],
        mode="lines",
        line={"color": COLORS["neutral"], "width": 1},
        name="As expected (1)",
        hoverinfo="skip",
    )
    for status, (color, size, symbol) in STATUS_STYLE.items():
        part = points.filter(pl.col("status") == status)
        if part.height == 0:
            continue
        flagged = status in (STATUS_LABELS["high"], STATUS_LABELS["low"])
        names = [_label(a) for a in part.get_column("agent").to_list()]
        q = [
            "not judged"
            if status == STATUS_LABELS["not_judged"] or v is None
            else ("< 0.0001" if v < 0.0001 else f"{v:.2g}")
            for v in part.get_column("q_value").to_list()
        ]
        custom = np.array(
            list(
                zip(
                    names,
                    part.get_column("tickets").to_list(),
                    part.get_column("escalated").to_list(),
                    part.get_column("expected").to_list(),
                    part.get_column("ratio_low").to_list(),
                    part.get_column("ratio_high").to_list(),
                    q,
                    strict=True,
                )
            ),
            dtype=object,
        )
        fig.add_scatter(
            x=part.get_column("expected").to_list(),
            y=part.get_column("ratio").to_list(),
            mode="markers+text" if flagged else "markers",
            text=names if flagged else None,
            textposition="top center",
            textfont={"color": color, "size": 12},
            marker={
                "color": color,
                "size": size,
                "symbol": symbol,
                "line": {"width": 1.5 if symbol.endswith("open") else 0.5, "color": color},
            },
            name=status,
            customdata=custom,
            hovertemplate="<b>%{customdata[0]}</b> · " + status + "<br>"
            "%{customdata[1]:,} tickets, %{customdata[2]:,} escalated<br>"
            "%{customdata[3]:,.0f} expected from their case mix<br>"
            "observed ÷ expected %{y:.2f} (95% interval %{customdata[4]:.2f} to "
            "%{customdata[5]:.2f})<br>q-value %{customdata[6]}<extra></extra>",
        )
    if highlight is not None:
        mine = points.filter(pl.col("agent") == highlight)
        if mine.height:
            r = mine.row(0, named=True)
            fig.add_scatter(
                x=[r["expected"]],
                y=[r["ratio"]],
                mode="markers",
                marker={
                    "size": 26,
                    "symbol": "circle-open",
                    "color": COLORS["marker"],
                    "line": {"width": 3, "color": COLORS["marker"]},
                },
                name="Selected",
                customdata=[[_label(highlight)]],
                hovertemplate="<b>%{customdata[0]}</b> (selected)<extra></extra>",
            )
    top = max(2.0, float(points.get_column("ratio").max() or 0) * 1.12) if points.height else 2.0
    x0, x1 = lo * 0.7, hi * 1.3
    ticks = [v * 10**e for e in range(-1, 7) for v in (1, 2, 5) if x0 <= v * 10**e <= x1] or [
        round(lo, 1),
        round(hi, 1),
    ]
    fig.update_xaxes(
        type="log",
        title="Expected escalations, from each agent's own case mix (log scale)",
        range=[np.log10(x0), np.log10(x1)],
        tickvals=ticks,
        ticktext=[f"{v:g}" for v in ticks],
    )
    fig.update_yaxes(title="Observed ÷ expected escalations", range=[0, top], zeroline=False)
    base_layout(fig, height=height)
    return fig.update_layout(hovermode="closest", dragmode="zoom")


def category_figure(
    breakdown: pl.DataFrame, *, by: str = "category", max_bars: int = 12
) -> go.Figure:
    """Observed against expected escalations per category for one agent (grouped bars).

    ``breakdown`` is :func:`lib.outliers.agent_category_breakdown` (sorted by excess, largest
    first), optionally with a ``tag`` column (skill / policy / unknown) shown after the name.
    The categories with the largest excess are on top.

    >>> b = pl.DataFrame({"category": ["api"], "tag": ["skill"], "tickets": [40],
    ...     "escalated": [12], "expected": [6.0], "excess": [6.0], "peer_rate": [0.15]})
    >>> fig = category_figure(b)
    >>> [t.name for t in fig.data], fig.data[0].y
    (['Observed', 'Expected'], ('api · skill',))
    """
    f = breakdown.head(max_bars)
    cats = [_label(c) for c in f.get_column(by).to_list()]
    if "tag" in f.columns:
        cats = [
            f"{c} · {_label(t)}" if t and t != "–" else c
            for c, t in zip(cats, f.get_column("tag").to_list(), strict=True)
        ]
    peer = f.get_column("peer_rate").to_list() if "peer_rate" in f.columns else [None] * f.height
    custom = [
        [n, o, e, x, "–" if p is None else f"{100 * p:.1f}%"]
        for n, o, e, x, p in zip(
            f.get_column("tickets").to_list(),
            f.get_column("escalated").to_list(),
            f.get_column("expected").to_list(),
            f.get_column("excess").to_list(),
            peer,
            strict=True,
        )
    ]
    hover = (
        "<b>%{y}</b><br>%{customdata[1]:,} escalated of %{customdata[0]:,} tickets<br>"
        "%{customdata[2]:,.0f} expected from the case mix (excess %{customdata[3]:+,.0f})<br>"
        "peers' rate in this category %{customdata[4]}<extra></extra>"
    )
    fig = go.Figure()
    fig.add_bar(
        y=cats,
        x=f.get_column("escalated").to_list(),
        orientation="h",
        name="Observed",
        marker_color=COLORS["rate"],
        customdata=custom,
        hovertemplate=hover,
    )
    fig.add_bar(
        y=cats,
        x=f.get_column("expected").to_list(),
        orientation="h",
        name="Expected",
        marker_color="#A8A29E",
        customdata=custom,
        hovertemplate=hover,
    )
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title="Escalations", rangemode="tozero")
    base_layout(fig, height=max(240, min(720, 110 + 44 * len(cats))))
    return fig.update_layout(hovermode="closest")


def expected_trend_figure(trend: pl.DataFrame) -> go.Figure:
    """An agent's observed escalations per period (bars) against the expected count (line).

    ``trend`` is :func:`lib.outliers.agent_expected_trend` (period_start, tickets, escalated,
    expected).

    >>> from datetime import date
    >>> t = pl.DataFrame({"period_start": [date(2024, 1, 1)], "tickets": [30],
    ...                   "escalated": [6], "expected": [3.2]})
    >>> [tr.type for tr in expected_trend_figure(t).data]
    ['bar', 'scatter']
    """
    x = trend.get_column("period_start").to_list()
    tickets = trend.get_column("tickets").to_list()
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=trend.get_column("escalated").to_list(),
        name="Observed escalations",
        marker_color=COLORS["rate"],
        customdata=tickets,
        hovertemplate="%{y:,} escalated of %{customdata:,} tickets<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=trend.get_column("expected").to_list(),
        mode="lines+markers",
        name="Expected from their case mix",
        line={"color": COLORS["neutral"], "width": 2.5, "dash": "dot"},
        hovertemplate="%{y:,.0f} expected<extra></extra>",
    )
    fig.update_yaxes(title="Escalations", rangemode="tozero")
    return base_layout(fig, height=320)


# --------------------------------------------------------------------------------------------
# Display tables (see lib.charts.tables.present for the kinds)
# --------------------------------------------------------------------------------------------

#: The agent table, in :func:`lib.agent_review.adjusted_order` (with a ``flagged_label``).
AGENT_VIEW = (
    ("place", "#", "int"), ("agent", "Agent", "text"), ("status", "Status", "text"),
    ("tickets", "Tickets", "int"), ("escalated", "Escalated", "int"),
    ("expected", "Expected", "count"), ("ratio", "Observed ÷ expected", "float"),
    ("ratio_low", "Ratio 95% low", "float"), ("ratio_high", "Ratio 95% high", "float"),
    ("q_value", NOISE_ALL, "pct"), ("raw_rate", "Raw rate", "pct"),
    ("expected_rate", "Expected rate", "pct"), ("shrunk_ratio", "Shrunken ratio", "float"),
    ("dominated_share", "Own-kind share", "pct"),
    ("flagged_label", "Flagged, by month", "text"),
)  # fmt: skip

#: The agent table when the raw ranking sits next to it (fewer columns).
AGENT_COMPACT_VIEW = (
    ("place", "#", "int"), ("agent", "Agent", "text"), ("status", "Status", "text"),
    ("ratio", "Obs. ÷ exp.", "float"), ("q_value", NOISE_ALL, "pct"),
    ("escalated", "Escalated", "int"), ("expected", "Expected", "count"),
)  # fmt: skip

#: The agent table's download: the same rows with unrounded numbers and each agent's own
#: control limits at their expected count (``lower_95`` ... ``upper_998``).
AGENT_DOWNLOAD_VIEW = (
    ("place", "#", "int"), ("agent", "Agent", "text"), ("status", "Status", "text"),
    ("tickets", "Tickets", "int"), ("escalated", "Escalated", "int"),
    ("expected", "Expected", "raw"), ("ratio", "Observed ÷ expected", "raw"),
    ("ratio_low", "Ratio 95% low", "raw"), ("ratio_high", "Ratio 95% high", "raw"),
    ("z", "z", "raw"), ("p_value", "p-value", "raw"), ("q_value", "q-value", "raw"),
    ("judged", "Judged", "bool"), ("flagged", "Flagged", "bool"),
    ("direction", "Direction", "text"), ("raw_rate", "Raw rate", "raw"),
    ("expected_rate", "Expected rate", "raw"), ("excess", "Excess", "raw"),
    ("z_unadjusted", "z before overdispersion", "raw"),
    ("in_reference", "Sets the standard", "bool"), ("comparable", "Comparable", "bool"),
    ("dominated_share", "Own-kind share", "raw"), ("shrunk_ratio", "Shrunken ratio", "raw"),
    ("shrunk_low", "Shrunken 95% low", "raw"), ("shrunk_high", "Shrunken 95% high", "raw"),
    ("lower_95", "lower_95", "raw"),
    ("upper_95", "upper_95", "raw"), ("lower_998", "lower_998", "raw"),
    ("upper_998", "upper_998", "raw"), ("flagged_label", "Flagged, by month", "text"),
)  # fmt: skip

#: The raw ranking next to it (:func:`lib.agent_review.rank_shift` places joined on).
RAW_VIEW = (
    ("raw_place", "Raw #", "int"), ("agent", "Agent", "text"), ("raw_rate", "Raw rate", "pct"),
    ("place", "Adjusted #", "int"), ("move_text", "Change", "text"),
    ("tickets", "Tickets", "int"), ("escalated", "Escalated", "int"),
)  # fmt: skip

#: One agent's categories (:func:`lib.outliers.agent_category_breakdown` with a ``tag``).
CATEGORY_VIEW = (
    ("category", "Category", "text"), ("tag", "Tag", "text"), ("tickets", "Tickets", "int"),
    ("escalated", "Escalated", "int"), ("expected", "Expected", "count"),
    ("excess", "Excess", "count"), ("ratio", "Observed ÷ expected", "float"),
    ("rate", "Agent's rate", "pct"), ("peer_rate", "Peers' rate", "pct"),
)  # fmt: skip

#: :func:`lib.agent_review.peer_comparison`.
PEER_VIEW = (
    ("measure", "Measure", "text"), ("agent_text", "This agent", "text"),
    ("peers_text", "Peers", "text"), ("agent_n", "Agent's tickets", "int"),
    ("peers_n", "Peers' tickets", "int"), ("verdict", "Difference", "text"),
)  # fmt: skip

#: One agent's rows of :func:`lib.outliers.flag_history` (with ``status``, ``q_label`` and a
#: ``month`` label such as "Aug 2026").
HISTORY_VIEW = (
    ("month", "Month", "text"), ("escalated", "Escalated", "int"),
    ("expected", "Expected", "count"), ("ratio", "Obs. ÷ exp.", "float"),
    ("status", "Status", "text"), ("q_value", NOISE_ALL, "pct"), ("tickets", "Tickets", "int"),
)  # fmt: skip

#: :func:`lib.agent_review.escalated_tickets`.
TICKETS_VIEW = (
    ("ticket_id", "Ticket", "text"), ("created_at", "Created", "datetime"),
    ("subject", "Subject", "text"), ("category", "Category", "text"),
    ("channel", "Channel", "text"), ("priority", "Priority", "text"),
    ("escalation_reason", "Why it counts as escalated", "text"),
)  # fmt: skip
