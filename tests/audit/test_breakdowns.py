"""Breakdowns, rate_by, top values, slices and the heatmap on the hand-checked fixture."""

from __future__ import annotations

import pytest

from lib import audit as m
from lib.periods import review_periods


def test_breakdown_by_channel(tickets, periods):
    b = m.breakdown(tickets, "channel", periods)
    # review: chat 6, 8, 10 (all escalated); email 7; web 9. previous: phone 4; chat 5 (esc)
    assert b.select(
        "channel", "tickets", "escalations", "previous_tickets", "previous_escalations"
    ).rows() == [
        ("chat", 3, 3, 1, 1),
        ("email", 1, 0, 0, 0),
        ("web", 1, 0, 0, 0),
        ("phone", 0, 0, 1, 0),
    ]
    chat = b.row(0, named=True)
    assert chat["rate"] == 1.0 and chat["share_of_escalations"] == 1.0
    assert chat["all_escalations"] == 3
    assert chat["previous_rate"] == 1.0 and chat["change"] == 0.0
    assert chat["p_value"] == 1.0 and not chat["significant"]  # 3/3 vs 1/1: no variance
    assert chat["escalations_change"] == 2
    phone = b.row(3, named=True)
    assert phone["rate"] is None and phone["change"] is None and phone["p_value"] is None
    assert (phone["rate_low"], phone["rate_high"]) == (0.0, 1.0)
    assert b.row(1, named=True)["previous_rate"] is None


def _scalar(row):
    return m.two_proportion_test(
        row["escalations"], row["tickets"], row["previous_escalations"], row["previous_tickets"]
    )


def test_breakdown_p_values_match_scalar_test(tickets):
    # whole halves: 1..10 Jan vs ... use a 10-day review: 12..21 Jan (6-10) vs 2..11 Jan (2-5)
    p = review_periods(tickets, review_days=10)
    for row in m.breakdown(tickets, "agent", p).iter_rows(named=True):
        ref = _scalar(row)
        assert row["plain_p_value"] == (pytest.approx(ref.p_value) if ref.testable else None)
    # without the corrections, p_value and significant are the plain test's
    plain = m.breakdown(tickets, "agent", p, cluster=None, fdr=False)
    for row in plain.iter_rows(named=True):
        ref = _scalar(row)
        assert row["p_value"] == (pytest.approx(ref.p_value) if ref.testable else None)
        assert row["q_value"] == row["p_value"] and row["design_effect"] == 1.0
        assert row["significant"] == ref.significant


def test_breakdown_missing_values_and_unknown_column(tickets, periods):
    b = m.breakdown(tickets, "category", periods)
    assert b.get_column("category").to_list() == ["sso", "billing", m.MISSING]
    with pytest.raises(m.MetricsError, match="no such column"):
        m.breakdown(tickets, "colour", periods)
    with pytest.raises(m.MetricsError, match="lists"):
        m.rate_by(tickets, "tags")


def test_rate_by_customer_tier(tickets):
    r = m.rate_by(tickets, "customer_tier")
    # enterprise 5, 6, 10 (all esc); pro 2, 3, 8 (2 esc); free 1, 4, 7 (none); (none) 9
    assert r.select("customer_tier", "tickets", "escalations").rows() == [
        ("enterprise", 3, 3),
        ("pro", 3, 2),
        ("free", 3, 0),
        (m.MISSING, 1, 0),
    ]
    assert r.get_column("share_of_escalations").to_list() == pytest.approx([0.6, 0.4, 0, 0])
    assert r.get_column("all_escalations").unique().to_list() == [5]


def test_top_values_and_slice(tickets):
    # bob: 2 (sso, esc), 4 (billing), 6 (sso, esc), 10 (sso, esc)
    top = m.top_values(tickets, "category", "agent", "bob")
    assert top.select("category", "tickets", "escalations").rows() == [
        ("sso", 3, 3),
        ("billing", 1, 0),
    ]
    top_agents = m.top_values(tickets, "agent", "category", "sso")
    # sso: bob 2, 6, 10 -> 3 esc; ann 3, 5, 8 -> 2 esc
    assert top_agents.select("agent", "escalations").rows() == [("bob", 3), ("ann", 2)]
    assert m.top_values(tickets, "agent", "category", "sso", top=1).height == 1
    s = m.slice_tickets(tickets, "channel", "chat")
    assert s.columns == [*m.SLICE_COLUMNS, "counted", "counted_escalated"]
    assert s.get_column("ticket_id").to_list() == ["10", "8", "6", "5", "2"]
    assert m.slice_tickets(tickets, "agent", "ann", escalated_only=True).get_column(
        "ticket_id"
    ).to_list() == ["8", "5"]
    assert m.slice_tickets(tickets, "agent", m.MISSING).get_column("ticket_id").to_list() == ["9"]
    assert m.slice_tickets(tickets, "channel", "chat", limit=2).height == 2
    assert m.slice_tickets(tickets, "channel", "fax").height == 0


def test_heatmap(tickets):
    h = m.heatmap(tickets, "category", "channel")
    assert h.select("category", "channel", "tickets", "escalations").rows() == [
        (m.MISSING, "web", 1, 0),
        ("billing", "email", 2, 0),
        ("billing", "phone", 1, 0),
        ("sso", "chat", 5, 5),
        ("sso", "email", 1, 0),
    ]
    assert h.get_column("tickets").sum() == 10
    with pytest.raises(m.MetricsError):
        m.heatmap(tickets, "channel", "channel")
