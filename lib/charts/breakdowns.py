"""Rates per value with their intervals, and the two-way heatmap (the Breakdowns page; the
interval bars also serve the Drivers and Routing pages).

Every builder takes a small aggregated frame from :mod:`lib.audit` (never raw tickets) and
caps what it draws (``max_bars``, ``max_rows``), so no chart sends more than a few hundred
points to the browser. Hover texts always give the counts behind a rate.

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

import plotly.graph_objects as go
import polars as pl

from lib.charts._audit_common import _bar_height, _closest, _label, _pct_list
from lib.charts.common import COLORS, base_layout

__all__ = [
    "heatmap_figure",
    "interval_bars",
]

_SCALE = "Oranges"


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
