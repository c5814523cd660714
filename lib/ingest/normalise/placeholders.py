"""Placeholders for "no value" in exports (``?``, ``-``, ``n/a``, ``null``...): detected in a
string expression, and turned into nulls while stripping a String Series; and the words that
mean "nobody" in a person or group column (``Unassigned``, ``Sin asignar``...), per language.
"""

from __future__ import annotations

import re

import polars as pl

from lib.ingest.languages import fold, word_lists
from lib.ingest.normalise._common import _nulls

#: Values that mean "no value" in exports (compared case-insensitively, after stripping).
PLACEHOLDERS = ("", "?", "-", "--", "n/a", "#n/a", "null", "none", "nan", "(none)", "(null)")
_PLACEHOLDER_RE = r"(?i)^\s*(?:" + "|".join(re.escape(p) for p in PLACEHOLDERS if p) + r")?\s*$"
#: Regular expression matching a placeholder cell (public for callers that map distinct values).
PLACEHOLDER_PATTERN = _PLACEHOLDER_RE


#: Words that mean "nobody / no group" in a person or group column (agent, group, customer), per
#: language: the ``NOBODY`` words of :mod:`lib.ingest.languages` (add words there). Compared
#: case-insensitively after stripping, with and without accents (``Não atribuído`` also matches
#: ``Nao atribuido``), and also in brackets or between dashes (``(Unassigned)``, ``-- nobody --``).
NOBODY: dict[str, tuple[str, ...]] = word_lists("NOBODY")


def _nobody_pattern() -> str:
    words = {w for ws in NOBODY.values() for w in ws} | {p for p in PLACEHOLDERS if p}
    words |= {fold(w) for w in words}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return r"(?i)^[\s\-–—(\[<*_]*(?:" + alternatives + r")[\s\-–—)\]>*_.]*$"


#: Regular expression matching a "nobody" cell of a person or group column.
NOBODY_PATTERN = _nobody_pattern()


def is_placeholder(expr: pl.Expr) -> pl.Expr:
    """True where a string expression holds a placeholder for "no value" (never null).

    >>> import polars as pl
    >>> df = pl.DataFrame({"v": ["N/A", " ? ", "", "x", None]})
    >>> df.select(is_placeholder(pl.col("v")))["v"].to_list()
    [True, True, True, False, False]
    """
    return expr.cast(pl.String).str.contains(_PLACEHOLDER_RE).fill_null(False)


def _clean_strings(s: pl.Series) -> pl.Series:
    """Strip a String Series and turn placeholders into nulls (cheap when there is neither)."""
    if s.str.contains(r"^\s|\s$").any():
        s = s.str.strip_chars()
    placeholder = s.str.contains(_PLACEHOLDER_RE)
    if placeholder.any():
        s = s.zip_with(~placeholder.fill_null(False), _nulls(s.name, s.len(), pl.String()))
    return s


def nobody_to_null(s: pl.Series) -> pl.Series:
    """Turn the cells of a (stripped) person or group column that mean "nobody" into nulls.

    >>> import polars as pl
    >>> nobody_to_null(pl.Series(["Ana", "Unassigned", "Sin asignar", "(none)", None])).to_list()
    ['Ana', None, None, None, None]
    >>> nobody_to_null(pl.Series(["Nao atribuido", "- Nicht zugewiesen -", "Nobody Li"])).to_list()
    [None, None, 'Nobody Li']
    """
    nobody = s.str.contains(NOBODY_PATTERN).fill_null(False)
    if not nobody.any():
        return s
    return s.zip_with(~nobody, _nulls(s.name, s.len(), pl.String()))
