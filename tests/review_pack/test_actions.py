"""lib.review_pack.actions: edits of the action-item table, a meeting's items, the CSV."""

from __future__ import annotations

import datetime as dt

import pytest

from lib import review_pack as rp
from lib.store import Store
from tests.review_pack.helpers import _store_with_history

ROWS = [
    {"id": 4, "version": 2, "title": "Fix SSO doc", "owner": "ana",
     "due_date": dt.date(2026, 12, 1), "status": "open", "priority": "normal", "outcome_note": ""},
    {"id": 9, "version": 5, "title": "Call Acme", "owner": "", "due_date": None,
     "status": "in_progress", "priority": "high", "outcome_note": ""},
]  # fmt: skip


@pytest.mark.parametrize(
    ("edited", "expected"),
    [
        ({}, []),
        ({0: {"owner": "bo"}}, [(4, 2, {"owner": "bo"})]),
        ({"1": {"due_date": "2026-12-24T00:00:00"}}, [(9, 5, {"due_date": dt.date(2026, 12, 24)})]),
        ({0: {"due_date": None}}, [(4, 2, {"due_date": None})]),
        ({0: {"owner": "ana "}}, []),  # same value after trimming
        ({1: {"owner": None}}, []),  # empty stays empty
        ({0: {"owner": ""}}, [(4, 2, {"owner": ""})]),  # cleared
        ({0: {"version": 99, "id": 1, "link": "x"}}, []),  # read-only columns ignored
        ({1: {"status": "done", "outcome_note": "ok"}},
         [(9, 5, {"status": "done", "outcome_note": "ok"})]),
        ({0: {"title": "Fix SSO article"}, 1: {"priority": "low"}},
         [(4, 2, {"title": "Fix SSO article"}), (9, 5, {"priority": "low"})]),
    ],
)  # fmt: skip
def test_action_edits(edited, expected) -> None:
    got = [(e.id, e.version, e.changes) for e in rp.action_edits(ROWS, edited)]
    assert got == expected


def test_action_edits_rejects_unknown_rows() -> None:
    with pytest.raises(rp.ReviewPackError, match="not in the table"):
        rp.action_edits(ROWS, {5: {"owner": "x"}})


def test_action_edits_apply_and_conflict_on_a_real_store(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    a, b = Store(url), Store(url)
    item = a.create_action("Fix SSO doc", owner="ana")
    shown = a.list_actions().to_dicts()
    b.update_action(item.id, {"owner": "chen"}, expected_version=1, who="chen")
    (edit,) = rp.action_edits(shown, {0: {"owner": "bo"}})
    from lib.errors import ConflictError

    with pytest.raises(ConflictError, match="changed by chen"):
        a.update_action(edit.id, edit.changes, expected_version=edit.version, who="bo")
    assert a.get_action(item.id).owner == "chen"  # not overwritten
    a.close(), b.close()


def test_split_actions() -> None:
    s, m1 = _store_with_history()
    carried = s.open_actions_before(m1).get_column("id").to_list()
    first = carried[0]
    item = s.get_action(first)
    s.close_action(first, expected_version=item.version, meeting_id=m1)
    parts = rp.split_actions(s.list_actions(), meeting_id=m1, carried_ids=carried)
    assert parts["new"].get_column("title").to_list() == ["Made in the new meeting"]
    assert parts["closed"].get_column("id").to_list() == [first]
    assert sorted(parts["carried"].get_column("id").to_list()) == sorted(carried[1:])


def test_action_items_csv_is_spreadsheet_safe() -> None:
    from lib.csvsafe import to_csv_bytes

    s = Store("sqlite://")
    s.create_action('=HYPERLINK("http://x","click")', owner="@ana", due_date="2026-12-01")
    frame = s.list_actions().select(rp.ACTION_COLUMNS)
    text = to_csv_bytes(frame).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.split(",")[:3] == ["id", "title", "owner"]
    assert row.startswith("1,\"'=HYPERLINK(") and ",'@ana,2026-12-01," in row
