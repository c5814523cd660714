"""Fixtures shared by the lib.audit tests: the ten-ticket frame and its review periods."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from lib.periods import Periods, review_periods
from tests.audit.fixture_tickets import ROWS, UPDATED, make


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return make(ROWS, updated_at=UPDATED)


@pytest.fixture(scope="module")
def periods(tickets) -> Periods:
    # review 15..21 Jan (tickets 6-10), previous 8..14 Jan (4, 5),
    # baseline = first 30 days cut before the review: 1..14 Jan (1-5)
    p = review_periods(tickets, review_days=7)
    assert p.review == (date(2024, 1, 15), date(2024, 1, 21))
    assert p.previous == (date(2024, 1, 8), date(2024, 1, 14))
    assert p.baseline == (date(2024, 1, 1), date(2024, 1, 14))
    return p
