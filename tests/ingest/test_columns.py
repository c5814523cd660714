"""Automatic column matching by name and by values, and mapping validation."""

from __future__ import annotations

import time

import polars as pl
import pytest

from lib.ingest import load_export
from lib.ingest.columns import match_columns, validate_mapping
from lib.ingest.keys import KEYS
from lib.ingest.name_match import match_by_name
from lib.ingest.vendors import detect_vendor
from tests.conftest import DATA
from tests.ingest.column_cases import GENERIC, found, read

MEANINGLESS = {
    "ticket_id": "col1",
    "created_at": "col2",
    "status": "col3",
    "priority": "col4",
    "channel": "col5",
    "customer": "col6",
    "subject": "col7",
    "satisfaction": "col8",
}


@pytest.mark.parametrize("infer", [False, True], ids=["strings", "inferred"])
def test_generic_header_with_values(infer):
    df = pl.read_csv(DATA / "vendor_generic_header.csv", infer_schema=infer)
    m = match_columns(df)
    got = {k: v for k, v in found(m).items() if k in GENERIC}
    assert got == GENERIC
    assert "values look like dates (100%)" in m["created_at"].why
    assert "values are yes/no (100%)" in m["escalated"].why


@pytest.mark.parametrize("infer", [False, True], ids=["strings", "inferred"])
def test_meaningless_names_matched_by_values(infer):
    df = pl.read_csv(DATA / "vendor_meaningless_header.csv", infer_schema=infer)
    m = match_columns(df)
    assert found(m) == MEANINGLESS
    assert m["status"].why == "values are status words (100%)"
    assert m["customer"].why == "values look like e-mail addresses (100%)"
    assert all(0.5 <= m[k].score <= 1.0 for k in MEANINGLESS)


def test_each_column_used_once_and_one_entry_per_key():
    for name in (
        "vendor_zendesk_header.csv",
        "vendor_freshdesk_header.csv",
        "vendor_meaningless_header.csv",
        "vendor_generic_header.csv",
    ):
        m = match_columns(read(name))
        assert list(m) == list(KEYS)
        cols = [x.column for x in m.values() if x.column is not None]
        assert len(cols) == len(set(cols)), name
        assert all(x.score == 0.0 and x.why for x in m.values() if x.column is None)


@pytest.mark.parametrize(
    ("values", "key"),
    [
        (["L1", "L1", "L2", "L3", "L1", "L2"], "level"),
        (["Tier 1", "Tier 2", "Tier 1", "Tier 3", "Tier 2", "Tier 1"], "level"),
        (["Gold", "Silver", "Gold", "Free", "Enterprise", "Free"], "customer_tier"),
    ],
)
def test_values_decide_between_support_level_and_customer_tier(values, key):
    df = pl.DataFrame({"Ticket": [f"T{i}" for i in range(6)], "Tier": values})
    m = match_columns(df)
    assert m[key].column == "Tier"
    other = "customer_tier" if key == "level" else "level"
    assert m[other].column is None


def test_values_overrule_a_misleading_name():
    # Kaggle: "First Response Time" holds timestamps, not durations
    df = pl.DataFrame(
        {
            "Ticket ID": ["1", "2", "3"],
            "First Response Time": ["2023-06-01 12:15", "2023-06-01 16:45", "2023-06-01 7:29"],
            "Resolution time (in hrs)": ["6:47:15", "1:02:00", "30:00:00"],
        }
    )
    m = match_columns(df)
    assert m["first_response_minutes"].column != "First Response Time"
    # a duration column is never a solve time, whatever its name says
    assert "Resolution time (in hrs)" not in {m[k].column for k in ("resolved_at", "solved_at")}
    assert match_by_name(df.columns)["first_response_minutes"].column == "First Response Time"


def test_a_column_whose_values_are_channels_is_not_a_category():
    df = pl.DataFrame({"Id": ["1", "2", "3", "4"], "Type": ["email", "chat", "email", "phone"]})
    m = match_columns(df)
    assert m["category"].column is None
    assert m["channel"].column == "Type"


