"""lib.calibration.pack: the meeting pack's calibration section, escaped, with or without a
closed session, and in the whole review pack."""

from __future__ import annotations

import datetime as dt

import polars as pl

from lib.calibration import CalibrationPack, calibration_html, session_results
from lib.review_pack import review_pack_html

ITEMS = pl.DataFrame(
    {"item_id": [1, 2], "position": [0, 1], "ticket_id": ["T<1>", "T2"],
     "category": ["SSO", "Billing"], "subject": ["<img src=x onerror=alert(1)>", "Refund"],
     "outcome_escalated": [True, False], "outcome_group": ["Identity", None]}
)  # fmt: skip
ANSWERS = pl.DataFrame(
    {"item_id": [1, 1, 2, 2], "participant": ["a", "b", "a", "b"],
     "escalate": [True, False, False, False], "target": ["Identity", "", "", ""],
     "reason": ["policy", "", "", ""]}
)  # fmt: skip
MATRIX = [{"category": "SSO", "situation": "<locked out>", "action": "Escalate", "to": "Identity"}]


def test_section_shows_results_disputed_and_matrix_escaped() -> None:
    html = calibration_html(
        CalibrationPack("March", "2024-03-01", session_results(ITEMS, ANSWERS), MATRIX, 3)
    )
    assert "agrees beyond chance on 1 of 2 scenarios" in html
    assert "Most disputed scenarios" in html and "T&lt;1&gt;" in html
    assert "<img" not in html and "&lt;locked out&gt;" in html
    assert "Escalation matrix (version 3)" in html


def test_matrix_without_a_closed_session() -> None:
    html = calibration_html(CalibrationPack("", "", None, MATRIX, 1))
    assert "No calibration session has been closed yet" in html and "Identity" in html


def test_review_pack_includes_the_section_only_when_given() -> None:
    meeting = {"id": 1, "title": "Review", "date": dt.date(2024, 3, 1)}
    agenda, actions = (
        pl.DataFrame(schema={"title": pl.String}),
        pl.DataFrame(schema={"id": pl.Int64}),
    )
    assert 'id="calibration"' not in review_pack_html(meeting, agenda, actions)
    pack = CalibrationPack("", "", None, MATRIX, 1)
    assert 'id="calibration"' in review_pack_html(meeting, agenda, actions, calibration=pack)
