"""The waterfall of a rate change split into mix and within-segment parts
(:func:`lib.audit.rate_change_decomposition`), and its per-segment display table.

Example
-------
>>> import polars as pl
>>> from lib.audit import decompose_counts
>>> counts = pl.DataFrame({"tier": ["enterprise", "free"],
...     "previous_tickets": [20, 80], "previous_escalations": [10, 8],
...     "tickets": [50, 50], "escalations": [25, 5]})
>>> fig = waterfall_figure(decompose_counts(counts, "tier"), "Tier")
>>> [round(v, 1) for v in fig.data[0].y], list(fig.data[0].measure)
([18.0, 12.0, 0.0, 30.0], ['absolute', 'relative', 'relative', 'total'])
"""

from __future__ import annotations

import plotly.graph_objects as go

from lib.audit.decompose import Decomposition
from lib.charts._audit_common import _closest, _label
from lib.charts.common import COLORS, base_layout

__all__ = ["decomposition_view", "waterfall_figure"]


def waterfall_figure(d: Decomposition, label: str, *, title: str | None = None) -> go.Figure:
    """Previous rate, + mix, + rates within segments, = review rate, in % (a Plotly waterfall).

    A period without tickets gives an empty figure. Hover gives the tickets behind each rate.

    >>> import polars as pl
    >>> from lib.audit import decompose_counts
    >>> c = pl.DataFrame({"c": ["a"], "previous_tickets": [0], "previous_escalations": [0],
    ...                   "tickets": [4], "escalations": [1]})
    >>> len(waterfall_figure(decompose_counts(c, "c"), "C").data)
    0
    """
    if d.change is None or d.mix is None or d.within is None:
        return base_layout(go.Figure(), title=title, height=320)
    assert d.previous_rate is not None and d.rate is not None
    names = [
        "Previous period",
        "Mix (which tickets came in)",
        f"Rates within each {_label(label.lower())}",
        "Review period",
    ]
    values = [100 * d.previous_rate, 100 * d.mix, 100 * d.within, 100 * d.rate]
    hover = [
        f"{100 * d.previous_rate:.1f}% of {d.previous_tickets:,} tickets",
        f"{100 * d.mix:+.2f} pt from the change in mix",
        f"{100 * d.within:+.2f} pt from the rates within segments",
        f"{100 * d.rate:.1f}% of {d.tickets:,} tickets",
    ]
    fig = go.Figure(
        go.Waterfall(
            x=names,
            y=values,
            measure=["absolute", "relative", "relative", "total"],
            text=[
                f"{values[0]:.1f}%",
                f"{values[1]:+.1f} pt",
                f"{values[2]:+.1f} pt",
                f"{values[3]:.1f}%",
            ],
            textposition="outside",
            customdata=hover,
            hovertemplate="<b>%{x}</b><br>%{customdata}<extra></extra>",
            increasing={"marker": {"color": COLORS["bad"]}},
            decreasing={"marker": {"color": COLORS["good"]}},
            totals={"marker": {"color": COLORS["rate"]}},
            connector={"line": {"color": COLORS["neutral"], "dash": "dot"}},
        )
    )
    fig.update_yaxes(title="% escalated", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return _closest(base_layout(fig, title=title, height=340))


def decomposition_view(column: str, label: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns (:func:`lib.charts.tables.present`) of
    :attr:`lib.audit.Decomposition.segments`, first column ``column`` headed ``label``.

    >>> [h for _, h, _ in decomposition_view("tier", "Tier")][:3]
    ['Tier', 'In both periods?', 'Previous tickets']
    """
    return (
        (column, label, "text"), ("status", "In both periods?", "text"),
        ("previous_tickets", "Previous tickets", "int"),
        ("previous_share", "Previous share of tickets", "pct"),
        ("previous_rate", "Previous rate", "pct"), ("tickets", "Tickets", "int"),
        ("share", "Share of tickets", "pct"), ("rate", "Rate", "pct"),
        ("share_change", "Share change", "pts"), ("rate_change", "Rate change", "pts"),
        ("mix_part", "Mix part", "pts"), ("within_part", "Within part", "pts"),
        ("total_part", "Total part", "pts"),
    )  # fmt: skip