def test_event_log_columns():
    df = pl.DataFrame(
        {
            "Case ID": ["A1", "A1", "A1", "B2", "B2", "C3"],
            "Activity": ["Open", "Assign", "Close", "Open", "Escalate", "Open"],
            "Timestamp": [f"2024-01-0{d} 10:00" for d in (1, 1, 2, 3, 3, 4)],
            "Resource": ["bob", "amy", "amy", "joe", "kim", "bob"],
            "Support level": ["L1", "L1", "L1", "L1", "L2", "L1"],
        }
    )
    got = found(match_columns(df))
    assert got == {
        "ticket_id": "Case ID",
        "event_time": "Timestamp",
        "agent": "Resource",
        "level": "Support level",
        "activity": "Activity",  # the step taken; closing steps give the solve time
    }


def test_durations_dates_and_ratings_from_values():
    df = pl.DataFrame(
        {
            "a": ["X-1", "X-2", "X-3", "X-4", "X-5"],
            "b": [
                "12/Mar/24 9:05 AM",
                "12/Mar/24 10:22 AM",
                "13/Mar/24 2:15 PM",
                "14/Mar/24 8:00 AM",
                "15/Mar/24 1:30 PM",
            ],
            "c": ["0:46:45", "2:14:58", "14:10:12", "1:00:00", "0:05:00"],
            "d": ["14/Mar/24 11:03 AM", None, "15/Mar/24 8:55 AM", None, "16/Mar/24 9:00 AM"],
            "e": [1, 5, 4, 2, 5],
        }
    )
    got = found(match_columns(df))
    assert got == {
        "ticket_id": "a",
        "created_at": "b",
        "solved_at": "d",
        "first_response_minutes": "c",
        "satisfaction": "e",
    }


def test_counts_are_not_ratings():
    df = pl.DataFrame({"Ticket": ["1", "2", "3", "4"], "Thread Count": ["3", "1", "4", "2"]})
    assert match_columns(df)["satisfaction"].column is None


@pytest.mark.parametrize(
    "name",
    [
        "vendor_zendesk_header.csv",
        "vendor_servicenow_header.csv",
        "vendor_cfpb_header.csv",
        "vendor_kaggle_tickets_header.csv",
        "vendor_freshdesk_header.csv",
    ],
)
def test_preset_mapping_comes_first(name):
    df = read(name)
    v = detect_vendor(df.columns)
    m = match_columns(df, preset=v.preset)
    for key, col in v.mapping.items():
        if col in m[key].empty:  # the vendor's column, left empty in this export
            assert m[key].column is None and f"column {col!r} has no value" in m[key].why
            continue
        assert m[key].column == col
        assert m[key].score == 1.0 and m[key].why == f"preset: {v.preset.label}"
    extra = {k: x.column for k, x in m.items() if x.column and k not in v.mapping}
    assert extra == {}, extra


def test_preset_leaves_room_for_confident_extra_matches():
    df = read("vendor_zendesk_header.csv").with_columns(
        Sentiment=pl.Series(["0.4", "-0.8", "0.1"]), Misc=pl.Series(["a", "b", "c"])
    )
    v = detect_vendor(df.columns)
    m = match_columns(df, preset=v.preset)
    assert m["sentiment"].column == "Sentiment"
    assert not m["sentiment"].why.startswith("preset")
    assert "Misc" not in {x.column for x in m.values()}


