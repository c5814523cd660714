"""Exports of helpdesks without a preset of their own, loaded as a user would: Znuny/OTRS in
German, TOPdesk in Dutch and English, Linear, Front, SolarWinds Web Help Desk, ManageEngine
ServiceDesk Plus, GitHub issues, LiveAgent and SysAid (rows of our own)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from lib.ingest import load_export


def _load(text: str) -> tuple[dict[str, str], list[dict]]:
    result = load_export(text.encode())
    return result.mapping, result.tickets.sort("ticket_id").to_dicts()


def test_znuny_german_closing_statuses() -> None:
    _, t = _load(
        "Ticket#;Erstellt;Geschlossen;Status;Queue;Besitzer\n"
        "2024031410000011;2024-03-14 09:00:00;2024-03-15 10:00:00;erfolgreich geschlossen;"
        "Support::1st Level;mmueller\n"
        "2024031410000021;2024-03-14 10:00:00;2024-03-16 10:00:00;erfolglos geschlossen;"
        "Support::2nd Level;aschmidt\n"
        "2024031410000031;2024-03-14 11:00:00;;offen;Support::1st Level;mmueller\n"
    )
    assert [r["status"] for r in t] == ["closed", "closed", "open"]
    assert [r["escalated"] for r in t] == [False, True, False]


def test_topdesk_dutch_line_and_processing_status() -> None:
    """TOPdesk's "Status" is the line (Eerstelijns / Tweedelijns), "Verwerkingsstatus" the
    status: a second-line call is escalated."""
    m, t = _load(
        "Incidentnummer;Operator;Operatorgroep;Status;Verwerkingsstatus;Datum aanmelding;"
        "Datum gereed\n"
        "I 2403 001;Anna Berg;Servicedesk;Eerstelijns;Afgemeld;01-03-2024 09:00;02-03-2024 10:00\n"
        "I 2403 002;Ben Costa;Netwerkbeheer;Tweedelijns;In behandeling;04-03-2024 09:00;\n"
        "I 2403 003;Anna Berg;Servicedesk;Eerstelijns;Wacht op gebruiker;05-03-2024 09:00;\n"
        "I 2403 004;Cas Dijk;Netwerkbeheer;Tweedelijns;Wacht op leverancier;06-03-2024 09:00;\n"
        "I 2403 005;Anna Berg;Servicedesk;Eerstelijns;Aangemeld;07-03-2024 09:00;\n"
    )
    assert (m["status"], m["level"], m["solved_at"]) == (
        "Verwerkingsstatus",
        "Status",
        "Datum gereed",
    )
    assert [r["status"] for r in t] == ["closed", "open", "pending", "on_hold", "new"]
    assert [r["escalated"] for r in t] == [False, True, False, True, False]
    assert t[0]["solved_at"] == datetime(2024, 3, 2, 10, tzinfo=UTC)


def test_topdesk_english_logged_is_new() -> None:
    _, t = _load(
        "Incident number,Operator,Status,Processing status,Call date,Completed date\n"
        "I 2409 001,Anna Berg,First line,Logged,2024-09-02 09:00,\n"
        "I 2409 002,Ben Costa,Second line,Completed,2024-09-03 09:00,2024-09-04 09:00\n"
    )
    assert [(r["status"], r["escalated"]) for r in t] == [("new", False), ("solved", True)]


def test_linear_javascript_dates() -> None:
    zone = " GMT+0000 (Coordinated Universal Time)"
    _, t = _load(
        "ID,Title,Status,Priority,Assignee,Created,Completed\n"
        f"SUP-1,Reset MFA,Done,High,Anna Berg,Thu May 02 2024 03:45:03{zone},"
        f"Fri May 03 2024 10:00:00{zone}\n"
        "SUP-2,Export,Todo,Low,,Fri May 03 2024 10:00:00 GMT+0200 "
        "(Central European Summer Time),\n"
    )
    assert [r["created_at"] for r in t] == [
        datetime(2024, 5, 2, 3, 45, 3, tzinfo=UTC),
        datetime(2024, 5, 3, 8, tzinfo=UTC),
    ]
    assert t[0]["solved_at"] == datetime(2024, 5, 3, 10, tzinfo=UTC)


def test_front_columns_name_their_time_zone() -> None:
    """Front's analytics export writes its times on the zone named in the header."""
    m, t = _load(
        "Conversation ID,Assignee,Channel,Status,Created at (Europe/Berlin),"
        "Archived at (Europe/Berlin)\n"
        "cnv_a1,Anna Berg,Front Chat,Archived,2024-02-01 10:00,2024-02-02 10:00\n"
        "cnv_a2,Ben Costa,instagram-comment,Assigned,2024-07-01 11:00,\n"
    )
    assert m["created_at"] == "Created at (Europe/Berlin)"
    assert [r["created_at"] for r in t] == [
        datetime(2024, 2, 1, 9, tzinfo=UTC),
        datetime(2024, 7, 1, 9, tzinfo=UTC),
    ]
    assert t[0]["solved_at"] == datetime(2024, 2, 2, 9, tzinfo=UTC)
    assert [r["channel"] for r in t] == ["chat", "social"]


