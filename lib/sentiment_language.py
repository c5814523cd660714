"""Which language a ticket's text is in, told cheaply and offline (VADER only reads English).

Each text's words are counted against the common short words (``STOPWORDS``) of every language
in :mod:`lib.ingest.languages`; a word English shares with another language counts for neither
(``no``, ``a``, ``in``), one shared by two other languages counts for both. A text is
in another language when that language's words outnumber the English ones; a tie is English.
A text with no common word at all is told by the export's other texts: ``"Teclado"`` is
Portuguese when "teclado" is found mostly in the export's texts told as Portuguese
(``"Teclado não funciona"``); otherwise it is English (``"Refund failed"``), unless it has
letters English words do not use (``"Configuração"``: ``"other"``). Text written mostly in
letters outside the Latin alphabet (Cyrillic, Greek, Arabic, CJK …) is ``"other"`` too.

Example
-------
>>> import polars as pl
>>> detect_language(pl.Series(["Não consigo acessar o sistema", "Refund failed", None])).to_list()
['pt', 'en', None]
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from lib.ingest.languages import MODULES, fold

#: Only the opening of a text is read (enough words to tell; bounded cost).
READ_CHARS = 400

#: What :func:`_language_of` says of a text with no common word (told by the export's texts).
_UNTOLD = "?"

_WORD_RE = r"[^\W\d_]+"
_WORD = re.compile(_WORD_RE)
#: Letters other Latin-script languages use and English words do not (``é`` is left out:
#: café, résumé).
_ACCENTED = re.compile("[ãõçñáíóúâêôàèìòùäöüßœ]")


@cache
def _vocabularies() -> dict[str, frozenset[str]]:
    """Folded common words per language code; words English shares with another language
    (``a``, ``in``, ``no``) are dropped from both sides."""
    words = {m.CODE: frozenset(fold(getattr(m, "STOPWORDS", "")).split()) for m in MODULES}
    english = words.get("en", frozenset())
    foreign = frozenset().union(*(w for code, w in words.items() if code != "en"))
    return {code: (w - foreign if code == "en" else w - english) for code, w in words.items()}


@cache
def _language_of(text: str) -> str:
    words = _WORD.findall(text[:READ_CHARS].lower())
    if not words:
        return "en"
    letters = "".join(words)
    latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
    if latin < len(letters) / 2:
        return "other"
    folded = [fold(w) for w in words]
    counts = {code: sum(w in vocab for w in folded) for code, vocab in _vocabularies().items()}
    english = counts.pop("en", 0)
    best = max(counts, key=lambda c: counts[c], default=None)
    if best is not None and counts[best] > english:
        return best
    if not english and not any(counts.values()):
        # no common word either way: letters English does not use, else the export tells
        return "other" if _ACCENTED.search(letters) else _UNTOLD
    return "en"


def detect_language(texts: pl.Series) -> pl.Series:
    """The language code of each text (``"en"``, ``"es"``, ``"pt"`` … or ``"other"``; null for
    null or blank text). Each distinct text is read once.

    >>> detect_language(pl.Series(["El pedido no llega", "Site down", "Не работает"])).to_list()
    ['es', 'en', 'other']
    """
    cleaned = texts.cast(pl.String, strict=False).str.strip_chars().replace("", None)
    unique = cleaned.drop_nulls().unique()
    if unique.is_empty():
        return pl.Series("language", [None] * len(texts), dtype=pl.String)
    texts_u = unique.to_list()
    codes_u = _tell_by_the_export(texts_u, [_language_of(t) for t in texts_u])
    codes = pl.Series(codes_u, dtype=pl.String)
    return cleaned.replace_strict(unique, codes, default=None, return_dtype=pl.String).alias(
        "language"
    )


def _tell_by_the_export(texts: list[str], codes: list[str]) -> list[str]:
    """``codes`` with each text :func:`_language_of` could not tell (no common word) given the
    export's other language that holds it: at least half of its words are found in the texts
    told as other languages, and the best of those languages holds them more often than the
    English texts do (a tie between two other languages: the first by name; either leaves the
    text unscored). English otherwise: its words appear nowhere else, as often in English, or
    only a product name of it does ("Outlook broken, terrible" in an export of Portuguese
    "Outlook não abre" tickets stays English). Counted in Polars: an export's subjects are
    often nearly all distinct.

    >>> _tell_by_the_export(
    ...     ["Teclado", "Teclado não liga", "Refund failed", "Site down", "Refund for the order"],
    ...     ["?", "pt", "?", "?", "en"])
    ['pt', 'pt', 'en', 'en', 'en']
    >>> _tell_by_the_export(["Outlook broken again", "Outlook não abre"], ["?", "pt"])
    ['en', 'pt']
    """
    if _UNTOLD not in codes:
        return codes
    frame = pl.DataFrame({"text": texts, "code": codes}).with_row_index("i")
    words = (
        frame.select(
            "i",
            "code",
            w=pl.col("text").str.slice(0, READ_CHARS).str.to_lowercase().str.extract_all(_WORD_RE),
        )
        .explode("w")
        .drop_nulls("w")
        .unique(["i", "w"])
    )
    untold = words.filter(pl.col("code") == _UNTOLD).select("i", "w")
    told = words.filter(~pl.col("code").is_in([_UNTOLD, "other"]))
    seen = (
        told.filter(pl.col("w").is_in(untold.get_column("w").implode())).group_by("w", "code").len()
    )
    foreign = seen.filter(pl.col("code") != "en").get_column("w").unique()
    share = untold.group_by("i").agg(
        pl.len().alias("n"), pl.col("w").is_in(foreign.implode()).sum().alias("known")
    )
    votes = (
        untold.join(seen, on="w")
        .group_by("i", "code")
        .agg(pl.col("len").sum())
        .with_columns(en=pl.col("len").filter(pl.col("code") == "en").sum().over("i"))
        .filter(pl.col("code") != "en", pl.col("len") > pl.col("en"))
        .sort("i", "len", "code", descending=[False, True, False])
        .unique("i", keep="first")
        .join(share, on="i")
        .filter(2 * pl.col("known") >= pl.col("n"))
    )
    out = [("en" if c == _UNTOLD else c) for c in codes]
    for i, code in votes.select("i", "code").iter_rows():
        out[i] = code
    return out


def is_english(texts: pl.Series) -> pl.Series:
    """True where the text reads as English, False where it is another language, null when
    there is no text.

    >>> is_english(pl.Series(["Cannot log in", "Je ne peux pas me connecter", ""])).to_list()
    [True, False, None]
    """
    return (detect_language(texts) == "en").alias("english")
