"""Shared by the agent review modules: the error they raise, their column check, and how a list
of names is written.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from lib.errors import ReviewError


class AgentReviewError(ReviewError, ValueError):
    """An agent review was asked for something the data cannot give (message says why)."""


def _names(items: Sequence[str], limit: int = 3) -> str:
    """``"a, b and c"``; with more than ``limit``, ``"a, b, c and 2 more"``."""
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _require(frame: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AgentReviewError(f"{what} needs the column(s) {', '.join(missing)}")
