"""The service-desk and API presets read their vendors' values: GLPI (pt-BR, French, German,
Italian), OTRS, Redmine, Request Tracker, Zendesk and Freshdesk API JSON, a Freshdesk trial
CSV."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from lib.ingest import load_export
from lib.ingest.columns import match_columns
from lib.ingest.vendors import detect_vendor
from tests.conftest import DATA


def _col(res, name: str) -> list:
    return res.tickets.sort("ticket_id").get_column(name).to_list()


@pytest.mark.parametrize(
    ("sample", "vendor", "status", "priority", "channel"),
    [
        (
            "vendor_glpi_ptbr_header.csv",
            "glpi",
            ["solved", "open", "pending", "closed"],
            ["normal", "high", "low", "urgent"],
            ["web", "email", "phone", "web"],
        ),
        (
            "vendor_glpi_fr_header.csv",
            "glpi",
            ["solved", "open", "closed", "pending"],
            ["high", "normal", "low", "urgent"],
            ["email", "web", "phone", "web"],
        ),
        (
            "vendor_glpi_de_header.csv",
            "glpi",
            ["solved", "open", "closed", "pending"],
            ["high", "normal", "low", "urgent"],
            ["email", "web", "phone", "web"],
        ),
        (
            "vendor_glpi_it_header.csv",
            "glpi",
            ["solved", "open", "closed", "pending"],
            ["high", "normal", "low", "urgent"],
            ["email", "web", "phone", "web"],
        ),
        (
            "vendor_otrs_header.csv",
            "otrs",
            ["open", "closed", "pending"],
            ["high", "normal", "low"],
            [None, None, None],
        ),
        (
            "vendor_redmine_header.csv",
            "redmine",
            ["solved", "open", "closed"],
            ["high", "urgent", "normal"],
            [None, None, None],
        ),
        (
            "vendor_rt_header.tsv",
            "rt",
            ["solved", "open", "on_hold"],
            ["high", "normal", "low"],
            [None, None, None],
        ),
        (
            "zendesk_api_tickets.json",
            "zendesk",
            ["solved", "open", "on_hold"],
            ["high", "low", "urgent"],
            ["email", "web", "phone"],
        ),
        (
            "freshdesk_api_tickets.json",
            "freshdesk",
            ["open", "solved", "closed"],
            ["high", "normal", "urgent"],
            ["email", "phone", "chat"],
        ),
        (
            "vendor_freshdesk_trial_header.csv",
            "freshdesk",
            ["open", "solved", "on_hold"],
            ["high", "low", "urgent"],
            [None, None, None],
        ),
    ],
)
def test_vendor_values_are_mapped(sample, vendor, status, priority, channel):
    res = load_export(DATA / sample)
    assert res.vendor == vendor
    assert _col(res, "status") == status
    assert _col(res, "priority") == priority
    assert _col(res, "channel") == channel
    assert res.report.rows_dropped == 0


def test_glpi_sla_columns_are_no_escalation_and_no_solve_time():
    res = load_export(DATA / "vendor_glpi_ptbr_header.csv")
    assert "escalated" not in res.mapping and "solved_at" not in res.mapping
    assert _col(res, "created_at")[2] == datetime(2025, 2, 13, 14, 2, tzinfo=UTC)  # 13-02
    assert _col(res, "agent") == ["Caio Mendes", "Bruna Costa", None, "Caio Mendes"]


def test_redmine_us_dates_decided_by_the_values():
    res = load_export(DATA / "vendor_redmine_header.csv")
    # 03/14/2025 in 'Updated' only fits month first, so 03/12/2025 is 12 March
    assert _col(res, "created_at")[0] == datetime(2025, 3, 12, 9, 5, tzinfo=UTC)
    assert not any("could be" in w for w in res.report.warnings)


def test_rt_owner_nobody_is_no_agent():
    res = load_export(DATA / "vendor_rt_header.tsv")
    assert _col(res, "agent") == ["jdoe", "msmith", None]
    assert _col(res, "group") == ["Unix Support", "Storage", "Accounts"]


def test_zendesk_api_json_reads_via_channel_and_custom_fields_by_id():
    res = load_export(DATA / "zendesk_api_tickets.json")
    assert res.mapping["channel"] == "via.channel"
    assert res.mapping["ticket_id"] == "id"
    assert _col(res, "agent") == ["70012", None, "70015"]
    extras = res.extras.sort("ticket_id")
    assert extras.get_column("raw:custom_fields.360011112222").to_list() == [
        "analytics",
        "accounts",
        "billing",
    ]
    assert extras.get_column("raw:custom_fields.360011113333").to_list() == [
        "true",
        "false",
        "true",
    ]


def test_zendesk_search_sample_with_plain_via_and_underscore_id():
    records = [
        {
            "_id": f"9c1e-{i}",
            "url": f"http://acme.zendesk.com/api/v2/tickets/9c1e-{i}.json",
            "external_id": f"ext-{i}",
            "created_at": "2016-04-28T11:19:34 -10:00",
            "type": "incident",
            "subject": "Printer on fire",
            "priority": "high",
            "status": "pending",
            "submitter_id": 38,
            "assignee_id": 24,
            "organization_id": 116,
            "tags": ["Ohio"],
            "has_incidents": False,
            "via": via,
        }
        for i, via in enumerate(["web", "chat", "voice"])
    ]
    res = load_export(json.dumps(records).encode())
    assert res.vendor == "zendesk"
    assert res.report.files[0].vendor_label == "Zendesk API tickets (JSON)"
    assert (res.mapping["ticket_id"], res.mapping["channel"]) == ("_id", "via")
    assert _col(res, "channel") == ["web", "chat", "phone"]
    assert _col(res, "created_at")[0] == datetime(2016, 4, 28, 21, 19, 34, tzinfo=UTC)


def test_freshdesk_api_sla_flags_are_not_escalations():
    res = load_export(DATA / "freshdesk_api_tickets.json")
    assert "escalated" not in res.mapping
    assert _col(res, "solved_at") == [
        None,
        datetime(2025, 3, 4, 8, tzinfo=UTC),
        datetime(2025, 3, 5, 18, tzinfo=UTC),
    ]


def test_glpi_ids_lose_the_thousands_space():
    res = load_export(DATA / "vendor_glpi_ptbr_header.csv")
    assert _col(res, "ticket_id") == ["1204", "1205", "1206", "1207"]
    mixed = load_export(b"ID,Created\nAB 123,2024-01-01\n2 553,2024-01-02\n")
    assert sorted(mixed.tickets.get_column("ticket_id").to_list()) == ["2 553", "AB 123"]
    # Spanish and German number settings group with a dot; the same ticket in both exports
    dotted = load_export(b"ID;Created\n3.400;2024-01-01\n12;2024-01-02\n10.001;2024-01-03\n")
    assert sorted(dotted.tickets.get_column("ticket_id").to_list()) == ["10001", "12", "3400"]
    versions = load_export(b"ID;Created\n1.2;2024-01-01\n3.400;2024-01-02\n")
    assert sorted(versions.tickets.get_column("ticket_id").to_list()) == ["1.2", "3.400"]


def test_zendesk_api_side_loaded_metric_sets():
    def ticket(i: int, stations: int, reopens: int, solved: str | None) -> dict:
        return {
            "id": i,
            "url": f"https://example.zendesk.com/api/v2/tickets/{i}.json",
            "via": {"channel": "native_messaging", "source": {"rel": None}},
            "created_at": "2025-01-06T09:00:00Z",
            "status": "solved" if solved else "open",
            "requester_id": 1,
            "submitter_id": 1,
            "assignee_id": 7,
            "group_id": 3,
            "metric_set": {
                "group_stations": stations,
                "assignee_stations": stations + 1,
                "reopens": reopens,
                "solved_at": solved,
                "reply_time_in_minutes": {"calendar": 42, "business": 30},
            },
        }

    body = {"tickets": [ticket(1, 1, 0, "2025-01-06T15:00:00Z"), ticket(2, 3, 1, None)]}
    res = load_export(json.dumps(body).encode())
    assert res.report.files[0].vendor_label == "Zendesk API tickets (JSON)"
    assert _col(res, "reassignments") == [0, 2]  # stations - 1
    assert _col(res, "reopens") == [0, 1]
    assert _col(res, "first_response_minutes") == [42.0, 42.0]
    assert _col(res, "solved_at") == [datetime(2025, 1, 6, 15, tzinfo=UTC), None]
    assert _col(res, "channel") == ["messaging", "messaging"]


def test_freshdesk_api_first_response_time_from_first_responded_at():
    # stats.first_responded_at is a time: the first response time is it minus created_at,
    # derived (and reported as derived) where the export has no duration.
    res = load_export(DATA / "freshdesk_api_tickets.json")
    assert res.mapping["first_response_at"] == "stats.first_responded_at"
    assert _col(res, "first_response_minutes") == [20.0, 45.0, 915.0]
    derived = [d for d in res.report.derived if d["field"] == "first_response_minutes"]
    assert derived and derived[0]["rows"] == 3


def test_first_response_at_column_in_a_csv():
    csv = (
        b"Ticket,Created at,First responded at,First response time\n"
        b"1,2026-01-05 09:00,2026-01-05 09:30,\n"
        b"2,2026-01-05 10:00,2026-01-05 09:00,\n"
        b"3,2026-01-05 11:00,,\n"
        b"4,2026-01-05 12:00,2026-01-05 12:10,5\n"
    )
    res = load_export(csv)
    assert res.mapping["first_response_at"] == "First responded at"
    minutes = dict(res.tickets.select("ticket_id", "first_response_minutes").iter_rows())
    assert minutes == {"1": 30.0, "2": None, "3": None, "4": 5.0}


def test_a_preset_column_left_empty_is_not_mapped_and_says_why():
    # the CFPB export's narrative column exists but is empty when consumers did not consent
    header = (
        "Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint narrative,"
        "Company,State,Tags,Submitted via,Company response to consumer,Timely response?,"
        "Consumer disputed?,Complaint ID\n"
    )
    rows = "".join(
        f"2024-03-0{i},Mortgage,FHA,Trouble paying,Late fee,,Bank {i},CA,,Web,"
        f"Closed with explanation,Yes,No,{1000 + i}\n"
        for i in range(1, 6)
    )
    res = load_export((header + rows).encode())
    assert res.vendor == "cfpb"
    assert "description" not in res.mapping
    assert res.mapping["subject"] == "Issue"
    frame = pl.read_csv((header + rows).encode(), infer_schema=False)
    preset = detect_vendor(frame.columns).preset
    why = match_columns(frame, preset=preset)["description"].why
    assert "'Consumer complaint narrative' has no value" in why


def test_zendesk_api_json_names_ids_from_the_lists_sent_with_the_tickets() -> None:
    """``GET /api/v2/tickets?include=users,groups,organizations`` sends the names beside the
    tickets: the group rule reads "Tier 2", agents and customers have names. A group the list
    does not name keeps its id."""
    tickets = [
        {
            "id": i,
            "url": f"https://x.zendesk.com/api/v2/tickets/{i}.json",
            "created_at": f"2024-02-0{1 + i}T10:00:00Z",
            "via": {"channel": "email"},
            "requester_id": 5,
            "submitter_id": 5,
            "assignee_id": 3,
            "organization_id": 9,
            "group_id": group,
            "status": "open",
            "subject": "VPN",
            "tags": [],
        }
        for i, group in enumerate([22, 11, 22, 11, 44])
    ]
    doc = {
        "tickets": tickets,
        "users": [{"id": 3, "name": "Ana Souza"}, {"id": 5, "name": "Bob Client"}],
        "groups": [{"id": 11, "name": "Support"}, {"id": 22, "name": "Tier 2"}],
        "organizations": [{"id": 9, "name": "Acme GmbH"}],
        "next_page": None,
    }
    res = load_export(json.dumps(doc).encode())
    assert res.vendor == "zendesk"
    t = res.tickets.sort("ticket_id")
    assert t.get_column("group").to_list() == ["Tier 2", "Support", "Tier 2", "Support", "44"]
    assert t.get_column("escalated").to_list() == [True, False, True, False, False]
    assert set(t.get_column("agent")) == {"Ana Souza"}
    assert set(t.get_column("customer")) == {"Acme GmbH"}


def test_cfpb_json_download_reads_each_hits_source_like_the_csv() -> None:
    """The CFPB complaint database's JSON download: search hits whose ``_source`` holds the
    API's field names. Status from the company's response (not the US state), escalation
    from the consumer's dispute, as in the CSV."""
    hits = [
        {
            "_index": "complaint-public-v2",
            "_type": "_doc",
            "_id": str(4000 + i),
            "_score": 0.0,
            "_source": {
                "complaint_id": str(4000 + i),
                "date_received": f"2024-03-0{1 + i}T12:00:00-05:00",
                "product": "Mortgage",
                "issue": "Trouble during payment process",
                "company": "Big Bank",
                "state": "CA",
                "submitted_via": "Web",
                "company_response": "In progress" if i == 0 else "Closed with explanation",
                "timely": "Yes",
                "consumer_disputed": "Yes" if i in (1, 2) else "No",
                "tags": None,
            },
        }
        for i in range(6)
    ]
    res = load_export(json.dumps(hits).encode())
    assert res.vendor == "cfpb"
    t = res.tickets.sort("ticket_id")
    assert t.get_column("ticket_id").to_list()[0] == "4000"
    assert t.get_column("status").to_list() == ["open"] + ["closed"] * 5
    assert t.get_column("escalated").to_list() == [False, True, True, False, False, False]
    assert set(t.get_column("category")) == {"Mortgage"}


