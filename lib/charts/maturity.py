"""The trend chart with the tickets still maturing (younger than the escalation horizon).

Example
-------
>>> from datetime import date
>>> tr = pl.DataFrame({"period_start": [date(2024, 1, 1), date(2024, 1, 8)],
...                    "tickets": [10, 4], "escalations": [2, 1], "maturing": [0, 6],
...                    "rate": [0.2, 0.25], "rate_low": [0.06, 0.05], "rate_high": [0.51, 0.7]})
>>> fig = maturing_trend_chart(tr)
>>> [t.name for t in fig.data if t.type == "bar"]
['Tickets counted', 'Still maturing']
>>> fig.data[-1].marker.symbol
('circle', 'circle-open')
>>> fig = maturing_trend_chart(tr.with_columns(tickets=pl.Series([30, 0])))
>>> [t.y for t in fig.data if t.name == "95% interval"]
[(6.0, None)]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import polars as pl

from lib.charts.common import COLORS
from lib.charts.overview import trend_chart

__all__ = ["maturing_trend_chart"]


def maturing_trend_chart(
    trend: pl.DataFrame, *, markers: Sequence[tuple[date, str]] = ()
) -> go.Figure:
    """:func:`lib.charts.overview.trend_chart` of a trend computed with a horizon
    (:func:`lib.audit.trend` with ``horizon=``): the tickets still maturing are stacked on the
    counted ones as hatched bars, and the rate of a period that has maturing tickets is drawn
    as an open marker (its rate counts only the tickets old enough).
    """
    if "maturing" not in trend.columns:
        return trend_chart(trend, markers=markers)
    # a period with nothing counted yet has no rate: no band from 0 to 100% either
    counted = pl.col("tickets") > 0
    trend = trend.with_columns(
        pl.when(counted).then(pl.col(c)).otherwise(None).alias(c) for c in ("rate_low", "rate_high")
    )
    fig = trend_chart(trend, markers=markers)
    maturing = trend.get_column("maturing").to_list()
    bars = next(t for t in fig.data if t.type == "bar")
    bars.name = "Tickets counted"
    bars.hovertemplate = "%{y:,} tickets counted<extra></extra>"
    fig.add_bar(
        x=trend.get_column("period_start").to_list(),
        y=maturing,
        name="Still maturing",
        yaxis=bars.yaxis,
        width=bars.width,  # as wide as the counted bars (see lib.charts.common.date_axis)
        marker={
            "color": "rgba(0,0,0,0)",
            "line": {"color": COLORS["neutral"], "width": 1},
            "pattern": {"shape": "/", "fgcolor": COLORS["neutral"], "size": 6},
        },
        hovertemplate="%{y:,} tickets still maturing (not in the rate)<extra></extra>",
    )
    fig.update_layout(barmode="stack")
    rate = next(t for t in fig.data if t.name == "Escalation rate")
    rate.marker.symbol = ["circle-open" if m else "circle" for m in maturing]
    rate.marker.size = [10 if m else 6 for m in maturing]
    # keep the rate line drawn above the bars: move it to the end of the trace list
    fig.data = [t for t in fig.data if t is not rate] + [rate]
    return fig