def test_web_help_desk_tech_and_service_desk_plus_deadlines() -> None:
    m, t = _load(
        "Ticket Number,Date,Date Closed,Status,Tech,Level\n"
        "18250,4/1/24 3:35 AM,,Open,Jonas Fischer,Level 1\n"
        "18251,4/2/24 9:00 AM,4/3/24 9:00 AM,Closed,Anna Quist,Level 2\n"
    )
    assert m["agent"] == "Tech" and [r["escalated"] for r in t] == [False, True]
    m, t = _load(
        "Request ID,Technician,Status,Created Time,Resolved Time,First Response DueBy Time,"
        "Time Elapsed\n"
        '100000,Anna Berg,Resolved,"Jan 01, 2024 09:00 AM","Jan 02, 2024 09:00 AM",'
        '"Jan 01, 2024 10:00 AM",07:04:00\n'
        '100003,Ben Costa,Open,"Jan 02, 2024 09:00 AM",,"Jan 02, 2024 10:00 AM",01:30:00\n'
    )
    assert "first_response_minutes" not in m and "first_response_at" not in m


def test_github_assignees_by_login() -> None:
    issues = [
        {"number": 800, "state": "CLOSED", "title": "Crash", "createdAt": "2024-02-01T10:00:00Z",
         "closedAt": "2024-02-03T10:00:00Z", "assignees": [{"login": "dmitri-k", "name": ""}],
         "labels": [{"name": "escalated"}]},
        {"number": 801, "state": "OPEN", "title": "Slow", "createdAt": "2024-02-02T10:00:00Z",
         "closedAt": None, "assignees": [{"login": "ann", "name": "Ann Lee"}], "labels": []},
    ]  # fmt: skip
    t = load_export(json.dumps(issues).encode()).tickets.sort("ticket_id")
    assert t["agent"].to_list() == ["dmitri-k", "Ann Lee"]
    assert t["escalated"].to_list() == [True, False]


def test_postponed_and_verified_closed() -> None:
    _, t = _load(
        "Ticket ID,Created,Status\n1,2024-03-01 09:00,Postponed\n"
        "2,2024-03-01 10:00,Verified closed\n"
    )
    assert [r["status"] for r in t] == ["on_hold", "closed"]


def test_kustomer_teams_and_a_message_count() -> None:
    """Kustomer's conversations: "assignedTeams" is the group (a second-line team escalates),
    "messageCount" is no description."""
    rows = [
        {"id": f"c{i}", "name": f"Order {i}", "status": "open", "channel": "chat",
         "assignedUsers": ["Pavel Costa"], "assignedTeams": ["Tier 2" if i % 3 else "Support"],
         "createdAt": f"2024-01-1{i}T01:46:48.000Z", "messageCount": 10 + i}
        for i in range(6)
    ]  # fmt: skip
    result = load_export(json.dumps(rows).encode())
    assert result.mapping["group"] == "assignedTeams"
    assert "description" not in result.mapping
    assert result.tickets.sort("ticket_id")["escalated"].to_list() == [
        False, True, True, False, True, True,
    ]  # fmt: skip