def test_a_status_the_app_does_not_know_is_named_in_the_warnings() -> None:
    """HubSpot's pipelines have stages of the team's own: the import report names them."""
    rows = ["Ticket ID,Ticket status,Create date"]
    rows += ["1,Escalated to Tier 2,2024-01-01", "2,Closed,2024-01-02", "3,Vendor limbo,2024-01-03"]
    res = load_export("\n".join(rows).encode())
    (said,) = [w for w in res.report.warnings if "does not know" in w]
    assert "column 'Ticket status': 1 row has" in said
    assert "(“Vendor limbo”)" in said
    # the stage that names an escalation still counts as one, and as open work
    tickets = res.tickets.sort("ticket_id")
    assert tickets.get_column("escalated").to_list() == [True, False, False]
    assert tickets.get_column("status").to_list() == ["open", "closed", None]


def test_a_status_of_its_own_is_read_by_its_words() -> None:
    """Statuses a team made itself: one that names an escalation or a higher level is open
    work, waiting on someone other than the customer is on hold, on the customer pending; the
    part furthest along decides ("Escalated - Resolved"); a status that ends work and says
    nothing known, or says nothing at all, stays unknown (warned)."""
    said = {
        "In Escalation": "open",
        "Escaladé": "open",
        "Eskaliert an Stufe 2": "open",
        "With Tier 2": "open",
        "Awaiting L2": "open",
        "Awaiting Engineering": "on_hold",
        "En attente du fournisseur": "on_hold",
        "Waiting on 3rd Party": "on_hold",
        "Warten auf Support": "open",
        "En attente de l'assistance": "open",
        "Aguardando pelo suporte": "open",
        "Wachten op ondersteuning": "open",
        "Awaiting Support": "open",
        "With Engineering": "on_hold",
        "With Customer": "pending",
        "Awaiting Information": "pending",
        "Waiting - Vendor": "on_hold",
        "Pending 2nd Approval": "on_hold",
        "Esperando al tercero": "on_hold",
        "2nd Reminder": None,
        "Awaiting Agent": "open",
        "Pending Assignment": "new",
        "Wacht op derden": "on_hold",
        "In Bearbeitung (mit Zeitplan)": "open",
        "Awaiting customer feedback": "pending",
        "Aguardando o solicitante": "pending",
        "Escalated - Resolved": "solved",
        "Closed (Escalated)": "closed",
        "Escalation closed": None,
        "Tested": None,
        "Open": "open",
        "Solved": "solved",
        "Closed": "closed",
        "Pending": "pending",
        "New": "new",
    }
    rows = ["Ticket ID,Status,Created"]
    rows += [f"{i},{v},2024-01-01 10:{i:02d}" for i, v in enumerate(said)]
    res = load_export("\n".join(rows).encode())
    got = dict(
        res.tickets.sort("created_at")
        .select("status")
        .with_columns(raw=pl.Series(list(said)))
        .select("raw", "status")
        .iter_rows()
    )
    assert got == said
    (warned,) = [w for w in res.report.warnings if "does not know" in w]
    assert "(“2nd Reminder”, “Escalation closed”, “Tested”)" in warned
    (parse,) = [p for p in res.report.parse if p["canonical"] == "status"]
    assert "27 read by their words: 'In Escalation' as 'open'" in parse["detail"]


