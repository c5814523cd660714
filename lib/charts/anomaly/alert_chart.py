"""The per-alert chart: a window of the topic's judged series around the alert, drawn with the
expected value, its 99% band, and the alert's days shaded and marked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib.anomaly.series import BAND
from lib.charts.common import COLORS, base_layout
from lib.formatting import day, weekday

__all__ = ["alert_figure", "alert_window"]

_BAND_NAME = f"{100 * BAND:.0f}% band"
_BAND_FILL = "rgba(29, 78, 216, 0.13)"
_EXPECTED = "#1E3A8A"
_BAR = "#A8A29E"
_SENTIMENT = "#7C3AED"


def alert_window(
    judged: pl.DataFrame,
    alert: Mapping[str, Any],
    *,
    before: int = 42,
    after: int = 14,
) -> pl.DataFrame:
    """The alert topic's judged series around the alert, for :func:`alert_figure`.

    ``judged`` is :func:`lib.anomaly.judgements` (all topics; per week for a weekly alert). Keeps
    the alert's topic and metric from ``before`` days before its start to ``after`` days after
    its end, adds ``in_alert`` and, for sentiment, ``tickets`` (the day's ticket count, taken from
    the volume rows) so that a mean can be read with the count behind it.
    """
    lo = alert["start"] - dt.timedelta(days=before)
    hi = alert["end"] + dt.timedelta(days=after)
    rows = judged.filter(
        (pl.col("topic") == alert["topic"]) & pl.col("day").is_between(lo, hi)
    ).sort("day")
    series = rows.filter(pl.col("metric") == alert["metric"]).drop("metric")
    counts = rows.filter(pl.col("metric") == "volume").select(
        "day", pl.col("observed").alias("tickets")
    )
    series = series.join(counts, on="day", how="left", maintain_order="left")
    last = alert["end"]
    if alert.get("granularity") == "week":  # rows are Mondays; the alert ends on a Sunday
        last = alert["end"] - dt.timedelta(days=6)
    return series.with_columns(pl.col("day").is_between(alert["start"], last).alias("in_alert"))


def _fmt_count(x: float | None) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:,.0f}"


def _fmt_mean(x: float | None) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:+.2f}"


def alert_figure(window: pl.DataFrame, alert: Mapping[str, Any], *, height: int = 250) -> go.Figure:
    """The topic's series (bars of tickets, or the daily mean sentiment), its expected value and
    99% band, the alert's days shaded and marked in red.

    ``window`` comes from :func:`alert_window`. Days the topic could not be judged yet have no
    band. Hover gives the count (tickets, or tickets behind a mean) and the band.
    """
    weekly = alert.get("granularity") == "week"
    sentiment = alert["metric"] == "sentiment"
    x = window.get_column("day").to_list()
    obs = window.get_column("observed").to_list()
    exp = window.get_column("expected").to_list()
    low = window.get_column("lower").to_list()
    high = window.get_column("upper").to_list()
    n = window.get_column("tickets").to_list()
    mark = window.get_column("in_alert").to_list()
    when = [f"week of {day(d)}" if weekly else weekday(d) for d in x]
    if sentiment:
        hover = [
            f"{w}<br>mean sentiment {_fmt_mean(o)} from {_fmt_count(c)} tickets<br>"
            f"expected {_fmt_mean(e)} ({_BAND_NAME} {_fmt_mean(lo)} to {_fmt_mean(hi)})"
            for w, o, c, e, lo, hi in zip(when, obs, n, exp, low, high, strict=True)
        ]
    else:
        hover = [
            f"{w}<br>{_fmt_count(o)} tickets<br>expected {'–' if e is None else f'{e:.1f}'}"
            f" ({_BAND_NAME} {_fmt_count(lo)} to {_fmt_count(hi)})"
            for w, o, e, lo, hi in zip(when, obs, exp, low, high, strict=True)
        ]
    fig = go.Figure()
    fig.add_scatter(
        x=x, y=high, mode="lines", line={"width": 0}, name=_BAND_NAME, showlegend=False,
        hoverinfo="skip", connectgaps=False,
    )  # fmt: skip
    fig.add_scatter(
        x=x, y=low, mode="lines", line={"width": 0}, fill="tonexty", fillcolor=_BAND_FILL,
        name=_BAND_NAME, hoverinfo="skip", connectgaps=False,
    )  # fmt: skip
    name = "Sentiment" if sentiment else "Tickets"
    hit = [o if m else None for o, m in zip(obs, mark, strict=True)]
    if sentiment:
        fig.add_scatter(
            x=x, y=obs, mode="lines+markers", name=name, text=hover, showlegend=False,
            hovertemplate="%{text}<extra></extra>", connectgaps=True,
            line={"color": _SENTIMENT, "width": 1.5}, marker={"size": 4},
        )  # fmt: skip
        fig.add_scatter(
            x=x, y=hit, mode="markers", name="Alert", text=hover,
            hovertemplate="%{text}<extra></extra>",
            marker={"color": COLORS["bad"], "size": 8, "symbol": "diamond"},
        )  # fmt: skip
    else:
        plain = [None if m else o for o, m in zip(obs, mark, strict=True)]
        fig.add_bar(
            x=x, y=plain, name=name, marker_color=_BAR, text=hover, textposition="none",
            hovertemplate="%{text}<extra></extra>", showlegend=False,
        )  # fmt: skip
        fig.add_bar(
            x=x, y=hit, name="Alert", marker_color=COLORS["bad"], text=hover,
            textposition="none", hovertemplate="%{text}<extra></extra>",
        )  # fmt: skip
    fig.add_scatter(
        x=x, y=exp, mode="lines", name="Expected", hoverinfo="skip",
        line={"color": _EXPECTED, "dash": "dash", "width": 1.5},
    )  # fmt: skip
    start = alert["start"]
    end = alert["end"] + dt.timedelta(days=1)
    if weekly:  # bars sit on Mondays: shade from half a week before to half a week after
        start, end = start - dt.timedelta(days=3.5), alert["end"] - dt.timedelta(days=2.5)
    else:
        start, end = start - dt.timedelta(hours=12), end - dt.timedelta(hours=12)
    fig.add_vrect(x0=start, x1=end, fillcolor=COLORS["bad"], opacity=0.08, line_width=0)
    fig.update_layout(barmode="overlay", bargap=0.15, hovermode="closest")
    fig.update_yaxes(
        title="Mean sentiment" if sentiment else ("Tickets a week" if weekly else "Tickets a day"),
        rangemode="normal" if sentiment else "tozero",
        zeroline=sentiment,
        zerolinecolor="#D6D3D1",
    )
    base_layout(fig, height=height)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"font": {"size": 10}, "itemwidth": 30, "y": 1.0, "traceorder": "normal"},
        hovermode="closest",
    )
    return fig
