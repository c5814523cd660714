"""Series helpers the parsers share: apply an expression to a Series, map distinct values,
sample distinct values, cast to text, a Series of nulls, a case/space/punctuation-free key.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
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
    if s.is_empty():
        return False
    probe = s.gather(np.linspace(0, s.len() - 1, num=min(s.len(), rows), dtype=np.int64))
    return probe.n_unique() * 2 > probe.len()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
