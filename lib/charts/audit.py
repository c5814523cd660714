"""Figures and display tables for the audit pages (overview, breakdowns, drivers, routing).

Every builder takes a small aggregated frame from :mod:`lib.audit` (never raw tickets) and
caps what it draws (``max_bars``, ``max_rows``), so no chart sends more than a few hundred
points to the browser. Hover texts always give the counts behind a rate.

Display tables follow one naming convention that the page glue (``ui.table``) turns into
column formats: a header ending in ``%`` holds a percentage (0..100), ``(pts)`` a change in
percentage points, ``(h)`` hours, ``(min)`` minutes.

Example
-------
>>> import polars as pl
>>> f = pl.DataFrame({"channel": ["chat", "email"], "tickets": [40, 10], "escalations": [8, 1],
...                   "rate": [0.2, 0.1], "rate_low": [0.1, 0.02], "rate_high": [0.35, 0.4]})
>>> fig = interval_bars(f, "channel")
>>> fig.data[0].y, list(fig.data[0].customdata[0])
(('chat', 'email'), ['chat', 8, 40, 10.0, 35.0, 'chat'])
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib.audit.change_impact import BeforeAfter
from lib.audit.escalation_drivers import IMPACT_EXPLANATIONS
from lib.audit.headline import KpiTable
from lib.audit.rates import TestResult
from lib.charts.common import COLORS, base_layout, trend_figure

__all__ = [
    "RANKINGS",
    "age_figure",
    "before_after_cards",
    "before_after_figure",
    "change_card",
    "csat_card",
    "distribution_figure",
    "heatmap_figure",
    "interval_bars",
    "kpi_card",
    "kpi_table",
    "markers",
    "pareto_figure",
    "present",
    "quantile_figure",
    "ranking_figure",
    "response_trend_figure",
    "routing_cards",
    "shade",
    "trend_chart",
    "verdict",
    "verdict_expr",
]

#: Driver rankings: key of :data:`lib.audit.IMPACT_EXPLANATIONS` -> (button label, value
#: column, axis title).
RANKINGS: dict[str, tuple[str, str, str]] = {
    "frequency": ("Frequency", "escalations", "Escalations"),
    "impact_handling": ("Extra handling time", "impact_handling", "Extra handling hours"),
    "impact_csat": ("Satisfaction lost", "impact_csat", "Satisfaction lost (rating points)"),
}
if set(RANKINGS) != set(IMPACT_EXPLANATIONS):  # pragma: no cover (kept in step with lib.audit)
    raise ImportError("lib.charts.audit.RANKINGS is out of step with lib.audit")

_SCALE = "Oranges"


def _label(value: Any) -> str:
    """Text safe for plotly labels (plotly renders a subset of HTML in them)."""
    return html.escape("" if value is None else str(value), quote=False)


def _pct_list(frame: pl.DataFrame, column: str) -> list[float | None]:
    return [None if v is None else 100 * v for v in frame.get_column(column).to_list()]


def _closest(fig: go.Figure) -> go.Figure:
    """Hover (and click) the point under the cursor: the app default, "x unified", would pick
    by x value, which on horizontal bars selects the wrong bar."""
    return fig.update_layout(hovermode="closest")


def _bar_height(n: int) -> int:
    return max(220, min(900, 90 + 28 * n))


# --------------------------------------------------------------------------------------------
# Rates with intervals, heatmaps
# --------------------------------------------------------------------------------------------


def interval_bars(
    frame: pl.DataFrame,
    label: str,
    *,
    rate: str = "rate",
    low: str | None = None,
    high: str | None = None,
    k: str = "escalations",
    n: str = "tickets",
    what: str = "escalated",
    reference: float | None = None,
    reference_label: str = "",
    max_bars: int = 30,
    title: str | None = None,
    highlight: str | None = None,
) -> go.Figure:
    """Horizontal bars of a rate per value with its Wilson interval as error bars.

    ``frame`` has ``label``, ``rate`` (0..1), its interval ``low`` and ``high`` (default
    ``{rate}_low`` and ``{rate}_high``), ``k`` and ``n`` (e.g. :func:`lib.audit.rate_by`);
    the first ``max_bars`` rows are drawn, the first on top. ``reference`` (0..1) draws a
    dashed vertical line (an overall rate or a target).
    ``customdata`` of each bar is ``[label (escaped for plotly), k, n, low %, high %, value]``
    so a click can drill into ``value`` (the label as it is in the data).

    >>> f = pl.DataFrame({"tier": ["free"], "solved": [10], "resolved_tier1": [7],
    ...                   "rate": [0.7], "rate_low": [0.4], "rate_high": [0.9]})
    >>> fig = interval_bars(f, "tier", k="resolved_tier1", n="solved", reference=0.7)
    >>> fig.data[0].x, len(fig.layout.shapes)
    ((70.0,), 1)
    """
    f = frame.head(max_bars)
    raw = [None if v is None else str(v) for v in f.get_column(label).to_list()]
    labels = [_label(v) for v in raw]
    x = _pct_list(f, rate)
    lo, hi = _pct_list(f, low or f"{rate}_low"), _pct_list(f, high or f"{rate}_high")
    plus = [None if v is None or h is None else h - v for v, h in zip(x, hi, strict=True)]
    minus = [None if v is None or low is None else v - low for v, low in zip(x, lo, strict=True)]
    ks, ns = f.get_column(k).to_list(), f.get_column(n).to_list()
    colors = [
        COLORS["marker"] if highlight is not None and lab == _label(highlight) else COLORS["rate"]
        for lab in labels
    ]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=labels,
            orientation="h",
            marker_color=colors,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": plus,
                "arrayminus": minus,
                "color": COLORS["neutral"],
                "thickness": 1.2,
            },
            customdata=[list(row) for row in zip(labels, ks, ns, lo, hi, raw, strict=True)],
            hovertemplate=f"<b>%{{customdata[0]}}</b><br>%{{x:.1f}}% {what} "
            "(%{customdata[1]:,} of %{customdata[2]:,})<br>"
            "95% interval %{customdata[3]:.1f}% to %{customdata[4]:.1f}%<extra></extra>",
            name=f"Share {what}",
        )
    )
    if reference is not None:
        fig.add_vline(
            x=100 * reference,
            line_dash="dash",
            line_color=COLORS["neutral"],
            annotation_text=_label(reference_label),
            annotation_position="top",
        )
    fig.update_layout(bargap=0.35)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=f"% {what}", rangemode="tozero")
    return _closest(base_layout(fig, title=title, height=_bar_height(len(labels))))


def heatmap_figure(
    cells: pl.DataFrame,
    rows: str,
    cols: str,
    *,
    max_rows: int = 30,
    max_cols: int = 30,
    title: str | None = None,
) -> go.Figure:
    """Escalation rate per (row, column) combination, from :func:`lib.audit.heatmap`.

    Rows and columns are ordered by ticket volume, the busiest first, and cut to ``max_rows``
    and ``max_cols``. Each cell shows its rate; hover adds escalations and tickets. Empty
    combinations stay blank.

    >>> cells = pl.DataFrame({"category": ["a", "a", "b"], "channel": ["chat", "email", "chat"],
    ...                       "tickets": [10, 5, 4], "escalations": [1, 0, 2],
    ...                       "rate": [0.1, 0.0, 0.5]})
    >>> fig = heatmap_figure(cells, "category", "channel")
    >>> fig.data[0].z
    ([10.0, 0.0], [50.0, None])
    >>> fig.data[0].customdata[1][1]
    [0, 0]
    """
    if cells.height == 0:
        return base_layout(go.Figure(), title=title)

    def order(col: str, limit: int) -> list[str]:
        return (
            cells.group_by(col)
            .agg(pl.col("tickets").sum())
            .sort(["tickets", col], descending=[True, False])
            .head(limit)
            .get_column(col)
            .to_list()
        )

    row_keys, col_keys = order(rows, max_rows), order(cols, max_cols)
    lookup = {
        (r[rows], r[cols]): r
        for r in cells.filter(pl.col(rows).is_in(row_keys) & pl.col(cols).is_in(col_keys)).rows(
            named=True
        )
    }
    z, text, custom = [], [], []
    for rk in row_keys:
        zr, tr, cr = [], [], []
        for ck in col_keys:
            cell = lookup.get((rk, ck))
            rate = None if cell is None or cell["rate"] is None else 100 * cell["rate"]
            zr.append(rate)
            tr.append("" if rate is None else f"{rate:.0f}%")
            cr.append([0, 0] if cell is None else [cell["escalations"], cell["tickets"]])
        z.append(zr)
        text.append(tr)
        custom.append(cr)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_label(c) for c in col_keys],
            y=[_label(r) for r in row_keys],
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            colorscale=_SCALE,
            colorbar={"title": "% escalated"},
            hoverongaps=False,
            xgap=1,
            ygap=1,
            hovertemplate="<b>%{y}</b> × <b>%{x}</b><br>%{z:.1f}% escalated "
            "(%{customdata[0]:,} of %{customdata[1]:,} tickets)<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", automargin=True)
    return _closest(
        base_layout(fig, title=title, height=max(260, min(900, 120 + 30 * len(row_keys))))
    )


# --------------------------------------------------------------------------------------------
# Drivers
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------------------------


def distribution_figure(
    dist: pl.DataFrame, *, x: str = "label", x_title: str = "Reassignments"
) -> go.Figure:
    """Bars of the share of tickets per value of ``x`` (e.g. :attr:`ReassignmentSummary.
    distribution`), with the ticket count on hover.

    >>> d = pl.DataFrame({"label": ["0", "1"], "tickets": [3, 1], "share": [0.75, 0.25]})
    >>> distribution_figure(d).data[0].y
    (75.0, 25.0)
    """
    fig = go.Figure(
        go.Bar(
            x=[_label(v) for v in dist.get_column(x).to_list()],
            y=_pct_list(dist, "share"),
            customdata=dist.get_column("tickets").to_list(),
            marker_color=COLORS["rate"],
            hovertemplate="%{y:.1f}% of tickets (%{customdata:,})<extra></extra>",
        )
    )
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title="% of tickets", rangemode="tozero")
    return _closest(base_layout(fig, height=300))


def age_figure(buckets: pl.DataFrame) -> go.Figure:
    """Idle tickets per age bucket (:attr:`lib.audit.IdleTickets.buckets`).

    >>> b = pl.DataFrame({"age_bucket": ["2–3 days", "3–7 days"], "tickets": [4, 0]})
    >>> age_figure(b).data[0].y
    (4, 0)
    """
    fig = go.Figure(
        go.Bar(
            x=buckets.get_column("age_bucket").to_list(),
            y=buckets.get_column("tickets").to_list(),
            marker_color=COLORS["rate"],
            hovertemplate="%{y:,} tickets idle %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(title="Time since the last update", type="category")
    fig.update_yaxes(title="Open tickets", rangemode="tozero")
    return _closest(base_layout(fig, height=300))


def quantile_figure(
    frame: pl.DataFrame, label: str, *, unit: str = "hours", max_rows: int = 20
) -> go.Figure:
    """Spread of a duration per value: a bar from the 25th to the 75th percentile, the median
    as a mark and the 90th percentile as a tick (e.g. :func:`lib.audit.time_to_escalate`).

    ``frame`` has ``label``, ``n`` (or ``responses``), ``p25``, ``median``, ``p75``, ``p90``.

    >>> f = pl.DataFrame({"category": ["a"], "n": [5], "p25": [1.0], "median": [2.0],
    ...                   "p75": [4.0], "p90": [9.0]})
    >>> fig = quantile_figure(f, "category")
    >>> fig.data[0].base, fig.data[0].x, fig.data[1].x
    ((1.0,), (3.0,), (2.0,))
    """
    f = frame.filter(pl.col("median").is_not_null()).head(max_rows)
    count = "n" if "n" in f.columns else "responses"
    labels = [_label(v) for v in f.get_column(label).to_list()]
    p25, p75 = f.get_column("p25").to_list(), f.get_column("p75").to_list()
    med, p90 = f.get_column("median").to_list(), f.get_column("p90").to_list()
    custom = [list(r) for r in zip(f.get_column(count).to_list(), p25, med, p75, p90, strict=True)]
    hover = (
        "<b>%{y}</b> (%{customdata[0]:,} tickets)<br>median %{customdata[2]:.1f} "
        f"{unit}<br>middle half %{{customdata[1]:.1f}} to %{{customdata[3]:.1f}} {unit}<br>"
        f"90% within %{{customdata[4]:.1f}} {unit}<extra></extra>"
    )
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=[b - a for a, b in zip(p25, p75, strict=True)],
        base=p25,
        orientation="h",
        marker_color=COLORS["band"],
        marker_line={"color": COLORS["rate"], "width": 1},
        name="25th to 75th percentile",
        customdata=custom,
        hovertemplate=hover,
    )
    fig.add_scatter(
        y=labels, x=med, mode="markers", name="Median", customdata=custom,
        marker={"color": COLORS["rate"], "size": 11, "symbol": "diamond"}, hovertemplate=hover,
    )  # fmt: skip
    fig.add_scatter(
        y=labels, x=p90, mode="markers", name="90th percentile", customdata=custom,
        marker={"color": COLORS["neutral"], "size": 12, "symbol": "line-ns-open"},
        hovertemplate=hover,
    )  # fmt: skip
    fig.update_layout(bargap=0.45)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=unit.capitalize(), rangemode="tozero")
    return _closest(base_layout(fig, height=_bar_height(len(labels))))


def response_trend_figure(frt: pl.DataFrame) -> go.Figure:
    """Median first response per period with the middle half as a band and the 90th percentile
    dotted (:func:`lib.audit.first_response_trend`).

    >>> from datetime import date
    >>> f = pl.DataFrame({"period_start": [date(2024, 1, 1)], "responses": [3], "median": [5.0],
    ...                   "p25": [2.0], "p75": [8.0], "p90": [20.0]})
    >>> [t.name for t in response_trend_figure(f).data]
    ['75th percentile', 'Middle half', 'Median', '90th percentile']
    """
    x = frt.get_column("period_start").to_list()
    n = frt.get_column("responses").to_list()
    fig = go.Figure()
    fig.add_scatter(
        x=x, y=frt.get_column("p75").to_list(), mode="lines", line={"width": 0},
        name="75th percentile", showlegend=False, hoverinfo="skip",
    )  # fmt: skip
    fig.add_scatter(
        x=x, y=frt.get_column("p25").to_list(), mode="lines", line={"width": 0},
        fill="tonexty", fillcolor=COLORS["band"], name="Middle half", hoverinfo="skip",
    )  # fmt: skip
    fig.add_scatter(
        x=x,
        y=frt.get_column("median").to_list(),
        mode="lines+markers",
        name="Median",
        line={"color": COLORS["rate"], "width": 2.5},
        customdata=n,
        hovertemplate="median %{y:.0f} min (%{customdata:,} tickets)<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=frt.get_column("p90").to_list(),
        mode="lines",
        name="90th percentile",
        line={"color": COLORS["neutral"], "dash": "dot"},
        hovertemplate="90%% answered within %{y:.0f} min<extra></extra>",
    )
    fig.update_yaxes(title="Minutes to first response", rangemode="tozero")
    return base_layout(fig)


def before_after_figure(weekly: pl.DataFrame, change: date) -> go.Figure:
    """Weekly escalation rate around a change date with one fitted line per segment
    (:attr:`lib.audit.BeforeAfter.weekly`); marker size grows with the week's tickets.

    >>> from datetime import date
    >>> w = pl.DataFrame({"week_start": [date(2024, 2, 23), date(2024, 3, 1)],
    ...                   "segment": ["before", "after"], "tickets": [4, 5],
    ...                   "escalations": [2, 1], "rate": [0.5, 0.2], "rate_low": [0.1, 0.0],
    ...                   "rate_high": [0.9, 0.6], "fitted": [0.5, 0.2]})
    >>> [t.name for t in before_after_figure(w, date(2024, 3, 1)).data]
    ['Before', 'Before: trend', 'After', 'After: trend']
    """
    fig = go.Figure()
    top = max(1, weekly.get_column("tickets").max() or 1) if weekly.height else 1
    palette = {"before": COLORS["neutral"], "after": COLORS["rate"]}
    for seg in ("before", "after"):
        w = weekly.filter(pl.col("segment") == seg)
        if w.height == 0:
            continue
        x = w.get_column("week_start").to_list()
        t = w.get_column("tickets").to_list()
        fig.add_scatter(
            x=x,
            y=_pct_list(w, "rate"),
            mode="markers",
            name=seg.capitalize(),
            marker={"color": palette[seg], "size": [6 + 14 * (v / top) ** 0.5 for v in t]},
            customdata=list(zip(w.get_column("escalations").to_list(), t, strict=True)),
            hovertemplate="week of %{x|%Y-%m-%d}: %{y:.1f}% escalated "
            "(%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>",
        )
        fig.add_scatter(
            x=x,
            y=_pct_list(w, "fitted"),
            mode="lines",
            name=f"{seg.capitalize()}: trend",
            line={"color": palette[seg], "width": 2.5},
            hoverinfo="skip",
        )
    fig.add_vline(x=change, line_dash="dot", line_color=COLORS["marker"])
    fig.add_annotation(
        x=change, y=1, yref="paper", text="change", showarrow=False, xanchor="left",
        yanchor="top", font={"size": 11, "color": COLORS["marker"]},
    )  # fmt: skip
    fig.update_yaxes(title="Escalation rate (%)", rangemode="tozero")
    return _closest(base_layout(fig))


def trend_chart(trend: pl.DataFrame, *, markers: Sequence[tuple[date, str]] = ()) -> go.Figure:
    """:func:`lib.charts.common.trend_figure` with the rate line drawn above the volume bars.

    Plotly draws the traces of an overlaying axis above those of the base axis, so the bars go
    on the base axis (right side) and the rate, its band and the markers on the overlaying one
    (left side).

    >>> from datetime import date
    >>> tr = pl.DataFrame({"period_start": [date(2024, 1, 1)], "tickets": [10],
    ...                    "escalations": [2], "rate": [0.2], "rate_low": [0.06], "rate_high": [0.51]})
    >>> [(t.type, t.yaxis) for t in trend_chart(tr).data]
    [('bar', 'y'), ('scatter', 'y2'), ('scatter', 'y2'), ('scatter', 'y2')]
    """  # noqa: E501
    fig = trend_figure(trend, markers=markers)
    for tr in fig.data:
        tr.yaxis = "y" if tr.type == "bar" else "y2"
    fig.update_layout(
        yaxis={"title": "Tickets", "side": "right", "showgrid": False, "rangemode": "tozero"},
        yaxis2={
            "title": "Escalation rate (%)", "overlaying": "y", "side": "left",
            "rangemode": "tozero", "showgrid": True, "gridcolor": "#E7E5E4", "tickmode": "auto",
        },
    )  # fmt: skip
    return fig


def shade(fig: go.Figure, start: date, end: date, label: str = "") -> go.Figure:
    """Shade the days ``start``..``end`` (inclusive) of a date axis, e.g. the review period.

    >>> from datetime import date
    >>> len(shade(go.Figure(), date(2024, 1, 1), date(2024, 1, 14), "review").layout.shapes)
    1
    """
    fig.add_vrect(
        x0=start, x1=end + timedelta(days=1), fillcolor=COLORS["marker"], opacity=0.07,
        line_width=0, annotation_text=_label(label), annotation_position="top left",
    )  # fmt: skip
    return fig


# --------------------------------------------------------------------------------------------
# Markers and display tables
# --------------------------------------------------------------------------------------------


def markers(
    meetings: pl.DataFrame,
    events: pl.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    limit: int = 30,
) -> list[tuple[date, str]]:
    """``(date, label)`` pairs for :func:`lib.charts.common.trend_figure` from the store's
    meetings (``date``, ``title``) and events (``date``, ``kind``, ``title``) inside
    ``start``..``end``; labels are escaped for plotly.

    >>> from datetime import date
    >>> m = pl.DataFrame({"date": [date(2024, 1, 5)], "title": ["Review <1>"]})
    >>> e = pl.DataFrame({"date": [date(2024, 2, 1)], "kind": ["release"], "title": ["v2"]})
    >>> markers(m, e, end=date(2024, 1, 31))
    [(datetime.date(2024, 1, 5), 'Review &lt;1&gt;')]
    """
    out: list[tuple[date, str]] = []
    for r in meetings.rows(named=True) if meetings.height else []:
        out.append((r["date"], _label(r.get("title") or "Review meeting")))
    for r in events.rows(named=True) if events.height else []:
        out.append((r["date"], _label(f"{r['kind'].capitalize()}: {r['title']}")))
    out = [
        (d, t)
        for d, t in out
        if d is not None and (start is None or d >= start) and (end is None or d <= end)
    ]
    return sorted(out)[-limit:]


#: Display columns (see :func:`present`) of the quarter-over-quarter table.
QUARTER_VIEW = (
    ("quarter", "Quarter", "text"), ("days_covered", "Days with data", "int"),
    ("tickets", "Tickets", "int"), ("escalations", "Escalations", "int"),
    ("rate", "Rate", "pct"), ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
    ("change", "Change vs previous quarter", "pts"), ("p_value", "p-value", "p"),
    ("verdict", "Verdict", "text"),
)  # fmt: skip


#: Display columns of a drill-down's ticket list (:func:`lib.audit.slice_tickets`).
SLICE_VIEW = (
    ("ticket_id", "Ticket", "text"), ("created_at", "Created", "datetime"),
    ("subject", "Subject", "text"), ("agent", "Agent", "text"),
    ("escalated", "Escalated", "bool"), ("escalation_reason", "Why it counts as escalated", "text"),
)  # fmt: skip


#: Display columns of the drivers table (:func:`lib.audit.drivers` with a ``tag``).
DRIVER_VIEW = (
    ("rank", "Rank", "int"), ("category", "Category", "text"), ("tag", "Tag", "text"),
    ("tickets", "Tickets", "int"), ("escalations", "Escalations", "int"),
    ("rate", "Rate", "pct"), ("share_of_escalations", "Share of escalations", "pct"),
    ("handling_hours_escalated", "Hours to solve, escalated", "hours"),
    ("handling_hours_other", "Hours to solve, others", "hours"),
    ("extra_handling_hours", "Extra hours per escalation", "hours"),
    ("impact_handling", "Extra hours in total", "float"),
    ("csat_escalated", "Satisfaction, escalated", "pct"),
    ("csat_other", "Satisfaction, others", "pct"),
    ("csat_gap", "Satisfaction gap", "pts"), ("impact_csat", "Satisfaction lost", "float"),
)  # fmt: skip

#: Display columns of the category tags table.
TAG_VIEW = (
    ("category", "Category", "text"), ("tag", "Tag", "text"),
    ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
    ("note", "Note", "text"), ("updated_by", "Tagged by", "text"),
)  # fmt: skip

#: Display columns of the Tier 1 resolution table (:func:`lib.audit.tier1_resolution`).
TIER1_VIEW = (
    ("category", "Category", "text"), ("tag", "Tag", "text"), ("solved", "Solved", "int"),
    ("resolved_tier1", "Resolved at Tier 1", "int"), ("rate", "Tier 1 rate", "pct"),
    ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
    ("gap", "Vs target", "pts"), ("meets_target", "Meets target", "bool"),
)  # fmt: skip

#: Display columns of the knowledge coverage table (store records joined to categories).
COVERAGE_VIEW = (
    ("category", "Category", "text"), ("tag", "Tag", "text"),
    ("article_exists", "Article exists", "bool"), ("accurate", "Accurate", "bool"),
    ("detailed_enough", "Detailed enough", "bool"), ("link", "Link", "text"),
    ("note", "Note", "text"), ("updated_by", "Recorded by", "text"),
)  # fmt: skip


def reassign_view(column: str, label: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of :attr:`lib.audit.ReassignmentSummary.summary` per ``column``."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("tickets", "Tickets", "int"),
        ("known", "With a count", "int"), ("reassigned", "Reassigned", "int"),
        ("share_reassigned", "Reassigned", "pct"), ("share_low", "95% low", "pct"),
        ("share_high", "95% high", "pct"),
        ("first_assignment_correct_rate", "First assignment correct", "pct"),
        ("bounced", "Bounced 3+ times", "int"),
        ("mean_reassignments", "Mean reassignments", "float"),
    )  # fmt: skip


#: Display columns of ticket lists on the routing page (bounced and idle tickets).
TICKET_LIST_VIEW = (
    ("ticket_id", "Ticket", "text"), ("created_at", "Created", "datetime"),
    ("last_activity", "Last activity", "datetime"), ("idle_hours", "Idle", "hours"),
    ("age_bucket", "Idle for", "text"), ("status", "Status", "text"),
    ("priority", "Priority", "text"), ("reassignments", "Reassignments", "int"),
    ("subject", "Subject", "text"), ("category", "Category", "text"),
    ("channel", "Channel", "text"), ("agent", "Agent", "text"), ("group", "Group", "text"),
    ("customer", "Customer", "text"), ("escalated", "Escalated", "bool"),
)  # fmt: skip


def duration_view(column: str, label: str, unit: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of :func:`lib.audit.first_response_by` (``unit="minutes"``) or
    :func:`lib.audit.time_to_escalate` (``unit="hours"``)."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("escalations", "Escalations", "int"),
        ("tickets", "Tickets", "int"), ("responses", "With a time", "int"),
        ("n", "With a time", "int"), ("median", "Median", unit), ("p25", "25th pct", unit),
        ("p75", "75th pct", unit), ("p90", "90th pct", unit), ("mean", "Mean", unit),
    )  # fmt: skip


#: Display columns of :func:`lib.audit.repeat_contacts`.
REPEAT_VIEW = (
    ("customer", "Customer", "text"), ("customer_tier", "Tier", "text"),
    ("max_in_window", "Most tickets in 7 days", "int"), ("tickets", "Tickets", "int"),
    ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
    ("first_burst_start", "First burst from", "datetime"),
    ("last_created", "Last ticket", "datetime"),
)  # fmt: skip


def rate_view(column: str, label: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of :func:`lib.audit.rate_by` (or :func:`lib.audit.top_values`)."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("tickets", "Tickets", "int"),
        ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
        ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
        ("share_of_escalations", "Share of escalations", "pct"),
    )  # fmt: skip


#: Display columns of the weekly series of :func:`lib.audit.before_after`.
BEFORE_AFTER_VIEW = (
    ("week_start", "Week from", "date"), ("week", "Weeks from the change", "int"),
    ("segment", "Segment", "text"), ("tickets", "Tickets", "int"),
    ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
    ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
    ("fitted", "Trend line", "pct"),
)  # fmt: skip


def breakdown_view(column: str, label: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of a breakdown table (:func:`lib.audit.breakdown`, with an optional
    ``tag`` and ``verdict`` column) whose first column is ``column``, headed ``label``."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("tickets", "Tickets", "int"),
        ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
        ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
        ("share_of_escalations", "Share of escalations", "pct"),
        ("previous_tickets", "Previous tickets", "int"),
        ("previous_rate", "Previous rate", "pct"), ("change", "Change", "pts"),
        ("p_value", "p-value", "p"), ("verdict", "Verdict", "text"),
        ("escalations_change", "Escalations vs previous", "int"),
    )  # fmt: skip


def present(frame: pl.DataFrame, columns: Iterable[tuple[str, str, str]]) -> pl.DataFrame:
    """A display table: ``columns`` are ``(source column, header, kind)``; missing sources are
    skipped. Kinds: ``text``, ``int``, ``float``, ``pct`` (0..1 shown as 0..100, header gets
    `` %``), ``pts`` (a 0..1 difference shown in percentage points, header gets `` (pts)``),
    ``hours`` (`` (h)``), ``minutes`` (`` (min)``), ``p`` (p-value), ``bool``, ``date``,
    ``datetime``.

    >>> f = pl.DataFrame({"category": ["a"], "rate": [0.1234], "change": [-0.02]})
    >>> present(f, [("category", "Category", "text"), ("rate", "Rate", "pct"),
    ...             ("change", "Change", "pts"), ("nope", "Nope", "int")]).row(0)
    ('a', 12.34, -2.0)
    >>> present(f, [("rate", "Rate", "pct")]).columns
    ['Rate %']
    """
    suffix = {"pct": " %", "pts": " (pts)", "hours": " (h)", "minutes": " (min)"}
    exprs = []
    for src, header, kind in columns:
        if src not in frame.columns:
            continue
        col = pl.col(src)
        if kind in ("pct", "pts"):
            col = (col.cast(pl.Float64) * 100).round(2)
        elif kind in ("hours", "minutes", "float"):
            col = col.cast(pl.Float64).round(2)
        elif kind == "p":
            col = col.cast(pl.Float64).round(4)
        exprs.append(col.alias(header + suffix.get(kind, "")))
    return frame.select(exprs)


def verdict(test: TestResult) -> str:
    """A test of change in plain words: ``"no significant change (p=0.42)"`` or
    ``"up 2.4 pts, significant (p=0.003)"``.

    >>> from lib.audit import two_proportion_test
    >>> verdict(two_proportion_test(37, 261, 30, 254))
    'no significant change (+2.4 pts, p=0.43)'
    >>> verdict(two_proportion_test(60, 200, 30, 200))
    'up 15.0 pts, significant (p<0.001)'
    >>> verdict(two_proportion_test(1, 2, 0, 0))
    'not testable (no tickets to compare with)'
    """
    if not test.testable:
        return "not testable (no tickets to compare with)"
    p = test.p_value
    ptxt = "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"
    pts = 100 * test.diff
    if not test.significant:
        return f"no significant change ({pts:+.1f} pts, {ptxt})"
    word = "up" if pts > 0 else "down"
    return f"{word} {abs(pts):.1f} pts, significant ({ptxt})"


def verdict_expr(change: str = "change", significant: str = "significant") -> pl.Expr:
    """A text column from per-row tests (e.g. :func:`lib.audit.breakdown`): ``up`` or
    ``down`` when significant, ``no significant change`` otherwise, ``–`` when untestable.

    >>> f = pl.DataFrame({"change": [0.1, -0.1, 0.01, None], "significant": [True, True, False, False]})
    >>> f.select(verdict_expr()).to_series().to_list()
    ['up', 'down', 'no significant change', '–']
    """  # noqa: E501
    return (
        pl.when(pl.col(change).is_null())
        .then(pl.lit("–"))
        .when(pl.col(significant) & (pl.col(change) > 0))
        .then(pl.lit("up"))
        .when(pl.col(significant) & (pl.col(change) < 0))
        .then(pl.lit("down"))
        .otherwise(pl.lit("no significant change"))
        .alias("verdict")
    )


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "int":
        return f"{value:,}"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "hours":
        return f"{value:.1f} h"
    if kind == "minutes":
        return f"{value:.0f} min"
    return str(value)


#: Headline measures of :class:`lib.audit.KpiTable`: column, label, kind, denominator column.
KPI_MEASURES: tuple[tuple[str, str, str, str | None], ...] = (
    ("tickets", "Tickets", "int", None),
    ("escalations", "Escalations", "int", None),
    ("rate", "Escalation rate", "pct", "tickets"),
    ("median_hours_to_escalate", "Median time to escalate", "hours", "escalations_timed"),
    ("median_first_response_minutes", "Median first response", "minutes", "first_responses"),
    ("csat_escalated", "Satisfaction, escalated", "pct", "csat_escalated_n"),
    ("csat_not_escalated", "Satisfaction, not escalated", "pct", "csat_not_escalated_n"),
    ("reopen_rate", "Reopen rate", "pct", "reopen_known"),
    ("policy_share", "Policy-based share of escalations", "pct", "escalations"),
)


def kpi_table(kpi: KpiTable) -> pl.DataFrame:
    """The headline numbers of the three periods side by side, as text (one row per measure),
    with the Wilson interval of the escalation rate and the denominators (n).

    >>> from datetime import UTC, date, datetime
    >>> from lib.audit import kpis
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 9, 10)],
    ...                   "escalated": [False, True, False]})
    >>> p = review_periods(t, review_days=3, baseline=(date(2024, 1, 1), date(2024, 1, 7)))
    >>> tab = kpi_table(kpis(t, p))
    >>> tab.columns[0], tab.row(2)[:2], tab.row(3)[1]
    ('Measure', ('Escalation rate', '50.0%'), '9.5% to 90.5%')
    """
    periods = kpi.periods
    headers = {
        name: f"{periods.label(name).split(' (')[0]} ({start:%d %b} – {end:%d %b %Y})"
        for name, (start, end) in periods.items()
    }
    rows: list[dict[str, str]] = []
    for column, label, kind, denom in KPI_MEASURES:
        row = {"Measure": label}
        for name in headers:
            r = kpi.row(name)
            text = _fmt(r[column], kind)
            if denom and kind != "int" and r[column] is not None and denom != "tickets":
                text += f" (n={r[denom]:,})"
            row[headers[name]] = text
        rows.append(row)
        if column == "rate":
            rows.append(
                {"Measure": "  95% interval of the rate"}
                | {
                    headers[n]: f"{_fmt(kpi.row(n)['rate_low'], 'pct')} to "
                    f"{_fmt(kpi.row(n)['rate_high'], 'pct')}"
                    if kpi.row(n)["tickets"]
                    else "–"
                    for n in headers
                }
            )
    return pl.DataFrame(rows)


def kpi_card(kpi: KpiTable, column: str) -> dict[str, Any]:
    """Keyword arguments for ``st.metric`` of a secondary headline number (time to escalate,
    first response, satisfaction, reopen rate, policy share): the review period's value, the
    previous period's as a neutral delta (no arrow: these are not tested), the baseline and
    the denominators in the help text.

    >>> from datetime import UTC, date, datetime
    >>> from lib.audit import kpis
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 9, 10)],
    ...                   "escalated": [False, True, False], "reopens": [0, 1, 0]})
    >>> p = review_periods(t, review_days=3, baseline=(date(2024, 1, 1), date(2024, 1, 7)))
    >>> card = kpi_card(kpis(t, p), "reopen_rate")
    >>> card["value"], card["delta"]
    ('50.0%', None)
    """
    spec = {m[0]: m for m in KPI_MEASURES}[column]
    _, label, kind, denom = spec
    cur, prev, base = (kpi.row(p) for p in ("review", "previous", "baseline"))
    n = f" over {cur[denom]:,} tickets" if denom else ""
    help_text = (
        f"{label} in the review period: {_fmt(cur[column], kind)}{n}. Previous period "
        f"{_fmt(prev[column], kind)}; baseline {_fmt(base[column], kind)}."
    )
    delta = None if prev[column] is None else f"previous {_fmt(prev[column], kind)}"
    return {
        "value": _fmt(cur[column], kind),
        "delta": delta,
        "delta_color": "off",
        "delta_arrow": "off",
        "help": help_text,
    }


def csat_card(kpi: KpiTable) -> dict[str, Any]:
    """``st.metric`` arguments for satisfaction of escalated vs other tickets in the review
    period (mean rating on a 0..100% scale), the gap as a neutral delta.

    >>> from datetime import UTC, date, datetime
    >>> from lib.audit import kpis
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (9, 10, 10)],
    ...                   "escalated": [True, False, False], "satisfaction": [0.2, 1.0, 0.8]})
    >>> card = csat_card(kpis(t, review_periods(t, review_days=3)))
    >>> card["value"], card["delta"]
    ('20% vs 90%', 'escalated vs not')
    """
    r = kpi.review
    esc, other = r["csat_escalated"], r["csat_not_escalated"]
    help_text = (
        f"Mean satisfaction (0 = worst, 100% = best) of escalated tickets "
        f"{_fmt(esc, 'pct')} (n={r['csat_escalated_n']:,}) vs tickets not escalated "
        f"{_fmt(other, 'pct')} (n={r['csat_not_escalated_n']:,}) in the review period."
    )
    if esc is None or other is None:
        return {"value": "–", "help": help_text + " Needs ratings on both kinds of ticket."}
    gap = 100 * (other - esc)
    word = "lower" if gap >= 0 else "higher"
    return {
        "value": f"{100 * esc:.0f}% vs {100 * other:.0f}%",
        "delta": "escalated vs not",
        "help": f"{help_text} Escalated tickets score {abs(gap):.0f} points {word}.",
        "delta_color": "off",
        "delta_arrow": "off",
    }


def baseline_card(kpi: KpiTable) -> dict[str, Any]:
    """``st.metric`` arguments comparing the review period's rate with the baseline: the
    baseline rate as value, the tested change as delta (arrow only when significant).

    >>> from datetime import UTC, date, datetime
    >>> from lib.audit import kpis
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 9, 10)],
    ...                   "escalated": [False, True, False]})
    >>> p = review_periods(t, review_days=3, baseline=(date(2024, 1, 1), date(2024, 1, 7)))
    >>> baseline_card(kpis(t, p))["delta"]
    '+50.0 pts now (not significant)'
    """
    test = kpi.change("baseline")
    base = kpi.baseline
    out: dict[str, Any] = {
        "value": _fmt(base["rate"], "pct"),
        "help": (
            f"Baseline {kpi.periods.baseline[0]} to {kpi.periods.baseline[1]}: "
            f"{base['escalations']:,} of {base['tickets']:,} tickets escalated. The delta is "
            "the review period's rate minus the baseline's, with a two-proportion z-test."
        ),
    }
    if kpi.periods.baseline_overlaps_review:
        out["delta"] = "overlaps the review period: not compared"
        out["delta_color"], out["delta_arrow"] = "off", "off"
        return out
    sig = test.significant
    if not test.testable:
        out["delta"] = "not testable"
    else:
        word = "significant" if sig else "not significant"
        out["delta"] = f"{100 * test.diff:+.1f} pts now ({word})"
    # an escalation rate going up is bad: red up, green down; grey without significance
    out["delta_color"] = ("red" if test.diff > 0 else "green") if sig else "off"
    out["delta_arrow"] = ("up" if test.diff > 0 else "down") if sig else "off"
    return out


def _card(value: str, delta: str | None = None, help_text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "border": True}
    if delta is not None:
        out.update(delta=delta, delta_color="off", delta_arrow="off")
    if help_text:
        out["help"] = help_text
    return out


def routing_cards(
    summary: dict[str, Any], *, idle: int, open_tickets: int, hours: float, repeat: int
) -> list[tuple[str, dict[str, Any]]]:
    """``(label, st.metric kwargs)`` for the routing page's headline numbers, from one row of
    :attr:`lib.audit.ReassignmentSummary.summary` and the idle and repeat-contact counts.

    >>> s = {"share_reassigned": 0.25, "reassigned": 1, "known": 4, "share_low": 0.05,
    ...      "share_high": 0.7, "first_assignment_correct_rate": 0.75, "bounced": 0}
    >>> [(label, c["value"]) for label, c in routing_cards(s, idle=2, open_tickets=5,
    ...                                                    hours=48, repeat=1)][:2]
    [('Reassigned', '25.0%'), ('Right first time', '75.0%')]
    """
    return [
        ("Reassigned", _card(
            _fmt(summary["share_reassigned"], "pct"), None,
            f"{summary['reassigned']:,} of {summary['known']:,} tickets with a reassignment "
            f"count; 95% interval {_fmt(summary['share_low'], 'pct')} to "
            f"{_fmt(summary['share_high'], 'pct')}.",
        )),
        ("Right first time", _card(
            _fmt(summary["first_assignment_correct_rate"], "pct"), None,
            "First-assignment-correct rate: tickets never reassigned, so the first group or "
            "owner was the right one.",
        )),
        ("Bounced 3+ times", _card(f"{summary['bounced']:,}")),
        (f"Idle > {hours:g} h", _card(
            f"{idle:,}", None,
            f"Open tickets (of {open_tickets:,}) with no update for over {hours:g} hours.",
        )),
        ("Repeat customers", _card(
            f"{repeat:,}", None, "Customers with 3 or more tickets within 7 days.",
        )),
    ]  # fmt: skip


def before_after_cards(ba: BeforeAfter) -> list[tuple[str, dict[str, Any]]]:
    """``(label, st.metric kwargs)`` for a before/after comparison: both rates with their
    counts and the tested change.

    >>> from datetime import UTC, date, datetime, timedelta
    >>> from lib.audit import before_after
    >>> d0 = datetime(2024, 3, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({"created_at": [d0 + timedelta(days=d) for d in (-3, -2, 1, 2)],
    ...                   "escalated": [True, True, False, False]})
    >>> [(label, c["value"], c.get("delta")) for label, c in before_after_cards(
    ...     before_after(t, date=date(2024, 3, 1)))][:2]
    [('Before', '100.0%', '2 of 2 tickets'), ('After', '0.0%', '0 of 2 tickets')]
    """
    before, after = ba.summary.rows(named=True)
    return [
        (
            label,
            _card(
                _fmt(row["rate"], "pct"),
                f"{row['escalations']:,} of {row['tickets']:,} tickets",
                f"{row['start'] or '–'} to {row['end'] or '–'}",
            ),
        )
        for label, row in (("Before", before), ("After", after))
    ] + [("Change", change_card(ba.test))]


def change_card(test: TestResult) -> dict[str, Any]:
    """``st.metric`` arguments for a tested change in rate: the difference in points as value,
    the verdict as delta (coloured with an arrow only when significant; a rise is red).

    >>> from lib.audit import two_proportion_test
    >>> c = change_card(two_proportion_test(60, 200, 30, 200))
    >>> c["value"], c["delta"], c["delta_color"], c["delta_arrow"]
    ('+15.0 pts', 'significant, p<0.001', 'red', 'up')
    >>> change_card(two_proportion_test(37, 261, 30, 254))["delta"]
    'not significant, p=0.43'
    """
    ci = test.ci
    interval = f"{100 * ci[0]:+.1f} to {100 * ci[1]:+.1f} pts" if ci else "–"
    help_text = (
        "Difference in escalation rate (after minus before, or review minus reference), "
        f"two-proportion z-test; 95% interval of the difference {interval}."
    )
    if not test.testable:
        return _card("–", "not testable", help_text)
    p = test.p_value
    ptxt = "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"
    out = _card(f"{100 * test.diff:+.1f} pts", None, help_text)
    if not test.significant:
        return out | {
            "delta": f"not significant, {ptxt}",
            "delta_color": "off",
            "delta_arrow": "off",
        }
    up = test.diff > 0
    return out | {
        "delta": f"significant, {ptxt}",
        "delta_color": "red" if up else "green",
        "delta_arrow": "up" if up else "down",
    }