def test_sampling_keeps_large_frames_fast():
    n = 200_000
    df = pl.DataFrame(
        {
            "Ticket": [f"T{i}" for i in range(n)],
            "Created": ["2024-01-01 10:00"] * n,
            "Status": ["open", "solved"] * (n // 2),
        }
    )
    start = time.perf_counter()
    m = match_columns(df, sample_rows=500)
    elapsed = time.perf_counter() - start
    assert found(m) == {"ticket_id": "Ticket", "created_at": "Created", "status": "Status"}
    assert elapsed < 5.0


def test_empty_and_all_null_columns():
    df = pl.DataFrame({"Id": ["1", "2"], "Created": [None, None], "x": ["", ""]})
    m = match_columns(df)
    assert m["ticket_id"].column == "Id"
    # an all-empty column is never proposed, whatever its name; the reason says why
    assert m["created_at"].column is None
    assert m["created_at"].why == "column 'Created' is named like it but has no value"
    assert match_columns(pl.DataFrame())["ticket_id"].column is None


# --------------------------------------------------------------------------- validation


def test_valid_mapping_has_no_problems():
    cols = ["Id", "Created at", "Updated at", "Group"]
    mapping = {
        "ticket_id": "Id",
        "created_at": "Created at",
        "updated_at": "Updated at",
        "event_time": "Updated at",
        "group": "Group",
        "level": "Group",
    }
    assert validate_mapping(mapping, cols) == []


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ({"created_at": "Created"}, "no column chosen for 'Ticket id' (required)"),
        ({"ticket_id": "Id"}, "no column chosen for 'Created' (required)"),
        (
            {"ticket_id": "Id", "created_at": "Opened"},
            "column 'Opened' chosen for 'Created' is not in the file",
        ),
        (
            {"ticket_id": "Id", "created_at": "created"},
            "column 'created' chosen for 'Created' is not in the file; did you mean 'Created'?",
        ),
        (
            {"ticket_id": "Id", "created_at": "Created", "agent": "Id"},
            "column 'Id' is used for both 'Ticket id' and 'Agent'",
        ),
        (
            {"ticket_id": "Id", "created_at": "Created", "mood": "Id"},
            "unknown field 'mood'",
        ),
    ],
)
def test_mapping_problems(mapping, problem):
    problems = validate_mapping(mapping, ["Id", "Created", "Owner"])
    assert any(p.startswith(problem) for p in problems), problems


def test_every_detected_sample_mapping_validates():
    for name, skip in (
        ("vendor_zendesk_header.csv", 0),
        ("vendor_servicenow_header.csv", 0),
        ("vendor_jira_header.csv", 0),
        ("vendor_generic_header.csv", 0),
    ):
        df = read(name, skip_rows=skip)
        v = detect_vendor(df.columns)
        assert validate_mapping(v.mapping, df.columns) == [], name
    # Chatwoot's conversation report has no creation time: the problem is named
    chat = read("vendor_chatwoot_header.csv", skip_rows=1)
    assert validate_mapping(detect_vendor(chat.columns).mapping, chat.columns) == [
        "no column chosen for 'Created' (required)"
    ]


def test_a_name_alone_is_not_enough_when_no_value_fits_the_vocabulary():
    states = ["FL", "MI", "GA", "CO", "TX", "NY", "CA", "WA"]
    df = pl.DataFrame({"Complaint ID": [str(i) for i in range(8)], "State": states})
    assert match_columns(df)["status"].column is None
    custom = pl.DataFrame({"Id": ["1", "2", "3"], "State": ["Open", "Waiting on vendor", "Done"]})
    assert match_columns(custom)["status"].column == "State"


def test_json_like_columns_with_lists_and_structs():
    df = pl.DataFrame(
        {
            "id": [101, 102, 103],
            "created_at": ["2024-01-01T10:00:00Z", "2024-01-02T11:00:00Z", "2024-01-03T09:30:00Z"],
            "tags": [["vip", "billing"], [], ["bug"]],
            "via": [{"channel": "email"}, {"channel": "web"}, {"channel": "api"}],
            "satisfaction_rating": [{"score": "good"}, {"score": "bad"}, None],
        }
    )
    got = found(match_columns(df))
    assert got["ticket_id"] == "id"
    assert got["created_at"] == "created_at"
    assert got["tags"] == "tags"


def test_wide_export_still_matches_columns_that_sit_after_many_custom_fields():
    # An in-house export with 400 custom fields before the ticket columns: automatic matching
    # looks at 200 columns at most, and those named like a canonical column come first.
    n = 6
    custom = {f"Custom field {i}": [f"v{i}-{j}" for j in range(n)] for i in range(400)}
    tail = {
        "Ticket number": [f"T-{100 + j}" for j in range(n)],
        "Opened on": [f"2024-03-0{1 + j} 09:15" for j in range(n)],
        "Ticket status": ["open", "solved", "pending", "solved", "open", "closed"],
    }
    matches = match_columns(pl.DataFrame({**custom, **tail}))
    got = {k: m.column for k, m in matches.items()}
    assert got["ticket_id"] == "Ticket number"
    assert got["created_at"] == "Opened on"
    assert got["status"] == "Ticket status"


