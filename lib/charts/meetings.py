"""Inline SVG figures for the offline review pack (no JavaScript, no external files).

The review pack must open in a browser without a network and print well, so its charts are
drawn here as plain SVG from small aggregated frames: the weekly escalation-rate trend, the top
drivers (escalations this period vs the previous one) and a sparkline per alert. Every text that
comes from the data (category names, dates) is escaped, and each point carries a ``<title>``
tooltip with its counts, which browsers show on hover.

Example
-------
>>> import polars as pl
>>> from datetime import date
>>> tr = pl.DataFrame({"period_start": [date(2024, 1, 1), date(2024, 1, 8)],
...                    "tickets": [10, 20], "escalations": [2, 3], "rate": [0.2, 0.15],
...                    "rate_low": [0.06, 0.05], "rate_high": [0.51, 0.36]})
>>> svg = trend_svg(tr)
>>> svg.startswith("<svg") and "20.0% escalated (2 of 10)" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape

import polars as pl

from lib.charts.common import COLORS, FONT

__all__ = ["drivers_svg", "nice_ticks", "sparkline_svg", "trend_svg"]

_GRID = "#E7E5E4"
_TEXT = "#44403C"
_HIGHLIGHT = "rgba(29, 78, 216, 0.08)"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _f(x: float) -> str:
    """A coordinate with one decimal (short SVG)."""
    return f"{x:.1f}"


def nice_ticks(high: float, *, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``high`` (about ``count`` steps).

    >>> nice_ticks(0.37)
    [0.0, 0.1, 0.2, 0.3, 0.4]
    >>> nice_ticks(0)
    [0.0, 1.0]
    """
    if not high > 0 or not math.isfinite(high):
        return [0.0, 1.0]
    raw = high / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def _svg_open(width: int, height: int, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{_e(label)}" preserveAspectRatio="xMidYMid meet" '
        f'style="max-width:{width}px;font-family:{_e(FONT)};font-size:11px">'
        f"<title>{_e(label)}</title>"
    )


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def trend_svg(
    trend: pl.DataFrame,
    *,
    highlight: tuple[date, date] | None = None,
    width: int = 860,
    height: int = 260,
    last: int = 26,
) -> str:
    """Weekly escalation rate (line with its Wilson band) over ticket volume (bars).

    ``trend`` is :func:`lib.audit.trend` output; only the last ``last`` periods are drawn.
    ``highlight`` shades the periods that start inside ``(start, end)`` (the review period).
    Empty periods break the line. Returns an ``<svg>`` element as text.

    >>> trend_svg(pl.DataFrame(schema={"period_start": pl.Date, "tickets": pl.Int64}))
    '<p class="empty">No tickets to chart.</p>'
    """
    if trend.height == 0:
        return '<p class="empty">No tickets to chart.</p>'
    tr = trend.tail(last)
    starts = tr.get_column("period_start").to_list()
    tickets = tr.get_column("tickets").to_list()
    esc = tr.get_column("escalations").to_list()
    rate = tr.get_column("rate").to_list()
    low = tr.get_column("rate_low").to_list()
    high = tr.get_column("rate_high").to_list()
    n = len(starts)
    left, right, top, bottom = 52, 56, 24, 34
    pw, ph = width - left - right, height - top - bottom
    step = pw / n
    rate_max = max([h for h, r in zip(high, rate, strict=True) if r is not None] or [0.1])
    rate_ticks = nice_ticks(min(1.0, rate_max * 1.05))
    y_top = rate_ticks[-1] or 1.0
    vol_ticks = nice_ticks(max(tickets) or 1)
    v_top = vol_ticks[-1] or 1.0

    def x(i: float) -> float:
        return left + step * (i + 0.5)

    def y(r: float) -> float:
        return top + ph * (1 - r / y_top)

    def yv(v: float) -> float:
        return top + ph * (1 - v / v_top)

    out = [_svg_open(width, height, "Escalation rate and tickets per week")]
    if highlight is not None:
        idx = [i for i, s in enumerate(starts) if highlight[0] <= s <= highlight[1]]
        if idx:
            x0 = left + step * idx[0]
            out.append(
                f'<rect x="{_f(x0)}" y="{top}" width="{_f(step * len(idx))}" height="{ph}" '
                f'fill="{_HIGHLIGHT}"/>'
                f'<text x="{_f(x0 + step * len(idx))}" y="{top - 8}" text-anchor="end" '
                f'fill="{COLORS["marker"]}">Review period</text>'
            )
    for t in rate_ticks:
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{_f(y(t))}" y2="{_f(y(t))}" '
            f'stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{_f(y(t) + 4)}" text-anchor="end" fill="{_TEXT}">'
            f"{100 * t:g}%</text>"
        )
    for v in vol_ticks:
        out.append(f'<text x="{left + pw + 6}" y="{_f(yv(v) + 4)}" fill="#78716C">{v:,.0f}</text>')
    bar_w = max(1.0, step * 0.7)
    for i, (s, k, m) in enumerate(zip(starts, tickets, esc, strict=True)):
        out.append(
            f'<rect x="{_f(x(i) - bar_w / 2)}" y="{_f(yv(k))}" width="{_f(bar_w)}" '
            f'height="{_f(top + ph - yv(k))}" fill="{COLORS["volume"]}">'
            f"<title>Week of {_e(s)}: {k:,} tickets, {m:,} escalated</title></rect>"
        )
    # the band and the line, one segment per run of periods with tickets
    runs: list[list[int]] = []
    for i, r in enumerate(rate):
        if r is None:
            runs.append([])
        elif runs and runs[-1]:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in (r for r in runs if r):
        upper = " ".join(f"{_f(x(i))},{_f(y(high[i]))}" for i in run)
        lower = " ".join(f"{_f(x(i))},{_f(y(low[i]))}" for i in reversed(run))
        out.append(f'<polygon points="{upper} {lower}" fill="{COLORS["band"]}"/>')
        line = " ".join(f"{_f(x(i))},{_f(y(rate[i]))}" for i in run)
        out.append(
            f'<polyline points="{line}" fill="none" stroke="{COLORS["rate"]}" stroke-width="2.5"/>'
        )
    for i, r in enumerate(rate):
        if r is None:
            continue
        out.append(
            f'<circle cx="{_f(x(i))}" cy="{_f(y(r))}" r="3.2" fill="{COLORS["rate"]}">'
            f"<title>Week of {_e(starts[i])}: {_pct(r)} escalated ({esc[i]:,} of "
            f"{tickets[i]:,}); 95% interval {_pct(low[i])} to {_pct(high[i])}</title></circle>"
        )
    every = max(1, math.ceil(n / 8))
    for i in range(0, n, every):
        out.append(
            f'<text x="{_f(x(i))}" y="{height - bottom + 16}" text-anchor="middle" '
            f'fill="{_TEXT}">{_e(starts[i].strftime("%d %b"))}</text>'
        )
    out.append(
        f'<text x="12" y="{_f(top + ph / 2)}" transform="rotate(-90 12 {_f(top + ph / 2)})" '
        f'text-anchor="middle" fill="{_TEXT}">Escalation rate</text>'
        f'<text x="{width - 8}" y="{_f(top + ph / 2)}" '
        f'transform="rotate(90 {width - 8} {_f(top + ph / 2)})" text-anchor="middle" '
        f'fill="#78716C">Tickets</text>'
    )
    out.append("</svg>")
    return "".join(out)


