"""Figures and tables of the "Bot first touch" section (Routing & policy page).

>>> import polars as pl
>>> per = pl.DataFrame({"category": ["billing"], "handed_off": [5], "handed_escalated": [3],
...     "handed_rate": [0.6], "handed_rate_low": [0.23], "handed_rate_high": [0.88],
...     "direct": [10], "direct_escalated": [2], "direct_rate": [0.2],
...     "direct_rate_low": [0.06], "direct_rate_high": [0.51], "candidate": [True]})
>>> [t.name for t in handoff_figure(per).data][:2]
['Escalated, straight to a person', 'Escalated after a bot handoff']
>>> handoff_figure(per).data[2].text, handoff_figure(per).data[3].text
(('2 of 10',), ('3 of 5',))
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib.charts._audit_common import _bar_height, _card, _closest
from lib.charts.common import COLORS, base_layout
from lib.charts.meetings import nice_ticks

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
    each with its 95% Wilson interval and its counts ("4 of 6") after the interval's end (on
    hover too).

    A count inside its bar was crossed by the interval's lower whisker whenever the interval
    reached into the label ("2 of 12": 17%, from 5%); one of a 0% bar sat on the whisker. Each
    series' labels are a text trace grouped with its bars (``scattermode="group"``)."""
    rows = per_category.filter(pl.col("handed_off") > 0).head(top).reverse()
    labels = [
        f"★ {c}" if cand else str(c)
        for c, cand in zip(rows["category"], rows["candidate"], strict=True)
    ]
    fig = go.Figure()
    ends: list[float] = []
    texts = []
    for name, key, k, n, color in reversed(_SERIES):  # horizontal groups draw bottom-up
        rate = rows.get_column(f"{key}_rate")
        pct = [None if v is None else 100 * v for v in rate.to_list()]
        low = [
            None if v is None or lo is None else v - 100 * lo
            for v, lo in zip(pct, rows[f"{key}_rate_low"], strict=True)
        ]
        high = [
            None if v is None or hi is None else 100 * hi - v
            for v, hi in zip(pct, rows[f"{key}_rate_high"], strict=True)
        ]
        custom = [
            (k_, n_, v) for k_, n_, v in zip(rows[k].to_list(), rows[n].to_list(), pct, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                name=name,
                x=pct,
                y=labels,
                orientation="h",
                offsetgroup=key,
                marker={"color": color},
                error_x={"type": "data", "array": high, "arrayminus": low, "color": "#44403C"},
                customdata=custom,
                hovertemplate="%{y}<br>" + name + ": %{customdata[2]:.1f}% (%{customdata[0]} of "
                "%{customdata[1]})<extra></extra>",
            )
        )
        end = [(v or 0) + (h or 0) for v, h in zip(pct, high, strict=True)]
        ends += end
        texts.append((key, end, [f"{k_} of {n_}" for k_, n_, _ in custom]))
    room = max([*ends, 1.0])
    for key, end, text in texts:  # after the whiskers: a small gap in the plot's own units
        fig.add_trace(
            go.Scatter(
                x=[e + 0.012 * room for e in end],
                y=labels,
                mode="text",
                text=text,
                textposition="middle right",
                textfont={"size": 11, "color": COLORS["neutral"]},
                orientation="h",
                offsetgroup=key,
                hoverinfo="skip",
                showlegend=False,
                cliponaxis=False,
                name=f"{key} counts",
            )
        )
    ticks = [t for t in nice_ticks(room) if t <= room * 1.02] or [0.0]  # none over the labels
    fig.update_xaxes(
        title="Escalation rate (%)",
        range=[0, room * 1.3],
        tickvals=ticks,
        ticktext=[f"{t:g}%" for t in ticks],
    )
    fig.update_layout(barmode="group", scattermode="group", legend_traceorder="reversed")
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
