"""Issue 18 (`agents` branch): the Agents page runs its month-by-month history beside the
comparison; the worker sees the business zone and errors reach the page."""

from __future__ import annotations

import pytest

from lib.outliers import OutlierError
from lib.periods import business_zone, use_zone
from ui.agents_work import beside


def test_the_worker_sees_the_business_zone() -> None:
    with use_zone("Asia/Tokyo"):
        assert beside(business_zone, business_zone) == ("Asia/Tokyo", "Asia/Tokyo")


def test_errors_of_either_reach_the_caller() -> None:
    def bad() -> None:
        raise OutlierError("no tickets")

    with pytest.raises(OutlierError, match="no tickets"):
        beside(lambda: 1, bad)
    with pytest.raises(OutlierError, match="no tickets"):
        beside(bad, lambda: 1)
