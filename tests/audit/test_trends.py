"""Trends per day, week, month and quarter, and the quarter comparison, worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from statsmodels.stats.proportion import (
    proportions_ztest,
)

from lib import audit as m
from tests.audit.fixture_tickets import at


def test_trend_weekly_daily_monthly(tickets):
    w = m.trend(tickets, every="1w")
    # weeks start Monday: 1-7 Jan (1, 2, 3; esc 2), 8-14 (4, 5; esc 5), 15-21 (6-10; esc 6, 8, 10)
    assert w.get_column("period_start").to_list() == [date(2024, 1, d) for d in (1, 8, 15)]
    assert w.get_column("period_end").to_list() == [date(2024, 1, d) for d in (7, 14, 21)]
    assert w.get_column("tickets").to_list() == [3, 2, 5]
    assert w.get_column("escalations").to_list() == [1, 1, 3]
    assert w.get_column("rate").to_list() == pytest.approx([1 / 3, 0.5, 0.6])
    d = m.trend(tickets, every="1d")
    assert d.height == 21  # every day from 1 to 21 Jan, empty days included
    assert d.get_column("tickets").sum() == 10
    assert d.filter(pl.col("tickets") == 0).get_column("rate").null_count() == 11
    mo = m.trend(tickets, every="1mo")
    assert mo.rows() == [
        (date(2024, 1, 1), date(2024, 1, 31), 10, 5, 0.5, *m.wilson_interval(5, 10))
    ]
    q = m.trend(tickets, every="1q")
    assert q.get_column("period_end").to_list() == [date(2024, 3, 31)]


def test_trend_two_weeks_aligned_to_review_end(tickets):
    t = m.trend(tickets, every="2w", align_to=date(2024, 1, 21))
    # buckets end on 21 Jan: 8-21 Jan (4-10: 7 tickets, 4 esc) and 25 Dec-7 Jan (1-3: 3, 1)
    assert t.select("period_start", "period_end", "tickets", "escalations").rows() == [
        (date(2023, 12, 25), date(2024, 1, 7), 3, 1),
        (date(2024, 1, 8), date(2024, 1, 21), 7, 4),
    ]
    # aligned to 14 Jan instead: 1-14 Jan (1-5) and 15-28 Jan (6-10)
    t = m.trend(tickets, every="2w", align_to=date(2024, 1, 14))
    assert t.get_column("period_start").to_list() == [date(2024, 1, 1), date(2024, 1, 15)]
    assert t.get_column("tickets").to_list() == [5, 5]
    # 3-day buckets ending 21 Jan: 19-21 (9, 10), 16-18 (7, 8), 13-15 (6), 10-12 (5), 7-9 (4),
    # 4-6 (none), 1-3 (1, 2, 3)
    t = m.trend(tickets, every="3d", align_to=date(2024, 1, 21))
    assert t.get_column("tickets").to_list() == [3, 0, 1, 1, 1, 2, 2]
    with pytest.raises(m.MetricsError):
        m.trend(tickets, every="weekly")
    with pytest.raises(m.MetricsError):
        m.trend(tickets, every="0d")


def test_quarter_comparison_hand_checked():
    # Q4 2023: 10 tickets, 1 escalated (from 15 Nov); Q1 2024: 20 tickets, 12 escalated
    # (to 10 Feb). 12/20 vs 1/10: pooled 13/30, z = 0.5/sqrt(13/30*17/30*(1/20+1/10)) = 2.6
    created = [at(15, month=11).replace(year=2023)] * 10 + [at(10, month=2)] * 20
    esc = [True] + [False] * 9 + [True] * 12 + [False] * 8
    t = pl.DataFrame({"created_at": created, "escalated": esc})
    q = m.quarter_comparison(t)
    assert q.get_column("quarter").to_list() == ["2023 Q4", "2024 Q1"]
    # 15 Nov..31 Dec = 47 days; 1 Jan..10 Feb = 41 days
    assert q.get_column("days_covered").to_list() == [47, 41]
    assert q.get_column("rate").to_list() == [0.1, 0.6]
    assert q.get_column("previous_rate").to_list() == [None, 0.1]
    assert q.get_column("change").to_list() == [None, pytest.approx(0.5)]
    _, p = proportions_ztest([12, 1], [20, 10])
    assert q.get_column("p_value").to_list() == [None, pytest.approx(p)]
    assert q.get_column("significant").to_list() == [False, True]