def test_front_is_no_intercom() -> None:
    """Front's analytics export shares "Conversation ID", "Assignee" and "Channel" with
    Intercom's: taken for Intercom, its first reply times were not read."""
    result = load_export(
        b"Conversation ID,Subject,Inbox,Assignee,Channel,Status,Created at (Europe/Berlin),"
        b"First reply time\n"
        b"cnv_a1,Refund,Support,Anna Berg,Email,Archived,2024-02-01 10:00,2h 28m\n"
        b"cnv_a2,Login,Support,Ben Costa,Front Chat,Assigned,2024-02-01 11:00,45m\n"
    )
    assert result.vendor != "intercom"
    assert result.tickets.sort("ticket_id")["first_response_minutes"].to_list() == [148.0, 45.0]


def test_review_cases_of_the_new_words() -> None:
    """Words added for other helpdesks must not take columns they do not name."""
    m, t = _load(
        "Ticket ID,Created,Status,Agent,Total first response time\n"
        "1,2024-03-01 09:00,Closed,Ann,00:35:00\n2,2024-03-01 10:00,Open,Bob,00:12:00\n"
    )
    assert m["first_response_minutes"] == "Total first response time"
    m, t = _load(
        "ID,Title,Status,Assignee,Created,Completed,Canceled,Archived\n"
        "SUP-1,Reset,Done,Bob Ray,2024-05-02 03:45:03,2024-05-03 10:00:00,,2024-08-05 10:00:00\n"
        "SUP-2,Export,Canceled,,2024-05-03 10:00:00,,2024-05-04 10:00:00,2024-11-05 10:00:00\n"
    )
    assert t[1]["solved_at"] == datetime(2024, 5, 4, 10, tzinfo=UTC)  # cancelled, not archived
    m, t = _load(
        "Id,Ticket,Created,Status\n1,Printer broken,2024-02-01 09:00:00,Open\n"
        "2,VPN escalated to network,2024-02-02 09:00:00,Closed\n"
    )
    assert m.get("subject") == "Ticket" and "tags" not in m
    m, t = _load(
        "Ticket ID,Created,Status,Tech Group\n1,2024-03-01 09:00,Open,Service Desk\n"
        "2,2024-03-01 10:00,Closed,Tier 2 Network\n"
    )
    assert m["group"] == "Tech Group" and [r["escalated"] for r in t] == [False, True]
    _, t = _load(
        "Ticket ID,Created,Status\n1,12.03.2024 09:15 Vorm.,Open\n"
        "2,12.03.2024 03:15 Nachm.,Closed\n"
    )
    assert [r["created_at"].hour for r in t] == [9, 15]


def test_a_zone_in_the_header_of_a_date_and_its_time() -> None:
    result = load_export(
        b"Ticket ID,Created Date (UTC),Created Time (UTC),Status,Agent\n"
        b"1,2024-03-01,09:00,Open,Ann\n2,2024-03-02,10:30,Closed,Bob\n",
        tz="America/New_York",
    )
    assert "first_response_minutes" not in result.mapping
    assert result.tickets.sort("ticket_id")["created_at"].to_list() == [
        datetime(2024, 3, 1, 9, tzinfo=UTC),
        datetime(2024, 3, 2, 10, 30, tzinfo=UTC),
    ]


def test_denied_upgrades_and_korean_denials_are_no_escalations() -> None:
    rows = ["Case ID,Activity,Timestamp,Resource"]
    for i, step in enumerate(
        ["No upgrade required", "Upgrade request rejected", "Require upgrade"]
    ):
        rows += [
            f"C{i},Assign seriousness,2024-01-0{i + 2} 09:00:00,Value 1",
            f"C{i},{step},2024-01-0{i + 2} 10:00:00,Value 1",
            f"C{i},Closed,2024-01-0{i + 2} 11:00:00,Value 1",
        ]
    t = load_export(("\n".join(rows) + "\n").encode()).tickets.sort("ticket_id")
    assert t["escalated"].to_list() == [False, False, True]
    _, t = _load(
        'Ticket ID,Created,Status,Tags\n1,2024-03-01 09:00,Open,"에스컬레이션 없음, vip"\n'
        "2,2024-03-01 10:00,Open,에스컬레이션\n"
    )
    assert [r["escalated"] for r in t] == [False, True]