def drivers_svg(
    drivers: pl.DataFrame, *, by: str = "category", width: int = 860, bar_height: int = 14
) -> str:
    """Horizontal bars: escalations per driver in the review period and the previous one.

    ``drivers`` is :func:`lib.audit.breakdown` output (``by``, ``escalations``,
    ``previous_escalations``, ``rate``, ``previous_rate``).

    >>> d = pl.DataFrame({"category": ["<b>SSO</b>"], "escalations": [12],
    ...                   "previous_escalations": [7], "rate": [0.3], "previous_rate": [0.2]})
    >>> s = drivers_svg(d)
    >>> "&lt;b&gt;SSO&lt;/b&gt;" in s and "<b>" not in s
    True
    """
    if drivers.height == 0:
        return '<p class="empty">No escalations in the review period.</p>'
    names = [str(v) for v in drivers.get_column(by).to_list()]
    cur = drivers.get_column("escalations").to_list()
    prev = drivers.get_column("previous_escalations").to_list()
    rate = drivers.get_column("rate").to_list()
    prate = drivers.get_column("previous_rate").to_list()
    label_w = 210
    right = 120
    row_h = 2 * bar_height + 14
    height = 26 + row_h * len(names)
    pw = width - label_w - right
    top_v = max([*cur, *prev, 1])
    out = [_svg_open(width, height, "Escalations per driver, this period and the previous one")]
    out.append(
        f'<rect x="{label_w}" y="4" width="10" height="10" fill="{COLORS["rate"]}"/>'
        f'<text x="{label_w + 14}" y="13" fill="{_TEXT}">Review period</text>'
        f'<rect x="{label_w + 110}" y="4" width="10" height="10" fill="#A8A29E"/>'
        f'<text x="{label_w + 124}" y="13" fill="{_TEXT}">Previous period</text>'
    )
    for i, name in enumerate(names):
        y0 = 24 + i * row_h
        short = name if len(name) <= 30 else name[:29] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + bar_height + 4}" text-anchor="end" '
            f'fill="{_TEXT}">{_e(short)}<title>{_e(name)}</title></text>'
        )
        for j, (value, r, color, what) in enumerate(
            (
                (cur[i], rate[i], COLORS["rate"], "review period"),
                (prev[i], prate[i], "#A8A29E", "previous period"),
            )
        ):
            w = pw * value / top_v
            yb = y0 + j * (bar_height + 2)
            out.append(
                f'<rect x="{label_w}" y="{yb}" width="{_f(max(w, 0.5))}" height="{bar_height}" '
                f'fill="{color}"><title>{_e(name)}, {what}: {value:,} escalations '
                f"({_pct(r)} of its tickets)</title></rect>"
                f'<text x="{_f(label_w + w + 5)}" y="{yb + bar_height - 3}" fill="{_TEXT}">'
                f"{value:,} ({_pct(r)})</text>"
            )
    out.append("</svg>")
    return "".join(out)


