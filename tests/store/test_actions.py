"""lib.store.actions: action items, their history, edit conflicts and concurrent writers."""

from __future__ import annotations

import datetime as dt
import threading

import polars as pl
import pytest

from lib.errors import ConflictError, StoreError
from lib.store import Store
from tests.store.helpers import (
    TODAY,
)


def test_create_edit_carry_over_and_close(store: Store) -> None:
    m1 = store.create_meeting(TODAY - dt.timedelta(days=14), period_start="2025-01-01")
    assert m1.title == f"Escalation review {(TODAY - dt.timedelta(days=14)).isoformat()}"
    late = store.create_action(
        "Rewrite SSO article",
        owner="ana",
        due_date=TODAY - dt.timedelta(days=3),
        link_kind="category",
        link_value="SSO",
        meeting_id=m1.id,
        who="lead",
    )
    soon = store.create_action(
        "Coach agent 7", owner="bo", due_date=TODAY + dt.timedelta(days=5), meeting_id=m1.id
    )
    undated = store.create_action("Review macros", owner="bo", meeting_id=m1.id)
    finished = store.create_action("Fix routing rule", owner="cy", meeting_id=m1.id)
    store.close_action(finished.id, expected_version=1, outcome="rate fell", who="cy")
    between = store.create_action("Ask vendor about API limits", owner="cy")  # between meetings

    edited = store.update_action(
        soon.id, {"status": "in_progress", "owner": "bo"}, expected_version=1, who="bo"
    )
    assert (edited.status, edited.version, edited.updated_by) == ("in_progress", 2, "bo")

    m2 = store.create_meeting(TODAY, dataset_id=None, attendees="ana, bo, cy")
    new_in_m2 = store.create_action("Track SSO next period", owner="ana", meeting_id=m2.id)
    carried = store.open_actions_before(m2.id)
    # Overdue first, then by due date (undated last); closed and m2's own items are not carried.
    assert carried["id"].to_list() == [late.id, soon.id, undated.id, between.id]
    assert carried["overdue"].to_list() == [True, False, False, False]
    assert new_in_m2.id not in store.open_actions_before(m2.id)["id"].to_list()
    assert store.open_actions_before(m1.id).height == 0  # nothing existed before the first one

    closed = store.close_action(
        late.id, "done", expected_version=1, meeting_id=m2.id, outcome="article live", who="ana"
    )
    assert (closed.status, closed.closed_in_meeting, closed.outcome_note) == (
        "done",
        m2.id,
        "article live",
    )
    assert closed.closed_at is not None and closed.version == 2
    assert late.id not in store.open_actions_before(m2.id)["id"].to_list()

    listing = store.list_actions(today=TODAY)
    assert listing.height == 6 and listing["overdue"].sum() == 0
    assert store.list_actions(owner="bo")["id"].to_list() == [soon.id, undated.id]
    assert set(store.list_actions(status=["done", "dropped"])["id"]) == {late.id, finished.id}
    assert store.list_actions(overdue=True, today=TODAY + dt.timedelta(days=6))["id"].to_list() == [
        soon.id
    ]
    assert set(store.list_actions(meeting_id=m2.id)["id"]) == {late.id, new_in_m2.id}
    meetings = store.list_meetings()
    assert meetings["id"].to_list() == [m2.id, m1.id]
    assert meetings["actions_created"].to_list() == [1, 4]
    assert meetings["actions_closed"].to_list() == [1, 0]

    reopened = store.update_action(late.id, {"status": "open"}, expected_version=2, who="ana")
    assert (reopened.closed_at, reopened.closed_in_meeting, reopened.version) == (None, None, 3)


def test_history_has_one_row_per_changed_field(store: Store) -> None:
    item = store.create_action("Update macro", owner="ana", priority="normal", who="ana")
    same = store.update_action(item.id, {"owner": "ana"}, expected_version=1, who="bo")
    assert same.version == 1  # nothing changed: no new version, no history
    item = store.update_action(
        item.id,
        {"owner": "bo", "priority": "high", "due_date": "2025-03-31", "title": "Update macro"},
        expected_version=1,
        who="cy",
    )
    assert item.version == 2 and item.due_date == dt.date(2025, 3, 31)
    item = store.close_action(item.id, "dropped", expected_version=2, who="bo")
    hist = store.action_history(item.id)
    assert hist.select("version", "changed_by", "field", "old_value", "new_value").rows() == [
        (1, "ana", "created", None, "Update macro"),
        (2, "cy", "owner", "ana", "bo"),
        (2, "cy", "priority", "normal", "high"),
        (2, "cy", "due_date", None, "2025-03-31"),
        (3, "bo", "status", "open", "dropped"),
        (3, "bo", "closed_at", None, item.closed_at.isoformat()),
    ]
    assert hist.schema["changed_at"] == pl.Datetime("us", "UTC")


def test_history_rows_sorted_as_recorded(store: Store) -> None:
    item = store.create_action("A", who="ana")
    store.update_action(item.id, {"owner": "bo", "priority": "low"}, expected_version=1, who="x")
    hist = store.action_history(item.id)
    assert sorted(hist.filter(pl.col("version") == 2)["field"].to_list()) == ["owner", "priority"]
    assert hist.height == 3


