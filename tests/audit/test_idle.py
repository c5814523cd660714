"""Idle open tickets: the fixture, the threshold boundaries and the last-activity fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lib import audit as m
from tests.audit.fixture_tickets import at, make


def test_idle_tickets_on_fixture(tickets):
    idle = m.idle_tickets(tickets)
    # now = latest update, 21 Jan 17:00. Open: 8 (updated 18 Jan 09:00 -> 80 h),
    # 9 (never updated, created 20 Jan 09:00 -> 32 h), 10 (0 h). Only 8 is idle > 48 h.
    assert idle.now == at(21, 17)
    assert idle.open_tickets == 3
    assert idle.tickets.select("ticket_id", "idle_hours", "age_bucket").rows() == [
        ("8", 80.0, "3–7 days")
    ]
    assert idle.buckets.get_column("age_bucket").to_list() == [
        "2–3 days",
        "3–7 days",
        "1–2 weeks",
        "2–4 weeks",
        "30+ days",
    ]
    assert idle.buckets.get_column("tickets").to_list() == [0, 1, 0, 0, 0]
    # with a 24 h threshold ticket 9 (32 h) joins, in the 1-2 days bucket
    idle = m.idle_tickets(tickets, hours=24)
    assert idle.tickets.get_column("ticket_id").to_list() == ["8", "9"]
    assert idle.tickets.get_column("age_bucket").to_list() == ["3–7 days", "1–2 days"]


@pytest.mark.parametrize(
    "idle_for,listed",
    [
        (timedelta(hours=48), False),  # exactly 48 h: not "more than" 48 h
        (timedelta(hours=48, seconds=1), True),
        (timedelta(hours=47, minutes=59), False),
        (timedelta(days=40), True),
    ],
)
def test_idle_boundaries(idle_for, listed):
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    t = make(
        [("1", now - timedelta(days=60), "open")],
        ("ticket_id", "created_at", "status"),
        updated_at=[now - idle_for],
        escalated=[False],
    )
    assert (m.idle_tickets(t, hours=48, now=now).tickets.height == 1) == listed
    # a naive "now" is read as UTC
    assert (m.idle_tickets(t, hours=48, now=now.replace(tzinfo=None)).tickets.height == 1) == listed


def test_idle_ignores_solved_and_uses_created_when_never_updated():
    now = datetime(2024, 5, 1, tzinfo=UTC)
    t = make(
        [
            ("1", now - timedelta(days=10), "solved"),
            ("2", now - timedelta(days=10), "closed"),
            ("3", now - timedelta(days=3), "on_hold"),
            ("4", now - timedelta(days=3), "new"),
        ],
        ("ticket_id", "created_at", "status"),
        updated_at=[None, None, None, now - timedelta(hours=1)],
    )
    idle = m.idle_tickets(t, now=now)
    assert idle.tickets.get_column("ticket_id").to_list() == ["3"]
    assert idle.tickets.get_column("idle_hours").to_list() == [72.0]
    assert idle.tickets.get_column("age_bucket").to_list() == ["3–7 days"]
    assert idle.open_tickets == 2
    with pytest.raises(m.MetricsError):
        m.idle_tickets(t, hours=-1)
