"""Figures and tables of the "Bot first touch" section (Routing & policy page).

>>> import polars as pl
>>> per = pl.DataFrame({"category": ["billing"], "handed_off": [5], "handed_escalated": [3],
...     "handed_rate": [0.6], "handed_rate_low": [0.23], "handed_rate_high": [0.88],
...     "direct": [10], "direct_escalated": [2], "direct_rate": [0.2],
...     "direct_rate_low": [0.06], "direct_rate_high": [0.51], "candidate": [True]})
>>> [t.name for t in handoff_figure(per).data]
['Escalated, straight to a person', 'Escalated after a bot handoff']
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib.charts._audit_common import _bar_height, _card, _closest
from lib.charts.common import COLORS, base_layout

#: Display columns of the per-category table (see :func:`lib.charts.tables.present`).
BOT_CATEGORY_VIEW = (
    ("category", "Category", "text"), ("tickets", "Tickets", "int"),
    ("bot_first", "Bot first", "int"), ("handed_off", "Handed to a person", "int"),
    ("handoff_share", "Handoff share", "pct"),
    ("handed_escalated", "Escalated after handoff", "int"),
    ("handed_rate", "Rate after handoff", "pct"), ("handed_rate_low", "95% low", "pct"),
    ("handed_rate_high", "95% high", "pct"),
    ("direct", "Straight to a person", "int"), ("direct_escalated", "Escalated (direct)", "int"),
    ("direct_rate", "Rate direct", "pct"), ("direct_rate_low", "95% low (direct)", "pct"),
    ("direct_rate_high", "95% high (direct)", "pct"), ("gap", "Gap", "pts"),
    ("candidate", "Knowledge-base candidate", "bool"),
    ("article_exists", "Article recorded", "bool"),
)  # fmt: skip

_SERIES = (
    ("Escalated after a bot handoff", "handed", "handed_escalated", "handed_off", COLORS["rate"]),
    ("Escalated, straight to a person", "direct", "direct_escalated", "direct", COLORS["marker"]),
)


#: Summary measures shown as cards: (label, unit of the denominator, what it means).
_CARDS = {
    "Bot first touch": ("Bot first touch", "tickets", "Tickets a bot or AI agent met first."),
    "Resolved by the bot": (
        "Resolved by the bot",
        "bot tickets",
        "Solved or closed with no person afterwards.",
    ),
    "Handed to a person": (
        "Handed to a person",
        "bot tickets",
        "Bot tickets a person then handled.",
    ),
    "Escalated after a handoff": (
        "Handoffs escalated",
        "handoffs",
        "Handed-off tickets that were escalated.",
    ),
    "Escalated, straight to a person": (
        "Direct escalated",
        "direct tickets",
        "Tickets straight to a person that were escalated.",
    ),
}


def handoff_figure(per_category: pl.DataFrame, *, top: int = 15) -> go.Figure:
    """Per category (the ``top`` first rows of :func:`lib.bot.bot_by_category`), a bar of the
    escalation rate after a bot handoff beside one for tickets that came straight to a person,
    each with its 95% Wilson interval and its counts ("4 of 6") on the bar and on hover."""
    rows = per_category.filter(pl.col("handed_off") > 0).head(top).reverse()
    labels = [
        f"★ {c}" if cand else str(c)
        for c, cand in zip(rows["category"], rows["candidate"], strict=True)
    ]
    fig = go.Figure()
    for name, key, k, n, color in reversed(_SERIES):  # horizontal groups draw bottom-up
        rate = rows.get_column(f"{key}_rate")
        pct = [None if v is None else 100 * v for v in rate.to_list()]
        top = [
            None if v is None or hi is None else 100 * hi
            for v, hi in zip(rate, rows[f"{key}_rate_high"], strict=True)
        ]
        # A bar of 0% has nothing to hold its "0 of n" inside, and outside it the label
        # would sit on the whisker (0 to its upper bound): such a bar is drawn invisible to
        # the whisker's end, its label after it, its whisker back down to 0.
        zero = [bool(v == 0 and t) for v, t in zip(pct, top, strict=True)]
        place = ["inside" if v and not z else "outside" for v, z in zip(pct, zero, strict=True)]
        drawn = [t if z else v for v, t, z in zip(pct, top, zero, strict=True)]
        low = [
            0.0 if v is None or lo is None else d - 100 * lo
            for v, d, lo in zip(rate, drawn, rows[f"{key}_rate_low"], strict=True)
        ]
        high = [0.0 if d is None or t is None else t - d for d, t in zip(drawn, top, strict=True)]
        custom = [
            (k_, n_, v) for k_, n_, v in zip(rows[k].to_list(), rows[n].to_list(), pct, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                name=name,
                x=drawn,
                y=labels,
                orientation="h",
                marker={"color": color, "opacity": [0 if z else 1 for z in zero]},
                error_x={"type": "data", "array": high, "arrayminus": low, "color": "#44403C"},
                text=[f"{k_} of {n_}" for k_, n_, _ in custom],
                textposition=place,
                insidetextanchor="start",
                customdata=custom,
                hovertemplate="%{y}<br>" + name + ": %{customdata[2]:.1f}% (%{customdata[0]} of "
                "%{customdata[1]})<extra></extra>",
            )
        )
    fig.update_xaxes(title="Escalation rate (%)", rangemode="tozero", ticksuffix="%")
    fig.update_layout(barmode="group", legend_traceorder="reversed")
    return _closest(base_layout(fig, height=_bar_height(2 * rows.height)))


def bot_cards(summary: pl.DataFrame) -> list[tuple[str, dict[str, Any]]]:
    """Headline cards (label, ``st.metric`` keywords) from :func:`lib.bot.bot_summary`: each a
    share with its denominator and 95% interval in the help text.

    >>> s = pl.DataFrame({"measure": ["Bot first touch"], "k": [3], "n": [12],
    ...                   "share": [0.25], "share_low": [0.09], "share_high": [0.53]})
    >>> bot_cards(s)[0][1]["value"], bot_cards(s)[0][1]["delta"]
    ('25.0%', '3 of 12 tickets')
    """
    cards = []
    for row in summary.iter_rows(named=True):
        if row["measure"] not in _CARDS:
            continue
        label, unit, meaning = _CARDS[row["measure"]]
        share = row["share"]
        value = "–" if share is None else f"{100 * share:.1f}%"
        help_text = meaning + (
            f" 95% interval {100 * row['share_low']:.1f}–{100 * row['share_high']:.1f}%."
            if share is not None
            else ""
        )
        cards.append((label, _card(value, f"{row['k']:,} of {row['n']:,} {unit}", help_text)))
    return cards


__all__ = ["BOT_CATEGORY_VIEW", "bot_cards", "handoff_figure"]
