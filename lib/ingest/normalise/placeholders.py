"""Placeholders for "no value" in exports (``?``, ``-``, ``n/a``, ``null``...): detected in a
string expression, and turned into nulls while stripping a String Series.
"""

from __future__ import annotations

import re

import polars as pl

from lib.ingest.normalise._common import _nulls

#: Values that mean "no value" in exports (compared case-insensitively, after stripping).
PLACEHOLDERS = ("", "?", "-", "--", "n/a", "#n/a", "null", "none", "nan", "(none)", "(null)")
_PLACEHOLDER_RE = r"(?i)^\s*(?:" + "|".join(re.escape(p) for p in PLACEHOLDERS if p) + r")?\s*$"
#: Regular expression matching a placeholder cell (public for callers that map distinct values).
PLACEHOLDER_PATTERN = _PLACEHOLDER_RE


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
