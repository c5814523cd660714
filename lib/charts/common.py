"""Shared chart pieces: the palette, layout defaults and the rate-and-volume trend.

Example
-------
>>> import polars as pl
>>> from datetime import date
>>> tr = pl.DataFrame({"period_start": [date(2024, 1, 1)], "tickets": [10], "escalations": [2],
...                    "rate": [0.2], "rate_low": [0.06], "rate_high": [0.51]})
>>> [t.type for t in trend_figure(tr).data]
['bar', 'scatter', 'scatter', 'scatter']
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl

COLORS = {
    "rate": "#C2410C",
    "band": "rgba(194, 65, 12, 0.15)",
    "volume": "#D6D3D1",
    "neutral": "#57534E",
    "good": "#15803D",
    "bad": "#B91C1C",
    "marker": "#1D4ED8",
}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def base_layout(fig: go.Figure, *, title: str | None = None, height: int = 380) -> go.Figure:
    """Apply the app's layout defaults (no external fonts)."""
    fig.update_layout(
        title=title,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        font={"family": FONT, "size": 13},
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#E7E5E4")
    return fig


def trend_figure(
    trend: pl.DataFrame,
    *,
    title: str | None = None,
    markers: Sequence[tuple[date, str]] = (),
) -> go.Figure:
    """Escalation rate (line, Wilson band) over ticket volume (bars, right axis).

    ``trend`` has ``period_start``, ``tickets``, ``escalations``, ``rate``, ``rate_low`` and
    ``rate_high`` (see :func:`lib.audit.trend`). ``markers`` are (date, label) pairs drawn as
    vertical lines (review meetings, policy changes).
    """
    x = trend.get_column("period_start").to_list()
    tickets = trend.get_column("tickets").to_list()
    esc = trend.get_column("escalations").to_list()
    rate = [None if r is None else 100 * r for r in trend.get_column("rate").to_list()]
    low = [None if r is None else 100 * r for r in trend.get_column("rate_low").to_list()]
    high = [None if r is None else 100 * r for r in trend.get_column("rate_high").to_list()]
    custom = list(zip(esc, tickets, strict=True))
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=tickets,
        name="Tickets",
        marker_color=COLORS["volume"],
        yaxis="y2",
        hovertemplate="%{y:,} tickets<extra></extra>",
    )
    fig.add_scatter(
        x=x, y=high, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"
    )
    fig.add_scatter(
        x=x,
        y=low,
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor=COLORS["band"],
        name="95% interval",
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=x,
        y=rate,
        mode="lines+markers",
        name="Escalation rate",
        line={"color": COLORS["rate"], "width": 2.5},
        customdata=custom,
        hovertemplate="%{y:.1f}% escalated (%{customdata[0]:,} of %{customdata[1]:,})"
        "<extra></extra>",
    )
    for when, text in markers:
        fig.add_vline(x=when, line_dash="dot", line_color=COLORS["marker"])
        fig.add_annotation(
            x=when, y=1, yref="paper", text=text, showarrow=False, font={"size": 11},
            xanchor="left", yanchor="top", bgcolor="rgba(255,255,255,0.8)",
        )  # fmt: skip
    fig.update_layout(
        yaxis={"title": "Escalation rate (%)", "rangemode": "tozero"},
        yaxis2={
            "title": "Tickets",
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "rangemode": "tozero",
        },
    )
    return base_layout(fig, title=title)
