"""load_export end to end: vendor samples, several files, event logs, bad input."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib.errors import IngestError
from lib.ingest import inspect_sources, load_export, load_tables, reapply_rules
from lib.ingest.rules import TAG_LABEL, Rule, custom_rule
from lib.schema import validate
from tests.conftest import DATA

ZENDESK = (
    "Id,Subject,Status,Priority,Via,Group,Assignee,Created at,Updated at,Solved at,Tags,"
    "Group stations,Product area [list]\n"
    "101,Cannot log in,Solved,High,Mail,Tier 1 EMEA,Ana,2024-03-01 09:00:00 +0000,"
    "2024-03-02 10:00:00 +0000,2024-03-02 10:00:00 +0000,sso vip,1,Login & SSO\n"
    "102,API 500 errors,Open,Urgent,Web form,Tier 2,Ben,2024-03-01 10:30:00 +0000,"
    "2024-03-03 10:00:00 +0000,,api escalated,2,API\n"
    "103,Invoice copy,Pending,Low,Chat,Billing,Ana,2024-03-02 11:00:00 +0000,"
    "2024-03-02 12:00:00 +0000,,billing,1,Billing\n"
)


@pytest.mark.parametrize(
    ("sample", "vendor", "tickets"),
    [
        ("vendor_zendesk_header.csv", "zendesk", 3),
        ("vendor_freshdesk_header.csv", "freshdesk", None),
        ("vendor_jira_header.csv", "jira", 3),
        ("vendor_servicenow_header.csv", "servicenow", 2),
        ("vendor_osticket_header.csv", "osticket", 3),
        ("vendor_zammad_header.csv", "zammad", None),
        ("vendor_helpscout_header.csv", "helpscout", None),
        ("vendor_intercom_header.csv", "intercom", None),
        ("vendor_hubspot_header.csv", "hubspot", None),
        ("vendor_salesforce_header.csv", "salesforce", None),
        ("vendor_cfpb_header.csv", "cfpb", None),
        ("vendor_generic_header.csv", "generic", None),
        ("zendesk_small.csv", "zendesk", 240),
    ],
)
def test_vendor_samples_load_to_valid_tickets(sample: str, vendor: str, tickets: int | None):
    res = load_export(DATA / sample)
    validate(res.tickets)
    assert res.vendor == vendor
    if tickets is not None:
        assert res.tickets.height == tickets
    assert res.tickets.height > 0
    assert (res.tickets.get_column("source") == vendor).all()


def test_zendesk_values_normalised_and_escalation_reasons():
    res = load_export(ZENDESK.encode())
    t = res.tickets.sort("ticket_id")
    assert t.get_column("status").to_list() == ["solved", "open", "pending"]
    assert t.get_column("priority").to_list() == ["high", "urgent", "low"]
    assert t.get_column("channel").to_list() == ["email", "web", "chat"]
    assert t.get_column("category").to_list() == ["Login & SSO", "API", "Billing"]
    assert t.get_column("created_at")[0] == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert t.get_column("reassignments").to_list() == [0, 1, 0]  # stations - 1
    assert t.get_column("escalated").to_list() == [False, True, False]
    # The tag rule comes first in the default list, so it names the reason.
    assert t.get_column("escalation_reason")[1] == TAG_LABEL
    assert res.report.rule_counts["group_tier"] == 1
    assert res.report.rule_counts["tag"] == 1
    assert t.get_column("tags")[1].to_list() == ["api", "escalated"]


def test_several_files_duplicates_keep_latest_update():
    jan = ZENDESK.encode()
    feb = (
        b"Id,Subject,Status,Priority,Via,Group,Assignee,Created at,Updated at,Solved at,Tags,"
        b"Group stations,Product area [list]\n"
        b"102,API 500 errors,Solved,Urgent,Web form,Tier 2,Ben,2024-03-01 10:30:00 +0000,"
        b"2024-03-09 10:00:00 +0000,2024-03-09 10:00:00 +0000,api escalated,2,API\n"
        b"104,New one,Open,Low,Chat,Tier 1 EMEA,Cy,2024-03-08 11:00:00 +0000,"
        b"2024-03-08 11:00:00 +0000,,,1,Billing\n"
    )
    res = load_export([jan, feb])
    assert res.tickets.height == 4
    assert res.report.duplicates == 1
    row = res.tickets.filter(pl.col("ticket_id") == "102").row(0, named=True)
    assert row["status"] == "solved"
    assert any("duplicate" in w for w in res.report.warnings)
    assert len(res.report.files) == 2


def test_event_log_collapses_and_level_move_escalates():
    log = (
        b"case,timestamp,activity,level,group,agent\n"
        b"C1,2024-01-01 09:00,open,L1,Desk,Ann\n"
        b"C1,2024-01-01 10:00,work,L1,Desk,Ann\n"
        b"C1,2024-01-01 12:00,move,L2,Network,Bob\n"
        b"C1,2024-01-02 09:00,resolved,L2,Network,Bob\n"
        b"C2,2024-01-01 09:30,open,L1,Desk,Ann\n"
        b"C2,2024-01-01 11:00,resolved,L1,Desk,Ann\n"
    )
    insp = inspect_sources(log)
    mapping = {
        "ticket_id": "case",
        "created_at": "timestamp",
        "event_time": "timestamp",
        "level": "level",
        "group": "group",
        "agent": "agent",
    }
    res = load_tables(insp, mapping=mapping)
    t = res.tickets.sort("ticket_id")
    assert res.report.event_log and res.report.events == 6
    assert t.height == 2
    assert t.get_column("escalated").to_list() == [True, False]
    assert t.get_column("escalated_at")[0] == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert t.get_column("agent").to_list() == ["Bob", "Ann"]
    assert t.get_column("reassignments").to_list() == [1, 0]
    assert t.get_column("created_at")[0] == datetime(2024, 1, 1, 9, tzinfo=UTC)


def test_formats_json_jsonl_xlsx_parquet_gz_zip(tmp_path: Path):
    base = load_export(ZENDESK.encode()).tickets.sort("ticket_id")
    raw = pl.read_csv(io.BytesIO(ZENDESK.encode()), infer_schema=False)
    records = raw.to_dicts()
    variants: dict[str, bytes | Path] = {
        "json": json.dumps({"tickets": records}).encode(),
        "jsonl": "\n".join(json.dumps(r) for r in records).encode(),
        "gz": gzip.compress(ZENDESK.encode()),
    }
    xlsx = tmp_path / "export.xlsx"
    raw.write_excel(xlsx)
    variants["xlsx"] = xlsx
    pq = tmp_path / "export.parquet"
    raw.write_parquet(pq)
    variants["parquet"] = pq
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("tickets.csv", ZENDESK)
    variants["zip"] = buf.getvalue()
    for name, src in variants.items():
        res = load_export(src)
        t = res.tickets.sort("ticket_id")
        assert t.get_column("ticket_id").to_list() == ["101", "102", "103"], name
        assert t.get_column("escalated").to_list() == base.get_column("escalated").to_list(), name
        assert t.get_column("created_at").to_list() == base.get_column("created_at").to_list(), name


BAD = [
    ("empty", b"", "empty"),
    ("whitespace", b"   \n\n  ", "blank"),
    ("binary", bytes(range(256)) * 20, None),
    ("no ticket columns", b"foo,bar,baz\n1,2,3\n4,5,6\n", "ticket id"),
    (
        "created date never parses",
        b"Id,Created at,Status\n1,not a date,open\n2,also not,open\n",
        "Created at",
    ),
]


@pytest.mark.parametrize(("case", "payload", "needle"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_a_message_naming_the_file(case: str, payload: bytes, needle: str | None):
    src = io.BytesIO(payload)
    src.name = f"{case.replace(' ', '_')}.csv"
    with pytest.raises(IngestError) as err:
        load_export(src)
    msg = str(err.value)
    assert src.name in msg
    if needle:
        assert needle.lower() in msg.lower()


def test_truncated_last_row_is_dropped_and_counted():
    text = ZENDESK + "105,Cut off here,Open,Low"
    src = io.BytesIO(text.encode())
    src.name = "cut.csv"
    res = load_export(src)
    assert res.tickets.height == 3
    assert res.report.rows_dropped == 1
    (file, line, reason) = res.report.dropped_examples[0]
    assert file == "cut.csv" and line == 5 and "ends early" in reason


def test_broken_quoting_keeps_the_other_rows():
    text = (
        'Id,Created at,Subject\n1,2024-01-01 10:00,"fine"\n2,2024-01-02 10:00,"never closed\n'
        "3,2024-01-03 10:00,ok\n"
    )
    src = io.BytesIO(text.encode())
    src.name = "quotes.csv"
    try:
        res = load_export(src)
    except IngestError as exc:  # acceptable only with a precise message
        assert "quotes.csv" in str(exc) and "line" in str(exc)
        return
    assert res.tickets.height >= 1
    assert res.report.rows_dropped >= 1
    assert res.report.dropped_examples[0][0] == "quotes.csv"


def test_blank_ids_dropped_with_line_numbers():
    text = "Id,Created at\n1,2024-01-01\n,2024-01-02\n3,2024-01-03\n,2024-01-04\n"
    src = io.BytesIO(text.encode())
    src.name = "ids.csv"
    res = load_export(src)
    assert res.tickets.get_column("ticket_id").to_list() == ["1", "3"]
    assert res.report.rows_dropped == 2
    assert [e[1] for e in res.report.dropped_examples] == [3, 5]
    assert all("no ticket id" in e[2] for e in res.report.dropped_examples)


def test_unparseable_dates_drop_rows_and_report_them():
    text = "Id,Created at\n1,2024-01-01\n2,yesterday\n3,2024-01-03\n"
    src = io.BytesIO(text.encode())
    src.name = "dates.csv"
    res = load_export(src)
    assert res.tickets.height == 2
    assert res.report.dropped_examples == [
        ("dates.csv", 3, "created date missing or not a date (column 'Created at')")
    ]
    failed = next(p for p in res.report.parse if p["canonical"] == "created_at")
    assert failed["failed"] == 1 and failed["examples"][0][1] == "yesterday"


def test_timezone_for_naive_dates():
    text = b"Id,Created at\n1,2024-07-01 12:00\n"
    res = load_export(text, tz="Europe/Berlin")
    assert res.tickets.get_column("created_at")[0] == datetime(2024, 7, 1, 10, tzinfo=UTC)


def test_user_mapping_overrides_detection():
    text = b"Case,Opened,Owner,Queue\nA1,2024-01-01,Ann,Escalations\nA2,2024-01-02,Bob,Desk\n"
    res = load_export(text, mapping={"ticket_id": "Case", "created_at": "Opened", "agent": "Owner"})
    assert res.tickets.get_column("agent").to_list() == ["Ann", "Bob"]
    assert res.tickets.get_column("group").null_count() == 2


def test_rules_can_be_switched_and_custom_rules_added():
    res = load_export(ZENDESK.encode())
    snap = res.tickets.join(res.extras, on="ticket_id")
    rules = [Rule(**{**r.to_dict(), "enabled": r.id != "tag"}) for r in res.rules]
    rules.append(custom_rule("raw:Priority", "equals", "Low"))
    frame, outcome = reapply_rules(snap, rules)
    esc = frame.sort("ticket_id").get_column("escalated").to_list()
    assert esc == [False, True, True]
    assert outcome.counts["tag"] == 1  # counted even when off
    assert frame.columns == snap.columns
    reasons = frame.sort("ticket_id").get_column("escalation_reason").to_list()
    assert reasons == [None, "Group names a higher tier", 'Priority equals "Low"']


def test_no_rule_firing_warns_with_a_hint():
    text = b"Id,Created at,Reassignment count\n1,2024-01-01,4\n2,2024-01-02,0\n"
    res = load_export(
        text,
        mapping={
            "ticket_id": "Id",
            "created_at": "Created at",
            "reassignments": "Reassignment count",
        },
    )
    assert res.tickets.get_column("escalated").sum() == 0
    assert any("Reassigned 3 or more times" in w and "1" in w for w in res.report.warnings)


def test_report_null_share_and_date_range():
    res = load_export(ZENDESK.encode())
    rep = res.report
    assert rep.rows_read == 3 and rep.rows_kept == 3
    assert rep.null_share["solved_at"] == pytest.approx(2 / 3, abs=1e-3)
    assert rep.date_min == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert rep.date_max == datetime(2024, 3, 2, 11, tzinfo=UTC)
    d = rep.to_dict()
    json.dumps(d)  # storable


def test_decompressed_size_limit_names_file_and_limit():
    bomb = gzip.compress(b"Id,Created at\n" + b"1,2024-01-01\n" * 400_000)
    src = io.BytesIO(bomb)
    src.name = "bomb.csv.gz"
    with pytest.raises(IngestError) as err:
        load_export(src, max_bytes=1_000_000)
    assert "bomb.csv.gz" in str(err.value)
    assert "limit of 976.6 KB once decompressed" in str(err.value)


def test_zip_member_count_limit():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(60):
            z.writestr(f"m{i}.csv", "Id,Created at\n1,2024-01-01\n")
    src = io.BytesIO(buf.getvalue())
    src.name = "many.zip"
    with pytest.raises(IngestError) as err:
        load_export(src)
    assert "many.zip" in str(err.value) and "50" in str(err.value)


def test_large_columns_parsed_by_distinct_value_report_per_row():
    # From 50,000 rows on, vocabulary columns are parsed once per distinct value and mapped
    # back; counts and failure line numbers must still be per row.
    n = 60_000
    rows = ["Id,Created at,Status,Satisfaction Score,Group"]
    for i in range(n):
        score = "Good" if i % 3 else ("Bad" if i % 2 else "9 stars")
        status = "Pending" if i % 5 else "Solved"
        when = f"2024-03-01 10:{i % 60:02d}:00 +0000"
        rows.append(f"{i + 1},{when},{status},{score},Tier {1 + i % 2}")
    res = load_export(("\n".join(rows) + "\n").encode(), max_bytes=None)
    t = res.tickets
    assert t.height == n
    assert t.get_column("status").value_counts().sort("status").rows() == [
        ("pending", n - n // 5),
        ("solved", n // 5),
    ]
    sat = next(p for p in res.report.parse if p["canonical"] == "satisfaction")
    meh = [i for i in range(n) if i % 3 == 0 and i % 2 == 0]
    assert (sat["parsed"], sat["failed"]) == (n - len(meh), len(meh))
    assert [line for line, _ in sat["examples"]] == meh[:5]
    assert t.get_column("satisfaction").null_count() == len(meh)
    assert t.get_column("escalated").sum() == n // 2  # "Tier 2" names a higher tier
    assert t.get_column("created_at").min() == datetime(2024, 3, 1, 10, tzinfo=UTC)


def test_event_log_with_tags_keeps_every_tag_once():
    # Tags seen on any of a ticket's events are kept, once each, in the order first seen.
    log = (
        b"Id,Created at,Updated at,Status,Group,Tags\n"
        b"7,2024-01-01 09:00,2024-01-01 09:00,new,Tier 1,vip billing\n"
        b"7,2024-01-01 09:00,2024-01-01 10:00,open,Tier 1,billing refund\n"
        b"7,2024-01-01 09:00,2024-01-01 12:00,solved,Tier 2,\n"
        b"8,2024-01-01 09:30,2024-01-01 09:30,new,Tier 1,\n"
        b"8,2024-01-01 09:30,2024-01-01 11:00,solved,Tier 1,\n"
    )
    res = load_export(log)
    t = res.tickets.sort("ticket_id")
    assert res.report.event_log and res.report.events == 5
    assert t.get_column("tags").to_list() == [["vip", "billing", "refund"], []]
    assert t.get_column("escalated").to_list() == [True, False]


def test_unassigned_is_no_agent_and_counts_as_missing():
    """Most tickets "Unassigned" (and Spanish/Portuguese variants): no agent or group of that
    name, the missing share says so, and a warning names the column and the words."""
    rows = ["Id,Created at,Assignee,Group"]
    agents = ["Unassigned"] * 14 + ["Sin asignar", "Não atribuído", "Ann", "Bob", "Ann", "-"]
    groups = ["Service desk"] * 17 + ["No asignado", "Nicht zugewiesen", "Network"]
    for i, (agent, group) in enumerate(zip(agents, groups, strict=True), 1):
        rows.append(f"{i},2024-01-{i:02d},{agent},{group}")
    src = io.BytesIO("\n".join(rows).encode())
    src.name = "unassigned.csv"
    res = load_export(src, mapping={"ticket_id": "Id", "created_at": "Created at",
                                    "agent": "Assignee", "group": "Group"})  # fmt: skip
    assert res.tickets.get_column("agent").drop_nulls().unique().sort().to_list() == ["Ann", "Bob"]
    groups_left = res.tickets.get_column("group").drop_nulls().unique().sort().to_list()
    assert groups_left == ["Network", "Service desk"]
    assert res.report.null_share["agent"] == pytest.approx(17 / 20)
    assert res.report.null_share["group"] == pytest.approx(2 / 20)
    note = next(w for w in res.report.warnings if "'Assignee'" in w)
    assert "17 of 20 rows say nobody" in note and "“Unassigned”" in note
    assert any("'Group': 2 of 20 rows say nobody" in w for w in res.report.warnings)


def test_custom_rules_whose_slugs_collide_both_mark_their_tickets():
    csv = b"Id,Created at,Status,Group\n1,2024-03-01,open,Tier-2\n2,2024-03-01,open,Tier 2\n"
    rules = [custom_rule("group", "equals", "Tier-2"), custom_rule("group", "equals", "Tier 2")]
    res = load_export(csv, rules=rules)
    assert res.tickets.get_column("escalated").to_list() == [True, True]
    assert [res.report.rule_counts[r.id] for r in rules] == [1, 1]


def test_rules_sharing_an_id_do_not_drop_each_others_matches():
    csv = b"Id,Created at,Status,Group\n1,2024-03-01,open,A\n2,2024-03-01,open,B\n"
    rules = [
        Rule("same", "group is A", "custom", column="group", op="equals", value="A"),
        Rule("same", "group is B", "custom", column="group", op="equals", value="B"),
    ]
    res = load_export(csv, rules=rules)
    assert res.tickets.get_column("escalated").to_list() == [True, True]


def _parquet_bytes(table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def test_parquet_with_a_list_typed_ticket_id_is_read_as_text():
    data = _parquet_bytes(
        pa.table(
            {
                "Ticket ID": pa.array([[1, 2], [3]]),
                "Created": ["2024-01-01", "2024-01-02"],
                "Status": ["open", "closed"],
            }
        )
    )
    res = load_export(data, mapping={"ticket_id": "Ticket ID", "created_at": "Created"})
    assert res.tickets.get_column("ticket_id").to_list() == ["1, 2", "3"]


def test_parquet_whose_struct_fields_collide_with_a_column_keeps_both():
    data = _parquet_bytes(
        pa.table(
            {
                "Id": ["1", "2"],
                "Created": ["2024-01-01", "2024-01-02"],
                "via.channel": ["mail", "web"],
                "via": pa.array([{"channel": "x"}, {"channel": "y"}]),
            }
        )
    )
    insp = inspect_sources(data)
    assert insp.columns == ["Id", "Created", "via.channel", "via.channel (2)"]
    assert insp.tables[0].frame.get_column("via.channel (2)").to_list() == ["x", "y"]


def test_parquet_with_invalid_utf8_is_our_message():
    raw = pa.array([b"ok", b"\xff\xfe bad"], type=pa.binary())
    bad = pa.Array.from_buffers(pa.string(), 2, raw.buffers())
    data = _parquet_bytes(pa.table({"Id": ["1", "2"], "Created": ["2024-01-01"] * 2, "S": bad}))
    with pytest.raises(IngestError, match=r"bad\.parquet"):
        inspect_sources(_named(data, "bad.parquet"))


def _named(data: bytes, name: str) -> io.BytesIO:
    src = io.BytesIO(data)
    src.name = name
    return src


def test_files_with_and_without_a_tags_column_load_together() -> None:
    # The rows of the file without tags had null tags after combining, and validation refused
    # the whole import ("column 'tags' has 1 null values")
    with_tags = b"Ticket ID,Created at,Tags\n1,2024-03-01 10:00,vip\n2,2024-03-02 10:00,\n"
    without = b"Ticket ID,Created at\n3,2024-03-03 10:00\n"
    res = load_export([with_tags, without])
    tags = dict(res.tickets.select("ticket_id", "tags").iter_rows())
    assert tags == {"1": ["vip"], "2": [], "3": []}


def test_losing_every_ticket_of_one_status_is_a_warning() -> None:
    """The Kaggle ticket file dates a ticket by its first response, which open tickets lack:
    they were dropped with only a drop reason, and the status vanished from every count."""
    header = (
        "Ticket ID,Customer Name,Product Purchased,Date of Purchase,Ticket Type,Ticket Subject,"
        "Ticket Status,Resolution,Ticket Priority,Ticket Channel,First Response Time,"
        "Time to Resolution,Customer Satisfaction Rating\n"
    )
    rows = []
    for i in range(1, 61):
        if i % 3 == 0:
            rows.append(f"{i},Ana {i},Router,2021-03-22,Refund request,Setup,Open,,High,Email,,,")
        elif i % 3 == 1:
            rows.append(
                f"{i},Bo {i},Router,2021-04-02,Billing inquiry,Setup,Pending Customer Response,"
                f",Low,Chat,2023-06-01 12:{i:02d}:36,,"
            )
        else:
            rows.append(
                f"{i},Cy {i},Router,2021-05-12,Technical issue,Setup,Closed,Fixed,Low,Phone,"
                f"2023-06-01 09:{i:02d}:00,2023-06-01 18:05:38,4.0"
            )
    result = load_export((header + "\n".join(rows) + "\n").encode())
    assert result.tickets.height == 40
    lost = [w for w in result.report.warnings if "left out" in w]
    assert len(lost) == 1 and "all 20 open tickets" in lost[0]
    assert "'First Response Time' has no date for them" in lost[0]


def test_a_few_undated_rows_of_mixed_status_are_no_status_warning() -> None:
    rows = ["id,created,status"] + [f"{i},2024-01-{1 + i % 28:02d},Closed" for i in range(40)]
    rows += ["90,,Open", "91,,Closed", "92,,Pending"]
    result = load_export(("\n".join(rows) + "\n").encode())
    assert result.report.rows_dropped == 3
    assert not [w for w in result.report.warnings if "tickets were left out" in w]