@pytest.mark.parametrize("sample", ["vendor_glpi_de_header.csv", "vendor_glpi_it_header.csv"])
def test_glpi_in_german_and_italian_reads_the_second_level_group(sample):
    """The technician group ("IT > 2nd Level", "Assistenza > Secondo livello") marks the
    escalated tickets; the technician is the agent."""
    res = load_export(DATA / sample)
    assert res.mapping["agent"].endswith(("Techniker", "Tecnico"))
    assert _col(res, "escalated") == [False, True, False, True]


def test_help_scout_api_json_maps_the_assignee_by_name_and_no_object_type() -> None:
    """Help Scout's conversations: the assignee's first and last name make the agent (not a
    "first agent"), and ``assignee.type`` ("user") is no category, agent or customer."""
    convs = [
        {
            "id": 3000 + i,
            "number": 700 + i,
            "type": "email",
            "status": ["active", "pending", "closed"][i % 3],
            "subject": f"Login issue {i}",
            "assignee": {"id": 9, "type": "user", "first": ["Ana", "Rui"][i % 2], "last": "Lima"},
            "primaryCustomer": {"id": 50 + i, "type": "customer", "email": f"c{i}@client.io"},
            "createdAt": f"2024-03-{1 + i:02d}T09:15:00Z",
            "source": {"type": "email", "via": "customer"},
        }
        for i in range(24)
    ]
    doc = {"_embedded": {"conversations": convs}, "page": {"size": 50, "totalElements": 24}}
    res = load_export(json.dumps(doc).encode())
    assert res.mapping["agent"] == "assignee.name"
    assert "first_agent" not in res.mapping
    assert not {v for v in res.mapping.values() if v.endswith(".type") and v != "source.type"}
    assert sorted(res.tickets.get_column("agent").unique().to_list()) == ["Ana Lima", "Rui Lima"]
    # a ticket wrapped in its own object keeps its type as the category
    lines = [
        {"ticket": {"id": 900 + i, "type": kind, "status": "open", "created_at": "2024-03-01"}}
        for i, kind in enumerate(["incident", "problem", "question", "task"])
    ]
    wrapped = load_export("\n".join(json.dumps(x) for x in lines).encode())
    assert wrapped.mapping["category"] == "ticket.type"


