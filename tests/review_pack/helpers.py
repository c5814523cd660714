"""Helpers shared by the review-pack tests: a store with meeting history, the review slice."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re

import polars as pl

from lib.periods import in_dates
from lib.store import Store

HAS_OUTLIERS = importlib.util.find_spec("lib.outliers") is not None
UTC = dt.UTC
EXTERNAL = re.compile(r"""(?:src|href|action|srcset|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def _review_slice(tickets: pl.DataFrame, periods) -> pl.DataFrame:
    return tickets.filter(in_dates(*periods.review))


def _store_with_history() -> tuple[Store, int]:
    """A store with an earlier meeting and its items; returns the store and a new meeting."""
    s = Store("sqlite://")
    m0 = s.create_meeting(dt.date(2026, 11, 10))
    s.create_action("Due later", owner="bo", due_date="2026-12-20", meeting_id=m0.id)
    s.create_action("No due date", owner="cy", meeting_id=m0.id)
    s.create_action("Overdue B", owner="ana", due_date="2026-11-20", meeting_id=m0.id)
    s.create_action("Overdue A", owner="ana", due_date="2026-11-01", meeting_id=m0.id)
    done = s.create_action("Already done", meeting_id=m0.id, due_date="2026-11-02")
    s.close_action(done.id, expected_version=1)
    m1 = s.create_meeting(dt.date(2026, 11, 24))
    s.create_action("Made in the new meeting", meeting_id=m1.id, due_date="2026-11-01")
    return s, m1.id
