"""Tests for lib.ingest.readers.json_records: JSON arrays, wrapped JSON and JSON Lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lib.ingest import load_export
from tests.ingest.readers.helpers import one


@pytest.mark.parametrize(
    ("data", "name", "fmt", "rows", "note"),
    [
        (b'[{"id": 1}, {"id": 2, "x": null}]', "a.json", "json", [("1",), ("2",)], None),
        (
            b'{"tickets": [{"id": 1}], "count": 1}',
            "t.json",
            "json",
            [("1",)],
            "read the list of records under 'tickets'",
        ),
        (b'{"results": [{"id": 1}]}', "r.json", "json", [("1",)], None),
        (
            b'{"data": {"items": [{"id": 5}]}, "meta": {}}',
            "d.json",
            "json",
            [("5",)],
            "read the list of records under 'data.items'",
        ),
        (b'{"id": 1}\n{"id": 2}\n', "lines.json", "jsonl", [("1",), ("2",)], None),
        (b'{"id": 1}\r\n{"id": 2}', "l.ndjson", "jsonl", [("1",), ("2",)], None),
        (b'\xef\xbb\xbf[{"id": 1}]', "bom.json", "json", [("1",)], None),
        (
            b'[{"id": 1}, 7, {"id": 3}]',
            "mixed.json",
            "json",
            [("1",), ("3",)],
            "dropped 1 row that could not be read",
        ),
        (
            b'[{"id": 1}, {"id": 2}, {"id": 3, "sub',
            "cut.json",
            "json",
            [("1",), ("2",)],
            "dropped 1 row that could not be read",
        ),
        (b'[{"id": 1}]', "upload", "json", [("1",)], None),
    ],
)
def test_json_variants(data, name, fmt, rows, note):
    t = one(data, name=name)
    assert t.format == fmt
    assert t.frame.select("id").rows() == rows
    if note:
        assert note in t.notes


def test_json_lists_of_scalars_and_nested_objects():
    data = json.dumps(
        [
            {
                "id": 1,
                "tags": ["a", "b", None, 3],
                "via": {"channel": "email", "source": {"from": "x"}},
                "n": 1.5,
            }
        ]
    ).encode()
    t = one(data, name="t.json")
    assert t.frame.columns == ["id", "tags", "via.channel", "via.source.from", "n"]
    assert t.frame.row(0) == ("1", "a, b, 3", "email", "x", "1.5")


def test_json_truncated_array_keeps_complete_records_and_names_the_line():
    data = b'[\n {"id": 1},\n {"id": 2},\n {"id": 3, "subj'
    t = one(data, name="cut.json")
    assert t.frame["id"].to_list() == ["1", "2"]
    assert t.line_numbers.to_list() == [2, 3]
    assert t.dropped == [(4, "record is cut off: the file ends before it is complete")]


def test_json_array_records_know_their_lines():
    data = b'[\n  {\n    "id": 1\n  },\n  {"id": 2},\n\n  {"id": 3,\n   "x": "y"}\n]\n'
    t = one(data, name="t.json")
    assert t.frame["id"].to_list() == ["1", "2", "3"]
    assert t.line_numbers.to_list() == [2, 5, 7]


def test_intercom_tags_as_objects_are_read_as_their_names():
    """Intercom's API writes ``"tags": {"type": "tag.list", "tags": [{"type": "tag", "id":
    "1", "name": "Escalated"}]}``: one tags column with the names, not JSON fragments."""
    doc = {
        "type": "conversation.list",
        "conversations": [
            {
                "id": "1",
                "created_at": 1717421040,
                "tags": {
                    "type": "tag.list",
                    "tags": [{"type": "tag", "id": "1", "name": "Escalated"}, {"name": "VIP"}],
                },
            },
            {"id": "2", "created_at": 1717421100, "tags": {"type": "tag.list", "tags": []}},
        ],
    }
    t = one(json.dumps(doc).encode(), name="conversations.json")
    assert t.frame.get_column("tags").to_list() == ["Escalated, VIP", None]
    assert "tags.type" not in t.frame.columns


def test_help_scout_custom_fields_are_one_column_per_name():
    """Help Scout's ``customFields``: ``[{"id", "name": "Escalated", "value", "text": "Yes"}]``
    gives a column per field with the text shown, not a list of the fields' names."""
    doc = [
        {"id": 1, "customFields": [{"id": 9, "name": "Escalated", "value": "1", "text": "Yes"}]},
        {"id": 2, "customFields": [{"id": 9, "name": "Escalated", "value": "2", "text": "No"}]},
    ]
    t = one(json.dumps(doc).encode(), name="conversations.json")
    assert t.frame.get_column("customFields.Escalated").to_list() == ["Yes", "No"]


