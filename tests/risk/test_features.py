"""Features as of a moment, checked by hand on a few tickets of one customer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from lib.risk.explain import hours_words
from lib.risk.features import compute, context
from lib.risk.timeline import prepare
from lib.schema import conform

T0 = datetime(2024, 3, 1, 9, tzinfo=UTC)


def _at(days: float, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    # customer X: tickets on day 0, 2 (escalated 3 h later) and 5; customer Y on day 5
    return conform(
        pl.DataFrame(
            {
                "ticket_id": ["a", "b", "c", "d", "e"],
                "created_at": [_at(0), _at(2), _at(5), _at(5, 1), _at(9)],
                "solved_at": [_at(1), _at(4), None, None, None],
                "status": ["solved", "solved", "open", "open", "open"],
                "customer": ["X", "X", "X", "Y", "X"],
                "first_agent": ["A", "A", "A", "B", "A"],
                "category": ["SSO", "SSO", "SSO", "Login", "SSO"],
                "escalated": [False, True, False, False, False],
                "escalated_at": [None, _at(2, 3), None, None, None],
                "first_response_minutes": [30.0, 60.0, 120.0, None, 10.0],
            }
        )
    )


def test_features_of_ticket_c_ten_hours_after_it_opened(tickets):
    s_time = _at(5, 10)
    tl = prepare(tickets, as_of=_at(9, 1), horizon_days=3)
    ctx = context(tl, "UTC")
    names = ("customer_history", "age", "idle", "first_response", "agent_rate", "topic_volume")
    raw = compute(tl, ctx, np.array([2]), np.array([tl.hours(s_time)]), names, 0.1)
    d = {k: float(v[0]) for k, v in raw.display.items()}
    assert d["age_hours"] == pytest.approx(10)
    assert d["idle_hours"] == pytest.approx(8)  # replied 2 h after opening
    assert (d["cust_30d"], d["cust_esc_30d"], d["cust_7d"], d["cust_before"]) == (2, 1, 2, 2)
    # ticket e (day 9) is in the future: not counted anywhere
    assert (d["agent_rate_n"], d["agent_rate_e"]) == (3, 1)
    assert d["frt_hours"] == pytest.approx(2) and d["answered"] == 1
    # topic SSO: 1 ticket in the last day (c itself), 3 in four weeks
    assert d["topic_volume"] == pytest.approx((1 + 1) / (3 / 28 + 1))


def test_the_first_reply_is_unknown_before_it_happened(tickets):
    tl = prepare(tickets, as_of=_at(9, 1), horizon_days=3)
    raw = compute(tl, context(tl, "UTC"), np.array([2]), np.array([tl.hours(_at(5, 1))]),
                  ("first_response",), 0.1)  # fmt: skip
    assert raw.display["answered"][0] == 0
    assert raw.display["idle_hours"][0] == pytest.approx(1)


def test_hours_in_words():
    words = pl.select(hours_words(pl.Series([0.4, 26.2, 47.9, 80.0]))).to_series().to_list()
    assert words == ["0 h", "26 h", "48 h", "3.3 days"]
