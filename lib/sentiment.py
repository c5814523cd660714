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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.errors import ReviewError
from lib.ingest.languages import MODULES

#: A source counts as present when more than this share of tickets has a value.
MIN_COVERAGE = 0.5

#: VADER's own convention: compound <= -0.05 is negative, >= 0.05 positive.
NEGATIVE_BELOW = -0.05

#: Longer texts are cut to this many characters before scoring (VADER is linear in length; the
#: opening of a ticket carries its tone).
MAX_CHARS = 2000

_ANALYZER: SentimentIntensityAnalyzer | None = None

#: Language names for the page, by code (:mod:`lib.sentiment_language`).
_LANGUAGE_NAMES = {m.CODE: m.NAME for m in MODULES} | {"other": "another language"}


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


def score_english(texts: pl.Series, language: pl.Series | None = None) -> pl.Series:
    """:func:`score_text` on the texts that read as English; null for the others (VADER's
    lexicon is English: Portuguese or Spanish words would score 0 or, worse, as English words).
    ``language`` is :func:`lib.sentiment_language.detect_language` of ``texts`` when known.

    >>> score_english(pl.Series(["I love it", "Não funciona, péssimo"])).to_list()
    [0.6369, None]
    """
    from lib.sentiment_language import detect_language

    if language is None:
        language = detect_language(texts)
    keep = pl.DataFrame({"t": texts.cast(pl.String, strict=False), "l": language}).select(
        pl.when(pl.col("l") == "en").then(pl.col("t")).alias(texts.name)
    )
    return score_text(keep.to_series())


def _coverage(s: pl.Series) -> float:
    return 0.0 if len(s) == 0 else 1.0 - s.null_count() / len(s)


def _pct(share: float) -> str:
    return f"{share:.0%}"


@dataclass(frozen=True)
class Scored:
    """Tickets with ``sentiment`` filled, and which source and scorer gave it.

    ``source``: ``"own"`` (the export's sentiment), ``"description"`` (the customer's own first
    message or description), ``"subject"`` (or the ``text_columns`` joined), ``"satisfaction"``,
    or ``None`` when nothing could be scored. ``scorer``: ``"export"``, ``"vader"``,
    ``"model"`` (trained on this export's ratings, see :mod:`lib.sentiment_model`),
    ``"satisfaction"`` or ``None``. ``not_english``: tickets whose text is in another language
    and was left unscored because VADER reads only English. ``trial``: the trained model's
    held-out check (``None`` when no model was tried).
    """

    tickets: pl.DataFrame
    how: str
    source: str | None
    scorer: str | None
    not_english: int = 0
    trial: Any = None


def _text_of(parts: list[pl.Series], n: int) -> pl.Series:
    """The parts joined per ticket with ". " (blank parts skipped; null when all are blank)."""
    if not parts:
        return pl.Series("text", [None] * n, dtype=pl.String)
    frame = pl.DataFrame({f"t{i}": s.cast(pl.String, strict=False) for i, s in enumerate(parts)})
    return frame.select(
        pl.concat_str(
            [pl.col(c).str.strip_chars().replace("", None) for c in frame.columns],
            separator=". ",
            ignore_nulls=True,
        )
        .replace("", None)
        .alias("text")
    ).to_series()


def _not_english_note(count: int, language_names: str) -> str:
    """The clause saying how many texts were left unscored for their language."""
    if not count:
        return ""
    return (
        f"; {count:,} tickets written in {language_names} left unscored (VADER reads only English)"
    )