def test_a_nested_persons_first_and_last_name_are_one_name():
    """Help Scout's ``assignee: {"first": "Ana", "last": "Lima"}``: one ``assignee.name``, so
    no ``assignee.first`` column reads like the ticket's first agent."""
    doc = [
        {"id": 1, "assignee": {"id": 7, "type": "user", "first": "Ana", "last": "Lima"}},
        {"id": 2, "assignee": {"id": 8, "type": "user", "first": "Rui", "last": None}},
        {"id": 3, "owner": {"firstName": "Eva", "lastName": "Berg", "email": "eva@x.io"}},
    ]
    t = one(json.dumps(doc).encode(), name="conversations.json")
    assert t.frame.get_column("assignee.name").to_list() == ["Ana Lima", "Rui", None]
    assert t.frame.get_column("owner.name").to_list() == [None, None, "Eva Berg"]
    assert not {"assignee.first", "assignee.last", "owner.firstName"} & set(t.frame.columns)


def test_first_and_last_dates_stay_two_columns():
    """``{"first": "2024-03-01T09:30:00Z", "last": ...}`` (first and last reply) are dates, not a
    person's name."""
    doc = [{"id": 1, "replies": {"first": "2024-03-01T09:30:00Z", "last": "2024-03-02T10:00:00Z"}}]
    t = one(json.dumps(doc).encode(), name="tickets.json")
    assert {"replies.first", "replies.last"} <= set(t.frame.columns)
    assert "replies.name" not in t.frame.columns


def test_an_array_of_saved_api_pages_reads_every_pages_records():
    """``[{"tickets": [...], "next_page": ...}, {"tickets": [...]}]``: pages of the API saved
    one after another are their tickets (before: one row per page, refused for no id)."""
    pages = [
        {"tickets": [{"id": 1, "status": "open"}, {"id": 2, "status": "solved"}],
         "next_page": "https://x.zendesk.com/api/v2/tickets.json?page=2", "count": 3},
        {"tickets": [{"id": 3, "status": "open"}], "next_page": None, "count": 3},
    ]  # fmt: skip
    t = one(json.dumps(pages, indent=1).encode(), name="pages.json")
    assert t.frame.get_column("id").to_list() == ["1", "2", "3"]
    assert t.notes[0] == "read 2 pages of records under 'tickets'"
    # records that carry their own fields beside a list are records, not pages
    recs = [{"id": 7, "subject": "x", "items": [{"sku": "A"}]}]
    assert one(json.dumps(recs).encode(), name="r.json").frame.height == 1


def test_cursor_pages_saved_as_json_lines_read_their_tickets():
    """A script saving each ``/incremental/tickets/cursor.json`` page as one line: the pages
    carry ``after_url``, ``before_url``, ``after_cursor`` and ``end_of_stream`` beside the list."""
    pages = [
        {"tickets": [{"id": 1}, {"id": 2}], "after_url": "https://x/cursor.json?cursor=a",
         "before_url": None, "after_cursor": "a", "before_cursor": "z", "end_of_stream": False},
        {"tickets": [{"id": 3}], "after_url": None, "before_url": "https://x/cursor.json?c=z",
         "after_cursor": None, "before_cursor": "a", "end_of_stream": True},
    ]  # fmt: skip
    text = "\n".join(json.dumps(p) for p in pages).encode()
    t = one(text, name="pages.jsonl")
    assert t.frame.get_column("id").to_list() == ["1", "2", "3"]
    assert t.notes[0] == "read 2 pages of records under 'tickets'"