def test_zendesk_search_results_keep_only_the_tickets() -> None:
    """A Zendesk ``search.json`` without ``type:ticket`` also returns users and organizations:
    they are no tickets (before: counted as open tickets created when the user was)."""
    tickets = [
        {
            "result_type": "ticket",
            "id": 501 + i,
            "created_at": f"2024-10-0{1 + i}T11:10:00Z",
            "status": "open",
            "subject": "Sync fails",
        }
        for i in range(3)
    ]
    others = [
        {"result_type": "user", "id": 9001, "name": "Ana", "created_at": "2020-07-04T10:00:00Z"},
        {"result_type": "user", "id": 9002, "name": "Rui", "created_at": "2021-01-02T10:00:00Z"},
        {"result_type": "organization", "id": 77, "name": "Acme", "created_at": "2019-05-05"},
    ]
    doc = {"results": [tickets[0], others[0], tickets[1], others[1], others[2], tickets[2]]}
    doc |= {"count": 6, "next_page": None, "facets": None}
    res = load_export(json.dumps(doc).encode())
    assert sorted(res.tickets.get_column("ticket_id").to_list()) == ["501", "502", "503"]
    assert res.tickets.get_column("created_at").min() == datetime(2024, 10, 1, 11, 10, tzinfo=UTC)
    assert "category" not in res.mapping
    notes = res.report.files[0].notes
    assert "left out the search results that are not tickets (2 user, 1 organization)" in notes


