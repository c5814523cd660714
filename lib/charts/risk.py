"""The At risk page's figures and tables: the ranked open tickets, the calibration chart, the
backtest's denominators and the agenda point of a ticket.

Example
-------
>>> cal = pl.DataFrame({"decile": [1, 2], "tickets": [50, 50], "predicted": [0.1, 0.5],
...                     "observed": [0.08, 0.56]})
>>> [t.name for t in calibration_figure(cal).data]
['Predicted', 'Observed']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib.charts.common import COLORS, base_layout
from lib.formatting import num, pct

#: The ranked open tickets, as shown and downloaded.
RANKED_VIEW = (
    ("ticket_id", "Ticket", "text"),
    ("risk", "Risk", "pct"),
    ("why", "Why", "text"),
    ("age_hours", "Age", "hours"),
    ("idle_hours", "Idle", "hours"),
    ("agent", "Owner", "text"),
    ("group", "Group", "text"),
    ("category", "Category", "text"),
    ("customer_tier", "Customer tier", "text"),
    ("priority", "Priority", "text"),
    ("subject", "Subject", "text"),
)
#: The backtest by threshold.
THRESHOLD_VIEW = (
    ("threshold", "Alert above", "pct"),
    ("above", "Scored above", "int"),
    ("escalated_above", "Of them escalated", "int"),
    ("share_escalated", "Share escalated", "pct"),
    ("share_caught", "Share of all escalations caught", "pct"),
)
#: The backtest by cut-off.
CUTOFF_VIEW = (
    ("cutoff", "Cut-off", "datetime"),
    ("scored", "Scored", "int"),
    ("tickets", "Tickets", "int"),
    ("escalations", "Escalated", "int"),
    ("auc", "AUC", "float"),
    ("refusal", "Not tested because", "text"),
)
#: The calibration chart's numbers.
CALIBRATION_VIEW = (
    ("decile", "Tenth of the scores", "int"),
    ("tickets", "Scored", "int"),
    ("predicted", "Predicted", "pct"),
    ("observed", "Escalated", "pct"),
)


def ranked(scores: pl.DataFrame) -> pl.DataFrame:
    """``scores`` (:func:`lib.risk.score_open`) with the reasons as one ``why`` text.

    >>> s = pl.DataFrame({"ticket_id": ["7"], "risk": [0.5], "reasons": [["idle 26 h", "SSO"]]})
    >>> ranked(s).get_column("why").to_list()
    ['idle 26 h; SSO']
    """
    return scores.with_columns(pl.col("reasons").list.join("; ").alias("why"))


def above(scores: pl.DataFrame, threshold: float) -> int:
    """Open tickets scored above ``threshold``.

    >>> above(pl.DataFrame({"risk": [0.5, 0.41, 0.4, 0.1]}), 0.4)
    2
    """
    return int((scores.get_column("risk") > threshold).sum()) if scores.height else 0


def top_counts(recall: float | None, precision: float | None, escalations: int) -> tuple[int, int]:
    """The denominators behind "the top 10% caught X% of escalations, Y% of them escalated":
    (escalations caught, tickets flagged).

    >>> top_counts(0.45, 0.59, 100)
    (45, 76)
    """
    if recall is None or not escalations:
        return 0, 0
    hits = round(recall * escalations)
    return hits, (round(hits / precision) if precision else 0)


def lift_words(lift: float | None) -> str:
    """A lift ("how many times better") for a metric card.

    >>> lift_words(1.5), lift_words(None)
    ('1.5x', '–')
    """
    return "–" if lift is None or not math.isfinite(lift) else f"{lift:.1f}x"


def calibration_figure(cal: pl.DataFrame) -> go.Figure:
    """Predicted against observed escalation share by tenth of the scores, with the counts."""
    labels = [f"{d}" for d in cal.get_column("decile").to_list()]
    n = cal.get_column("tickets").to_list()
    pred = [None if v is None else 100 * v for v in cal.get_column("predicted").to_list()]
    obs = [None if v is None else 100 * v for v in cal.get_column("observed").to_list()]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=pred,
        name="Predicted",
        marker_color=COLORS["volume"],
        customdata=n,
        hovertemplate="Predicted %{y:.1f}% (%{customdata:,} scored)<extra></extra>",
    )
    fig.add_bar(
        x=labels,
        y=obs,
        name="Observed",
        marker_color=COLORS["rate"],
        text=[f"n={k:,}" for k in n],
        textposition="outside",
        customdata=n,
        hovertemplate="Escalated %{y:.1f}% of %{customdata:,}<extra></extra>",
    )
    base_layout(fig, height=340)
    top = max([v for v in pred + obs if v is not None] or [10])
    fig.update_layout(barmode="group", hovermode="x unified")
    fig.update_xaxes(title_text="Tenth of the scores (10 = riskiest)")
    fig.update_yaxes(title_text="Escalated (%)", range=[0, min(100, top * 1.2)])
    return fig


def calibration_caption(cal: pl.DataFrame, horizon_days: float) -> str:
    """What the calibration chart shows and how well the scores matched, in words.

    >>> cal = pl.DataFrame({"decile": [1, 2], "tickets": [50, 50], "predicted": [0.1, 0.5],
    ...                     "observed": [0.08, 0.56]})
    >>> calibration_caption(cal, 7)[:61]
    'The past scores sorted into 2 equal groups, lowest risk first'
    """
    gaps = [
        abs(p - o)
        for p, o in zip(cal.get_column("predicted"), cal.get_column("observed"), strict=True)
        if p is not None and o is not None
    ]
    gap = "–" if not gaps else f"{100 * max(gaps):.0f}"
    return (
        f"The past scores sorted into {cal.height} equal groups, lowest risk first (n = how many "
        f"ticket scores each holds). Grey: the average score given; orange: the share that "
        f"really escalated within {horizon_days:g} days. When the bars match, a score of 30% "
        f"means about 3 in 10 such tickets escalate; the largest gap here is {gap} "
        "percentage points."
    )


def agenda_text(
    row: Mapping[str, Any], *, threshold: float, horizon_days: float
) -> tuple[str, str]:
    """Title and detail of the agenda point for one ranked ticket (a row of
    :func:`ranked`).

    >>> row = {"ticket_id": "T7", "risk": 0.62, "why": "idle 26 h", "age_hours": 30.0,
    ...        "idle_hours": 26.0, "agent": "Ana", "group": "L1", "subject": "SSO down"}
    >>> agenda_text(row, threshold=0.4, horizon_days=7)[0]
    'At risk: ticket #T7 (62% chance of escalating)'
    """
    title = f"At risk: ticket #{row['ticket_id']} ({pct(row['risk'], 0)} chance of escalating)"
    bits = [
        f"Why: {row.get('why') or 'no single factor stands out'}",
        f"age {num(row.get('age_hours'))} h, idle {num(row.get('idle_hours'))} h",
        f"owner {row.get('agent') or 'none'}, group {row.get('group') or 'none'}",
        f"horizon {horizon_days:g} days, the page's alert threshold {pct(threshold, 0)}",
    ]
    if row.get("subject"):
        bits.insert(0, f"Subject: {row['subject']}")
    return title, "; ".join(bits) + "."
