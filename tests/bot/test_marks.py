"""Bot marks: names, tags and columns (tables of small cases), and the three hand-made exports
in tests/data (Zendesk-like Via values, Intercom-like Fin columns, Freshdesk-like Freddy agent
and tags) read through the real importer, with counts checked by hand against the rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.bot import bot_columns, is_bot_name, mark_tickets, tag_meaning
from lib.ingest import load_export

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("value", "vendor", "expected"),
    [
        ("Answer Bot for Web Widget", None, True),  # Zendesk CSV
        ("answer_bot_for_web_widget", None, True),  # Zendesk API via.channel
        ("answer_bot_api", None, True),
        ("AI agent", None, True),
        ("Sunshine Conversations bot", None, True),
        ("Fin AI Agent", None, True),
        ("Freddy AI Agent", None, True),
        ("Freddy", "freshdesk", True),
        ("Fin", "intercom", True),
        ("Operator", "intercom", True),
        # not a bot: the messaging API, people, agent-assist tools, vendor words elsewhere
        ("sunshine_conversations_facebook_messenger", None, False),
        ("Native messaging", None, False),
        ("Web Form", None, False),
        ("Ana Bottini", None, False),
        ("Fin AI Copilot", "intercom", False),
        ("Freddy AI Copilot", None, False),
        ("Fin", None, False),
        ("Finance", "intercom", False),
        ("Operator", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_bot_names(value, vendor, expected) -> None:
    assert is_bot_name(value, vendor=vendor) is expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("bot_handoff", "handoff"),
        ("ai_agent_handover", "handoff"),
        ("bot-escalated", "handoff"),
        ("fin_resolved", "resolved"),
        ("answerbot_deflected", "resolved"),
        ("answerbot", "touched"),
        ("fin_involved", "touched"),
        ("chatbot", "touched"),
        ("fin", None),  # a finance tag in many helpdesks
        ("escalated_l2", None),
        ("robot_arm", None),
        ("copilot_used", None),
    ],
)
def test_tag_meaning(tag, expected) -> None:
    assert tag_meaning(tag) == expected


def test_columns_are_chosen_by_header() -> None:
    names = ["raw:Via", "raw:via.channel", "raw:First responder", "raw:Handled by",
             "raw:ai_agent_participated", "raw:ai_agent.resolution_state", "raw:Author role",
             "raw:Subject", "raw:Resolution state", "Via", "raw:assignee_id",
             "raw:Origem da requisição", "raw:Atribuído - Técnico"]  # fmt: skip
    assert bot_columns(names) == {
        "raw:Via": "entry",
        "raw:via.channel": "entry",
        "raw:First responder": "first",
        "raw:Handled by": "handler",
        "raw:ai_agent_participated": "flag",
        "raw:ai_agent.resolution_state": "state",
        "raw:Author role": "role",
        "raw:Origem da requisição": "entry",
        "raw:Atribuído - Técnico": "handler",
    }


@pytest.fixture(scope="module")
def exports() -> dict[str, pl.DataFrame]:
    names = ("bot_zendesk_via", "bot_intercom_fin", "bot_freshdesk_freddy")
    return {n: load_export(DATA / f"{n}.csv").snapshot_frame() for n in names}


def _counts(frame: pl.DataFrame) -> tuple[int, int, int, int]:
    m = mark_tickets(frame).tickets
    return tuple(int(m[c].sum()) for c in ("bot_first", "handed_off", "bot_resolved", "bot_open"))


def test_zendesk_via_values_and_handoff_tags(exports) -> None:
    # 16 tickets came in via Answer Bot / AI agent; 9 went on to a person (bot_handoff tag and
    # an assignee), 6 were solved without one, 1 (AI agent) is still open without one.
    frame = exports["bot_zendesk_via"]
    assert _counts(frame) == (16, 9, 6, 1)
    ev = mark_tickets(frame).evidence
    assert ev.filter(pl.col("source") == "Via").item(0, "tickets") == 16
    assert "bot_handoff" in ev.filter(pl.col("source") == "handoff tags").item(0, "values")


def test_intercom_fin_participation_and_resolution_state(exports) -> None:
    # 13 conversations with Fin: 5 assumed/confirmed resolutions, 7 routed to a team, 1
    # abandoned (open, nobody assigned); 7 never met Fin.
    assert _counts(exports["bot_intercom_fin"]) == (13, 7, 5, 1)


def test_freshdesk_freddy_as_agent_and_tags(exports) -> None:
    # Freddy AI Agent owns 2 resolved tickets; 3 carry freddy_handoff and a person as agent.
    assert _counts(exports["bot_freshdesk_freddy"]) == (5, 3, 2, 0)


def test_an_export_without_marks_says_what_it_looked_at() -> None:
    frame = load_export(DATA / "vendor_zendesk_header.csv").snapshot_frame()
    marks = mark_tickets(frame)
    assert not marks.found
    assert {"Via", "Assignee", "Tags", "Agent"} <= set(marks.looked_at)


def _tickets(**cols) -> pl.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"ticket_id": [str(i) for i in range(n)], "status": ["solved"] * n,
            "escalated": [False] * n, "tags": [[] for _ in range(n)]}  # fmt: skip
    return pl.DataFrame({**base, **cols})


def test_team_bot_names_and_nobody_words() -> None:
    t = _tickets(agent=["Ava", "Ava", "Unassigned", "Ben"], **{"raw:First responder": [
        "Ava", "Ava", "Answer Bot", "Ben"]})  # fmt: skip
    # Ava is the team's bot (named by the user); "Unassigned" is nobody, not a person.
    m = mark_tickets(t, extra_names=("ava",)).tickets
    assert m["bot_first"].to_list() == [True, True, True, False]
    assert m["bot_resolved"].to_list() == [True, True, True, False]
    assert not mark_tickets(t).tickets["bot_first"][0]


def test_an_escalation_after_the_bot_is_a_handoff_even_when_marked_resolved() -> None:
    t = _tickets(tags=[["fin_resolved"], ["fin_resolved"]], escalated=[True, False])
    m = mark_tickets(t, vendor="intercom").tickets
    assert m["handed_off"].to_list() == [True, False]
    assert m["bot_resolved"].to_list() == [False, True]


def test_handoff_tags_containing_escalat_are_flagged() -> None:
    t = _tickets(tags=[["bot_escalated"], ["bot_handoff"]])
    notes = mark_tickets(t).notes
    assert len(notes) == 1 and "bot_escalated" in notes[0] and "bot_handoff" not in notes[0]


def test_flag_columns_read_booleans_and_yes_words() -> None:
    t = _tickets(**{"raw:ai_agent_participated": [True, False, None]})
    assert mark_tickets(t).tickets["bot_first"].to_list() == [True, False, False]
    t = _tickets(**{"raw:Bot involved": ["Yes", "No", ""]})
    assert mark_tickets(t).tickets["bot_first"].to_list() == [True, False, False]


def test_event_log_first_owner_is_the_bot(tmp_path) -> None:
    # An activity log keeps the last value of each export column per ticket (the author role
    # of the last event), but the first event's owner becomes first_agent: the bot's first
    # touch survives there.
    rows = [
        ("T1", "09:00", "Logged", "Answer Bot", "bot"),
        ("T1", "09:05", "Transfer", "Ana Lopez", "agent"),
        ("T1", "12:00", "Closed", "Ana Lopez", "agent"),
        ("T2", "10:00", "Logged", "Answer Bot", "bot"),
        ("T2", "10:03", "Closed", "Answer Bot", "bot"),
        ("T3", "10:00", "Logged", "Ben Ode", "agent"),
        ("T3", "11:00", "Closed", "Ben Ode", "agent"),
    ]
    text = "Incident,Created,Event time,Activity,Assignee,Author role\n" + "".join(
        f"{i},2024-05-01 08:00,2024-05-01 {t},{a},{who},{role}\n" for i, t, a, who, role in rows
    )
    path = tmp_path / "log.csv"
    path.write_text(text)
    mapping = {"ticket_id": "Incident", "created_at": "Created", "event_time": "Event time",
               "activity": "Activity", "agent": "Assignee"}  # fmt: skip
    frame = load_export(path, mapping=mapping).snapshot_frame()
    m = mark_tickets(frame).tickets.sort("ticket_id")
    assert m["bot_first"].to_list() == [True, True, False]
    assert m["handed_off"].to_list() == [True, False, False]
    assert m["bot_resolved"].to_list() == [False, True, False]