@pytest.mark.parametrize(
    ("header", "rows", "column"),
    [
        (  # Freshdesk CSV: a custom "Escalation level" field
            "Ticket ID,Subject,Status,Priority,Group,Created time,Resolved time,Escalation level",
            [
                "100,Refund,Resolved,Low,Support,2024-05-01 10:00:00,2024-05-02 10:00:00,L2",
                "101,Login,Open,Low,Support,2024-05-02 10:00:00,,",
                "102,Export,Open,High,Support,2024-05-03 10:00:00,,L3",
                "103,Invoice,Closed,Low,Support,2024-05-04 10:00:00,2024-05-04 12:00:00,L1",
            ],
            "Escalation level",
        ),
        (  # Jira: "Custom field (Escalation Tier)" beside the customer's plan
            "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Created,Updated,"
            "Custom field (Escalation Tier),Custom field (Customer Plan)",
            [
                "Sync,SUP-1,100,Support,Open,Medium,Ana,01/Mar/24 4:05 PM,01/Mar/24 6:05 PM,"
                "Tier 2,Enterprise",
                "Login,SUP-2,101,Support,Done,Medium,Ana,02/Mar/24 4:05 PM,02/Mar/24 6:05 PM,"
                "Tier 1,Enterprise",
                "Export,SUP-3,102,Support,Open,High,Rui,03/Mar/24 9:00 AM,03/Mar/24 9:30 AM,"
                "Tier 3,Starter",
                "Invoice,SUP-4,103,Support,Open,Low,Rui,04/Mar/24 9:00 AM,04/Mar/24 9:30 AM,"
                ",Starter",
            ],
            "Custom field (Escalation Tier)",
        ),
    ],
)
def test_an_escalation_level_custom_field_is_the_level_not_a_flag_or_a_plan(
    header, rows, column
) -> None:
    """A preset's "escalat..." custom field holding levels (L2, Tier 3) is the level: before,
    it was read as a yes/no flag (no ticket escalated) or as the customer's tier."""
    res = load_export("\n".join([header, *rows]).encode())
    assert res.mapping["level"] == column
    assert "escalated" not in res.mapping
    assert res.mapping.get("customer_tier") != column
    assert sorted(res.tickets.filter(pl.col("escalated")).get_column("ticket_id")) == [
        i for i in ("100", "102", "SUP-1", "SUP-3") if i in res.tickets["ticket_id"]
    ]


