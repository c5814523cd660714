"""Tests for lib.ingest.vendors: every sample header is detected by its own preset only, event
logs, custom fields, repeated columns, the generic fallback and header fingerprints.
"""

from __future__ import annotations

import csv

import pytest

from lib.errors import ReviewError
from lib.ingest import inspect_sources, load_export
from lib.ingest.preset_mapping import signature_score
from lib.ingest.presets import PRESETS
from lib.ingest.vendors import (
    DETECT_THRESHOLD,
    MIN_SIGNATURE_HITS,
    detect_vendor,
    header_fingerprint,
    repeated_columns,
)
from tests.conftest import DATA


def read_header(name: str, *, sep: str = ",", skip: int = 0) -> list[str]:
    """The header row of a sample, with repeated names numbered like the reader does (a JSON
    sample: its flattened field names, as the reader makes them)."""
    if name.endswith(".json"):
        return inspect_sources(DATA / name).columns
    with open(DATA / name, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f, delimiter=sep)
        for _ in range(skip):
            next(rows)
        header = next(rows)
    seen: dict[str, int] = {}
    out = []
    for c in header:
        seen[c] = seen.get(c, 0) + 1
        out.append(c if seen[c] == 1 else f"{c} ({seen[c]})")
    return out


# file, delimiter, preamble rows, vendor, label, expected mapping of the key fields
# (a key with None must stay unmapped)
# fmt: off
CASES = [
    (
        "vendor_zendesk_header.csv", ",", 0, "zendesk", "Zendesk ticket export",
        {
            "ticket_id": "Id", "created_at": "Created at", "updated_at": "Updated at",
            "solved_at": "Solved at", "status": "Status", "priority": "Priority",
            "channel": "Via", "agent": "Assignee", "group": "Group",
            "customer": "Organization", "subject": "Subject", "tags": "Tags",
            "category": "Product area [list]", "customer_tier": "Customer tier [list]",
            "escalated": "Escalated [flag]", "reassignments": "Group stations",
            "reopens": "Reopens", "first_response_minutes": "First reply time in minutes",
            "satisfaction": "Satisfaction Score", "resolved_at": None, "closed_at": None,
        },
    ),
    (
        "vendor_freshdesk_header.csv", ",", 0, "freshdesk", "Freshdesk ticket export",
        {
            "ticket_id": "Ticket ID", "created_at": "Created time",
            "resolved_at": "Resolved time", "closed_at": "Closed time",
            "updated_at": "Last update time", "status": "Status", "priority": "Priority",
            "channel": "Source", "category": "Type", "agent": "Agent", "group": "Group",
            "customer": "Company Name", "subject": "Subject", "description": "Description",
            "first_response_minutes": "First response time (in hrs)",
            "satisfaction": "Survey results", "solved_at": None,
        },
    ),
    (
        "vendor_jira_header.csv", ",", 0, "jira", "Jira Service Management CSV export",
        {
            "ticket_id": "Issue key", "created_at": "Created", "updated_at": "Updated",
            "resolved_at": "Resolved", "status": "Status", "priority": "Priority",
            "category": "Custom field (Request Type)", "agent": "Assignee",
            "customer": "Custom field (Organizations)", "subject": "Summary",
            "description": "Description", "tags": "Labels",
            "satisfaction": "Custom field (Satisfaction rating)",
            "customer_tier": "Custom field (Customer Tier)",
        },
    ),
    (
        "vendor_servicenow_header.csv", ",", 0, "servicenow",
        "ServiceNow incident export (event log)",
        {
            "ticket_id": "number", "created_at": "opened_at", "updated_at": "sys_updated_at",
            "event_time": "sys_updated_at", "resolved_at": "resolved_at",
            "closed_at": "closed_at", "status": "incident_state", "priority": "priority",
            "channel": "contact_type", "category": "category", "agent": "assigned_to",
            "group": "assignment_group", "customer": "caller_id",
            "reassignments": "reassignment_count", "reopens": "reopen_count",
        },
    ),
    (
        "vendor_servicenow_labels_header.csv", ",", 0, "servicenow",
        "ServiceNow incident list (column labels)",
        {
            "ticket_id": "Number", "created_at": "Opened", "updated_at": "Updated",
            "resolved_at": "Resolved", "closed_at": "Closed", "status": "State",
            "channel": "Channel", "agent": "Assigned to", "group": "Assignment group",
            "customer": "Company", "subject": "Short description",
            "reassignments": "Reassignment count", "event_time": None,
        },
    ),
    (
        "vendor_osticket_header.csv", ";", 0, "osticket", "osTicket ticket export",
        {
            "ticket_id": "Ticket Number", "created_at": "Date Created",
            "updated_at": "Last Updated", "status": "Current Status", "priority": "Priority",
            "channel": "Source", "category": "Help Topic", "agent": "Agent Assigned",
            "group": "Department", "customer": "From", "subject": "Subject",
            "reopens": "Reopen Count", "escalated": None,
        },
    ),
    (
        "vendor_zammad_header.csv", ",", 0, "zammad", "Zammad ticket report (XLSX)",
        {
            "ticket_id": "#", "created_at": "Created At", "updated_at": "Updated At",
            "closed_at": "Closed At", "status": "State", "priority": "Priority",
            "channel": "Create Channel", "agent": "Owner", "group": "Group",
            "customer": "Organization", "subject": "Title", "tags": "Tags",
            "first_response_minutes": "First Response In Min", "escalated_at": None,
        },
    ),
    (
        "vendor_chatwoot_header.csv", ",", 1, "chatwoot", "Chatwoot conversation report",
        {
            "ticket_id": "Conversation ID", "status": "Conversation status",
            "agent": "Agent name", "group": "Inbox name", "customer": "Customer email",
            "tags": "Labels", "first_response_minutes": "First response time (minutes)",
            "created_at": None,
        },
    ),
    (
        "vendor_helpscout_header.csv", ",", 0, "helpscout", "Help Scout conversations export",
        {
            "ticket_id": "Number", "created_at": "Created at", "closed_at": "Closed at",
            "status": "Status", "channel": "Type", "agent": "Assigned to", "group": "Mailbox",
            "customer": "Customer email", "subject": "Subject", "tags": "Tags",
            "satisfaction": "Rating",
        },
    ),
    (
        "vendor_intercom_header.csv", ",", 0, "intercom", "Intercom conversations export",
        {
            "ticket_id": "Conversation ID", "created_at": "Created at",
            "closed_at": "Closed at", "status": "State", "channel": "Channel",
            "agent": "Assignee", "group": "Team assigned", "customer": "Company name",
            "subject": "Title", "tags": "Tags", "satisfaction": "Conversation rating",
        },
    ),
    (
        "vendor_hubspot_header.csv", ",", 0, "hubspot", "HubSpot tickets export",
        {
            "ticket_id": "Ticket ID", "created_at": "Create date", "closed_at": "Close date",
            "updated_at": "Last activity date", "status": "Ticket status",
            "priority": "Priority", "channel": "Source", "category": "Category",
            "agent": "Ticket owner", "customer": "Associated Company",
            "subject": "Ticket name", "description": "Ticket description",
        },
    ),
    (
        "vendor_salesforce_header.csv", ",", 0, "salesforce", "Salesforce case report",
        {
            "ticket_id": "Case Number", "created_at": "Date/Time Opened",
            "closed_at": "Date/Time Closed", "status": "Status", "priority": "Priority",
            "channel": "Case Origin", "category": "Type", "agent": "Case Owner",
            "customer": "Account Name", "subject": "Subject", "escalated": "Escalated",
        },
    ),
    (
        "vendor_cfpb_header.csv", ",", 0, "cfpb", "CFPB consumer complaint database export",
        {
            "ticket_id": "Complaint ID", "created_at": "Date received",
            "status": "Company response to consumer", "channel": "Submitted via",
            "category": "Product", "customer": "Company", "subject": "Issue",
            "description": "Consumer complaint narrative", "tags": "Tags",
            "escalated": "Consumer disputed?", "solved_at": None, "agent": None,
        },
    ),
    (
        "vendor_kaggle_tickets_header.csv", ",", 0, "kaggle_tickets",
        "Kaggle Customer Support Ticket Dataset",
        {
            "ticket_id": "Ticket ID", "created_at": "First Response Time",
            "resolved_at": "Time to Resolution", "status": "Ticket Status",
            "priority": "Ticket Priority", "channel": "Ticket Channel",
            "category": "Ticket Type", "customer": "Customer Email",
            "subject": "Ticket Subject", "description": "Ticket Description",
            "satisfaction": "Customer Satisfaction Rating", "first_response_minutes": None,
        },
    ),
    (
        "vendor_freshdesk_trial_header.csv", ",", 0, "freshdesk", "Freshdesk ticket export",
        {
            "ticket_id": "Ticket ID", "created_at": "Created time",
            "resolved_at": "Resolved time", "status": "Status", "priority": "Priority",
            "category": "Type", "customer": "Company Name", "subject": "Subject",
            "agent": None, "first_agent": None,
        },
    ),
    (
        "vendor_glpi_ptbr_header.csv", ";", 0, "glpi", "GLPI ticket search export (CSV)",
        {
            "ticket_id": "ID", "created_at": "Data de abertura",
            "updated_at": "Última atualização", "status": "Status", "priority": "Prioridade",
            "channel": "Origem da requisição", "category": "Categoria",
            "agent": "Atribuído - Técnico", "group": "Atribuído - Grupo",
            "customer": "Requerente", "subject": "Título", "escalated": None,
            "solved_at": None, "first_agent": None, "first_group": None,
        },
    ),
    (
        "vendor_glpi_fr_header.csv", ";", 0, "glpi", "GLPI ticket search export (CSV)",
        {
            "ticket_id": "ID", "created_at": "Date d'ouverture",
            "updated_at": "Dernière modification", "status": "Statut", "priority": "Priorité",
            "channel": "Source de la demande", "category": "Catégorie",
            "agent": "Attribué à - Technicien", "group": "Attribué à - Groupe",
            "customer": "Demandeur", "subject": "Titre",
        },
    ),
    (
        "vendor_otrs_header.csv", ";", 0, "otrs", "OTRS / Znuny ticket search export (CSV)",
        {
            "ticket_id": "TicketNumber", "created_at": "Created", "closed_at": "Closed",
            "updated_at": "Changed", "status": "State", "priority": "Priority",
            "category": "Type", "agent": "Owner", "group": "Queue", "customer": "CustomerID",
            "subject": "Title", "first_agent": None,
        },
    ),
    (
        "vendor_redmine_header.csv", ",", 0, "redmine", "Redmine issues export (CSV)",
        {
            "ticket_id": "#", "created_at": "Created", "updated_at": "Updated",
            "closed_at": "Closed", "status": "Status", "priority": "Priority",
            "category": "Category", "agent": "Assignee", "customer": "Author",
            "subject": "Subject", "group": None,
        },
    ),
    (
        "vendor_rt_header.tsv", "\t", 0, "rt", "Request Tracker search results (spreadsheet)",
        {
            "ticket_id": "id", "created_at": "Created", "updated_at": "LastUpdated",
            "resolved_at": "Resolved", "status": "Status", "priority": "Priority",
            "agent": "Owner", "group": "Queue", "customer": "Requestors", "subject": "Subject",
        },
    ),
    (
        "zendesk_api_tickets.json", None, 0, "zendesk", "Zendesk API tickets (JSON)",
        {
            "ticket_id": "id", "created_at": "created_at", "updated_at": "updated_at",
            "status": "status", "priority": "priority", "channel": "via.channel",
            "category": "type", "agent": "assignee_id", "group": "group_id",
            "customer": "organization_id", "subject": "subject", "tags": "tags",
            "satisfaction": "satisfaction_rating.score", "first_agent": None,
        },
    ),
    (
        "freshdesk_api_tickets.json", None, 0, "freshdesk", "Freshdesk API tickets (JSON)",
        {
            "ticket_id": "id", "created_at": "created_at", "updated_at": "updated_at",
            "resolved_at": "stats.resolved_at", "closed_at": "stats.closed_at",
            "status": "status", "priority": "priority", "channel": "source",
            "category": "type", "agent": "responder_id", "group": "group_id",
            "customer": "company_id", "subject": "subject", "tags": "tags",
        },
    ),
]

