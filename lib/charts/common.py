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
from datetime import date, datetime, timedelta

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
#: A period with fewer tickets than this gets no interval band: its 95% interval spans most of
#: 0-100% and a row of them reads as a wall, not as information.
BAND_MIN_TICKETS = 20


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


def date_axis(
    fig: go.Figure, starts: Sequence[date], ends: Sequence[date] | None = None
) -> go.Figure:
    """Make the x axis of a per-period chart read as dates on any range: days as
    ``2026-11-07`` (never a time of day such as ``23:59:59.9996``), a range padded by half a
    period each side (one period is not drawn as a sliver of hours), and with eight periods or
    fewer one tick on each period's first day. ``ends`` are the periods' last days (default:
    one-day periods).

    >>> fig = date_axis(go.Figure(), [date(2024, 1, 1)])
    >>> fig.layout.xaxis.tickformat, fig.layout.xaxis.tickvals, fig.layout.xaxis.range
    ('%Y-%m-%d', ('2024-01-01',), ('2023-12-31 12:00:00', '2024-01-01 12:00:00'))
    """
    days = sorted({d for d in starts if d is not None})
    if not days:
        return fig
    ends = [e for e in (ends or starts) if e is not None] or days
    width = max(1, min((e - s).days + 1 for s, e in zip(starts, ends, strict=False) if s and e))
    half = timedelta(days=width / 2)
    fmt = "%Y-%m-%d %H:%M:%S"
    few = len(days) <= 8
    fig.update_xaxes(
        type="date",
        tickformat="%Y-%m-%d",
        hoverformat="%Y-%m-%d",
        range=[(_at(days[0]) - half).strftime(fmt), (_at(days[-1]) + half).strftime(fmt)],
        tickmode="array" if few else "auto",
        tickvals=[d.isoformat() for d in days] if few else None,
        nticks=None if few else 8,
    )
    # bars as wide as 80% of their period: plotly cannot guess a width from a single date
    if len(starts) == len(ends):
        widths = [0.8 * 86_400_000 * ((e - s).days + 1) for s, e in zip(starts, ends, strict=True)]
        fig.update_traces(width=widths, selector={"type": "bar"})
    return fig


def _at(day: date) -> datetime:
    """Midnight of ``day`` (plotly ranges take datetimes)."""
    return datetime(day.year, day.month, day.day)


def banded(trend: pl.DataFrame, min_tickets: int = BAND_MIN_TICKETS) -> pl.DataFrame:
    """``trend`` with the interval (``rate_low``, ``rate_high``) blanked in periods with fewer
    than ``min_tickets`` tickets, so the band is drawn only where it says something.

    >>> t = pl.DataFrame({"tickets": [3, 40], "rate_low": [0.01, 0.1], "rate_high": [0.9, 0.3]})
    >>> banded(t)["rate_high"].to_list()
    [None, 0.3]
    """
    enough = pl.col("tickets") >= min_tickets
    return trend.with_columns(
        pl.when(enough).then(pl.col(c)).otherwise(None).alias(c) for c in ("rate_low", "rate_high")
    )


def band_note(
    trend: pl.DataFrame, unit: str = "period", min_tickets: int = BAND_MIN_TICKETS
) -> str:
    """A caption sentence saying where :func:`banded` hid the band (empty when nowhere).

    >>> band_note(pl.DataFrame({"tickets": [3, 0, 40]}), "day")
    'The band is hidden on the 1 day with fewer than 20 tickets (its interval spans most of 0-100%).'
    """  # noqa: E501
    n = trend.filter((pl.col("tickets") > 0) & (pl.col("tickets") < min_tickets)).height
    if n == 0:
        return ""
    every = "every" if n == trend.filter(pl.col("tickets") > 0).height else f"the {n:,}"
    units = unit if n == 1 and every != "every" else f"{unit}s"
    if every == "every":
        return (
            f"No band: every {unit} has fewer than {min_tickets} tickets, so its interval spans "
            "most of 0-100%; a longer period (Week, Month) shows one."
        )
    return (
        f"The band is hidden on {every} {units} with fewer than {min_tickets} tickets "
        "(its interval spans most of 0-100%)."
    )


def trend_figure(
    trend: pl.DataFrame,
    *,
    title: str | None = None,
    markers: Sequence[tuple[date, str]] = (),
) -> go.Figure:
    """Escalation rate (line, Wilson band) over ticket volume (bars, right axis).

    ``trend`` has ``period_start``, ``tickets``, ``escalations``, ``rate``, ``rate_low`` and
    ``rate_high`` (see :func:`lib.audit.trend`). ``markers`` are (date, label) pairs drawn as
    vertical lines (review meetings, policy changes). The band is left out in periods with
    fewer than :data:`BAND_MIN_TICKETS` tickets (:func:`banded`; say so with
    :func:`band_note`), and the date axis reads as days on any range (:func:`date_axis`).
    """
    trend = banded(trend)
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
    if len(x) == 1 and low[0] is not None:  # one period: no band to fill, so a whisker
        fig.data[-1].error_y = {
            "type": "data", "symmetric": False, "array": [high[0] - rate[0]],
            "arrayminus": [rate[0] - low[0]], "color": COLORS["rate"], "thickness": 1.5,
        }  # fmt: skip
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
    ends = trend.get_column("period_end").to_list() if "period_end" in trend.columns else None
    return date_axis(base_layout(fig, title=title), x, ends)
