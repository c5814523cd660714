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
from lib.charts.meetings import nice_ticks
from lib.formatting import pct

__all__ = [
    "FEW_TICKETS",
    "bar_label",
    "bars_caption",
    "heatmap_figure",
    "interval_bars",
    "sort_bars",
]

_SCALE = "Oranges"
#: Fewer tickets than this: a bar is drawn faded and a heatmap cell shows its counts, not a rate
#: (1 of 2 is "50%", which reads as a finding it is not).
FEW_TICKETS = 10
_FEW_COLOR = "#E7E5E4"


def bar_label(rate: float | None, k: int, n: int, *, measure: str = "rate") -> str:
    """The text beside a bar: the drawn measure first, the other after it.

    >>> bar_label(10 / 11, 10, 11)
    '90.9% · 10 of 11'
    >>> bar_label(10 / 11, 10, 11, measure="count")
    '10 of 11 · 90.9%'
    """
    counts = f"{k:,} of {n:,}"
    return f"{pct(rate)} · {counts}" if measure == "rate" else f"{counts} · {pct(rate)}"


def sort_bars(
    frame: pl.DataFrame,
    measure: str,
    *,
    rate: str = "rate",
    k: str = "escalations",
    n: str = "tickets",
) -> pl.DataFrame:
    """Rows in the order the bars are drawn: by ``rate`` (``measure="rate"``) or by the count
    ``k`` (``measure="count"``), largest first; ties by the other measure, then by tickets.
    Rows without a rate go last.

    >>> f = pl.DataFrame({"v": ["a", "b", "c"], "escalations": [30, 10, 5],
    ...                   "tickets": [300, 11, 5], "rate": [0.1, 10 / 11, 1.0]})
    >>> sort_bars(f, "rate")["v"].to_list(), sort_bars(f, "count")["v"].to_list()
    (['c', 'b', 'a'], ['a', 'b', 'c'])
    """  # fmt: skip
    if measure not in ("rate", "count"):
        raise ValueError(f"measure must be 'rate' or 'count', got {measure!r}")
    order = [rate, k] if measure == "rate" else [k, rate]
    return frame.sort([*order, n], descending=True, nulls_last=True, maintain_order=True)