IDS = [c[0].removeprefix("vendor_").rsplit(".", 1)[0].removesuffix("_header") for c in CASES]

@pytest.mark.parametrize(("name", "sep", "skip", "vendor", "label", "expected"), CASES, ids=IDS)
def test_detects_vendor_and_maps_key_fields(name, sep, skip, vendor, label, expected):
    header = read_header(name, sep=sep, skip=skip)
    m = detect_vendor(header)
    assert (m.vendor, m.label) == (vendor, label)
    assert m.preset is not None and m.preset.vendor == vendor
    assert DETECT_THRESHOLD <= m.score <= 1.0
    got = {k: m.mapping.get(k) for k in expected}
    assert got == expected
    assert set(m.mapping.values()) <= set(header)

@pytest.mark.parametrize(("name", "sep", "skip", "vendor", "label", "expected"), CASES, ids=IDS)
def test_no_other_preset_matches_the_header(name, sep, skip, vendor, label, expected):
    header = read_header(name, sep=sep, skip=skip)
    own = label.removesuffix(" (event log)")
    for preset in PRESETS:
        if preset.label == own:
            continue
        score, hits = signature_score(preset, header)
        assert score < DETECT_THRESHOLD or hits < MIN_SIGNATURE_HITS, (preset.label, score)

def test_every_sample_is_detected_by_its_own_preset_only():
    """Each preset is hit by its own sample headers only, and by at least one."""
    hits: dict[str, list[str]] = {p.label: [] for p in PRESETS}
    for name, sep, skip, *_ in CASES:
        header = read_header(name, sep=sep, skip=skip)
        for p in PRESETS:
            score, n = signature_score(p, header)
            if score >= DETECT_THRESHOLD and n >= MIN_SIGNATURE_HITS:
                hits[p.label].append(name)
    assert all(v for v in hits.values()), hits
    own = {p.label: set() for p in PRESETS}
    for name, *_, label, _ in CASES:
        own[label.removesuffix(" (event log)")].add(name)
    assert all(set(v) == own[label] for label, v in hits.items()), hits

