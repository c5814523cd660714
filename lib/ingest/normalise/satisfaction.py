"""Satisfaction ratings into 0 (worst) .. 1 (best): good/bad words, five-level Likert words,
and numbers on a scale decided from the column (0-1, 1-5, 1-10, 0-10, 0-100).
"""

from __future__ import annotations

import polars as pl

from lib.ingest.normalise._common import _as_strings, _key, _map_distinct, _map_series, _nulls
from lib.ingest.normalise.numeric import _NUMBER_RE, _floats
from lib.ingest.normalise.placeholders import _clean_strings
from lib.ingest.normalise.report import ParseReport, _all_failed, _report
from lib.ingest.normalise.vocabularies import _vocab

_SAT_BINARY = _vocab(
    {
        "1": "good|satisfied|positive|good, i'm satisfied|happy|thumbs up|great|awesome"
        "|excellent|like|yes",
        "0.5": "neutral|ok|okay|just okay|average|fair|meh",
        "0": "bad|unsatisfied|dissatisfied|negative|bad, i'm unsatisfied|unhappy|thumbs down"
        "|poor|not good|terrible|dislike|no",
    }
)
_SAT_LIKERT = _vocab(
    {
        "1": "very satisfied|extremely satisfied|extremely happy|very happy|very good|excellent"
        "|awesome",
        "0.75": "satisfied|happy|good|positive",
        "0.5": "neutral|neither satisfied nor dissatisfied|ok|okay|just okay",
        "0.25": "dissatisfied|unsatisfied|unhappy|bad|poor|negative",
        "0": "very dissatisfied|extremely dissatisfied|very unsatisfied|extremely unhappy"
        "|very unhappy|very bad|very poor|terrible",
    }
)
_LIKERT_ONLY = {k for k in _SAT_LIKERT if k not in _SAT_BINARY}
_SAT_NOT_RATED = {_key(w) for w in ("offered", "unoffered", "not offered", "not rated")}
_SCALES = ((0.0, 1.0), (1.0, 5.0), (1.0, 10.0), (0.0, 10.0), (0.0, 100.0))


def _pick_scale(values: pl.Series) -> tuple[float, float] | None:
    v = values.drop_nulls().filter(values.drop_nulls().is_between(0, 100))
    if v.is_empty():
        return None
    lo, hi = float(v.min()), float(v.max())  # type: ignore[arg-type]
    for a, b in _SCALES:
        if lo >= a and hi <= b:
            return a, b
    return None  # pragma: no cover - (0, 100) always fits after the filter


def parse_satisfaction(
    s: pl.Series, *, scale: tuple[float, float] | None = None
) -> tuple[pl.Series, ParseReport]:
    """Parse satisfaction ratings into 0 (worst) .. 1 (best).

    Words (good/bad, satisfied/unsatisfied, Zendesk's ``Good, I'm satisfied``, five-level
    "very satisfied" .. "very dissatisfied" scales) and numbers, whose scale is decided from
    the column's smallest and largest value: 0..1 kept, 1-5 -> (x-1)/4, 1-10 -> (x-1)/9,
    0-10 -> x/10, 0-100 -> x/100, unless ``scale=(worst, best)`` is given. ``offered`` and
    ``unoffered`` (a survey with no answer) become null without counting as failures.

    >>> import polars as pl
    >>> out, rep = parse_satisfaction(pl.Series(["5", "1", "4", None]))
    >>> out.to_list(), rep.detail
    ([1.0, 0.0, 0.75, None], '1-5 scale')
    >>> parse_satisfaction(pl.Series(["Good, I'm satisfied", "bad", "offered"]))[0].to_list()
    [1.0, 0.0, None]
    """
    if s.dtype == pl.Boolean:
        out = s.cast(pl.Float64)
        return out, _report(s, s, out, "booleans (true = satisfied)")
    empty = _nulls(s.name, s.len(), pl.Float64())
    words = percents = empty
    word_detail = ""
    if s.dtype.is_numeric():
        attempted = s
        numbers = _map_series(s.cast(pl.Float64), lambda v: pl.when(v.is_finite()).then(v))
    else:
        strings = _as_strings(s)
        if strings is None:
            return _all_failed(s, pl.Float64(), f"{s.dtype} values are not ratings")
        clean = _clean_strings(strings)
        null_text = _nulls(s.name, s.len(), pl.String())
        is_number = clean.str.contains(_NUMBER_RE).fill_null(False)
        is_pct = clean.str.contains(r"^[+-]?\d+(?:[.,]\d+)?\s*%$").fill_null(False)
        text = clean.zip_with(~is_number & ~is_pct, null_text)
        keys = _map_distinct(text, _key, pl.String())
        not_rated = keys.is_in(list(_SAT_NOT_RATED)).fill_null(False)
        attempted = clean.zip_with(~not_rated, null_text)
        numbers = empty
        if is_number.any():
            numbers = _floats(clean.zip_with(is_number, null_text))[0]
        if is_pct.any():
            pct = clean.zip_with(is_pct, null_text).str.replace(r"\s*%$", "")
            percents = _floats(pct)[0] / 100
        likert = bool(keys.is_in(list(_LIKERT_ONLY)).any())
        table = _SAT_LIKERT if likert else _SAT_BINARY
        words = _map_distinct(keys, lambda k: float(table[k]) if k in table else None, pl.Float64())
        word_detail = "five-level words" if likert else "good/bad words"
    chosen = scale or _pick_scale(numbers)
    parts: list[str] = []
    scaled = empty
    if chosen is not None:
        a, b = chosen
        scaled = _map_series(numbers, lambda v: pl.when(v.is_between(a, b)).then((v - a) / (b - a)))
        if numbers.is_not_null().any():
            parts.append(_scale_name(a, b))
    if words.is_not_null().any():
        parts.append(word_detail)
    if percents.is_not_null().any():
        parts.append("percentages")
    out = pl.DataFrame([scaled.alias("a"), words.alias("b"), percents.alias("c")]).select(
        pl.coalesce("a", "b", "c").alias(s.name)
    )[s.name]
    return out, _report(s, attempted, out, "; ".join(parts) or "no rating format fits")


def _scale_name(a: float, b: float) -> str:
    if (a, b) == (0.0, 1.0):
        return "0..1 scale (kept)"
    return f"{a:g}-{b:g} scale"