def bars_caption(measure: str, by: str, *, values: int, tickets: int, reference: bool) -> str:
    """How to read :func:`interval_bars` drawn by ``measure``, with the tickets in view.

    >>> bars_caption("count", "channel", values=3, tickets=1200, reference=True)[:60]
    'Escalations per channel, most first; beside each bar: escala'
    """
    few = f" Faded bars: fewer than {FEW_TICKETS} tickets, too few to read much into."
    if measure == "count":
        head = (
            f"Escalations per {by}, most first; beside each bar: escalations of its tickets "
            "and the share escalated."
        )
    else:
        head = (
            f"Share escalated per {by}, highest first, with its 95% interval (whiskers); "
            "beside each bar: the share and escalations of its tickets."
        )
        if reference:
            head += " The dashed line is the rate over all tickets."
    return f"{head} {values:,} values, {tickets:,} tickets in view.{few}"


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
    measure: str | None = None,
) -> go.Figure:
    """Horizontal bars of a rate per value with its Wilson interval as error bars.

    ``frame`` has ``label``, ``rate`` (0..1), its interval ``low`` and ``high`` (default
    ``{rate}_low`` and ``{rate}_high``), ``k`` and ``n`` (e.g. :func:`lib.audit.rate_by`);
    the first ``max_bars`` rows are drawn, the first on top. ``reference`` (0..1) draws a
    dashed vertical line (an overall rate or a target).
    ``customdata`` of each bar is ``[label (escaped for plotly), k, n, low %, high %, value]``
    so a click can drill into ``value`` (the label as it is in the data).

    ``measure`` sorts the rows and draws them by the same measure (:func:`sort_bars`):
    ``"rate"`` draws the rate with its interval, ``"count"`` the count ``k`` (no interval);
    ``None`` keeps the frame's order and draws the rate. Beside each bar a text gives the drawn
    measure and the other one (:func:`bar_label`, e.g. ``90.9% · 10 of 11``); a bar of fewer
    than :data:`FEW_TICKETS` tickets is faded.

    >>> f = pl.DataFrame({"tier": ["free"], "solved": [10], "resolved_tier1": [7],
    ...                   "rate": [0.7], "rate_low": [0.4], "rate_high": [0.9]})
    >>> fig = interval_bars(f, "tier", k="resolved_tier1", n="solved", reference=0.7)
    >>> fig.data[0].x, len(fig.layout.shapes)
    ((70.0,), 1)
    """
    by_count = measure == "count"
    f = (frame if measure is None else sort_bars(frame, measure, rate=rate, k=k, n=n)).head(
        max_bars
    )
    raw = [None if v is None else str(v) for v in f.get_column(label).to_list()]
    labels = [_label(v) for v in raw]
    rates = f.get_column(rate).to_list()
    pcts = _pct_list(f, rate)
    lo, hi = _pct_list(f, low or f"{rate}_low"), _pct_list(f, high or f"{rate}_high")
    ks, ns = f.get_column(k).to_list(), f.get_column(n).to_list()
    x = list(ks) if by_count else pcts
    colors = [
        COLORS["marker"] if highlight is not None and lab == _label(highlight) else COLORS["rate"]
        for lab in labels
    ]
    custom = [list(row) for row in zip(labels, ks, ns, lo, hi, raw, strict=True)]
    bar = go.Bar(
        x=x,
        y=labels,
        orientation="h",
        marker={"color": colors, "opacity": [0.35 if (m or 0) < FEW_TICKETS else 1 for m in ns]},
        customdata=custom,
        hovertemplate=f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]:,}} {what} of "
        "%{customdata[2]:,} tickets<br>95% interval of the share %{customdata[3]:.1f}% to "
        "%{customdata[4]:.1f}%<extra></extra>"
        if by_count
        else f"<b>%{{customdata[0]}}</b><br>%{{x:.1f}}% {what} "
        "(%{customdata[1]:,} of %{customdata[2]:,})<br>"
        "95% interval %{customdata[3]:.1f}% to %{customdata[4]:.1f}%<extra></extra>",
        name=f"Tickets {what}" if by_count else f"Share {what}",
    )
    if not by_count:
        bar.error_x = {
            "type": "data",
            "symmetric": False,
            "array": [
                None if v is None or h is None else h - v for v, h in zip(x, hi, strict=True)
            ],
            "arrayminus": [
                None if v is None or m is None else v - m for v, m in zip(x, lo, strict=True)
            ],
            "color": COLORS["neutral"],
            "thickness": 1.2,
        }
    # the label sits right of the bar's end (or its whisker's), in the plot's own units
    ends = [(v or 0) if by_count else max(v or 0, h or 0) for v, h in zip(x, hi, strict=True)]
    text = [
        bar_label(r, m, t, measure="count" if by_count else "rate")
        for r, m, t in zip(rates, ks, ns, strict=True)
    ]
    top = max([*ends, 0 if reference is None or by_count else 100 * reference]) or 1
    # a small gap after the whisker; a label that would cross the dashed line starts after it
    ref = None if reference is None or by_count else 100 * reference
    at = [max(e, ref) if ref is not None and e < ref else e for e in ends]
    at = [a + 0.012 * top for a in at]
    labels_trace = go.Scatter(
        x=at, y=labels, mode="text", text=text, textposition="middle right",
        textfont={"size": 11, "color": COLORS["neutral"]}, customdata=custom,
        hoverinfo="skip", showlegend=False, cliponaxis=False, name="labels",
    )  # fmt: skip
    fig = go.Figure([bar, labels_trace])
    if reference is not None and not by_count:
        fig.add_vline(
            x=100 * reference,
            line_dash="dash",
            line_color=COLORS["neutral"],
            annotation_text=_label(reference_label),
            annotation_position="top",
        )
    fig.update_layout(bargap=0.35, showlegend=False)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(
        title=f"Tickets {what}" if by_count else f"% {what}",
        range=[0, top * 1.5],
        tickvals=_ticks(top),
    )
    fig = base_layout(fig, title=title, height=_bar_height(len(labels)))
    fig.update_layout(margin_r=36)  # the labels may run past the axis on a phone
    return _closest(fig)


