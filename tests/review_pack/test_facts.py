"""lib.review_pack.facts: the review period's facts, agent flags, meeting periods."""

from __future__ import annotations

import datetime as dt
import sys

import polars as pl
import pytest

from lib import review_pack as rp


def test_without_lib_outliers_the_agenda_still_builds(monkeypatch, tickets, periods) -> None:
    monkeypatch.setitem(sys.modules, "lib.outliers", None)  # import now raises ImportError
    flags = rp.flagged_agents(tickets, periods.review)
    assert flags.table is None and "not available" in flags.note
    f = rp.review_facts(tickets, periods)
    agenda = rp.build_agenda(f)
    assert agenda and not [e for e in agenda if e.source == "agent"]
    html = rp.review_pack_html({"id": 1, "title": "x"}, pl.DataFrame(), pl.DataFrame(), facts=f)
    assert "not available" in html


def test_flagged_agents_without_agent_column(tickets, periods) -> None:
    flags = rp.flagged_agents(tickets.drop("agent"), periods.review)
    assert flags.table is None and "no agent column" in flags.note


def test_meeting_periods_baseline_rules(tickets) -> None:
    start, end = dt.date(2026, 11, 7), dt.date(2026, 11, 20)
    after = rp.meeting_periods(tickets, start, end, baseline=(dt.date(2026, 11, 1), end))
    assert after.baseline[0] == dt.date(2026, 5, 25)  # overlapping baseline -> first 30 days
    with pytest.raises(rp.ReviewPackError):
        rp.meeting_periods(tickets, end, start)
