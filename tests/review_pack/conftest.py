"""Fixtures of the review-pack tests: the seeded demo helpdesk, its review period and facts,
and a meeting with hostile user text everywhere with its minutes and pack."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from lib import review_pack as rp
from lib.demo import demo_tickets, demo_truth
from lib.periods import review_periods
from tests.review_pack.helpers import _store_with_history


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return demo_tickets()


@pytest.fixture(scope="module")
def periods(tickets: pl.DataFrame):
    p = review_periods(tickets)
    return rp.meeting_periods(tickets, *p.review, baseline=p.baseline)


@pytest.fixture(scope="module")
def facts(tickets: pl.DataFrame, periods) -> rp.ReviewFacts:
    return rp.review_facts(tickets, periods, policy_categories=demo_truth().policy_categories)


@pytest.fixture(scope="module")
def meeting_pack(tickets, facts):
    """A meeting with hostile user text everywhere, its agenda and items, and its outputs."""
    s, m1 = _store_with_history()
    evil = "<script>alert('x')</script> https://evil.example/x.js | *b* [l](javascript:1)"
    s.update_meeting(m1, {"title": f"Review {evil}", "attendees": "Ana, <img src=x>",
                          "notes": f"Line 1\n{evil}", "period_start": facts.periods.review[0],
                          "period_end": facts.periods.review[1]})  # fmt: skip
    alert = {"topic": demo_truth().spike_topic, "metric": "volume", "kind": "spike",
             "start": demo_truth().spike_start, "end": demo_truth().spike_end,
             "observed": 40.0, "expected": 13.0}  # fmt: skip
    s.set_alert_state(alert, "agenda")
    entries = rp.build_agenda(
        facts, alerts=s.agenda_alerts(), open_actions=s.open_actions_before(m1)
    )
    for e in entries:
        s.add_agenda_item(m1, e.title, source=e.source, ref=e.ref, detail=e.detail)
    s.add_agenda_item(m1, f"Free {evil}", decision=f"Decided {evil}")
    top = next(e for e in entries if e.source == "driver")
    s.create_action(f"Act {evil}", owner="<b>ana</b>", meeting_id=m1, due_date="2026-12-10",
                    link_kind="category", link_value=top.ref)  # fmt: skip
    agenda = s.list_agenda_items(m1)
    keys = agenda.filter(pl.col("source") == "alert").get_column("ref").to_list()
    alerts = s.get_alert_states().filter(pl.col("alert_key").is_in(keys))
    meeting = s.get_meeting(m1)
    actions = s.list_actions(today=dt.date(2026, 11, 24))
    html = rp.review_pack_html(meeting, agenda, actions, facts=facts, alerts=alerts,
                               tickets=tickets, dataset_name="Demo <helpdesk>",
                               definition="Escalated = tag contains \"escalat\"")  # fmt: skip
    md = rp.minutes_markdown(meeting, agenda, actions, facts=facts, dataset_name="Demo")
    return {"html": html, "md": md, "entries": entries, "top": top, "evil": evil}