@pytest.mark.parametrize(
    ("header", "vendor"),
    [
        (["Ticket ID", "Subject", "Created time", "Resolved time", "Agent", "Source"], "freshdesk"),
        (
            ["Ticket ID", "Customer Name", "Customer Email", "Ticket Subject", "Ticket Status"],
            "kaggle_tickets",
        ),
        (["Ticket ID", "Ticket name", "Ticket owner", "Create date", "Pipeline"], "hubspot"),
        (["Ticket ID", "Subject", "Status", "Priority"], "generic"),
    ],
)
def test_ticket_id_alone_does_not_decide(header, vendor):
    assert detect_vendor(header).vendor == vendor

def test_event_log_only_with_mod_count_and_update_time():
    header = read_header("vendor_servicenow_header.csv")
    assert detect_vendor(header).preset.event_log is True
    without = [c for c in header if c != "sys_mod_count"]
    m = detect_vendor(without)
    assert m.vendor == "servicenow"
    assert m.preset.event_log is False
    assert m.label == "ServiceNow incident export"
    labels = read_header("vendor_servicenow_labels_header.csv")
    assert detect_vendor(labels).preset.event_log is False
    # the preset in PRESETS itself is never changed
    assert not any(p.event_log for p in PRESETS)

def test_zendesk_custom_fields_by_name():
    base = ["Id", "Requester", "Created at", "Via", "Group stations", "Solved at"]
    plain = detect_vendor([*base, "Ticket type"]).mapping
    assert plain["category"] == "Ticket type"
    assert "escalated" not in plain and "customer_tier" not in plain
    custom = detect_vendor(
        [
            *base,
            "Ticket type",
            "Urgency level [list]",
            "Topic [list]",
            "Plan [list]",
            "Escalated to L2 [flag]",
            "VIP [flag]",
        ]
    ).mapping
    assert custom["category"] == "Topic [list]"
    assert custom["customer_tier"] == "Plan [list]"
    assert custom["escalated"] == "Escalated to L2 [flag]"

