"""Event logs of every shape (issue 12) and first / escalating / final owners (issue 13.1).

Fixtures (hand-made rows, see tests/data/README.md): a process-mining log without a created
column, a support-level log, a one-row export with a first-owner column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from lib.ingest import load_export, reapply_rules
from lib.ingest.loader import canonical_only
from lib.ingest.rules import Rule

#: The tag lib.ingest.eventlog sets (spelled out, so this test fails cleanly without it).
OPENED_ABOVE_TIER1 = "opened_above_tier1"
DATA = Path(__file__).resolve().parents[1] / "data"


def _at(day: int, hour: int, minute: int = 0, month: int = 2) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=UTC)


def _by_id(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["ticket_id"]: row for row in frame.iter_rows(named=True)}


def test_process_mining_log_without_created_column_loads():
    """XES-style columns, no created or status column: created = the case's first event,
    the closing step gives solved_at (a resolve later followed by work does not count),
    org:resource is the agent and the "Resource" copy is no channel."""
    res = load_export(DATA / "evlog_process_mining.csv")
    assert res.mapping["activity"] == "concept:name"
    assert res.mapping["agent"] == "org:resource"
    assert "channel" not in res.mapping
    assert res.report.event_log and res.report.events == 18
    assert any("no created column" in w for w in res.report.warnings)
    t = _by_id(res.tickets)
    assert set(t) == {"K1", "K2", "K3", "K4", "K5"}
    # created: first event (K4's rows are out of order in the file)
    assert t["K1"]["created_at"] == _at(1, 9)
    assert t["K4"]["created_at"] == _at(6, 9)
    # solved: the first step of the final closing run ("Resolve ticket", then "Closed")
    assert (t["K1"]["solved_at"], t["K1"]["status"]) == (_at(2, 16), "closed")
    assert (t["K2"]["solved_at"], t["K2"]["status"]) == (_at(3, 11, 45), "closed")  # Risolto
    assert (t["K3"]["solved_at"], t["K3"]["status"]) == (None, "open")  # taken up again
    assert (t["K4"]["solved_at"], t["K4"]["status"]) == (None, "pending")  # its last step: Wait
    # "Resolve SW anomaly" is a sub-task: K5 is solved by its second "Resolve ticket"
    assert (t["K5"]["solved_at"], t["K5"]["status"]) == (_at(8, 12), "closed")
    # owners: the last is the agent, the first non-empty is first_agent; nobody is a channel
    # the resolver, not the account that closes solved tickets days later ("Desk Bot")
    assert (t["K1"]["agent"], t["K1"]["first_agent"]) == ("Agent Ben", "Agent Ada")
    assert res.tickets.get_column("channel").null_count() == res.tickets.height


def test_log_without_created_column_is_collapsed_even_with_few_events_per_case():
    """Most cases have one event here, so ids repeat too rarely to look like an event log;
    without a created column the log is still collapsed, so created is the first event (not
    the most recent row, as duplicate removal would keep)."""
    rows = ["case:concept:name,concept:name,org:resource,time:timestamp"]
    rows += [f"S{i},Insert ticket,Ann,2023-05-{i:02d} 09:00" for i in range(1, 10)]
    rows += ["S1,Resolve ticket,Bob,2023-05-20 10:00"]
    res = load_export("\n".join(rows).encode())
    t = _by_id(res.tickets)
    assert res.report.event_log and res.report.duplicates == 0
    assert (t["S1"]["created_at"], t["S1"]["solved_at"]) == (
        _at(1, 9, month=5),
        _at(20, 10, month=5),
    )
    assert (t["S1"]["first_agent"], t["S1"]["agent"]) == ("Ann", "Bob")


def test_level_log_escalates_on_a_move_up_not_on_the_final_tier():
    """Default rule: moved up from where it started. Tickets opened at L2 are tagged and
    reported; "ever at L2 or above" is offered, switched off; escalated_by is the owner on
    the event before the first move up."""
    res = load_export(DATA / "evlog_levels.csv")
    rules = {r.id: r for r in res.rules}
    assert rules["level_move"].enabled and not rules["level_ever"].enabled
    assert not rules["group_tier"].enabled  # the tier it ended in does not decide
    t = _by_id(res.tickets)
    escalated = {k for k, row in t.items() if row["escalated"]}
    assert escalated == {"UP", "BACK", "AT2UP"}
    march = {k: row["escalated_at"] for k, row in t.items() if row["escalated"]}
    assert march == {
        "UP": _at(1, 11, month=3),
        "BACK": _at(2, 10, month=3),
        "AT2UP": _at(5, 14, month=3),
    }
    assert {k: row["escalated_by"] for k, row in t.items() if row["escalated"]} == {
        "UP": "Ann",
        "BACK": "Ann",
        "AT2UP": "Dee",
    }
    assert t["STAY"]["escalated_by"] is None
    # first, escalating and final owner and group
    assert (t["UP"]["first_agent"], t["UP"]["agent"]) == ("Ann", "Bob")
    assert (t["UP"]["first_group"], t["UP"]["group"]) == ("Service desk", "Network")
    assert t["BACK"]["first_agent"] == "Ann"  # the first event had no owner
    # opened directly above tier 1: tagged, counted, named in the report
    above = {k for k, row in t.items() if OPENED_ABOVE_TIER1 in row["tags"]}
    assert above == {"DOWN", "AT2", "AT2UP"}
    assert res.report.opened_above_tier1 == 3
    assert any("3 of 6 tickets were opened directly at tier 2" in w for w in res.report.warnings)
    assert res.extras is not None and "_first_tier" in res.extras.columns


def test_level_log_ever_at_l2_rule_counts_tickets_opened_there():
    res = load_export(DATA / "evlog_levels.csv")
    snapshot = res.tickets.join(res.extras, on="ticket_id")
    ever = [Rule.from_dict({**r.to_dict(), "enabled": r.id == "level_ever"}) for r in res.rules]
    frame, outcome = reapply_rules(snapshot, ever, mapping=res.mapping)
    t = _by_id(canonical_only(frame))
    assert {k for k, row in t.items() if row["escalated"]} == {"UP", "BACK", "DOWN", "AT2", "AT2UP"}
    assert outcome.counts["level_ever"] == 5
    # opened at L2 and never moved: escalated when first seen there, by the first owner
    assert (t["AT2"]["escalated_at"], t["AT2"]["escalated_by"]) == (_at(4, 8, month=3), "Eve")
    assert t["AT2UP"]["escalated_at"] == _at(5, 14, month=3)  # still the first move up


def test_one_row_export_keeps_a_mapped_first_owner_and_escalated_by():
    mapping = {
        "ticket_id": "Ticket",
        "created_at": "Opened",
        "status": "State",
        "agent": "Owner",
        "group": "Team",
        "escalated": "Escalated",
        "first_agent": "first owner",
        "escalated_by": "Handed up by",
    }
    res = load_export((DATA / "evlog_one_row_first_owner.csv").read_bytes(), mapping=mapping)
    t = _by_id(res.tickets)
    assert {k: row["first_agent"] for k, row in t.items()} == {
        "T-1": "Ann",
        "T-2": "Cy",
        "T-3": "Eve",
        "T-4": None,
    }
    assert {k: row["agent"] for k, row in t.items()}["T-1"] == "Bob"  # the final owner
    # escalated_by: the export's own, else first_agent (T-3); only on escalated tickets
    assert {k: row["escalated_by"] for k, row in t.items()} == {
        "T-1": "Ann",
        "T-2": None,
        "T-3": "Eve",
        "T-4": None,
    }


def test_audit_trail_log_fills_first_owner_and_group():
    """ServiceNow-shaped audit trail: state after each change; the first non-empty owner and
    group are kept next to the final ones, no opened_above_tier1 tag without tiers."""
    log = (
        b"number,incident_state,reassignment_count,opened_at,sys_updated_at,assignment_group,"
        b"assigned_to,resolved_at,closed_at\n"
        b"INC1,New,0,1/3/2016 09:00,1/3/2016 09:00,Group 7,?,?,?\n"
        b"INC1,Active,0,1/3/2016 09:00,1/3/2016 09:30,Group 7,Resolver 3,?,?\n"
        b"INC1,Active,1,1/3/2016 09:00,1/3/2016 11:00,Group 9,Resolver 5,?,?\n"
        b"INC1,Closed,1,1/3/2016 09:00,2/3/2016 10:00,Group 9,Resolver 5,2/3/2016 09:00,"
        b"2/3/2016 10:00\n"
    )
    res = load_export(log)
    assert res.vendor == "servicenow" and res.report.event_log
    row = res.tickets.row(0, named=True)
    assert (row["first_agent"], row["agent"]) == ("Resolver 3", "Resolver 5")
    assert (row["first_group"], row["group"]) == ("Group 7", "Group 9")
    assert row["status"] == "closed" and row["reassignments"] == 1
    assert row["tags"] == [] and res.report.opened_above_tier1 == 0


def test_level_log_without_event_times_still_escalates_on_a_move_up():
    # the same log with no event-time column: file order says that a ticket moved up, even
    # though it cannot say when
    lines = (DATA / "evlog_levels.csv").read_text().splitlines()
    no_time = "\n".join(",".join(c for i, c in enumerate(x.split(",")) if i != 2) for x in lines)
    res = load_export(no_time.encode() + b"\n")
    assert {r.id: r.enabled for r in res.rules}["level_move"]
    t = _by_id(res.tickets)
    assert {k for k, row in t.items() if row["escalated"]} == {"UP", "BACK", "AT2UP"}
    assert t["UP"]["escalated_by"] == "Ann"
    snapshot = res.tickets.join(res.extras, on="ticket_id")
    ever = [Rule.from_dict({**r.to_dict(), "enabled": r.id == "level_ever"}) for r in res.rules]
    frame, _ = reapply_rules(snapshot, ever, mapping=res.mapping)
    ever_up = {k for k, row in _by_id(canonical_only(frame)).items() if row["escalated"]}
    assert ever_up == {"UP", "BACK", "DOWN", "AT2", "AT2UP"}


def test_bpi_style_log_reads_the_repeating_incident_id_and_its_date_stamps():
    """A BPI Challenge style activity log: each row has its own activity number (unique on
    every row) beside the incident's id, and its only time column ("DateStamp", day first) is
    read as created. The incident id is the ticket, the first stamp its creation, the closing
    step its solve time (a step logged at the same second is no reopening), and the move to
    an L2 group its escalation."""
    rows = [
        "Incident ID;DateStamp;IncidentActivity_Number;IncidentActivity_Type;Assignment Group",
        "IM1;07-02-2023 08:17:00;001A01;Open;Service Desk L1",
        "IM1;07-02-2023 09:00:00;001A02;Reassignment;Network L2",
        "IM1;08-02-2023 10:00:00;001A03;Closed;Network L2",
        "IM2;13-02-2023 08:00:00;001A04;Open;Service Desk L1",
        "IM2;13-02-2023 09:00:00;001A05;Closed;Service Desk L1",
        "IM2;13-02-2023 09:00:00;001A08;Caused By CI;Service Desk L1",  # the close's bookkeeping
        "IM3;14-02-2023 08:00:00;001A06;Open;Service Desk L1",
        "IM3;14-02-2023 08:30:00;001A07;Update;Service Desk L1",
        "IM4;15-02-2023 08:00:00;001A09;Open;Service Desk L1",
        "IM4;15-02-2023 09:00:00;001A10;Closed;Service Desk L1",
        "IM4;15-02-2023 10:00:00;001A11;Update;Service Desk L1",  # work after the close
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["ticket_id"] == "Incident ID"
    assert res.report.event_log and res.report.events == 11
    t = _by_id(res.tickets)
    assert set(t) == {"IM1", "IM2", "IM3", "IM4"}
    assert (t["IM4"]["solved_at"], t["IM4"]["status"]) == (None, "open")  # reopened by work
    assert (t["IM1"]["created_at"], t["IM1"]["solved_at"]) == (_at(7, 8, 17), _at(8, 10))
    assert t["IM1"]["escalated"] and t["IM1"]["escalated_at"] == _at(7, 9)
    assert (t["IM2"]["solved_at"], t["IM2"]["status"], t["IM2"]["escalated"]) == (
        _at(13, 9),
        "closed",
        False,
    )
    assert (t["IM3"]["solved_at"], t["IM3"]["status"]) == (None, "open")


def test_disco_log_with_year_first_slash_stamps_loads():
    """The 4TU / Disco CSV layout: "Complete Timestamp" holds ``2012/10/09 14:50:17.000``."""
    rows = ["Case ID,Activity,Resource,Complete Timestamp"]
    rows += [
        "Case 1,Insert ticket,Value 1,2023/02/09 14:50:17.000",
        "Case 1,Resolve ticket,Value 1,2023/02/10 09:00:00.000",
        "Case 2,Insert ticket,Value 2,2023/02/11 08:00:00.000",
        "Case 2,Take in charge ticket,Value 2,2023/02/11 10:00:00.000",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["ticket_id"] == "Case ID"
    t = _by_id(res.tickets)
    assert (t["Case 1"]["created_at"], t["Case 1"]["solved_at"]) == (
        datetime(2023, 2, 9, 14, 50, 17, tzinfo=UTC),
        _at(10, 9),
    )
    assert (t["Case 2"]["created_at"], t["Case 2"]["status"]) == (_at(11, 8), "open")


def test_an_audit_trail_repeating_its_creation_keeps_no_solve_time_from_it():
    """Created repeated on every row of a ticket is its creation, not each event's time."""
    rows = ["number,opened_at,activity,assignment_group"]
    rows += [
        "INC1,2023-02-01 09:00,Insert ticket,Service Desk",
        "INC1,2023-02-01 09:00,Resolve ticket,Service Desk",
        "INC2,2023-02-02 09:00,Insert ticket,Service Desk",
        "INC2,2023-02-02 09:00,Take in charge ticket,Service Desk",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.report.event_log and res.mapping["created_at"] == "opened_at"
    # INC1 was resolved at a time the export does not say (not at its creation)
    assert res.tickets.get_column("solved_at").null_count() == 2
    assert res.tickets.sort("ticket_id").get_column("created_at").to_list() == [
        _at(1, 9),
        _at(2, 9),
    ]


def test_deleted_tickets_are_left_out_with_the_reason():
    """Zendesk's incremental export lists deleted tickets (status "deleted"): no ticket to
    count. A ticket updated, then deleted, goes with all its rows."""
    rows = ["Id,Status,Created at,Updated at"]
    rows += [
        "1,open,2023-02-01 09:00,2023-02-01 09:00",
        "2,solved,2023-02-02 09:00,2023-02-03 09:00",
        "3,open,2023-02-02 10:00,2023-02-02 10:00",
        "3,deleted,2023-02-02 10:00,2023-02-04 10:00",
        "4,Deleted,2023-02-05 10:00,2023-02-05 11:00",
    ]
    res = load_export("\n".join(rows).encode())
    assert sorted(res.tickets.get_column("ticket_id").to_list()) == ["1", "2"]
    assert res.report.rows_dropped == 3
    (reason,) = [r for r in res.report.drop_reasons if "deleted" in r]
    assert "column 'Status'" in reason


def test_a_move_from_a_group_without_a_level_to_level_2_is_an_escalation():
    """ServiceNow's log: "Service Desk" names no level; the move to "Level 2" is a move up
    from the first line, not a ticket opened at tier 2. An empty group says nothing."""
    rows = ["number,incident_state,opened_at,sys_updated_at,assignment_group,sys_mod_count"]
    rows += [
        "INC1,Neu,2023-02-01 09:00,2023-02-01 09:00,Service Desk,0",
        "INC1,In Bearbeitung,2023-02-01 09:00,2023-02-01 10:00,Service Desk,1",
        "INC1,In Bearbeitung,2023-02-01 09:00,2023-02-01 11:00,Level 2,2",
        "INC2,Neu,2023-02-02 09:00,2023-02-02 09:00,Service Desk,0",
        "INC2,Gelöst,2023-02-02 09:00,2023-02-02 10:00,Service Desk,1",
        "INC3,Neu,2023-02-03 09:00,2023-02-03 09:00,,0",
        "INC3,In Bearbeitung,2023-02-03 09:00,2023-02-03 10:00,Level 2,1",
    ]
    res = load_export("\n".join(rows).encode())
    t = _by_id(res.tickets)
    assert t["INC1"]["escalated"] and t["INC1"]["escalated_at"] == _at(1, 11)
    assert OPENED_ABOVE_TIER1 not in (t["INC1"]["tags"] or [])
    assert not t["INC2"]["escalated"]
    # first seen at Level 2 (nothing said before): opened there, not moved
    assert OPENED_ABOVE_TIER1 in (t["INC3"]["tags"] or [])


def test_a_step_that_names_an_escalation_counts_by_default():
    """Celonis / ProM logs: the step "Escalate to 2nd Level" is the escalation, at its time."""
    rows = ["_CASE_KEY,ACTIVITY_EN,EVENTTIME"]
    rows += [
        "C1,Create Ticket,2023-02-01 09:00",
        "C1,Escalate to 2nd Level,2023-02-01 10:30",
        "C1,Close Ticket,2023-02-02 09:00",
        "C2,Create Ticket,2023-02-03 09:00",
        "C2,Close Ticket,2023-02-03 12:00",
        "C3,Create Ticket,2023-02-04 09:00",
        "C3,Not escalated - resolved by L1,2023-02-04 09:30",
        "C3,Check escalation need,2023-02-04 09:40",  # a check, not an escalation
        "C3,Reject escalation to L2,2023-02-04 09:45",  # refused
        "C4,Create Ticket,2023-02-05 09:00",
        "C4,Ticket escalated,2023-02-05 09:15",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.report.rule_counts["step_tier"] == 2
    t = _by_id(res.tickets)
    assert t["C1"]["escalated"] and t["C1"]["escalated_at"] == _at(1, 10, 30)
    assert t["C4"]["escalated"] and t["C4"]["escalated_at"] == _at(5, 9, 15)
    assert res.report.events == 11
    assert not t["C2"]["escalated"] and not t["C3"]["escalated"]


def test_a_step_back_down_or_to_level_zero_is_no_escalation():
    """Where the step sends the ticket decides: back to the first line, or "level 0", is none;
    "Escalated to back office" still counts (a team, not a move back)."""
    rows = ["_CASE_KEY,ACTIVITY_EN,EVENTTIME"]
    steps = {
        "C1": "Reassign from L2 to L1",
        "C2": "Returned from L2",
        "C3": "Escalation Level 0",
        "C4": "Sent back to first line support",
        "C5": "Escalated to back office",
        "C6": "Escalated back to L2",
        "C7": "Transfer from L1 to L2",
    }
    for day, (case, step) in enumerate(steps.items(), start=1):
        at = f"2023-02-0{day}"
        rows += [f"{case},Create Ticket,{at} 09:00", f"{case},{step},{at} 10:00"]
    t = _by_id(load_export("\n".join(rows).encode()).tickets)
    assert [c for c in steps if t[c]["escalated"]] == ["C5", "C6", "C7"]


def test_groups_without_a_level_stay_unknown_when_the_log_names_its_first_line():
    """A log with a "Service Desk L1" group: "Database Administration" is a specialist team of
    an unknown level, so its hand-off to "Desktop Support L2" is no move up."""
    rows = ["number,incident_state,opened_at,sys_updated_at,assignment_group,sys_mod_count"]
    rows += [
        "INC1,New,2023-02-01 09:00,2023-02-01 09:00,Database Administration,0",
        "INC1,Active,2023-02-01 09:00,2023-02-01 10:00,Desktop Support L2,1",
        "INC2,New,2023-02-02 09:00,2023-02-02 09:00,Service Desk L1,0",
        "INC2,Active,2023-02-02 09:00,2023-02-02 10:00,Network Tier 2,1",
    ]
    t = _by_id(load_export("\n".join(rows).encode()).tickets)
    assert not t["INC1"]["escalated"]
    assert t["INC2"]["escalated"] and t["INC2"]["escalated_at"] == _at(2, 10)


def test_a_ticket_deleted_then_restored_is_kept():
    """Only the last row decides: Zendesk restores deleted tickets."""
    rows = ["Id,Status,Created at,Updated at"]
    rows += [
        "7,new,2023-02-01 09:00,2023-02-01 09:00",
        "7,deleted,2023-02-01 09:00,2023-02-02 09:00",
        "7,solved,2023-02-01 09:00,2023-02-03 09:00",
        "8,Eliminada,2023-02-01 10:00,2023-02-01 11:00",
        # newest row first: the update time decides, not the file's order
        "9,deleted,2023-02-01 10:00,2023-02-05 11:00",
        "9,open,2023-02-01 10:00,2023-02-02 11:00",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.tickets.get_column("ticket_id").to_list() == ["7"]


def test_a_celonis_user_column_is_the_agent_not_the_customer():
    """Celonis' activity table: USER_NAME is who did the step."""
    rows = ["_CASE_KEY,ACTIVITY_EN,EVENTTIME,USER_NAME"]
    rows += [
        "1,Create Ticket,2023-02-01 09:00:00.000,ROSSIM",
        "1,Close Ticket,2023-02-01 10:00:00.000,MUELLERJ",
        "2,Create Ticket,2023-02-02 09:00:00.000,ROSSIM",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping.get("agent") == "USER_NAME" and "customer" not in res.mapping
    t = _by_id(res.tickets)
    assert (t["1"]["first_agent"], t["1"]["agent"]) == ("ROSSIM", "MUELLERJ")
    plain = load_export("\n".join(rows).replace("USER_NAME", "User").encode())
    assert plain.mapping.get("agent") == "User"
    # a ticket export (ids do not repeat) with an activity column: its user is the customer
    once = ["Ticket ID,Activity,Created,User Name"]
    once += [f"{100 + i},Email received,2023-02-0{1 + i} 09:00,client{i}" for i in range(4)]
    assert load_export("\n".join(once).encode()).mapping.get("customer") == "User Name"


def test_a_volvo_style_log_reads_its_support_lines_and_status_solve_times():
    """BPI Challenge 2013 shape: the team in "Involved ST" names its line as a bare ordinal
    ("G97 2nd"); a push from a first-line team is the escalation. The status going to
    "Completed" is the solve time (no closing step, no solve column); "Owner First Name" is the
    agent's name, not the ticket's first owner; "Owner Country" is no agent."""
    head = "SR Number;Change Date+Time;Status;Sub Status;Involved ST;Involved Org line 3;"
    head += "Owner Country;Owner First Name"
    rows = [head]
    rows += [
        "1-7001;2012-05-02T09:00:00+02:00;Accepted;In Progress;K12;Org line A;Norway;Ola",
        "1-7001;2012-05-02T10:30:00+02:00;Queued;Awaiting Assignment;K31 2nd;Org line A;Norway;Ola",
        "1-7001;2012-05-03T08:00:00+02:00;Accepted;In Progress;K31 2nd;Org line A;Chile;Marta",
        "1-7001;2012-05-03T16:00:00+02:00;Completed;Closed;K31 2nd;Org line A;Chile;Marta",
        "1-7002;2012-05-04T09:00:00+02:00;Accepted;In Progress;K12;Org line B;Norway;Ola",
        "1-7002;2012-05-04T11:00:00+02:00;Completed;Resolved;K12;Org line B;Norway;Ola",
        "1-7003;2012-05-05T09:00:00+02:00;Queued;Awaiting Assignment;K12;Org line B;Norway;Ola",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["group"] == "Involved ST"
    assert res.mapping["agent"] == "Owner First Name"
    assert "first_agent" not in res.mapping and "customer" not in res.mapping
    t = _by_id(res.tickets)
    assert t["1-7001"]["escalated"] and not t["1-7002"]["escalated"]
    assert t["1-7001"]["solved_at"] == datetime(2012, 5, 3, 14, tzinfo=UTC)
    assert t["1-7002"]["solved_at"] == datetime(2012, 5, 4, 9, tzinfo=UTC)
    assert t["1-7003"]["status"] == "new" and t["1-7003"]["solved_at"] is None


def test_a_pm4py_log_reads_org_group_and_closing_steps_in_other_languages():
    """pm4py's ``org:group`` is the team (not the customer): a move from the service desk to
    a second line escalates. "Résoudre le ticket", "Cierre del ticket", "Chiusura del ticket"
    close their tickets."""
    rows = ["case:concept:name,concept:name,time:timestamp,org:resource,org:group"]
    rows += [
        "A1,Enregistrer,2023-03-20 09:00:00+01:00,Léa,Service Desk",
        "A1,Analyser,2023-03-21 10:00:00+01:00,Marc,2nd Line Network",
        "A1,Résoudre le ticket,2023-03-21 12:00:00+01:00,Marc,2nd Line Network",
        "B1,Registro,2023-03-22 09:00:00+01:00,Ana,Service Desk",
        "B1,Cierre del ticket,2023-03-22 11:00:00+01:00,Ana,Service Desk",
        "C1,Inserimento,2023-03-23 09:00:00+01:00,Ugo,Service Desk",
        "C1,Chiusura del ticket,2023-03-23 10:00:00+01:00,Ugo,Service Desk",
        "D1,Registro,2023-03-24 09:00:00+01:00,Ana,Service Desk",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.mapping["group"] == "org:group" and "customer" not in res.mapping
    t = _by_id(res.tickets)
    assert [k for k in t if t[k]["escalated"]] == ["A1"]
    assert {k: t[k]["status"] for k in t} == {
        "A1": "solved",
        "B1": "closed",
        "C1": "closed",
        "D1": "open",
    }
    assert t["B1"]["solved_at"] == datetime(2023, 3, 22, 10, tzinfo=UTC)


def test_a_status_repeated_on_every_event_gives_no_solve_time_and_a_call_is_no_closing():
    """A ticket table's status copied onto each event ("Closed" on every row of a log whose
    statuses never change) says nothing about when the ticket was solved: no solve time, not
    the creation time. "Call completed" ends a call, not the case; "Completed" closes it."""
    rows = ["Case ID,Activity,Timestamp,Ticket Status,Resource"]
    rows += [
        "INC-1,Register,2024-05-02 08:00,Closed,Ana",
        "INC-1,Investigate,2024-05-02 09:00,Closed,Raj",
        "INC-1,Reply,2024-05-03 09:00,Closed,Raj",
        "C-2,Register,2024-05-02 10:00,Open,Ben",
        "C-2,Call completed,2024-05-02 10:30,Open,Ben",
    ]
    t = _by_id(load_export("\n".join(rows).encode()).tickets)
    assert t["INC-1"]["status"] == "closed" and t["INC-1"]["solved_at"] is None
    assert t["C-2"]["status"] == "open" and t["C-2"]["solved_at"] is None
    # a log whose statuses change: "Completed" closes; a ticket solved at its first event
    # (a phone call solved on the spot) is solved then
    rows = ["Case ID,Activity,Timestamp,Ticket Status,Resource"]
    rows += [
        "C-3,Register,2024-05-04 10:00,Open,Ben",
        "C-3,Completed,2024-05-04 12:00,Closed,Ben",
        "C-4,Register,2024-05-05 09:00,Solved,Ana",
        "C-4,Survey sent,2024-05-06 09:00,Closed,Ana",
        "C-5,Register,2024-05-02 11:00,Open,Ben",
        "C-5,Ticket completed,2024-05-02 12:00,Closed,Ben",
        "C-6,Register,2024-05-02 11:00,Open,Ben",
        "C-6,Call completed,2024-05-02 11:30,Open,Ben",
    ]
    t = _by_id(load_export("\n".join(rows).encode()).tickets)
    assert t["C-3"]["solved_at"] == datetime(2024, 5, 4, 12, tzinfo=UTC)
    assert t["C-4"]["solved_at"] == datetime(2024, 5, 5, 9, tzinfo=UTC)
    assert t["C-5"]["solved_at"] == datetime(2024, 5, 2, 12, tzinfo=UTC)
    assert t["C-6"]["status"] == "open" and t["C-6"]["solved_at"] is None


def test_a_log_that_writes_the_status_only_when_it_changes_keeps_it_between_changes():
    """Events without a status (a comment, a survey) keep the status of the event before them:
    a survey after "Solved" neither reopens the ticket nor moves its solve time."""
    rows = ["Ticket ID,Event,Event time,Status,Agent"]
    rows += [
        "5001,Ticket created,2024-06-03 09:00,New,",
        "5001,Comment added,2024-06-03 09:20,,Mia",
        "5001,Status changed,2024-06-03 10:00,Solved,Mia",
        "5001,Satisfaction rating added,2024-06-04 08:00,,",
        "5001,Status changed,2024-06-07 10:00,Closed,",
        "5002,Ticket created,2024-06-03 11:00,New,",
        "5002,Status changed,2024-06-03 15:00,Solved,Leo",
        "5002,Survey sent,2024-06-04 15:00,,",
    ]
    t = _by_id(load_export("\n".join(rows).encode()).tickets)
    assert t["5001"]["solved_at"] == datetime(2024, 6, 3, 10, tzinfo=UTC)
    assert t["5002"]["status"] == "solved"
    assert t["5002"]["solved_at"] == datetime(2024, 6, 3, 15, tzinfo=UTC)
    assert not t["5001"]["reopens"] and not t["5002"]["reopens"]


def test_a_lifecycle_transition_column_is_no_status() -> None:
    """pm4py's ``lifecycle:transition`` (start / complete) says how an event relates to its
    step, not where the ticket is: a case cut after "Investigate complete" is open."""
    rows = ["case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource"]
    rows += [
        "C1,Register ticket,complete,2023-03-10 09:00:00+01:00,Emma",
        "C1,Investigate,start,2023-03-10 10:00:00+01:00,Emma",
        "C1,Investigate,complete,2023-03-10 11:00:00+01:00,Emma",
        "C2,Register ticket,complete,2023-03-11 09:00:00+01:00,Liam",
        "C2,Resolve ticket,start,2023-03-11 10:00:00+01:00,Liam",
        "C2,Resolve ticket,complete,2023-03-11 11:30:00+01:00,Liam",
        "C2,Close ticket,complete,2023-03-13 09:00:00+01:00,Liam",
    ]
    res = load_export("\n".join(rows).encode())
    assert "status" not in res.mapping
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["open", "closed"]
    assert t.get_column("solved_at").to_list()[0] is None
    assert not any("does not know" in w for w in res.report.warnings)


def test_a_log_whose_last_step_is_a_wait_is_pending_or_on_hold() -> None:
    """Without a status column, the last step says where the ticket is: "Wait" or a wait on
    the customer is pending, a wait on a vendor on hold; other work stays open."""
    rows = ["Case ID,Activity,Resource,Complete Timestamp"]
    steps = {
        "1": ["Assign seriousness", "Take in charge ticket", "Wait"],
        "2": ["Assign seriousness", "In attesa di riscontro utente"],
        "3": ["Assign seriousness", "Wait - Vendor"],
        "4": ["Assign seriousness", "Wait", "Take in charge ticket"],
        "5": ["Assign seriousness", "Pendiente de usuario"],
    }
    for case, names in steps.items():
        rows += [f"Case {case},{s},Ann,2024-03-0{i + 1} 10:00" for i, s in enumerate(names)]
    res = load_export("\n".join(rows).encode())
    got = res.tickets.sort("ticket_id").get_column("status").to_list()
    assert got == ["pending", "pending", "on_hold", "open", "pending"]


def test_servicenow_updates_in_the_same_minute_follow_the_update_count() -> None:
    """ServiceNow writes its update times by the minute: two updates of one minute are put
    in order by ``sys_mod_count``, not by where they stand in the file."""
    head = "number,incident_state,sys_mod_count,opened_at,sys_updated_at,assignment_group"
    rows = [
        head,
        "INC001,New,0,01/03/2024 09:00,01/03/2024 09:00,Service Desk",
        "INC001,Awaiting User Info,2,01/03/2024 09:00,01/03/2024 09:10,Service Desk",
        "INC001,Active,1,01/03/2024 09:00,01/03/2024 09:10,Service Desk",
        "INC002,New,0,02/03/2024 09:00,02/03/2024 09:00,Service Desk",
        "INC002,Active,1,02/03/2024 09:00,02/03/2024 09:30,Service Desk",
    ]
    res = load_export("\n".join(rows).encode())
    assert res.report.event_log
    assert res.tickets.sort("ticket_id").get_column("status").to_list() == ["pending", "open"]


def test_an_xes_step_ends_at_its_complete_event() -> None:
    """With ``lifecycle:transition``, "Resolve ticket" solves the ticket when it completes,
    not when it starts; a case cut after a resolve's start is open."""
    rows = ["case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource"]
    rows += [
        "C1,Register ticket,complete,2023-03-10 09:00:00+01:00,Emma",
        "C1,Resolve ticket,start,2023-03-10 10:00:00+01:00,Emma",
        "C2,Register ticket,complete,2023-03-11 09:00:00+01:00,Liam",
        "C2,Resolve ticket,start,2023-03-11 10:00:00+01:00,Liam",
        "C2,Resolve ticket,complete,2023-03-11 11:30:00+01:00,Liam",
        "C2,Close ticket,complete,2023-03-13 09:00:00+01:00,Liam",
    ]
    res = load_export("\n".join(rows).encode())
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["open", "closed"]
    assert t.get_column("solved_at").to_list() == [None, datetime(2023, 3, 11, 10, 30, tzinfo=UTC)]


def test_a_wait_under_an_open_status_is_pending_or_on_hold() -> None:
    """BPI 2013 writes "Accepted" with a sub-status: "Wait - User" is pending, "Wait -
    Vendor" on hold, "In Progress" stays open; the report says the status was derived."""
    head = "SR Number;Change Date+Time;Status;Sub Status;Involved ST"
    rows = [head]
    for i, sub in enumerate(["Wait - User", "Wait - Vendor", "In Progress"]):
        rows.append(f"1-{i};2012-05-0{i + 1}T09:00:00+02:00;Queued;Awaiting Assignment;K12")
        rows.append(f"1-{i};2012-05-0{i + 1}T10:00:00+02:00;Accepted;{sub};K12")
    res = load_export("\n".join(rows).encode())
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["pending", "on_hold", "open"]
    assert any("Sub Status" in d["detail"] for d in res.report.derived)
