"""Numbers in exports: thousands separators (comma, space, apostrophe, dot), decimal commas,
parsed to floats and integers.
"""

from __future__ import annotations

import polars as pl

from lib.ingest.normalise._common import _as_strings, _map_series
from lib.ingest.normalise.placeholders import _clean_strings
from lib.ingest.normalise.report import ParseReport, _all_failed, _report

_NUMBER_RE = r"^[+-]?(?:\d[\d,.' \u00a0\u202f]*)?\d$"

_THOUSANDS_SPACE = r"^[+-]?\d{1,3}(?:[ '\u00a0\u202f]\d{3})+(?:[.,]\d+)?$"
_THOUSANDS_COMMA = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_EURO = r"^[+-]?\d{1,3}(?:\.\d{3})+,\d+$"
_DECIMAL_COMMA = r"^[+-]?\d*,\d+$"


def _floats(clean: pl.Series) -> tuple[pl.Series, str]:
    """Strings to Float64 with the column's decimal convention; returns (values, description)."""
    c = _map_series(
        clean,
        lambda v: (
            pl.when(v.str.contains(_THOUSANDS_SPACE))
            .then(v.str.replace_all(r"[ '\u00a0\u202f]", ""))
            .otherwise(v)
        ),
    )
    has_dot = bool(c.str.contains(r"\.").any())
    euro = bool(c.str.contains(_EURO).any())
    comma_decimal = not has_dot and bool(
        (c.str.contains(_DECIMAL_COMMA) & ~c.str.contains(_THOUSANDS_COMMA)).any()
    )
    if euro:
        text = c.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        how = "decimal comma with dot thousands separators"
    elif comma_decimal:
        text = c.str.replace(",", ".", literal=True)
        how = "decimal comma"
    else:
        text = _map_series(
            c,
            lambda v: (
                pl.when(v.str.contains(_THOUSANDS_COMMA))
                .then(v.str.replace_all(",", "", literal=True))
                .otherwise(v)
            ),
        )
        how = "decimal point"
    x = text.cast(pl.Float64, strict=False)
    return _map_series(x, lambda v: pl.when(v.is_finite()).then(v)), how


def _numeric_input(s: pl.Series) -> tuple[pl.Series, pl.Series, str] | None:
    """(Float64 values, attempted mask source, description) for numeric/boolean/string input."""
    if s.dtype == pl.Boolean:
        return s.cast(pl.Float64), s, "booleans as 1/0"
    if s.dtype.is_numeric():
        x = s.cast(pl.Float64)
        return _map_series(x, lambda v: pl.when(v.is_finite()).then(v)), s, "numbers"
    strings = _as_strings(s)
    if strings is None:
        return None
    clean = _clean_strings(strings)
    x, how = _floats(clean)
    return x, clean, how


def parse_float(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """Parse numbers into Float64; a decimal comma is read when the column has no dots.

    Thousands separators (``1,234.5``, ``1 234``, ``1.234,5``) are understood.

    >>> import polars as pl
    >>> parse_float(pl.Series(["3,5", "-0,25", "n/a"]))[0].to_list()
    [3.5, -0.25, None]
    >>> parse_float(pl.Series(["1,234.5", "2.5"]))[0].to_list()
    [1234.5, 2.5]
    """
    got = _numeric_input(s)
    if got is None:
        return _all_failed(s, pl.Float64(), f"{s.dtype} values are not numbers")
    x, attempted, how = got
    return x.alias(s.name), _report(s, attempted, x, how)


def plain_integers(s: pl.Series, *, signed: bool = True) -> pl.Series | None:
    """The values of a text column whose every value is a plain integer (ASCII digits, a
    ``+`` allowed, a ``-`` too when ``signed``), as ``Int64`` (``UInt64`` unsigned), else None
    (also for a column of nulls only).

    One cast, where the general parsers strip, look for placeholders and read the decimal
    convention; on such a column they give the same numbers (tested on both paths).

    >>> plain_integers(pl.Series(["3", None, "-12", "+007"])).to_list()
    [3, None, -12, 7]
    >>> [plain_integers(pl.Series([v])) for v in ("3.0", " 3", "n/a", "1,234", "", None)]
    [None, None, None, None, None, None]
    >>> plain_integers(pl.Series(["-0"]), signed=False) is None
    True
    """
    if s.dtype != pl.String or s.null_count() == s.len():
        return None
    x = s.cast(pl.Int64 if signed else pl.UInt64, strict=False)
    return x if x.null_count() == s.null_count() else None


def parse_int(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """Parse whole numbers into Int32 (``3``, ``3.0``, ``1,234``); fractions fail.

    >>> import polars as pl
    >>> out, rep = parse_int(pl.Series(["3", "3.0", "1,234", "2.5", "-"]))
    >>> out.to_list(), rep.failed
    ([3, 3, 1234, None, None], 1)
    """
    return parse_plain_int(s) or _parse_int_text(s)


def parse_plain_int(s: pl.Series) -> tuple[pl.Series, ParseReport] | None:
    """:func:`parse_int` of a column of plain integers (:func:`plain_integers`) within Int32,
    from one cast; None for any other column.

    >>> parse_plain_int(pl.Series(["3", "12"]))[0].to_list(), parse_plain_int(pl.Series(["3.0"]))
    ([3, 12], None)
    """
    ints = plain_integers(s)
    if ints is None or not ints.is_between(-(2**31), 2**31 - 1).all():
        return None
    out = ints.cast(pl.Int32).alias(s.name)
    return out, _report(s, s, out, "whole numbers (decimal point)")


def _parse_int_text(s: pl.Series) -> tuple[pl.Series, ParseReport]:
    """:func:`parse_int` without the plain-integer shortcut."""
    got = _numeric_input(s)
    if got is None:
        return _all_failed(s, pl.Int32(), f"{s.dtype} values are not numbers")
    x, attempted, how = got
    out = _map_series(
        x,
        lambda v: (
            pl.when((v == v.floor()) & v.is_between(-(2**31), 2**31 - 1)).then(v).cast(pl.Int32)
        ),
    )
    return out, _report(s, attempted, out, f"whole numbers ({how})")
