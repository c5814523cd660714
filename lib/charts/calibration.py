"""The Calibration page's chart: agreement per closed session, over time.

Example
-------
>>> import datetime as dt
>>> f = pl.DataFrame({"session": ["March"], "closed_at": [dt.datetime(2024, 3, 1)],
...     "kappa": [0.4], "kappa_low": [0.2], "kappa_high": [0.6], "ac1": [0.5]})
>>> [t.name for t in kappa_over_time_figure(f).data]
["Fleiss' kappa (95% CI)", "Gwet's AC1"]
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lib.charts.common import COLORS, base_layout

#: Columns of the frame the chart draws, one row per closed session.
TREND_COLUMNS = ("session", "closed_at", "kappa", "kappa_low", "kappa_high", "ac1")


def kappa_over_time_figure(trend: pl.DataFrame) -> go.Figure:
    """Kappa with its 95% interval and AC1 per closed session, in closing order; dotted lines
    mark 0.4 and 0.6 (Landis & Koch's moderate and substantial)."""
    t = trend.sort("closed_at")
    x = [f"{s} ({c:%Y-%m-%d})" for s, c in t.select("session", "closed_at").iter_rows()]
    k = t.get_column("kappa")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=k,
            mode="lines+markers",
            name="Fleiss' kappa (95% CI)",
            line={"color": COLORS["rate"]},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (t.get_column("kappa_high") - k).to_list(),
                "arrayminus": (k - t.get_column("kappa_low")).to_list(),
                "color": COLORS["band"],
                "thickness": 3,
            },
            hovertemplate="%{x}<br>kappa %{y:.2f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=t.get_column("ac1"),
            mode="lines+markers",
            name="Gwet's AC1",
            line={"color": COLORS["marker"], "dash": "dot"},
            hovertemplate="%{x}<br>AC1 %{y:.2f}<extra></extra>",
        )
    )
    for level in (0.4, 0.6):
        fig.add_hline(y=level, line={"color": COLORS["neutral"], "width": 1, "dash": "dot"})
    fig.update_yaxes(range=[-0.2, 1.05], title="agreement beyond chance")
    fig.update_xaxes(type="category")
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return base_layout(fig, height=340)
