"""Shared private helpers of the audit metrics: the error type, the missing-value label,
column checks, grouping keys, count/hour/ratio expressions, selection matching and the per-row
two-proportion test.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from scipy.special import ndtr, ndtri

from lib.errors import ReviewError
from lib.schema import SCHEMA


class MetricsError(ReviewError, ValueError):
    """A metric was asked for with options that cannot work (unknown column, bad interval)."""


#: Label for a missing value of a grouping column (accepted back by the filters).
MISSING = "(none)"

_US_PER_HOUR = 3_600_000_000


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise MetricsError(f"the confidence level must be between 0 and 1, not {level!r}")
    return float(ndtri(1 - (1 - level) / 2))


def _with_tests(
    frame: pl.DataFrame, k1: str, n1: str, k2: str, n2: str, *, level: float
) -> pl.DataFrame:
    """Add ``change`` (p1 - p2), ``p_value`` and ``significant`` for each row (pooled z-test)."""
    alpha = 1 - level
    _z(level)
    a = frame.select(
        pl.col(k1).fill_null(0).cast(pl.Float64),
        pl.col(n1).fill_null(0).cast(pl.Float64),
        pl.col(k2).fill_null(0).cast(pl.Float64),
        pl.col(n2).fill_null(0).cast(pl.Float64),
    ).to_numpy()
    if a.size == 0:
        a = np.zeros((0, 4))
    kk1, nn1, kk2, nn2 = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    ok = (nn1 > 0) & (nn2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = kk1 / nn1
        p2 = kk2 / nn2
        pooled = (kk1 + kk2) / (nn1 + nn2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / nn1 + 1 / nn2))
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    p_value = np.where(se > 0, 2 * ndtr(-np.abs(z)), 1.0)
    change = pl.Series("change", np.where(ok, p1 - p2, np.nan)).fill_nan(None)
    p_series = pl.Series("p_value", np.where(ok, p_value, np.nan)).fill_nan(None)
    return frame.with_columns(
        change,
        p_series,
        pl.Series("significant", ok & (np.nan_to_num(p_value, nan=1.0) < alpha)),
    )


_EQ_CHAIN_MAX = 8


def _match(column: str, values: Sequence[Any]) -> pl.Expr:
    """``column`` is one of ``values``; :data:`MISSING` among them matches nulls."""
    present = [v for v in values if v != MISSING]
    if not present:
        expr = pl.lit(False)
    elif len(present) <= _EQ_CHAIN_MAX:
        # a few equality tests are several times faster than is_in on a million strings
        expr = pl.any_horizontal(*[pl.col(column) == v for v in present])
    else:
        expr = pl.col(column).is_in(present)
    if MISSING in values:
        expr = expr.fill_null(False) | pl.col(column).is_null()
    return expr


def _check_column(tickets: pl.DataFrame, by: str) -> None:
    if by not in tickets.columns:
        raise MetricsError(
            f"cannot group by {by!r}: there is no such column "
            f"(available: {', '.join(tickets.columns)})"
        )
    if isinstance(tickets.schema[by], pl.List | pl.Struct | pl.Array):
        raise MetricsError(f"cannot group by {by!r}: it holds lists, not single values")


def _key(by: str) -> pl.Expr:
    """The grouping column as text, with missing values labelled :data:`MISSING`."""
    return pl.col(by).cast(pl.String).fill_null(MISSING).alias(by)


def _counts() -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Int64).alias("tickets"),
        pl.col("escalated").sum().cast(pl.Int64).alias("escalations"),
    ]


def _hours(end: str, start: str = "created_at") -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / _US_PER_HOUR


def _escalation_hours() -> tuple[pl.Expr, pl.Expr]:
    """(hours from created to escalated, mask of escalated tickets with a usable time)."""
    valid = (
        pl.col("escalated")
        & pl.col("escalated_at").is_not_null()
        & (pl.col("escalated_at") >= pl.col("created_at"))
    )
    return _hours("escalated_at"), valid


def _safe_ratio(num: str, den: str, name: str) -> pl.Expr:
    return (
        pl.when(pl.col(den) > 0)
        .then(pl.col(num).cast(pl.Float64) / pl.col(den).cast(pl.Float64))
        .otherwise(None)
        .alias(name)
    )


def _with_optional(tickets: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Add canonical columns that a partial frame lacks, as nulls (their schema dtype)."""
    missing = [
        pl.lit(None, dtype=SCHEMA[name]).alias(name)
        for name in names
        if name not in tickets.columns
    ]
    return tickets.with_columns(missing) if missing else tickets