def _ticks(top: float) -> list[float]:
    """Round ticks up to ``top`` (none in the room kept for the labels)."""
    return [t for t in nice_ticks(top) if t <= top * 1.02] or [0.0]


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
    and ``max_cols``. Each cell shows its rate and its ticket count (``n=``); a cell with fewer
    than :data:`FEW_TICKETS` tickets is grey and shows its counts (``1 of 2``) instead of a
    rate, in a second trace. Hover adds escalations and tickets. Empty combinations stay blank.

    >>> cells = pl.DataFrame({"category": ["a", "a", "b"], "channel": ["chat", "email", "chat"],
    ...                       "tickets": [10, 5, 40], "escalations": [1, 0, 20],
    ...                       "rate": [0.1, 0.0, 0.5]})
    >>> fig = heatmap_figure(cells, "category", "channel")
    >>> fig.data[0].y, fig.data[0].z
    (('b', 'a'), ([50.0, None], [10.0, None]))
    >>> fig.data[0].text[1][0], fig.data[1].text[1][1]
    ('10%<br>n=10', '0 of 5')
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
    z, text, few_z, few_text, custom = [], [], [], [], []
    for rk in row_keys:
        zr, tr, fz, ft, cr = [], [], [], [], []
        for ck in col_keys:
            cell = lookup.get((rk, ck))
            n = 0 if cell is None else cell["tickets"] or 0
            rate = None if cell is None or cell["rate"] is None else 100 * cell["rate"]
            small = cell is not None and n < FEW_TICKETS
            zr.append(None if small else rate)
            tr.append("" if rate is None or small else f"{rate:.0f}%<br>n={n:,}")
            fz.append(0 if small else None)
            ft.append(f"{cell['escalations']:,} of {n:,}" if small and cell else "")
            cr.append([0, 0] if cell is None else [cell["escalations"], n])
        z.append(zr)
        text.append(tr)
        few_z.append(fz)
        few_text.append(ft)
        custom.append(cr)
    xs, ys = [_label(c) for c in col_keys], [_label(r) for r in row_keys]
    common = {"x": xs, "y": ys, "customdata": custom, "hoverongaps": False, "xgap": 1, "ygap": 1}
    fig = go.Figure(
        [
            go.Heatmap(
                z=z,
                text=text,
                texttemplate="%{text}",
                textfont={"size": 11},
                colorscale=_SCALE,
                zmin=0,
                # below the cells (the column names are on top): the cells keep the width
                colorbar={
                    "title": {"text": "% escalated", "side": "top"},
                    "orientation": "h",
                    "y": -0.02,
                    "yanchor": "top",
                    "thickness": 12,
                    "len": 0.6,
                    "x": 0,
                    "xanchor": "left",
                },
                hovertemplate="<b>%{y}</b> × <b>%{x}</b><br>%{z:.1f}% escalated "
                "(%{customdata[0]:,} of %{customdata[1]:,} tickets)<extra></extra>",
                name="rate",
                **common,
            ),
            go.Heatmap(
                z=few_z,
                text=few_text,
                texttemplate="%{text}",
                textfont={"size": 10, "color": COLORS["neutral"]},
                colorscale=[[0, _FEW_COLOR], [1, _FEW_COLOR]],
                showscale=False,
                hovertemplate="<b>%{y}</b> × <b>%{x}</b><br>%{customdata[0]:,} of "
                f"%{{customdata[1]:,}} tickets escalated: fewer than {FEW_TICKETS} tickets, "
                "too few for a rate<extra></extra>",
                name=f"fewer than {FEW_TICKETS} tickets",
                **common,
            ),
        ]
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", automargin=True)
    return _closest(
        base_layout(fig, title=title, height=max(320, min(960, 180 + 30 * len(row_keys))))
    )
