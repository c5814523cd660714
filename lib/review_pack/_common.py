"""Shared pieces of the review pack: its error, percentage and p-value texts, meeting fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.errors import ReviewError


class ReviewPackError(ReviewError, ValueError):
    """A review-pack function was given input it cannot use."""


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _p(p: float | None) -> str:
    if p is None:
        return "untested"
    return "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"


def _pq(row: Any) -> str:
    """p-value and, for a breakdown row (:func:`lib.audit.breakdown`), its q-value.

    >>> _pq({"p_value": 0.02, "q_value": 0.19})
    'p=0.02, q=0.19'
    """
    q = row.get("q_value")
    text = _p(row.get("p_value"))
    return text if q is None else f"{text}, {_p(q).replace('p', 'q', 1)}"


def _meeting_fields(meeting: Any) -> dict[str, Any]:
    if meeting is None:
        return {}
    if hasattr(meeting, "model_dump"):
        return meeting.model_dump()
    return dict(meeting)


def _when(m: Mapping[str, Any]) -> str:
    if m.get("period_start") and m.get("period_end"):
        return f"{m['period_start']} to {m['period_end']}"
    return "not set"
