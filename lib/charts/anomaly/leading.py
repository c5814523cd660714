"""Weekly topics and leading indicators in words and tables: which small topics are judged per
week, which topics rise ahead of the overall escalation rate, and the overall rate itself.
"""

from __future__ import annotations

import polars as pl

from lib import plain_words
from lib.charts.tables import present

__all__ = ["LEADING_VIEW", "leading_notes", "leading_table", "overall_note", "weekly_note"]


def weekly_note(granularity: pl.DataFrame, *, min_daily: float = 3.0) -> str | None:
    """A sentence naming the topics judged per week because they are small (``None`` if none).

    ``granularity`` is :func:`lib.anomaly.topic_granularity`.

    >>> g = pl.DataFrame({"topic": ["Refunds", "How-to"], "mean_daily": [1.23, 17.6],
    ...                   "granularity": ["week", "day"], "judged": [True, True]})
    >>> weekly_note(g)
    'Judged per week because they average fewer than 3 tickets a day: Refunds (1.2 a day).'
    """
    small = granularity.filter(pl.col("granularity") == "week").sort("topic")
    if small.height == 0:
        return None
    names = [
        f"{r['topic']} ({r['mean_daily']:.1f} a day)"
        for r in small.select("topic", "mean_daily").iter_rows(named=True)
    ]
    return (
        f"Judged per week because they average fewer than {min_daily:g} tickets a day: "
        + ", ".join(names)
        + "."
    )


#: Display columns of the leading-indicators table (see :func:`leading_table`).
LEADING_VIEW: tuple[tuple[str, str, str], ...] = (
    ("topic", "Topic", "text"), ("signals", "Rising", "text"),
    ("tickets_recent", "Tickets (recent)", "int"), ("volume_recent", "A day (recent)", "float"),
    ("volume_baseline", "A day (before)", "float"),
    ("negative_share_recent", "Negative (recent)", "pct"),
    ("negative_share_baseline", "Negative (before)", "pct"),
    ("escalation_rate_recent", "Escalated (recent)", "pct"),
    ("escalation_rate_baseline", "Escalated (before)", "pct"),
)  # fmt: skip

_SIGNALS = (("volume", "volume"), ("negative", "negative share"), ("escalation", "escalation rate"))


def _signals() -> pl.Expr:
    parts = [
        pl.when(pl.col(f"{c}_significant") & (pl.col(f"{c}_direction") == "up"))
        .then(pl.lit(label))
        .otherwise(None)
        for c, label in _SIGNALS
    ]
    return pl.concat_str(parts, separator=", ", ignore_nulls=True).replace("", "–")


def leading_table(leading: pl.DataFrame) -> pl.DataFrame:
    """Display table of :func:`lib.anomaly.leading_indicators`: rising topics first, with the
    signals that rose significantly (``Rising``) and recent against earlier values.

    >>> from lib.anomaly import leading_indicators, simulate_tickets
    >>> t = simulate_tickets(days=84, topics={"a": 20.0, "b": 20.0},
    ...                      events=[("b", "volume", 70, 2.0, 14)])
    >>> leading_table(leading_indicators(t)).select("Topic", "Rising").rows()
    [('b', 'volume'), ('a', '–')]
    """
    return present(leading.with_columns(_signals().alias("signals")), LEADING_VIEW)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def leading_notes(leading: pl.DataFrame) -> list[str]:
    """One plain sentence per significantly rising signal of a topic (rising topics only).

    >>> lead = pl.DataFrame({"topic": ["Data export"], "volume_recent": [6.4],
    ...     "volume_baseline": [6.9], "volume_significant": [False], "volume_direction": ["down"],
    ...     "negative_share_recent": [0.45], "negative_share_baseline": [0.18],
    ...     "negative_significant": [True], "negative_direction": ["up"],
    ...     "escalation_rate_recent": [0.2], "escalation_rate_baseline": [0.19],
    ...     "escalation_significant": [False], "escalation_direction": ["up"]})
    >>> leading_notes(lead)
    ['Data export: negative share 45% against 18% before']
    """
    notes = []
    for r in leading.iter_rows(named=True):
        bits = []
        if r["volume_significant"] and r["volume_direction"] == "up":
            bits.append(
                f"volume {r['volume_recent']:.1f} tickets a day against "
                f"{r['volume_baseline']:.1f} before"
            )
        if r["negative_significant"] and r["negative_direction"] == "up":
            bits.append(
                f"negative share {_pct(r['negative_share_recent'])} against "
                f"{_pct(r['negative_share_baseline'])} before"
            )
        if r["escalation_significant"] and r["escalation_direction"] == "up":
            bits.append(
                f"escalation rate {_pct(r['escalation_rate_recent'])} against "
                f"{_pct(r['escalation_rate_baseline'])} before"
            )
        if bits:
            notes.append(f"{r['topic']}: " + "; ".join(bits))
    return notes


def overall_note(overall: pl.DataFrame, *, rising: int = 0) -> str:
    """The overall escalation rate over the same days (``overall`` is
    :func:`lib.anomaly.leading_indicators` with every ticket in one topic), and how many topics
    (``rising``) are rising while it has not moved.

    >>> o = pl.DataFrame({"escalation_rate_recent": [0.125], "escalation_rate_baseline": [0.12],
    ...     "escalation_p": [0.61], "escalation_significant": [False],
    ...     "escalation_direction": ["up"]})
    >>> overall_note(o, rising=1)
    'Overall escalation rate 12.5% against 12.0% before: no real change. 1 topic is rising ahead of it.'
    """  # noqa: E501
    if overall.height == 0:
        return "No tickets in these days."
    r = overall.row(0, named=True)
    p = r["escalation_p"]
    if r["escalation_significant"]:
        verdict = f"{r['escalation_direction']}, {plain_words.verdict(p)}"
    else:
        verdict = plain_words.verdict(p).replace("could be", "a small change that could be")
    text = (
        f"Overall escalation rate {_pct_1(r['escalation_rate_recent'])} against "
        f"{_pct_1(r['escalation_rate_baseline'])} before: {verdict}."
    )
    if rising and not r["escalation_significant"]:
        word = "topic is" if rising == 1 else "topics are"
        text += f" {rising} {word} rising ahead of it."
    return text


def _pct_1(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"
