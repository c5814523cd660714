"""Reassignments, first response times and time to escalate on the hand-checked fixture."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from lib import audit as m


def test_reassignment_summary(tickets):
    r = m.reassignment_summary(tickets)
    # counts 0 1 0 0 3 2 0 4 (9 unknown) 1: known 9, reassigned 5, zero 4, >=3: 5 and 8
    s = r.summary.row(0, named=True)
    assert (s["tickets"], s["known"], s["reassigned"], s["bounced"]) == (10, 9, 5, 2)
    assert s["first_assignment_correct"] == 4
    assert s["first_assignment_correct_rate"] == pytest.approx(4 / 9)
    assert s["share_reassigned"] == pytest.approx(5 / 9)
    assert s["mean_reassignments"] == pytest.approx(11 / 9)
    assert r.distribution.select("reassignments", "label", "tickets").rows() == [
        (0, "0", 4),
        (1, "1", 2),
        (2, "2", 1),
        (3, "3", 1),
        (4, "4", 1),
    ]
    assert r.distribution.get_column("share").sum() == pytest.approx(1.0)
    assert r.bounced.get_column("ticket_id").to_list() == ["8", "5"]
    capped = m.reassignment_summary(tickets, cap=3, bounced_at=2)
    assert capped.distribution.select("label", "tickets").rows() == [
        ("0", 4),
        ("1", 2),
        ("2", 1),
        ("3+", 2),
    ]
    assert capped.bounced.get_column("ticket_id").to_list() == ["8", "5", "6"]


def test_reassignment_summary_by_channel(tickets):
    r = m.reassignment_summary(tickets, by="channel")
    # chat 2, 5, 6, 8, 10: 1 3 2 4 1 -> all reassigned, 2 bounced; email 1, 3, 7: zeros;
    # phone 4: 0; web 9: unknown
    rows = {row["channel"]: row for row in r.summary.iter_rows(named=True)}
    assert (rows["chat"]["known"], rows["chat"]["reassigned"], rows["chat"]["bounced"]) == (5, 5, 2)
    assert rows["chat"]["first_assignment_correct_rate"] == 0.0
    assert rows["email"]["first_assignment_correct_rate"] == 1.0
    assert rows["web"]["known"] == 0 and rows["web"]["share_reassigned"] is None
    dist = r.distribution.filter(pl.col("channel") == "chat")
    assert dist.select("reassignments", "tickets", "known").rows() == [
        (1, 2, 5),
        (2, 1, 5),
        (3, 1, 5),
        (4, 1, 5),
    ]


def test_first_response_trend_and_by(tickets):
    t = m.first_response_trend(tickets, every="1w")
    # week 1: 30, 5, 60 -> median 30; week 2: 15, 10 -> 12.5; week 3: 20, 40, 90, 8 -> 30
    assert t.select("tickets", "responses", "median").rows() == [
        (3, 3, 30.0),
        (2, 2, 12.5),
        (5, 4, 30.0),
    ]
    # week 3 p90 (linear): sorted 8, 20, 40, 90, position 0.9*3 = 2.7 -> 40 + 0.7*50 = 75
    assert t.get_column("p90").to_list()[2] == pytest.approx(75.0)
    by = m.first_response_by(tickets, "channel")
    # chat 5, 10, 20, 8 (8 unknown) -> median 9; email 30, 60, 40 -> 40; phone 15; web 90
    assert by.select("channel", "responses", "median").rows() == [
        ("web", 1, 90.0),
        ("email", 3, 40.0),
        ("phone", 1, 15.0),
        ("chat", 4, 9.0),
    ]
    assert by.row(3, named=True)["tickets"] == 5


def test_time_to_escalate(tickets):
    t = m.time_to_escalate(tickets, "category")
    # sso: 2 h, 6 h, 1 h, 4 h, 8 h -> 1 2 4 6 8: median 4, p25 2, p75 6, p90 6 + 0.6*2 = 7.2
    assert t.rows(named=True) == [
        {
            "category": "sso",
            "escalations": 5,
            "n": 5,
            "median": 4.0,
            "p25": 2.0,
            "p75": 6.0,
            "p90": pytest.approx(7.2),
            "mean": pytest.approx(4.2),
        }
    ]
    overall = m.time_to_escalate(tickets, by=None)
    assert overall.columns[0] == "escalations" and overall.item(0, "n") == 5
    # an escalation time before creation (bad data) or missing is not counted
    bad = tickets.with_columns(
        pl.when(pl.col("ticket_id") == "2")
        .then(pl.col("created_at") - timedelta(hours=1))
        .when(pl.col("ticket_id") == "5")
        .then(None)
        .otherwise(pl.col("escalated_at"))
        .alias("escalated_at")
    )
    assert m.time_to_escalate(bad, by=None).select("escalations", "n", "median").row(0) == (
        5,
        3,
        4.0,
    )