def _value_ticks(lo: float, hi: float, unit: str) -> list[float]:
    """Two or three round values spanning ``lo``..``hi`` for a sparkline's scale."""
    if unit == "tickets" and lo >= 0:
        ticks = nice_ticks(hi, count=2)
        return ticks if len(ticks) <= 3 else [ticks[0], ticks[len(ticks) // 2], ticks[-1]]
    return [lo, hi] if lo != hi else [lo]


def sparkline_svg(
    days: Sequence[date],
    values: Sequence[float | None],
    *,
    window: tuple[date, date] | None = None,
    unit: str = "tickets",
    width: int = 300,
    height: int = 96,
) -> str:
    """A small daily line (an alert's topic) with the alert's days shaded, and axes: a value
    scale on the left (round numbers, 0 at the bottom for counts) and the first, middle and
    last day below.

    >>> s = sparkline_svg([date(2024, 1, 1), date(2024, 1, 2)], [3, 9],
    ...                   window=(date(2024, 1, 2), date(2024, 1, 2)))
    >>> s.count("<rect"), "2024-01-02: 9 tickets" in s
    (1, True)
    >>> [t in s for t in ('class="axis-y"', ">10<", ">0<", ">2024-01-01<", ">2024-01-02<")]
    [True, True, True, True, True]
    """
    pts = [(d, v) for d, v in zip(days, values, strict=True)]
    if not pts:
        return '<p class="empty">No data for this topic.</p>'
    known = [v for _, v in pts if v is not None]
    lo = min([0.0, *known]) if unit == "tickets" else min(known or [0.0])
    hi = max(known or [1.0])
    if hi == lo:
        hi = lo + 1
    ticks = _value_ticks(lo, hi, unit)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    n = len(pts)
    left, right, top, bottom = 34, 8, 6, 18
    pw, ph = width - left - right, height - top - bottom
    step = pw / max(n - 1, 1)

    def x(i: int) -> float:
        return left + (step * i if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo))

    out = [_svg_open(width, height, f"Daily {unit}")]
    if window is not None:
        idx = [i for i, (d, _) in enumerate(pts) if window[0] <= d <= window[1]]
        if idx:
            x0 = max(left, x(idx[0]) - step / 2)
            x1 = min(left + pw, x(idx[-1]) + step / 2)
            out.append(
                f'<rect x="{_f(x0)}" y="{top}" width="{_f(max(x1 - x0, 2))}" height="{ph}" '
                'fill="rgba(185, 28, 28, 0.12)"/>'
            )
    fmt = "{:,.0f}" if unit == "tickets" else "{:+.2f}"
    # the value scale: a grid line and a label per tick
    out.append('<g class="axis-y">')
    for t in ticks:
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{_f(y(t))}" y2="{_f(y(t))}" '
            f'stroke="{_GRID}"/><text x="{left - 4}" y="{_f(y(t) + 3.5)}" text-anchor="end" '
            f'fill="{_TEXT}" font-size="9">{_e(fmt.format(t))}</text>'
        )
    out.append("</g>")
    # the date axis: the first, middle and last day
    out.append(
        f'<g class="axis-x"><line x1="{left}" x2="{left + pw}" y1="{top + ph}" '
        f'y2="{top + ph}" stroke="#A8A29E"/>'
    )
    marks = sorted({0, (n - 1) // 2, n - 1}) if n > 2 else sorted({0, n - 1})
    for i in marks:
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        out.append(
            f'<text x="{_f(x(i))}" y="{height - 4}" text-anchor="{anchor}" fill="{_TEXT}" '
            f'font-size="9">{_e(pts[i][0])}</text>'
        )
    out.append("</g>")
    segment: list[str] = []
    lines: list[str] = []
    for i, (_, v) in enumerate(pts):
        if v is None:
            if segment:
                lines.append(" ".join(segment))
            segment = []
            continue
        segment.append(f"{_f(x(i))},{_f(y(v))}")
    if segment:
        lines.append(" ".join(segment))
    for line in lines:
        out.append(
            f'<polyline points="{line}" fill="none" stroke="{COLORS["neutral"]}" '
            f'stroke-width="1.5"/>'
        )
    for i, (d, v) in enumerate(pts):
        if v is None:
            continue
        out.append(
            f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="1.6" fill="{COLORS["neutral"]}">'
            f"<title>{_e(d)}: {fmt.format(v)} {_e(unit)}</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)
