"""KPIs of the review, previous and baseline periods, and the narrative, worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from statsmodels.stats.proportion import (
    proportions_ztest,
)

from lib import audit as m
from lib.periods import Periods, review_periods
from lib.schema import empty_tickets
from tests.audit.fixture_tickets import at


def test_kpis_hand_checked(tickets, periods):
    k = m.kpis(tickets, periods, policy_categories=("sso",))
    r, p, b = k.review, k.previous, k.baseline
    # review: tickets 6-10, escalated 6, 8, 10 -> 3/5
    assert (r["tickets"], r["escalations"], r["rate"]) == (5, 3, 0.6)
    assert (r["rate_low"], r["rate_high"]) == pytest.approx(m.wilson_interval(3, 5))
    # hours to escalate: 6 -> 1 h, 8 -> 4 h, 10 -> 8 h: median 4
    assert (r["median_hours_to_escalate"], r["escalations_timed"]) == (4.0, 3)
    # first response: 20, 40, (none), 90, 8 -> median of 8, 20, 40, 90 = 30
    assert (r["median_first_response_minutes"], r["first_responses"]) == (30.0, 4)
    # CSAT: escalated 6 -> 0.5 (8, 10 unrated); not escalated 7 -> 1.0 (9 unrated)
    assert (r["csat_escalated"], r["csat_escalated_n"]) == (0.5, 1)
    assert (r["csat_not_escalated"], r["csat_not_escalated_n"]) == (1.0, 1)
    # reopens 1, 0, (unknown), 0, 0 -> 1 of 4
    assert (r["reopened"], r["reopen_known"], r["reopen_rate"]) == (1, 4, 0.25)
    # all three escalations are SSO, tagged policy
    assert (r["policy_escalations"], r["policy_share"]) == (3, 1.0)
    assert (r["start"], r["end"], r["days"]) == (date(2024, 1, 15), date(2024, 1, 21), 7)

    # previous: tickets 4, 5; escalated 5 (6 h); frm 15, 10 -> 12.5
    assert (p["tickets"], p["escalations"], p["rate"]) == (2, 1, 0.5)
    assert p["median_hours_to_escalate"] == 6.0
    assert p["median_first_response_minutes"] == 12.5
    assert (p["csat_escalated"], p["csat_not_escalated"], p["csat_not_escalated_n"]) == (
        0.0,
        None,
        0,
    )

    # baseline: tickets 1-5; escalated 2 (2 h), 5 (6 h) -> median 4
    assert (b["tickets"], b["escalations"], b["rate"]) == (5, 2, 0.4)
    assert b["median_hours_to_escalate"] == 4.0
    assert b["median_first_response_minutes"] == 15.0  # 30, 5, 60, 15, 10
    assert (b["csat_escalated"], b["csat_not_escalated"]) == (0.0, 1.0)
    assert (b["reopened"], b["reopen_known"]) == (1, 5)
    assert (b["policy_escalations"], b["policy_share"]) == (2, 1.0)

    # changes: 3/5 vs 1/2 and 3/5 vs 2/5, neither significant
    prev = k.change("previous")
    _, pv = proportions_ztest([3, 1], [5, 2])
    assert prev.diff == pytest.approx(0.1) and prev.p_value == pytest.approx(pv)
    assert not prev.significant
    base = k.change("baseline")
    assert base.diff == pytest.approx(0.2) and not base.significant
    ch = k.changes
    assert ch.get_column("comparison").to_list() == ["previous", "baseline"]
    assert ch.get_column("reference_tickets").to_list() == [2, 5]
    assert ch.get_column("change").to_list() == pytest.approx([0.1, 0.2])
    assert k.value("tickets", "baseline") == 5
    with pytest.raises(m.MetricsError):
        k.row("last year")
    with pytest.raises(m.MetricsError):
        k.change("last year")


def test_kpis_policy_share_without_tags_and_on_empty(periods):
    k = m.kpis(empty_tickets(), periods)
    assert k.table.height == 3
    assert k.table.get_column("tickets").to_list() == [0, 0, 0]
    assert k.table.get_column("rate").null_count() == 3
    assert not k.change("previous").testable
    assert k.changes.height == 2
    for col in k.table.select(pl.selectors.float()).columns:
        assert not k.table.get_column(col).is_nan().any()


def test_narrative_not_significant(tickets, periods):
    k = m.kpis(tickets, periods)
    b = m.breakdown(tickets, "category", periods)
    text = m.narrative(k, b)
    assert text.startswith("Escalation rate 60.0% this period (3 of 5), 50.0% in the previous")
    assert "in the previous period: no real change" in text and "p=" not in text
    assert "40.0% in the baseline: no real change" in text
    # sso: 3 escalations now vs 1 before -> +2
    assert text.endswith("Top driver: sso, +2 escalations vs the previous period.")
    assert "up from" not in text and "down from" not in text


def test_narrative_significant_down_and_drivers_frame():
    p = Periods(
        review=(date(2024, 1, 15), date(2024, 1, 28)),
        previous=(date(2024, 1, 1), date(2024, 1, 14)),
        baseline=(date(2024, 1, 1), date(2024, 1, 14)),
    )
    created = [at(20)] * 100 + [at(5)] * 100
    esc = [True] * 5 + [False] * 95 + [True] * 30 + [False] * 70
    t = pl.DataFrame({"created_at": created, "escalated": esc, "category": ["x"] * 200})
    text = m.narrative(m.kpis(t, p), m.drivers(t))
    assert "Escalation rate 5.0% this period (5 of 100), down from 30.0% in the previous" in text
    assert "previous period, unlikely to be chance (about 1 in 300,000)" in text
    assert "p<" not in text and "p=" not in text
    assert text.endswith("Top driver: x, 35 escalations.")
    assert m.narrative(m.kpis(t, p)).count("Top driver") == 0


def test_narrative_does_not_compare_an_overlapping_baseline():
    # three days of data: the first 30 days contain the review period itself
    t = pl.DataFrame({"created_at": [at(1), at(2), at(3)], "escalated": [True, False, False]})
    p = review_periods(t, review_days=14)
    assert p.baseline_overlaps_review
    text = m.narrative(m.kpis(t, p))
    assert "the baseline overlaps the review period, so it is not compared." in text
    assert "in the baseline" not in text


def test_narrative_empty_review():
    p = review_periods(None, review_end=date(2024, 1, 14))
    text = m.narrative(m.kpis(empty_tickets(), p), m.drivers(empty_tickets()))
    assert text.startswith("No tickets in the review period (2024-01-01 to 2024-01-14)")