def test_jira_labels_repeat():
    header = read_header("vendor_jira_header.csv")
    preset = detect_vendor(header).preset
    assert preset.repeated == ("tags",)
    assert repeated_columns("Labels", header) == ["Labels", "Labels (2)", "Labels (3)"]
    assert repeated_columns("Labels", ["Labels", "Labels_duplicated_0", "Label"]) == [
        "Labels",
        "Labels_duplicated_0",
    ]

def test_generic_fallback_maps_by_name():
    m = detect_vendor(["Case #", "Opened On", "Owner", "Queue", "Prio", "Closed On"])
    assert (m.vendor, m.preset, m.score) == ("generic", None, 0.0)
    assert m.mapping == {
        "ticket_id": "Case #",
        "created_at": "Opened On",
        "closed_at": "Closed On",
        "priority": "Prio",
        "agent": "Owner",
        "group": "Queue",
    }
    empty = detect_vendor([])
    assert (empty.vendor, empty.mapping) == ("generic", {})

def test_fingerprint_is_order_case_and_space_insensitive():
    header = read_header("vendor_zendesk_header.csv")
    fp = header_fingerprint(header)
    assert len(fp) == 64 and int(fp, 16) >= 0
    assert header_fingerprint(list(reversed(header))) == fp
    assert header_fingerprint([f"  {c.upper()} " for c in header]) == fp
    assert header_fingerprint(["\ufeff" + header[0], *header[1:]]) == fp
    assert header_fingerprint([c.replace(" ", "  ") for c in header]) == fp
    assert header_fingerprint(header[:-1]) != fp
    assert header_fingerprint([*header[:-1], header[-1] + "x"]) != fp
    # known value: sha256 of "created at\nid"
    assert header_fingerprint(["Id", "Created at"]) == (
        "a9afb6599d018e9a9319aa2593e57a08ca27252309607af153a7b9a7ef87ba8d"
    )