def test_a_ticket_wrapped_with_its_child_records_is_no_page_and_other_apis_pages_are():
    """``{"ticket": {...}, "conversations": [...]}`` per line is a ticket with its replies (not
    a page of conversations); Jira's search pages (startAt, maxResults, total) and
    Salesforce's query pages (totalSize, done, nextRecordsUrl) are pages."""
    lines = [
        {"ticket": {"id": i, "subject": "x"}, "conversations": [{"id": 10 * i, "body": "hi"}]}
        for i in (1, 2)
    ]
    t = one("\n".join(json.dumps(x) for x in lines).encode(), name="backup.jsonl")
    assert t.frame.get_column("ticket.id").to_list() == ["1", "2"]
    jira = [
        {"expand": "schema,names", "startAt": 0, "maxResults": 2, "total": 3,
         "issues": [{"key": "HD-1"}, {"key": "HD-2"}]},
        {"expand": "schema,names", "startAt": 2, "maxResults": 2, "total": 3,
         "issues": [{"key": "HD-3"}]},
    ]  # fmt: skip
    assert one(json.dumps(jira).encode(), name="j.json").frame["key"].to_list() == [
        "HD-1",
        "HD-2",
        "HD-3",
    ]
    sf = [
        {
            "totalSize": 3,
            "done": False,
            "nextRecordsUrl": "/q/01-2000",
            "records": [{"Id": "5001"}],
        },
        {"totalSize": 3, "done": True, "records": [{"Id": "5002"}, {"Id": "5003"}]},
    ]
    assert one(json.dumps(sf).encode(), name="s.json").frame.height == 3


def test_pages_with_meta_links_or_paging_objects_are_pages():
    """Zendesk's cursor pages (``meta``, ``links``) and HubSpot's (``paging``) hold objects of
    their own beside the list; a last page saved without a next link is a page too."""
    pages = [
        {"tickets": [{"id": 1}, {"id": 2}], "meta": {"has_more": True, "after_cursor": "a"},
         "links": {"next": "https://x/cursor.json?page[after]=a"}},
        {"tickets": [{"id": 3}], "meta": {"has_more": False}, "links": {}},
    ]  # fmt: skip
    t = one("\n".join(json.dumps(p) for p in pages).encode(), name="p.jsonl")
    assert t.frame.get_column("id").to_list() == ["1", "2", "3"]
    hub = [
        {"results": [{"id": "51"}], "paging": {"next": {"after": "52"}}},
        {"results": [{"id": "52"}]},
    ]
    assert one(json.dumps(hub).encode(), name="h.json").frame.get_column("id").to_list() == [
        "51",
        "52",
    ]


def test_zendesk_metric_sets_sent_beside_the_tickets_give_their_solve_times() -> None:
    """The incremental export with ``include=metric_sets`` lists each ticket's metrics
    beside the tickets, joined by ``ticket_id``: solved_at and reopens come from them."""
    doc = {
        "tickets": [
            {"id": 1, "status": "solved", "created_at": "2024-03-01T10:00:00Z", "tags": []},
            {"id": 2, "status": "open", "created_at": "2024-03-02T10:00:00Z", "tags": []},
        ],
        "metric_sets": [
            {"ticket_id": 1, "solved_at": "2024-03-01T15:00:00Z", "reopens": 1},
            {"ticket_id": 2, "solved_at": None, "reopens": 0},
        ],
        "end_of_stream": True,
    }
    res = load_export(json.dumps(doc).encode())
    t = res.tickets.sort("ticket_id")
    assert t.get_column("solved_at").to_list()[0] == datetime(2024, 3, 1, 15, tzinfo=UTC)
    assert t.get_column("reopens").to_list() == [1, 0]
