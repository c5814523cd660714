"""Ticket sentiment on the canonical -1 (negative) .. 1 (positive) scale.

The export's own sentiment is kept when it has one. Otherwise the ticket's text is scored with
VADER (``vaderSentiment``), a rule-based scorer whose lexicon ships inside the package: nothing is
downloaded, ever. Only when there is no text either is the satisfaction survey (0..1, answered
after the fact) mapped onto -1..1.

Example
-------
>>> import polars as pl
>>> score_text(pl.Series(["Great, thanks!", "Refund failed again", None])).round(2).to_list()
[0.81, -0.51, None]
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import polars as pl
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.errors import ReviewError

#: A source counts as present when more than this share of tickets has a value.
MIN_COVERAGE = 0.5

#: VADER's own convention: compound <= -0.05 is negative, >= 0.05 positive.
NEGATIVE_BELOW = -0.05

#: Longer texts are cut to this many characters before scoring (VADER is linear in length; the
#: opening of a ticket carries its tone).
MAX_CHARS = 2000

_ANALYZER: SentimentIntensityAnalyzer | None = None


class SentimentError(ReviewError, ValueError):
    """Sentiment cannot be computed from what was given."""


def _analyzer() -> SentimentIntensityAnalyzer:
    global _ANALYZER
    if _ANALYZER is None:  # reads the two lexicon files shipped in the package, once
        _ANALYZER = SentimentIntensityAnalyzer()
    return _ANALYZER


@lru_cache(maxsize=200_000)
def _score_one(text: str) -> float:
    return float(_analyzer().polarity_scores(text)["compound"])


def score_text(texts: pl.Series) -> pl.Series:
    """Score each text with VADER's compound score (Float64 in -1..1; null for null/blank text).

    Each distinct text is scored once (and remembered for the process), so an export with many
    repeated subjects costs little more than its number of distinct subjects.

    >>> score_text(pl.Series("subject", ["I love it", "I love it", "", "awful"])).to_list()
    [0.6369, 0.6369, None, -0.4588]
    """
    name = texts.name
    cleaned = texts.cast(pl.String, strict=False).str.strip_chars().str.slice(0, MAX_CHARS)
    cleaned = cleaned.replace("", None)
    unique = cleaned.drop_nulls().unique()
    if unique.is_empty():
        return pl.Series(name, [None] * len(texts), dtype=pl.Float64)
    scores = [_score_one(t) for t in unique.to_list()]
    return cleaned.replace_strict(
        unique, pl.Series(scores, dtype=pl.Float64), default=None, return_dtype=pl.Float64
    ).alias(name)


def _coverage(s: pl.Series) -> float:
    return 0.0 if len(s) == 0 else 1.0 - s.null_count() / len(s)


def _pct(share: float) -> str:
    return f"{share:.0%}"


def add_sentiment(
    tickets: pl.DataFrame,
    *,
    text_columns: Sequence[str] = ("subject",),
    description: pl.Series | None = None,
) -> tuple[pl.DataFrame, str]:
    """Fill the ``sentiment`` column and say how it was obtained.

    Order of preference, each used when more than half of the tickets have it:

    1. the export's own ``sentiment`` (kept as it is);
    2. text (``text_columns`` and ``description``, joined per ticket) scored with VADER;
    3. ``satisfaction`` mapped from 0..1 to -1..1 (a survey answered after the fact, so only
       when there is no text).

    One source is used for every ticket, so the scale is the same across the dataset (a partial
    export sentiment is not mixed with text scores). When none reaches half of the tickets, the
    best-covered one is used; when there is nothing at all, sentiment stays null.
    ``description`` is a Series aligned with ``tickets`` (the canonical schema has no description
    column; ingest may keep one beside it).

    >>> t = pl.DataFrame({"subject": ["Thanks, great help", "Broken again"]})
    >>> out, how = add_sentiment(t)
    >>> out["sentiment"].to_list(), how
    ([0.8658, -0.4767], 'scored from subject with VADER (offline lexicon), 100% of tickets')
    """
    for col in text_columns:
        if col not in tickets.columns:
            raise SentimentError(f"text column {col!r} is not in the tickets")
    if description is not None and len(description) != tickets.height:
        raise SentimentError(
            f"description has {len(description)} rows but the tickets have {tickets.height}"
        )
    n = tickets.height
    own = (
        tickets.get_column("sentiment").cast(pl.Float64, strict=False)
        if "sentiment" in tickets.columns
        else pl.Series("sentiment", [None] * n, dtype=pl.Float64)
    )
    sat = (
        tickets.get_column("satisfaction").cast(pl.Float64, strict=False)
        if "satisfaction" in tickets.columns
        else pl.Series("satisfaction", [None] * n, dtype=pl.Float64)
    )
    text_parts = [tickets.get_column(c).cast(pl.String, strict=False) for c in text_columns]
    text_names = list(text_columns)
    if description is not None:
        text_parts.append(description.cast(pl.String, strict=False))
        text_names.append("description")
    if text_parts:
        frame = pl.DataFrame({f"t{i}": s for i, s in enumerate(text_parts)})
        text = frame.select(
            pl.concat_str(
                [pl.col(c).str.strip_chars().replace("", None) for c in frame.columns],
                separator=". ",
                ignore_nulls=True,
            )
            .replace("", None)
            .alias("text")
        ).to_series()
    else:
        text = pl.Series("text", [None] * n, dtype=pl.String)

    cov = {"own": _coverage(own), "text": _coverage(text), "satisfaction": _coverage(sat)}
    order = ["own", "text", "satisfaction"]
    chosen = next((s for s in order if cov[s] > MIN_COVERAGE), None)
    if chosen is None:
        best = max(order, key=lambda s: cov[s])  # ties keep the order of preference
        chosen = best if cov[best] > 0 else None

    if chosen == "own":
        values = own.clip(-1.0, 1.0)
        how = f"kept the export's own sentiment, {_pct(cov['own'])} of tickets"
    elif chosen == "text":
        values = score_text(text)
        source = " and ".join(text_names)
        how = f"scored from {source} with VADER (offline lexicon), {_pct(cov['text'])} of tickets"
    elif chosen == "satisfaction":
        values = (sat.clip(0.0, 1.0) * 2.0 - 1.0).round(6)
        how = (
            f"derived from satisfaction (0..1 mapped to -1..1), {_pct(cov['satisfaction'])}"
            " of tickets"
        )
    else:
        values = pl.Series([None] * n, dtype=pl.Float64)
        how = "not available: the export has no sentiment, text or satisfaction"
    return tickets.with_columns(values.alias("sentiment")), how


def most_negative(tickets: pl.DataFrame, topic_col: str = "category", n: int = 5) -> pl.DataFrame:
    """The ``n`` most negative tickets of each topic (lowest sentiment first).

    Tickets without a topic are grouped under ``"(none)"``; tickets without sentiment are left out.
    Columns: topic, rank, ticket_id, created_at, subject, sentiment (those present in the input).

    >>> t = pl.DataFrame({"ticket_id": ["1", "2", "3"], "category": ["a", "a", "b"],
    ...                   "sentiment": [-0.5, 0.2, -0.9]})
    >>> most_negative(t, n=1).rows()
    [('a', 1, '1', -0.5), ('b', 1, '3', -0.9)]
    """
    if topic_col not in tickets.columns:
        raise SentimentError(f"topic column {topic_col!r} is not in the tickets")
    if n < 1:
        raise SentimentError("n must be at least 1")
    keep = [c for c in ("ticket_id", "created_at", "subject", "sentiment") if c in tickets.columns]
    if "sentiment" not in keep:
        raise SentimentError("the tickets have no sentiment column (run add_sentiment first)")
    topic = pl.col(topic_col)
    if isinstance(tickets.schema[topic_col], pl.List):
        frame = tickets.explode(topic_col, empty_as_null=True)
    else:
        frame = tickets
    frame = frame.with_columns(
        pl.when(topic.is_null() | (topic.cast(pl.String) == ""))
        .then(pl.lit("(none)"))
        .otherwise(topic.cast(pl.String))
        .alias("topic")
    ).filter(pl.col("sentiment").is_not_null())
    sort_by = ["topic", "sentiment"] + (["ticket_id"] if "ticket_id" in keep else [])
    return (
        frame.sort(sort_by)
        .with_columns(pl.int_range(1, pl.len() + 1).over("topic").cast(pl.Int32).alias("rank"))
        .filter(pl.col("rank") <= n)
        .select(["topic", "rank", *keep])
    )