def test_freshdesk_api_json_reads_a_custom_escalation_level() -> None:
    """Freshdesk's API ``custom_fields: {"cf_escalation_level": "L2"}`` is the level."""
    recs = [
        {
            "id": i,
            "status": 2,
            "priority": 1,
            "source": 1,
            "responder_id": 7,
            "requester_id": 8,
            "created_at": f"2024-07-0{i}T09:00:00Z",
            "updated_at": f"2024-07-0{i}T10:00:00Z",
            "due_by": "2024-07-12T09:00:00Z",
            "fr_due_by": "2024-07-11T09:00:00Z",
            "is_escalated": False,
            "custom_fields": {"cf_escalation_level": level},
        }
        for i, level in enumerate(["L2", None, "L3", "L1"], start=1)
    ]
    res = load_export(json.dumps(recs).encode())
    assert res.vendor == "freshdesk"
    assert res.mapping["level"] == "custom_fields.cf_escalation_level"
    assert res.tickets.filter(pl.col("escalated")).get_column("ticket_id").sort().to_list() == [
        "1",
        "3",
    ]


def test_a_support_tier_is_the_customers_plan_and_a_level_2_checkbox_the_flag() -> None:
    """Freshdesk: "Support tier" (Tier 1..3: the plan the customer bought) stays the customer's
    tier, never the escalation level; a "Level 2 escalation" Yes/No checkbox is the flag."""
    head = "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,"
    head += "Resolved time,Last update time,Support tier,Level 2 escalation"
    rows = [
        head,
        "201,A,Resolved,Medium,Email,Question,Ana,Support,2024-03-04 09:00:00,"
        "2024-03-04 12:00:00,2024-03-04 12:00:00,Tier 1,No",
        "202,B,Open,High,Portal,Incident,Ben,Billing,2024-03-04 10:00:00,,"
        "2024-03-04 11:00:00,Tier 3,Yes",
        "203,C,Open,Low,Email,Incident,Cy,Support,2024-03-05 10:00:00,,"
        "2024-03-05 11:00:00,Tier 2,No",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "freshdesk"
    assert res.mapping["customer_tier"] == "Support tier"
    assert res.mapping["escalated"] == "Level 2 escalation" and "level" not in res.mapping
    assert _col(res, "escalated") == [False, True, False]


def test_a_servicenow_list_export_with_its_update_count_is_no_event_log() -> None:
    """ServiceNow's "all fields" list export carries ``sys_mod_count`` like its event log, but
    each number once: one ticket per row, and the groups at a higher line still escalate."""
    head = "number,opened_at,short_description,caller_id,priority,state,assignment_group"
    head += ",assigned_to,sys_updated_on,sys_mod_count,contact_type,reassignment_count"
    rows = [head]
    rows += [
        "INC001,2024-03-05 14:22:10,VPN,Ana,2 - High,Resolved,Network L2,Ben,2024-03-06 10:00,7,"
        "Phone,1",
        "INC002,2024-03-07 09:00:00,Printer,Eva,4 - Low,Closed,Service Desk,Cy,2024-03-08 10:00,4,"
        "Email,0",
        "INC003,2024-03-14 16:30:00,DB,Ana,3 - Moderate,In Progress,Database L3,Di,"
        "2024-03-15 08:00,12,Self-service,2",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "servicenow"
    assert not res.report.event_log
    assert _col(res, "escalated") == [True, False, True]
    assert not any("opened directly" in w for w in res.report.warnings)
    # the same columns with a number on several rows: the event log, as before
    rows.append(rows[1].replace("Resolved", "Closed").replace(",7,", ",8,"))
    assert load_export("\n".join(rows).encode()).report.event_log


def test_glpi_cells_with_several_technicians_keep_one() -> None:
    """GLPI writes co-assigned technicians and groups in one cell, one per line (in the order
    of their records): the last technician is the agent, the group naming the highest line
    the group (an escalation stays one, whichever order), not a name made of both; the
    import report says so. Another export's multi-line cells are left whole."""
    head = '\ufeff"ID";"Titre";"Statut";"Date d\'ouverture";"Priorité";'
    head += '"Attribué à - Technicien";"Attribué à - Groupe de techniciens";'
    rows = [
        head,
        '"2 553";"VPN";"En cours (Attribué)";"05-03-2024 14:22";"Moyenne";"Dupont Marie\n'
        'Martin Paul";"DSI > Support N1\nDSI > Support N2";',
        '"2 554";"Mail";"Nouveau";"06-03-2024 10:22";"Haute";"Martin Paul";"DSI > Support N1";',
        '"2 555";"Wifi";"Nouveau";"07-03-2024 10:22";"Haute";"Dupont Marie\n";"DSI > Support N1";',
        '"2 556";"Disk";"Nouveau";"08-03-2024 10:22";"Haute";"Martin Paul";"DSI > Support N2\n'
        'DSI > Support N1";',
    ]
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "glpi"
    assert _col(res, "agent") == ["Martin Paul", "Martin Paul", "Dupont Marie", "Martin Paul"]
    n2, n1 = "DSI > Support N2", "DSI > Support N1"
    assert _col(res, "group") == [n2, n1, n1, n2]
    assert _col(res, "escalated") == [True, False, False, True]
    said = " ".join(res.report.warnings)
    assert "'Attribué à - Technicien': 1 cell lists several names, one per line; the last" in said
    assert "2 cells list several names, one per line; the one naming the highest line" in said
    generic = ["Ticket ID,Created,Status,Assignee,Group", '1,2024-03-01,Open,Ann,"Tier 2\nTier 1"']
    other = load_export("\n".join(generic).encode())
    assert _col(other, "group") == ["Tier 2 Tier 1"]


def test_an_escalated_to_field_naming_teams_and_a_checkbox_named_for_a_team_escalate() -> None:
    """Freshdesk's "Escalated to" dropdown names where tickets went ("L2 Support"): a named
    one is escalated, an empty one or "None" not. HubSpot's "Escalated to engineering"
    checkbox (true/false) is the flag beside the HubSpot preset."""
    head = "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time"
    head += ",Resolved time,Escalated to"
    rows = [head]
    for i, to in enumerate(["L2 Support", "Engineering", "", "None", "Declined", "Tier 1"], 1):
        rows.append(f"{i},a,Open,Low,Email,Question,Ann,Support,2024-03-0{i} 10:00:00,,{to}")
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "freshdesk"
    assert _col(res, "escalated") == [True, True, False, False, False, False]
    (parse,) = [p for p in res.report.parse if p["canonical"] == "escalated"]
    assert "names where tickets went ('L2 Support', 'Engineering')" in parse["detail"]
    head = "Ticket ID,Ticket name,Pipeline,Ticket status,Create date,Close date,Ticket owner"
    head += ",Priority,Source,Escalated to engineering"
    rows = [head]
    for i, flag in enumerate(["true", "false", "", "false"], start=1):
        rows.append(f"{i},T{i},Support Pipeline,New,2024-03-0{i} 10:00,,Ann,High,Email,{flag}")
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "hubspot"
    assert _col(res, "escalated") == [True, False, False, False]


def test_osticket_team_named_for_a_line_escalates() -> None:
    """osTicket's "Team Assigned" ("Level 2 Support") is read as the line beside the
    department: a ticket with the level-2 team is escalated, a "Network Team" one is not."""
    head = "Ticket Number,Date Created,Subject,From,From Email,Priority,Department,Help Topic"
    head += ",Source,Current Status,Last Updated,Agent Assigned,Team Assigned"
    rows = [head]
    for i, team in enumerate(["Level 2 Support", "", "Network Team"]):
        rows.append(
            f"16081{i},2024-03-01 1{i}:00,VPN,Ann,a@x.org,Normal,Support,General,Email,Open,"
            f"2024-03-02 10:00,Bob,{team}"
        )
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "osticket"
    assert res.mapping["group"] == "Department"
    assert _col(res, "escalated") == [True, False, False]


def test_jira_repeated_components_give_the_group_naming_the_highest_line() -> None:
    """Jira writes one "Component/s" column per component: the team component ("Tier 3 -
    DBA") may stand in the second; the group is the component naming the highest line,
    else the first filled one."""
    head = "Summary,Issue key,Issue id,Issue Type,Status,Priority,Resolution,Assignee,Reporter"
    head += ",Created,Updated,Resolved,Component/s,Component/s"
    rows = [head]
    comps = [
        ("Access Management", "Tier 3 - DBA"),
        ("Access Management", ""),
        ("Tier 2 - Network", "Billing"),
        ("", "Billing"),
    ]
    for i, (a, b) in enumerate(comps, start=1):
        when = f"0{i}/Jan/24 3:45 PM"
        rows.append(f"s,H-{i},{i},Incident,Open,High,,Ann,x,{when},{when},,{a},{b}")
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "jira"
    assert _col(res, "group") == [
        "Tier 3 - DBA",
        "Access Management",
        "Tier 2 - Network",
        "Billing",
    ]
    assert _col(res, "escalated") == [True, False, True, False]
    assert any("2 columns 'Component/s'" in w for w in res.report.warnings)
    # two "Group" columns of a merged export: the first, as before (no ranking)
    merged = "Ticket ID,Created,Status,Group,Group\n1,2024-01-01,Open,Service Desk,Tier 2\n"
    assert _col(load_export(merged.encode()), "group") == ["Service Desk"]


def test_a_queue_owning_a_case_is_no_agent_and_a_reopened_ticket_is_unsolved() -> None:
    """Salesforce's "Case Owner" may be a queue ("Support Queue"): no one owns the case yet.
    A Zendesk ticket reopened after a solve keeps its "Solved at": open, it is unsolved."""
    csv = "Case Number,Subject,Status,Priority,Case Origin,Case Owner,Date/Time Opened\n"
    csv += "00001,a,New,High,Email,Support Queue,3/5/2024 2:22 PM\n"
    csv += "00002,b,Closed,High,Email,Ann Lee,3/6/2024 2:22 PM\n"
    csv += "00003,c,Closed,High,Email,Marco Coda,3/7/2024 2:22 PM\n"
    res = load_export(csv.encode())
    assert res.vendor == "salesforce"
    assert _col(res, "agent") == [None, "Ann Lee", "Marco Coda"]  # "coda": a surname too
    rows = ["Id,Subject,Status,Created at,Solved at,Reopens"]
    rows += [
        "1,a,Open,2024-03-01 10:00:00,2024-03-02 10:00:00,1",
        "2,b,Solved,2024-03-01 10:00:00,2024-03-02 10:00:00,0",
    ]
    res = load_export("\n".join(rows).encode())
    assert [d is None for d in _col(res, "solved_at")] == [True, False]
    assert any("1 ticket the export calls open still carries" in w for w in res.report.warnings)


def test_a_first_response_column_counting_down_is_not_read() -> None:
    """Jira Service Management's SLA fields ("Time to first response": "28m", "-1h 5m") show
    the time left, negative once breached: no time to first response is read from them, and
    the report says why. A single negative value elsewhere (a clock skew) is left out alone."""
    rows = ["Issue key,Issue id,Summary,Status,Created,Assignee"]
    rows[0] += ",Custom field (Time to first response)"
    vals = ["28m", "-1h 5m", "2h", "-10m", "45m"]
    rows += [f"IT-{i},{i},s,Open,0{i + 1}/Jan/24 3:45 PM,Ann,{v}" for i, v in enumerate(vals)]
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "jira"
    assert res.tickets.get_column("first_response_minutes").null_count() == 5
    assert any("2 of 5 first response times are negative" in w for w in res.report.warnings)
    rows = ["Id,Subject,Status,Created at,First reply time in minutes"]
    minutes = [5] * 60 + [-1]
    rows += [f"{i},s,Open,2024-03-{1 + i % 28:02d} 10:00:00,{m}" for i, m in enumerate(minutes)]
    res = load_export("\n".join(rows).encode())
    assert res.tickets.height == 61
    assert res.tickets.get_column("first_response_minutes").null_count() == 1


def test_jira_status_category_gives_the_group_of_a_workflows_own_status() -> None:
    """A team's own workflow statuses ("QA Review", "Shipped") take their Jira status
    category (In Progress, Done); Portuguese "Itens concluídos" is done."""
    head = "Summary,Issue key,Issue id,Issue Type,Status,Resolution,Assignee,Reporter,Created"
    head += ",Resolved,Status Category"
    rows = [
        head,
        "a,CS-1,1,Bug,Shipped,Done,Ana,Bo,03/Feb/25 9:00 AM,06/Feb/25 9:10 AM,Done",
        "b,CS-2,2,Bug,QA Review,,Ana,Bo,04/Feb/25 9:00 AM,,In Progress",
        "c,CS-3,3,Bug,Open,,Ana,Bo,05/Feb/25 9:00 AM,,To Do",
        "d,CS-4,4,Bug,Itens concluídos,,Ana,Bo,05/Feb/25 9:00 AM,,Itens concluídos",
        "e,CS-5,5,Bug,Not Shipped,Won't Do,Ana,Bo,05/Feb/25 9:00 AM,06/Feb/25 9:00 AM,Done",
    ]
    res = load_export("\n".join(rows).encode())
    # Done with a resolution that fixed nothing ("Won't Do") is closed, not solved
    assert _col(res, "status") == ["solved", "open", "open", "solved", "closed"]
    derived = [d for d in res.report.derived if d["field"] == "status"]
    assert derived and derived[0]["rows"] == 3