def test_a_named_ticket_id_beats_the_records_own_id_and_a_clock_is_no_duration():
    """A ratings or ticket-events export: "id" is the record's, "ticket_id" the ticket's. A
    call centre's "Time" (13:17:02 beside a "Date") is a clock reading, not a response time;
    "Interactions du client" counts interactions, it is no customer."""
    df = pl.DataFrame(
        {
            "id": ["501", "502", "503", "504"],
            "ticket_id": ["1", "1", "2", "3"],
            "created_at": [
                "2024-02-01 10:00",
                "2024-02-02 10:00",
                "2024-02-03 10:00",
                "2024-02-04",
            ],
            "score": ["good", "bad", "good", "good"],
        }
    )
    assert match_columns(df)["ticket_id"].column == "ticket_id"
    calls = pl.DataFrame(
        {
            "Call Id": ["ID1", "ID2", "ID3"],
            "Date": ["1/22/2021", "1/25/2021", "3/11/2021"],
            "Time": ["13:17:02", "09:05:40", "16:44:10"],
            "Interactions du client": ["5", "1", "3"],
        }
    )
    m = match_columns(calls)
    assert m["first_response_minutes"].column is None
    assert m["customer"].column is None


def test_a_sparse_ticket_id_column_and_a_wait_time_keep_their_meaning():
    """A "Ticket ID" filled on a few rows (a link to another ticket) does not replace every
    row's "ID"; a "Wait time" of H:MM:SS is still a duration (only a bare "Time" is a clock)."""
    n = 20
    df = pl.DataFrame(
        {
            "ID": [str(1000 + i) for i in range(n)],
            "Ticket ID": ["77" if i % 7 == 0 else None for i in range(n)],
            "Created": [f"2024-02-{1 + i:02d} 10:00" for i in range(n)],
            "Wait time": [f"0:{10 + i:02d}:05" for i in range(n)],
        }
    )
    m = match_columns(df)
    assert m["ticket_id"].column == "ID"
    assert m["first_response_minutes"].column == "Wait time"


def test_teams_named_by_an_ordinal_line_are_groups_not_priorities() -> None:
    """ "1st Line Support", "2nd Line Network", "1e lijn": a team, read as the group (and the
    higher lines as escalations), not as a priority like "3 - Moderate"."""
    rows = ["Ticket ID,Created,Status,Assignee,Team"]
    teams = ["1st Line Support", "2nd Line Support", "1st Line Support", "3rd Line Development"]
    teams += ["1e lijn Servicedesk", "2e lijn Netwerk"]
    rows += [f"{100 + i},2024-03-0{i + 1} 09:00,Open,Ann,{t}" for i, t in enumerate(teams)]
    res = load_export("\n".join(rows).encode())
    assert res.mapping.get("group") == "Team"
    assert "priority" not in res.mapping
    t = res.tickets.sort("ticket_id")
    assert t.get_column("group").to_list() == teams
    assert t.get_column("escalated").to_list() == [False, True, False, True, False, True]


@pytest.mark.parametrize(
    "header",
    [
        "Customer Tier",
        "Customer Plan",
        "Account Tier",
        "Support Plan",
        "Champ personnalisé (Customer Tier)",
        "Campo personalizzato (Piano cliente)",
        "Benutzerdefiniertes Feld (Tarif)",
    ],
)
def test_a_customers_plan_holding_tier_words_is_no_support_level(header: str) -> None:
    """A plan column whose values read "Tier 1".."Tier 3" is the customer's plan, named so
    (in Jira's custom-field wrapper too): not the group, not the level, no escalation."""
    rows = [f'Key,Status,Created,Assignee,"{header}"']
    rows += [f"X-{i},Open,2024-01-0{1 + i % 9} 10:00,Ann,Tier {1 + i % 3}" for i in range(60)]
    res = load_export("\n".join(rows).encode())
    assert res.mapping.get("customer_tier") == header
    assert int(res.tickets.get_column("escalated").sum()) == 0
    # a column named for the support tier with the same values is the level, as before
    level = load_export("\n".join(rows).replace(f'"{header}"', "Support Level").encode())
    assert level.mapping.get("level") == "Support Level"
    assert int(level.tickets.get_column("escalated").sum()) == 40


