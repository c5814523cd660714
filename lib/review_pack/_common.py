"""Shared pieces of the review pack: its error, percentage and p-value texts, meeting fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.errors import ReviewError


class ReviewPackError(ReviewError, ValueError):
    """A review-pack function was given input it cannot use."""


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


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
