"""The bot's first touch in figures: shares, escalation after a handoff against tickets that
came straight to a person, by topic, and the topics to write knowledge articles for.

Handed-off tickets are not a random half of the bot's tickets: the bot keeps the easy ones,
and bot channels (chat, messaging) bring other topics than e-mail or phone. So the comparison
is made within each category, and the overall one is also given against the straight-to-person
rate re-weighted to the handed-off tickets' mix of categories (``direct_same_mix``).

>>> import polars as pl
>>> t = pl.DataFrame({"ticket_id": list("123456"), "category": ["billing"] * 6,
...     "escalated": [True, False, False, True, False, False],
...     "bot_first": [True, True, True, False, False, False],
...     "handed_off": [True, True, False, False, False, False],
...     "bot_resolved": [False, False, True, False, False, False],
...     "bot_open": [False] * 6})
>>> bot_summary(t).select("measure", "k", "n").rows()[:3]
[('Bot first touch', 3, 6), ('Resolved by the bot', 1, 3), ('Handed to a person', 2, 3)]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lib.audit.rates import wilson_exprs
from lib.bot.marks import MARK_COLUMNS, BotMarks, bot_columns, mark_tickets
from lib.bot.words import ENABLE_HINT

_MISSING = "(none)"


def bot_summary(marked: pl.DataFrame) -> pl.DataFrame:
    """One row per measure: ``measure``, ``k`` of ``n`` (its denominator), ``share`` with its
    Wilson interval (``share_low``, ``share_high``). ``marked``: tickets with ``escalated``
    and the :data:`lib.bot.marks.MARK_COLUMNS`."""
    bot, handed, esc = pl.col("bot_first"), pl.col("handed_off"), pl.col("escalated")
    rows = marked.select(
        pl.len().alias("all"),
        bot.sum().alias("bot"),
        pl.col("bot_resolved").sum().alias("resolved"),
        handed.sum().alias("handed"),
        pl.col("bot_open").sum().alias("open"),
        (~bot).sum().alias("direct"),
        (handed & esc).sum().alias("handed_esc"),
        (~bot & esc).sum().alias("direct_esc"),
    ).row(0, named=True)
    spec = [
        ("Bot first touch", "bot", "all"),
        ("Resolved by the bot", "resolved", "bot"),
        ("Handed to a person", "handed", "bot"),
        ("Bot only, not solved", "open", "bot"),
        ("Straight to a person", "direct", "all"),
        ("Escalated after a handoff", "handed_esc", "handed"),
        ("Escalated, straight to a person", "direct_esc", "direct"),
    ]
    frame = pl.DataFrame(
        [(m, int(rows[k] or 0), int(rows[n] or 0)) for m, k, n in spec],
        schema={"measure": pl.String, "k": pl.Int64, "n": pl.Int64},
        orient="row",
    )
    return frame.with_columns(wilson_exprs("k", "n", name="share"))


def bot_by_category(marked: pl.DataFrame, *, min_handed: int = 5) -> pl.DataFrame:
    """Per category: tickets, ``bot_first``, ``handed_off`` and its share of the bot's tickets,
    the escalation rate after a handoff (``handed_rate``) and straight to a person
    (``direct_rate``), each with its denominator and Wilson interval, the ``gap`` (0..1), and
    ``candidate``: a knowledge-base candidate (at least ``min_handed`` handoffs, a handoff share
    at or above the bot's overall one, escalating more often after a handoff than straight to a
    person). Candidates first, then by escalations after a handoff."""
    if marked.height == 0:
        marked = marked.with_columns(pl.col("category").cast(pl.String))
    bot, handed, esc = pl.col("bot_first"), pl.col("handed_off"), pl.col("escalated")
    per = (
        marked.with_columns(pl.col("category").fill_null(_MISSING))
        .group_by("category")
        .agg(
            pl.len().cast(pl.Int64).alias("tickets"),
            bot.sum().cast(pl.Int64).alias("bot_first"),
            handed.sum().cast(pl.Int64).alias("handed_off"),
            (handed & esc).sum().cast(pl.Int64).alias("handed_escalated"),
            (~bot).sum().cast(pl.Int64).alias("direct"),
            (~bot & esc).sum().cast(pl.Int64).alias("direct_escalated"),
        )
        .with_columns(
            *wilson_exprs("handed_off", "bot_first", name="handoff_share"),
            *wilson_exprs("handed_escalated", "handed_off", name="handed_rate"),
            *wilson_exprs("direct_escalated", "direct", name="direct_rate"),
        )
        .with_columns(gap=pl.col("handed_rate") - pl.col("direct_rate"))
    )
    total_bot = int(marked.get_column("bot_first").sum() or 0)
    overall = int(marked.get_column("handed_off").sum() or 0) / total_bot if total_bot else 1.0
    candidate = (
        (pl.col("handed_off") >= min_handed)
        & (pl.col("handoff_share") >= overall - 1e-12)
        & (pl.col("handed_rate") > pl.col("direct_rate").fill_null(0.0))
    ).fill_null(False)
    return per.with_columns(candidate=candidate).sort(
        ["candidate", "handed_escalated", "handed_off", "category"],
        descending=[True, True, True, False],
    )


def direct_same_mix(per_category: pl.DataFrame) -> float | None:
    """The straight-to-person escalation rate re-weighted to the handed-off tickets' categories
    (categories with no straight-to-person ticket left out); ``None`` without handoffs.

    >>> p = pl.DataFrame({"handed_off": [8, 2], "direct": [10, 10], "direct_rate": [0.5, 0.1]})
    >>> round(direct_same_mix(p), 2)
    0.42
    """
    use = per_category.filter((pl.col("handed_off") > 0) & (pl.col("direct") > 0))
    weight = int(use.get_column("handed_off").sum() or 0)
    if weight == 0:
        return None
    return float((use["handed_off"] * use["direct_rate"]).sum()) / weight


@dataclass(frozen=True)
class BotReview:
    """What the "Bot first touch" section shows: ``summary`` (:func:`bot_summary`),
    ``by_category`` (:func:`bot_by_category`), ``same_mix`` (:func:`direct_same_mix`),
    ``evidence``, ``looked_at`` and ``notes`` (:class:`lib.bot.marks.BotMarks`) and ``hint``: the
    sentence naming what would enable the section when ``found`` is false."""

    found: bool
    summary: pl.DataFrame
    by_category: pl.DataFrame
    same_mix: float | None
    evidence: pl.DataFrame
    looked_at: tuple[str, ...]
    notes: tuple[str, ...] = ()
    hint: str = ENABLE_HINT


def _beside(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """``right``'s columns beside ``left``'s rows by ticket id: put side by side when the ids
    are the same rows (a whole snapshot, a join of a million ids costs seconds), else joined.

    >>> a = pl.DataFrame({"ticket_id": ["1", "2"], "x": [1, 2]})
    >>> _beside(a, pl.DataFrame({"ticket_id": ["2"], "y": [5]})).rows()
    [('1', 1, None), ('2', 2, 5)]
    """
    ids = left.get_column("ticket_id")
    if right.height == left.height and right.get_column("ticket_id").equals(ids):
        return pl.concat([left, right.drop("ticket_id")], how="horizontal")
    return left.join(right, on="ticket_id", how="left", maintain_order="left")


def review_marks(tickets: pl.DataFrame, marks: BotMarks, *, min_handed: int = 5) -> BotReview:
    """Join ``marks`` to ``tickets`` and compute every figure of :class:`BotReview`."""
    marked = _beside(tickets.select("ticket_id", "category", "escalated"), marks.tickets)
    marked = marked.with_columns(pl.col(c).fill_null(False) for c in MARK_COLUMNS)
    per = bot_by_category(marked, min_handed=min_handed)
    return BotReview(
        found=marks.found and bool(marked.get_column("bot_first").any()),
        summary=bot_summary(marked),
        by_category=per,
        same_mix=direct_same_mix(per),
        evidence=marks.evidence,
        looked_at=marks.looked_at,
        notes=marks.notes,
    )


def bot_review(
    tickets: pl.DataFrame,
    *,
    snapshot: str | None = None,
    extra_names: tuple[str, ...] = (),
    min_handed: int = 5,
) -> BotReview:
    """The bot's first touch for ``tickets`` (canonical, already filtered), reading the
    export's bot columns from the dataset's ``snapshot`` Parquet (only those columns).

    >>> t = pl.DataFrame({"ticket_id": ["1"], "category": ["a"], "escalated": [False],
    ...                   "tags": [["answerbot"]], "status": ["solved"]})
    >>> bot_review(t).summary.row(1, named=True)["k"]
    1
    """
    frame = tickets.select(
        c
        for c in ("ticket_id", "tags", "agent", "first_agent", "status", "escalated", "source")
        if c in tickets.columns
    )
    if snapshot and Path(snapshot).is_file():
        from lib.store.snapshot_scan import read_columns, scan_snapshot

        wanted = list(bot_columns(scan_snapshot(snapshot).collect_schema().names()))
        if wanted:
            frame = _beside(frame, read_columns(snapshot, ["ticket_id", *wanted]))
    marks = mark_tickets(frame, extra_names=extra_names)
    return review_marks(tickets, marks, min_handed=min_handed)


__all__ = [
    "BotReview",
    "bot_by_category",
    "bot_review",
    "bot_summary",
    "direct_same_mix",
    "review_marks",
]