def test_jira_work_items_are_jira() -> None:
    """Jira Cloud renamed issues "work items" in 2025: "Work item key", "Work type"."""
    header = [
        "Summary", "Work item key", "Work item id", "Work type", "Status", "Priority",
        "Resolution", "Assignee", "Reporter", "Created", "Updated", "Resolved", "Labels",
    ]  # fmt: skip
    match = detect_vendor(header)
    assert match.vendor == "jira"
    assert match.mapping["ticket_id"] == "Work item key"
    assert match.mapping["category"] == "Work type"


def test_a_work_type_column_alone_is_no_jira() -> None:
    header = ["Order ID", "Summary", "Work Type", "Reporter", "Created", "Status", "Priority"]
    assert detect_vendor(header).vendor == "generic"


def test_a_case_column_that_is_no_case_id_keeps_the_plain_message() -> None:
    csv = (
        "case:concept:name,Opened,State,Assigned to\n"
        "Network,2024-01-02 10:00,Open,Ann\nPrinting,2024-01-03 10:00,Closed,Bob\n"
    )
    with pytest.raises(ReviewError) as info:
        load_export(csv.encode())
    assert "used for both" not in str(info.value)


def test_jira_servers_key_column_is_still_jira() -> None:
    """Jira Server 6's issue navigator writes "Key", not "Issue key"."""
    header = [
        "Issue Type", "Patch Info", "Key", "Summary", "Assignee", "Reporter", "Priority",
        "Status", "Resolution", "Created", "Updated", "Due Date",
    ]  # fmt: skip
    assert detect_vendor(header).vendor == "jira"
