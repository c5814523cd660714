"""Before/after a change date: the test, the window, the category and the segmented fit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from statsmodels.stats.proportion import (
    proportions_ztest,
)

from lib import audit as m
from tests.audit.fixture_tickets import at


def test_before_after_hand_checked(tickets):
    r = m.before_after(tickets, date=date(2024, 1, 15))
    # before 1-5 (2 escalated), after 6-10 (3 escalated)
    assert r.summary.select("segment", "tickets", "escalations", "rate").rows() == [
        ("before", 5, 2, 0.4),
        ("after", 5, 3, 0.6),
    ]
    assert r.summary.get_column("start").to_list() == [date(2024, 1, 1), date(2024, 1, 15)]
    _, p = proportions_ztest([3, 2], [5, 5])
    assert r.test.diff == pytest.approx(0.2) and r.test.p_value == pytest.approx(p)
    # weeks from 15 Jan: -2 (1-7 Jan: 1/3), -1 (8-14 Jan: 1/2), 0 (15-21 Jan: 3/5)
    assert r.weekly.select("week", "week_start", "segment", "tickets", "escalations").rows() == [
        (-2, date(2024, 1, 1), "before", 3, 1),
        (-1, date(2024, 1, 8), "before", 2, 1),
        (0, date(2024, 1, 15), "after", 5, 3),
    ]
    # before line through (-1.5, 1/3) and (-0.5, 1/2): slope 1/6 per week, 7/12 at the date;
    # after: one week, flat at 0.6 -> jump 0.6 - 7/12 = 1/60
    assert r.weekly.get_column("fitted").to_list() == pytest.approx([1 / 3, 0.5, 0.6])
    assert r.slopes == {"before": pytest.approx(1 / 6), "after": 0.0}
    assert r.level_change == pytest.approx(1 / 60)


def test_before_after_window_and_category(tickets):
    r = m.before_after(tickets, date=date(2024, 1, 15), window_days=7)
    assert r.summary.select("tickets", "escalations").rows() == [(2, 1), (5, 3)]
    r = m.before_after(tickets, date=date(2024, 1, 15), category="billing")
    # billing: before 1, 4; after 7; none escalated -> no variance, p = 1
    assert r.summary.select("tickets", "escalations").rows() == [(2, 0), (1, 0)]
    assert (r.test.p_value, r.test.significant) == (1.0, False)
    r = m.before_after(tickets, date=date(2024, 2, 1))
    # nothing after the date: the after side is empty, nothing to test, no after line
    assert r.summary.get_column("tickets").to_list() == [10, 0]
    assert not r.test.testable and r.level_change is None and r.slopes["after"] is None
    assert r.weekly.get_column("fitted").null_count() == 0
    with pytest.raises(m.MetricsError):
        m.before_after(tickets, date=date(2024, 1, 15), window_days=0)


def test_before_after_fit_is_weighted_by_tickets():
    # change on Mon 22 Jan. Before: week -3 0/2, week -2 1/2, week -1 5/10; after: week 0 1/4,
    # week 1 3/4. Before line, weights 2, 2, 10 at x = -2.5, -1.5, -0.5 (mid-weeks), y = 0, .5, .5:
    # x̄ = -13/14, ȳ = 6/14, Sxy = 11/7, Sxx = 52/7 -> slope 11/52, value at the date
    # 6/14 + 11/52 * 13/14 = 0.625 (an unweighted fit would give slope 0.25).
    # After: two points (0.5, 0.25), (1.5, 0.75) -> slope 0.5, value 0 at the date; jump -0.625.
    weeks = [(1, 2, 0), (8, 2, 1), (15, 10, 5), (22, 4, 1), (29, 4, 3)]
    created, esc = [], []
    for day, n, k in weeks:
        created += [at(day, 9 + i) for i in range(n)]
        esc += [i < k for i in range(n)]
    r = m.before_after(
        pl.DataFrame({"created_at": created, "escalated": esc}), date=date(2024, 1, 22)
    )
    assert r.weekly.get_column("week").to_list() == [-3, -2, -1, 0, 1]
    assert r.slopes["before"] == pytest.approx(11 / 52)
    assert r.slopes["after"] == pytest.approx(0.5)
    assert r.level_change == pytest.approx(-0.625)
    fitted = [0.625 + 11 / 52 * x for x in (-2.5, -1.5, -0.5)] + [0.25, 0.75]
    assert r.weekly.get_column("fitted").to_list() == pytest.approx(fitted)


def test_before_after_segmented_line_recovers_a_known_step():
    # 8 weeks at 10% then 8 weeks at 30%, 100 tickets a week, flat in each segment
    start = datetime(2024, 1, 1, tzinfo=UTC)
    created, esc = [], []
    for week in range(16):
        rate = 10 if week < 8 else 30
        for i in range(100):
            created.append(start + timedelta(weeks=week, hours=i))
            esc.append(i < rate)
    t = pl.DataFrame({"created_at": created, "escalated": esc})
    r = m.before_after(t, date=date(2024, 2, 26))  # start of week 8
    assert r.slopes["before"] == pytest.approx(0.0, abs=1e-12)
    assert r.slopes["after"] == pytest.approx(0.0, abs=1e-12)
    assert r.level_change == pytest.approx(0.2)
    assert r.test.significant and r.test.direction == "up"
