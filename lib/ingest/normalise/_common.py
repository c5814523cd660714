"""Series helpers the parsers share: apply an expression to a Series, map distinct values,
sample distinct values, cast to text, a Series of nulls, a case/space/punctuation-free key.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl


def _key(value: str) -> str:
    """Case, space and punctuation insensitive key: ``"Web form"`` -> ``"webform"``."""
    return re.sub(r"[\W_]+", "", value.lower())


def _map_series(s: pl.Series, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Apply an expression builder to a Series (keeps the name)."""
    return s.to_frame("v").select(fn(pl.col("v"))).to_series().alias(s.name)


def _nulls(name: str, n: int, dtype: pl.DataType) -> pl.Series:
    """A Series of ``n`` nulls."""
    return pl.repeat(None, n, dtype=dtype, eager=True).alias(name)


def _as_strings(s: pl.Series) -> pl.Series | None:
    """Cast categorical-like columns to String; None when the dtype has no sensible text form."""
    if s.dtype == pl.String:
        return s
    if isinstance(s.dtype, pl.Categorical | pl.Enum | pl.Null):
        return s.cast(pl.String)
    return None


def _sample_distinct(pool: pl.Series, n: int = 256) -> pl.Series:
    """A seeded sample of up to ``n`` distinct values, from the head and from anywhere."""
    if pool.len() > 4 * n:
        pool = pool.head(n).append(pool.sample(4 * n, seed=0))
    u = pool.unique(maintain_order=True)
    return u.sample(n, seed=0) if u.len() > n else u


def _map_distinct(clean: pl.Series, fn: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """Map each distinct non-null value with ``fn`` (a few Python calls, not one per row)."""
    uniques = clean.drop_nulls().unique()
    new = [fn(v) for v in uniques.to_list()]
    return clean.replace_strict(uniques, pl.Series(new, dtype=dtype), default=None).alias(
        clean.name
    )


def _mostly_distinct(s: pl.Series, rows: int = 4_096) -> bool:
    """Whether more than half of ``rows`` values spread evenly over ``s`` are distinct (a
    null counts as one value): a cheap look at a column before choosing how to parse it.

    >>> _mostly_distinct(pl.Series(range(10_000))), _mostly_distinct(pl.Series([1, 2] * 5_000))
    (True, False)
    """
    import numpy as np  # on first use: see lib/ingest/readers/blocks.py

    if s.is_empty():
        return False
    probe = s.gather(np.linspace(0, s.len() - 1, num=min(s.len(), rows), dtype=np.int64))
    return probe.n_unique() * 2 > probe.len()


def _distinct_codes(s: pl.Series, limit: int) -> tuple[pl.Series, pl.Series] | None:
    """(distinct non-null values in order of first appearance, each row's index into them)
    from one hashing pass, or None when the column holds more than ``limit`` distinct values.

    A Categorical cast with categories of its own numbers each new value as it meets it (a
    distinct pass and then an Enum cast hashed every value twice). A column whose spread
    sample is mostly distinct (ids, descriptions) is only counted: numbering a million distinct
    values would cost several times the count.

    >>> values, codes = _distinct_codes(pl.Series(["b", None, "a", "b"]), 10)
    >>> values.to_list(), codes.to_list()
    (['b', 'a'], [0, None, 1, 0])
    >>> _distinct_codes(pl.Series(["b", "a", "c"]), 2) is None
    True
    """
    if _mostly_distinct(s) and s.n_unique() - int(s.has_nulls()) > limit:
        return None
    categories = pl.Categories.random()
    coded = s.cast(pl.Categorical(categories))
    codes = coded.to_physical()
    # Read while ``coded`` keeps the categories alive (Polars drops them with their last user).
    values = pl.Series(s.name, list(categories), dtype=pl.String)
    del coded
    if values.len() > limit:
        return None
    top = codes.max()
    if values.null_count() or (top is not None and top >= values.len()):  # pragma: no cover
        # Not numbered 0..n-1 (Polars' Categories are marked unstable): two passes instead.
        values = s.unique(maintain_order=True).drop_nulls()
        codes = s.cast(pl.Enum(values)).to_physical()
    return values, codes


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
