"""Figures and headline numbers of the Overview page: the trend with markers, the KPI table and
cards, and tests of change in words (the trend, shading and verdicts also serve Breakdowns)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib import formatting, plain_words
from lib.audit import KpiTable, TestResult
from lib.charts._audit_common import _fmt, _label
from lib.charts.common import COLORS, trend_figure
from lib.formatting import day_range

__all__ = [
    "KPI_MEASURES",
    "baseline_card",
    "csat_card",
    "kpi_card",
    "kpi_table",
    "markers",
    "shade",
    "trend_chart",
    "verdict",
    "verdict_expr",
]


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


def verdict(test: TestResult) -> str:
    """A test of change in plain words (the p-value goes in a tooltip, see
    :func:`lib.plain_words.figures`).

    >>> from lib.audit import two_proportion_test
    >>> verdict(two_proportion_test(37, 261, 30, 254))
    'no real change (+2.4 pts)'
    >>> verdict(two_proportion_test(60, 200, 30, 200))
    'up 15.0 pts, unlikely to be chance (about 1 in 3,000)'
    >>> verdict(two_proportion_test(1, 2, 0, 0))
    'not testable (no tickets to compare with)'
    """
    if not test.testable:
        return "not testable (no tickets to compare with)"
    if not test.significant:
        return f"{plain_words.change(test.diff, test.p_value)} ({formatting.pts(test.diff)})"
    word = "up" if test.diff > 0 else "down"
    return (
        f"{word} {formatting.pts(abs(test.diff)).lstrip('+')}, {plain_words.verdict(test.p_value)}"
    )


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
        name: f"{periods.label(name).split(' (')[0]} ({day_range(start, end)})"
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
    '+50.0 pts vs baseline, may be chance'
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
        out["delta"] = f"{100 * test.diff:+.1f} pts vs baseline" + (
            "" if sig else ", may be chance"
        )
    # an escalation rate going up is bad: red up, green down; grey without significance
    out["delta_color"] = ("red" if test.diff > 0 else "green") if sig else "off"
    out["delta_arrow"] = ("up" if test.diff > 0 else "down") if sig else "off"
    return out
