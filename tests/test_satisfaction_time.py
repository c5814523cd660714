"""Tests for satisfaction dated by when it was given: the canonical ``satisfaction_at`` filled
from the exports that have it, and satisfaction over time read from it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import polars as pl

from lib.ingest import load_export
from lib.satisfaction_time import dated_share, satisfaction_by_day
from lib.schema import SCHEMA, UTC_DT


def _zendesk_json() -> bytes:
    tickets = []
    for i in range(6):
        rated = i < 4
        tickets.append(
            {
                "id": 100 + i,
                "created_at": f"2025-03-0{i + 1}T09:00:00Z",
                "updated_at": "2025-03-20T09:00:00Z",
                "status": "solved",
                "priority": "normal",
                "type": "question",
                "subject": f"Invoice question {i}",
                "via": {"channel": "email"},
                "assignee_id": 7,
                "group_id": 3,
                "tags": [],
                "satisfaction_rating": (
                    {"score": "bad" if i % 2 else "good", "updated_at": f"2025-03-1{i}T12:00:00Z"}
                    if rated
                    else {"score": "unoffered"}
                ),
            }
        )
    return json.dumps({"tickets": tickets}).encode()


def test_the_schema_has_an_optional_satisfaction_time():
    assert SCHEMA["satisfaction_at"] == UTC_DT


def test_zendesk_api_ratings_are_dated_by_when_they_were_given():
    t = load_export(_zendesk_json()).tickets.sort("ticket_id")
    assert t["satisfaction"].to_list()[:4] == [1.0, 0.0, 1.0, 0.0]
    given = t["satisfaction_at"].to_list()
    assert given[:4] == [datetime(2025, 3, 10 + i, 12, tzinfo=UTC) for i in range(4)]
    assert given[4:] == [None, None]


def test_a_survey_date_column_is_read_as_the_satisfaction_time():
    csv = (
        b"Ticket ID,Created at,Status,Subject,Satisfaction,Satisfaction date\n"
        b"1,2025-03-01 09:00,solved,Login fails,1,2025-03-09 10:00\n"
        b"2,2025-03-02 09:00,solved,Refund,5,\n"
    )
    result = load_export(csv)
    assert result.mapping.get("satisfaction_at") == "Satisfaction date"
    assert result.tickets.sort("ticket_id")["satisfaction_at"].to_list() == [
        datetime(2025, 3, 9, 10, tzinfo=UTC),
        None,
    ]


def test_satisfaction_over_time_is_dated_by_satisfaction_at_else_by_creation():
    utc = UTC
    t = pl.DataFrame(
        {
            "created_at": [datetime(2025, 1, 1, tzinfo=utc)] * 3
            + [datetime(2025, 1, 2, tzinfo=utc)],
            "satisfaction_at": [datetime(2025, 1, 8, 23, tzinfo=utc), None, None, None],
            "satisfaction": [0.0, 1.0, None, 0.25],
        }
    )
    days = satisfaction_by_day(t)
    assert days.rows() == [
        (date(2025, 1, 1), 1, 0, 1.0),
        (date(2025, 1, 2), 1, 1, 0.25),
        (date(2025, 1, 8), 1, 1, 0.0),
    ]
    assert dated_share(t) == (1, 3)
    assert satisfaction_by_day(t.drop("satisfaction_at"))["day"].to_list() == [
        date(2025, 1, 1),
        date(2025, 1, 2),
    ]


def test_a_freshdesk_survey_time_is_the_satisfaction_time():
    """A Freshdesk ticket export with its survey's time beside 'Survey results' (own rows; the
    real Freshdesk export here has no survey column at all): the preset maps it."""
    from pathlib import Path

    res = load_export(Path(__file__).parent / "data" / "vendor_freshdesk_survey.csv")
    assert res.vendor == "freshdesk"
    assert res.mapping.get("satisfaction_at") == "Survey results time"
    t = res.tickets.sort("ticket_id")
    assert t["satisfaction"].to_list() == [1.0, 0.0, None]
    assert t["satisfaction_at"].to_list() == [
        datetime(2024, 5, 9, 18, 3, 11, tzinfo=UTC),
        datetime(2024, 5, 13, 8, 30, tzinfo=UTC),
        None,
    ]
