"""Helpers shared by the normalise tests: UTC datetimes and one-value columns."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def one(fn, value, **kw):
    """Parse a one-value column and return (value, report)."""
    out, rep = fn(pl.Series("c", [value]), **kw)
    return out.to_list()[0], rep
