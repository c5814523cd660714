"""Figures of the Drivers page: the Pareto of escalations and the driver rankings."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from lib.audit import IMPACT_EXPLANATIONS
from lib.charts._audit_common import _bar_height, _closest, _label, _pct_list
from lib.charts.common import COLORS, base_layout

__all__ = [
    "RANKINGS",
    "pareto_figure",
    "ranking_figure",
]

#: Driver rankings: key of :data:`lib.audit.IMPACT_EXPLANATIONS` -> (button label, value
#: column, axis title).
RANKINGS: dict[str, tuple[str, str, str]] = {
    "frequency": ("Frequency", "escalations", "Escalations"),
    "impact_handling": ("Extra handling time", "impact_handling", "Extra handling hours"),
    "impact_csat": ("Satisfaction lost", "impact_csat", "Satisfaction lost (rating points)"),
}
if set(RANKINGS) != set(IMPACT_EXPLANATIONS):  # pragma: no cover (kept in step with metrics)
    raise ImportError("lib.charts.drivers.RANKINGS is out of step with lib.audit")


def pareto_figure(pareto: pl.DataFrame, by: str, *, max_bars: int = 30) -> go.Figure:
    """Escalations per value (bars, most first) and their cumulative share (line, right axis).

    ``pareto`` comes from :func:`lib.audit.pareto`. A dotted line marks 80%.

    >>> p = pl.DataFrame({"category": ["a", "b"], "escalations": [3, 1],
    ...                   "share": [0.75, 0.25], "cumulative_share": [0.75, 1.0]})
    >>> fig = pareto_figure(p, "category")
    >>> fig.data[1].y
    (75.0, 100.0)
    """
    f = pareto.head(max_bars)
    labels = [_label(v) for v in f.get_column(by).to_list()]
    share = _pct_list(f, "share")
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=f.get_column("escalations").to_list(),
        name="Escalations",
        marker_color=COLORS["rate"],
        customdata=share,
        hovertemplate="%{y:,} escalations (%{customdata:.1f}% of all)<extra></extra>",
    )
    fig.add_scatter(
        x=labels,
        y=_pct_list(f, "cumulative_share"),
        name="Cumulative share",
        mode="lines+markers",
        yaxis="y2",
        line={"color": COLORS["neutral"], "width": 2},
        hovertemplate="%{y:.1f}% of escalations up to here<extra></extra>",
    )
    fig.add_hline(y=80, yref="y2", line_dash="dot", line_color=COLORS["neutral"])
    fig.update_layout(
        yaxis={"title": "Escalations", "rangemode": "tozero"},
        yaxis2={
            "title": "Cumulative share (%)",
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            "tickmode": "array",
            "tickvals": [0, 20, 40, 60, 80, 100],
            "showgrid": False,
        },
    )
    return base_layout(fig)


def ranking_figure(drivers: pl.DataFrame, by: str, rank_by: str) -> go.Figure:
    """Horizontal bars of the ranking value of :func:`lib.audit.drivers` (top ranked on top).

    Hover gives the escalations, the rate and the parts of the impact.

    >>> d = pl.DataFrame({"category": ["a"], "escalations": [4], "rate": [0.4],
    ...                   "tickets": [10], "extra_handling_hours": [2.5],
    ...                   "impact_handling": [10.0], "csat_gap": [None], "impact_csat": [None]})
    >>> ranking_figure(d, "category", "impact_handling").data[0].x
    (10.0,)
    """
    _, column, axis = RANKINGS[rank_by]
    labels = [_label(v) for v in drivers.get_column(by).to_list()]
    rate = _pct_list(drivers, "rate")
    custom = [
        [e, t, r, h, None if g is None else 100 * g]
        for e, t, r, h, g in zip(
            drivers.get_column("escalations").to_list(),
            drivers.get_column("tickets").to_list(),
            rate,
            drivers.get_column("extra_handling_hours").to_list(),
            drivers.get_column("csat_gap").to_list(),
            strict=True,
        )
    ]
    hover = (
        "<b>%{y}</b><br>%{customdata[0]:,} escalations of %{customdata[1]:,} tickets "
        "(%{customdata[2]:.1f}%)"
    )
    if rank_by == "impact_handling":
        hover += "<br>%{customdata[3]:.1f} extra hours per escalation → %{x:,.0f} hours"
    elif rank_by == "impact_csat":
        hover += "<br>satisfaction %{customdata[4]:.1f} points lower → %{x:,.1f} lost"
    fig = go.Figure(
        go.Bar(
            x=drivers.get_column(column).to_list(),
            y=labels,
            orientation="h",
            marker_color=COLORS["rate"],
            customdata=custom,
            hovertemplate=hover + "<extra></extra>",
        )
    )
    fig.update_layout(bargap=0.35)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=axis)
    return _closest(base_layout(fig, height=_bar_height(len(labels))))
