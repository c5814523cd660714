"""Figures and headline cards of the Routing page: reassignments, idle tickets, durations, first
response, and before/after comparisons of a change."""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib import plain_words
from lib.audit import BeforeAfter, TestResult, two_proportion_test
from lib.charts._audit_common import _bar_height, _card, _closest, _fmt, _label, _pct_list
from lib.charts.common import COLORS, base_layout
from lib.charts.deltas import count_card
from lib.formatting import pts

__all__ = [
    "age_figure",
    "before_after_cards",
    "before_after_figure",
    "change_card",
    "distribution_figure",
    "model_cards",
    "quantile_figure",
    "response_trend_figure",
    "routing_cards",
]


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


def _share_delta(
    now: dict[str, Any], prev: dict[str, Any], *, complement: bool = False
) -> dict[str, Any]:
    """Delta kwargs of the reassigned share (or, with ``complement``, of the right-first-time
    share) against the previous period, tested with a pooled z-test; more reassignments are bad.
    """
    test = two_proportion_test(now["reassigned"], now["known"], prev["reassigned"], prev["known"])
    if not test.testable:
        return {"delta": "previous period: no counts", "delta_color": "off", "delta_arrow": "off"}
    word = "" if test.significant else ", may be chance"
    diff = round(100 * (-test.diff if complement else test.diff), 1) + 0.0  # no "-0.0"
    color = ("normal" if complement else "inverse") if test.significant else "off"
    return {"delta": f"{diff:+.1f} pts vs previous{word}", "delta_color": color}


def routing_cards(
    summary: dict[str, Any],
    *,
    idle: int,
    open_tickets: int,
    hours: float,
    repeat: int,
    previous: dict[str, Any] | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """``(label, st.metric kwargs)`` for the routing page's headline numbers, from one row of
    :attr:`lib.audit.ReassignmentSummary.summary` and the idle and repeat-contact counts. With
    ``previous`` (the same row for the previous period), the reassignment cards carry a tested
    change against it; a rise in reassignments is shown as bad.

    >>> s = {"share_reassigned": 0.25, "reassigned": 1, "known": 4, "share_low": 0.05,
    ...      "share_high": 0.7, "first_assignment_correct_rate": 0.75, "bounced": 0}
    >>> [(label, c["value"]) for label, c in routing_cards(s, idle=2, open_tickets=5,
    ...                                                    hours=48, repeat=1)][:2]
    [('Reassigned', '25.0%'), ('Right first time', '75.0%')]
    >>> p = {**s, "reassigned": 10, "known": 100, "bounced": 2}
    >>> routing_cards(s, idle=2, open_tickets=5, hours=48, repeat=1, previous=p)[0][1]["delta"]
    '+15.0 pts vs previous, may be chance'
    """
    cards = [
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
            f"Open tickets (of {open_tickets:,}) with no update for over {hours:g} hours, as of "
            "the export's last activity.",
        )),
        ("Repeat customers", _card(
            f"{repeat:,}", None, "Customers with 3 or more tickets within 7 days.",
        )),
    ]  # fmt: skip
    if previous is not None and previous.get("known"):
        cards[0][1].update(_share_delta(summary, previous))
        cards[1][1].update(_share_delta(summary, previous, complement=True))
        cards[2][1].update(
            delta=f"{summary['bounced'] - previous['bounced']:+,} vs previous "
            f"({previous['bounced']:,})",
        )
        cards[2] = (cards[2][0], count_card(
            cards[2][1], summary["bounced"], previous["bounced"], measure="bounced"
        ))  # fmt: skip
    return cards


def before_after_cards(ba: BeforeAfter) -> list[tuple[str, dict[str, Any]]]:
    """``(label, st.metric kwargs)`` for a before/after comparison: both rates with their
    counts, then the segmented regression's level and slope change (:func:`model_cards`), or
    the pooled test's change when there is no model.

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
    ] + (model_cards(ba) if ba.model is not None else [("Change", change_card(ba.test))])


def _effect_card(
    value: float, low: float, high: float, p: float, significant: bool, unit: str, what: str
) -> dict[str, Any]:
    help_text = (
        f"{what} 95% interval {100 * low:+.1f} to {100 * high:+.1f} {unit}. Segmented binomial "
        "regression on daily counts, errors clustered by day."
    )
    help_text += f" {plain_words.figures(p=p)}."
    out = _card(f"{round(100 * value, 1) + 0.0:+.1f} {unit}", None, help_text)
    if not significant:
        return out | {
            "delta": plain_words.verdict(p),
            "delta_color": "off",
            "delta_arrow": "off",
        }
    return out | {
        "delta": plain_words.verdict(p),
        "delta_color": "red" if value > 0 else "green",
        "delta_arrow": "up" if value > 0 else "down",
    }


def model_cards(ba: BeforeAfter) -> list[tuple[str, dict[str, Any]]]:
    """The level change (the jump at the date) and the slope change (trend per week after
    minus before) of :attr:`lib.audit.BeforeAfter.model` as ``st.metric`` cards.

    >>> from datetime import UTC, date, datetime, timedelta
    >>> from lib.audit import before_after
    >>> d0 = datetime(2024, 3, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [d0 + timedelta(days=d, hours=h) for d in range(-20, 20)
    ...                    for h in range(10)],
    ...     "escalated": [h < (1 if d < 0 else 3) for d in range(-20, 20) for h in range(10)],
    ... })
    >>> level, trend = model_cards(before_after(t, date=date(2024, 3, 1)))
    >>> level[0], level[1]["value"], level[1]["delta"]
    ('Level change at the date', '+20.0 pts', 'unlikely to be chance (less than 1 in a million)')
    >>> trend[0], trend[1]["value"]
    ('Trend change per week', '+0.0 pts')
    """
    m = ba.model
    if m is None:
        return []
    return [
        (
            "Level change at the date",
            _effect_card(
                m.level_change,
                m.level_low,
                m.level_high,
                m.level_p,
                m.level_significant,
                "pts",
                "The jump in the fitted daily rate at the change date (after line minus "
                "before line);",
            ),
        ),
        (
            "Trend change per week",
            _effect_card(
                m.slope_change,
                m.slope_low,
                m.slope_high,
                m.slope_p,
                m.slope_significant,
                "pts",
                f"Trend after the date {100 * m.slope_after:+.2f} pts a week, before it "
                f"{100 * m.slope_before:+.2f}; their difference's",
            ),
        ),
    ]


def change_card(test: TestResult) -> dict[str, Any]:
    """``st.metric`` arguments for a tested change in rate: the difference in points as value,
    the verdict as delta (coloured with an arrow only when significant; a rise is red).

    >>> from lib.audit import two_proportion_test
    >>> c = change_card(two_proportion_test(60, 200, 30, 200))
    >>> c["value"], c["delta"], c["delta_color"], c["delta_arrow"]
    ('+15.0 pts', 'unlikely to be chance (about 1 in 3,000)', 'red', 'up')
    >>> change_card(two_proportion_test(37, 261, 30, 254))["delta"]
    'no real change'
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
    out = _card(pts(test.diff), None, f"{help_text} {plain_words.figures(p=p)}.")
    if not test.significant:
        return out | {
            "delta": plain_words.verdict(p),
            "delta_color": "off",
            "delta_arrow": "off",
        }
    up = test.diff > 0
    return out | {
        "delta": plain_words.verdict(p),
        "delta_color": "red" if up else "green",
        "delta_arrow": "up" if up else "down",
    }