def test_small_numbers_in_a_named_column_are_no_satisfaction_score() -> None:
    """An ITIL "Impact" 1-5 or a process-mining "case:variant-index" is no rating: without a
    name that says satisfaction, only rating words or a column named nothing ("col8") are
    read as one. The "Priority" 1-5 beside them is ITIL's (1 the highest)."""
    rows = ["Incident ID,Opened,Status,Impact,Urgency,Priority"]
    for i in range(12):
        n = 1 + i % 5
        rows.append(f"INC{i},2024-03-{1 + i:02d} 10:00,Open,{n},{n},{n}")
    res = load_export("\n".join(rows).encode())
    assert "satisfaction" not in res.mapping
    assert res.mapping.get("priority") == "Priority"
    assert res.tickets.sort("created_at").get_column("priority").to_list()[:5] == [
        "urgent",
        "high",
        "normal",
        "low",
        "low",
    ]
    log = ["case:concept:name,concept:name,time:timestamp,case:variant-index"]
    for c in range(6):
        log += [f"C{c},Open,2024-03-0{1 + c} 09:00,{1 + c % 4}"]
        log += [f"C{c},Closed,2024-03-0{1 + c} 11:00,{1 + c % 4}"]
    assert "satisfaction" not in load_export("\n".join(log).encode()).mapping


@pytest.mark.parametrize("header", ["Score", "Note", "Stars", "Ocena", "Punteggio"])
def test_a_rating_under_an_everyday_name_is_still_the_satisfaction(header: str) -> None:
    """Only a name of another scale ("Impact", "variant-index") keeps small numbers from
    being a rating; "Score", "Note" or Polish "Ocena" holding 1-5 are the satisfaction."""
    rows = [f"Ticket ID,Created,Status,Agent,{header}"]
    rows += [f"{i},2024-03-{1 + i:02d} 10:00,Solved,Ann,{1 + i % 5}" for i in range(12)]
    res = load_export("\n".join(rows).encode())
    assert res.mapping.get("satisfaction") == header


def test_rfc_2822_dates_are_dates() -> None:
    """An RFC 2822 date starts with its weekday ("Mon, 9 Jan 2006 20:00:00 +0000", as in
    e-mail headers and Jira's XML): it was no date by its values, so no created column."""
    csv = (
        "Issue key,Summary,Status,Created,Resolved,Assignee\n"
        'ABC-1,Login fails,Closed,"Mon, 9 Jan 2006 20:00:00 +0000",'
        '"Tue, 10 Jan 2006 08:30:00 -0800",Ann\n'
        'ABC-2,Slow page,Open,"Wed, 11 Jan 2006 20:00:00 +0000",,Bob\n'
    )
    result = load_export(csv.encode())
    assert result.mapping["created_at"] == "Created"
    t = result.tickets
    assert t["created_at"].dt.strftime("%Y-%m-%d %H:%M").to_list() == [
        "2006-01-09 20:00",
        "2006-01-11 20:00",
    ]
    assert t["solved_at"].dt.strftime("%Y-%m-%d %H:%M").to_list() == ["2006-01-10 16:30", None]


def test_a_location_is_no_date() -> None:
    """Only a weekday's name may come before a date ("Mon, 9 Jan 2006"): "Bldg 2-East-104"
    and "Sprint 3 Jan 2024" were read as dates and the column taken as the solve date."""
    csv = (
        "Ticket ID,Created,Status,Location,Assignee\n"
        "1001,2024-01-02 10:00,Open,Bldg 2-East-104,Ann Lee\n"
        "1002,2024-01-03 10:00,Closed,,Bob Ray\n"
        "1003,2024-01-04 10:00,Open,Bldg 1-West-201,Ann Lee\n"
        "1004,2024-01-05 10:00,Closed,Bldg 3-North-010,Bob Ray\n"
    )
    assert "solved_at" not in load_export(csv.encode()).mapping