def score_sentiment(
    tickets: pl.DataFrame,
    *,
    text_columns: Sequence[str] = ("subject",),
    description: pl.Series | None = None,
    train: bool = True,
) -> Scored:
    """Fill the ``sentiment`` column and record where it came from (see :class:`Scored`).

    Order of preference, each used when more than half of the tickets have it:

    1. the export's own ``sentiment`` (kept as it is);
    2. text: the customer's ``description`` (their own first message) when more than half of
       the tickets have one, else ``text_columns`` (the subject) joined per ticket. Text that
       is not English (:mod:`lib.sentiment_language`) is left unscored by VADER. When the export
       has enough satisfaction ratings and ``train`` is true, a model trained on its rated
       tickets is tried (:mod:`lib.sentiment_model`) and used instead of VADER only when it
       beats VADER on held-out tickets; it reads any language;
    3. ``satisfaction`` mapped from 0..1 to -1..1 (a survey answered after the fact, so only
       when there is no text).

    One source is used for every ticket, so the scale is the same across the dataset. When
    none reaches half of the tickets, the best-covered one is used; when there is nothing at
    all, sentiment stays null. ``description`` is a Series aligned with ``tickets`` (the
    canonical schema has no description column; ingest keeps one beside it).

    >>> t = pl.DataFrame({"subject": ["Thanks, great help", "Broken again", "Não funciona"]})
    >>> got = score_sentiment(t)
    >>> got.tickets["sentiment"].to_list(), got.source, got.scorer, got.not_english
    ([0.8658, -0.4767, None], 'subject', 'vader', 1)
    """
    from lib.sentiment_language import detect_language

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
    desc = _text_of([description], n) if description is not None else _text_of([], n)
    if _coverage(desc) > MIN_COVERAGE:
        text, text_name = desc, "description"
    else:
        parts = [tickets.get_column(c) for c in text_columns]
        names = list(text_columns)
        if description is not None and _coverage(desc) > 0:
            parts.append(description)
            names.append("description")
        text, text_name = _text_of(parts, n), " and ".join(names)
    language = detect_language(text)
    foreign = language.filter(language.is_not_null() & (language != "en"))

    cov = {"own": _coverage(own), "text": _coverage(text), "satisfaction": _coverage(sat)}
    order = ["own", "text", "satisfaction"]
    chosen = next((s for s in order if cov[s] > MIN_COVERAGE), None)
    if chosen is None:
        best = max(order, key=lambda s: cov[s])  # ties keep the order of preference
        chosen = best if cov[best] > 0 else None

    if chosen == "own":
        return Scored(
            tickets.with_columns(own.clip(-1.0, 1.0).alias("sentiment")),
            f"kept the export's own sentiment, {_pct(cov['own'])} of tickets",
            "own",
            "export",
        )
    if chosen == "text":
        vader = score_english(text, language)
        trial = None
        if train and sat.null_count() < n:
            from lib.sentiment_model import train_text_model

            trial = train_text_model(text, sat, vader=vader)
        source = "description" if text_name == "description" else text_name
        if trial is not None and trial.used:
            values = trial.model.sentiment(text)
            how = (
                f"scored from {text_name} with a model trained on this export's "
                f"{trial.trained_on:,} rated tickets (held-out AUC {trial.held_out.auc:.2f}, "
                f"better than VADER's), {_pct(_coverage(values))} of tickets"
            )
            return Scored(
                tickets.with_columns(values.alias("sentiment")), how, source, "model", 0, trial
            )
        names = ", ".join(
            _LANGUAGE_NAMES.get(c, c) for c in foreign.value_counts(sort=True)["language"]
        )
        how = (
            f"scored from {text_name} with VADER (offline lexicon), "
            f"{_pct(_coverage(vader))} of tickets" + _not_english_note(foreign.len(), names)
        )
        return Scored(
            tickets.with_columns(vader.alias("sentiment")),
            how,
            source,
            "vader",
            foreign.len(),
            trial,
        )
    if chosen == "satisfaction":
        return Scored(
            tickets.with_columns((sat.clip(0.0, 1.0) * 2.0 - 1.0).round(6).alias("sentiment")),
            f"derived from satisfaction (0..1 mapped to -1..1), {_pct(cov['satisfaction'])}"
            " of tickets",
            "satisfaction",
            "satisfaction",
        )
    return Scored(
        tickets.with_columns(pl.Series("sentiment", [None] * n, dtype=pl.Float64)),
        "not available: the export has no sentiment, text or satisfaction",
        None,
        None,
    )


def add_sentiment(
    tickets: pl.DataFrame,
    *,
    text_columns: Sequence[str] = ("subject",),
    description: pl.Series | None = None,
) -> tuple[pl.DataFrame, str]:
    """Fill the ``sentiment`` column and say how it was obtained: :func:`score_sentiment`'s
    tickets and sentence (use that function for the source and scorer as values).

    >>> t = pl.DataFrame({"subject": ["Thanks, great help", "Broken again"]})
    >>> out, how = add_sentiment(t)
    >>> out["sentiment"].to_list(), how
    ([0.8658, -0.4767], 'scored from subject with VADER (offline lexicon), 100% of tickets')
    """
    got = score_sentiment(tickets, text_columns=text_columns, description=description)
    return got.tickets, got.how


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