def test_second_editor_gets_a_conflict_and_the_first_change_stays(db_url: str) -> None:
    first, second = Store(db_url), Store(db_url)  # two engines, as two processes would have
    try:
        item = first.create_action("Coach agent 7", owner="lead", who="lead")
        seen_by_ana = first.get_action(item.id)
        seen_by_bo = second.get_action(item.id)
        first.update_action(
            item.id, {"owner": "ana"}, expected_version=seen_by_ana.version, who="ana@example.com"
        )
        with pytest.raises(ConflictError) as err:
            second.update_action(
                item.id,
                {"owner": "bo", "due_date": "2025-02-01"},
                expected_version=seen_by_bo.version,
                who="bo@example.com",
            )
        message = str(err.value)
        assert "ana@example.com" in message and "owner" in message and "UTC" in message
        assert "not saved" in message
        now = second.get_action(item.id)
        assert (now.owner, now.due_date, now.version) == ("ana", None, 2)
        assert second.action_history(item.id)["changed_by"].to_list() == [
            "lead",
            "ana@example.com",
        ]
        # Reloading and applying again succeeds.
        again = second.update_action(item.id, {"owner": "bo"}, expected_version=2, who="bo")
        assert again.version == 3
    finally:
        first.close()
        second.close()


def test_simultaneous_updates_one_wins_one_conflicts(db_url: str) -> None:
    stores = [Store(db_url) for _ in range(4)]
    try:
        item = stores[0].create_action("Contested", who="lead")
        barrier = threading.Barrier(len(stores))
        outcomes: list[str] = []

        def edit(s: Store, who: str) -> None:
            barrier.wait()
            try:
                s.update_action(item.id, {"owner": who}, expected_version=1, who=who)
                outcomes.append("ok")
            except ConflictError:
                outcomes.append("conflict")
            except Exception as exc:  # anything else (e.g. "database is locked") fails the test
                outcomes.append(repr(exc))

        threads = [
            threading.Thread(target=edit, args=(s, f"user{i}")) for i, s in enumerate(stores)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
        final = stores[0].get_action(item.id)
        hist = stores[0].action_history(item.id)
        assert final.version == 2
        assert hist.filter(pl.col("version") == 2)["new_value"].to_list() == [final.owner]
    finally:
        for s in stores:
            s.close()


def test_concurrent_writers_do_not_fail(db_url: str) -> None:
    stores = [Store(db_url) for _ in range(3)]
    errors: list[Exception] = []

    def write(s: Store, n: int) -> None:
        try:
            for i in range(20):
                s.create_action(f"w{n}-{i}", who=f"w{n}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert stores[0].list_actions().height == 60
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.create_action("  "), "Action title cannot be empty"),
        (lambda s: s.create_action("x", priority="urgent"), "Priority 'urgent' is not allowed"),
        (lambda s: s.create_action("x", due_date="31/12/2025"), "not a date"),
        (lambda s: s.create_action("x", link_kind="ticket"), "Link kind 'ticket'"),
        (lambda s: s.create_action("x", meeting_id=999), "Meeting 999 does not exist"),
        (lambda s: s.update_action(999, {}, expected_version=1), "Action item 999 does not exist"),
        (lambda s: s.update_action(1, {"version": 5}, expected_version=1), "Cannot change version"),
        (lambda s: s.update_action(1, {"status": "closed"}, expected_version=1), "Status 'closed'"),
        (lambda s: s.close_action(1, "open", expected_version=1), "Closing status 'open'"),
        (lambda s: s.create_meeting(None), "Meeting date is required"),
        (
            lambda s: s.create_meeting(
                "2025-02-01", period_start="2025-02-01", period_end="2025-01-01"
            ),
            "starts after it ends",
        ),
        (lambda s: s.add_agenda_item(1, "x", source="email"), "Agenda source 'email'"),
        (lambda s: s.set_category_tag("SSO", "process"), "Tag 'process' is not allowed"),
        (lambda s: s.add_event("2025-01-01", "launch", "x"), "Event kind 'launch'"),
        (lambda s: s.set_alert_state({"topic": "SSO"}, "known"), "no 'metric' field"),
        (lambda s: s.set_alert_state({}, "snoozed"), "Alert state 'snoozed'"),
        (lambda s: s.rename_dataset(1, ""), "Dataset name cannot be empty"),
        (lambda s: s.load_snapshot(42), "Dataset 42 does not exist"),
    ],
)
def test_bad_input_is_refused_with_a_message(store: Store, call, message: str) -> None:
    store.create_action("exists", who="x")  # id 1
    with pytest.raises(StoreError, match=message):
        call(store)
    assert store.list_actions().height == 1


def test_items_to_carry_into_a_meeting_about_to_start(store: Store) -> None:
    """``on=`` (the meeting is not created yet): every existing meeting counts as earlier,
    also one held the same day; works on PostgreSQL's 32-bit id column too."""
    day = dt.date(2026, 11, 20)
    same_day = store.create_meeting(day)
    inside = store.create_action("From the morning meeting", owner="ana", meeting_id=same_day.id)
    later = store.create_meeting(day + dt.timedelta(days=7))
    after = store.create_action("From next week", owner="bo", meeting_id=later.id)
    carried = store.open_actions_before(on=day)["id"].to_list()
    assert inside.id in carried and after.id not in carried
    assert after.id in store.open_actions_before(on=day + dt.timedelta(days=7))["id"].to_list()
