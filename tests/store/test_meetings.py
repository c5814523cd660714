"""lib.store.meetings: meetings, agenda items and decision conflicts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from lib.errors import ConflictError, StoreError
from lib.review_pack import AgendaEntry
from lib.store import Actor, AgendaItem, Meeting, Store, migrations
from tests.store.helpers import EDITOR


def test_meetings_and_agenda_items(store: Store) -> None:
    m = store.create_meeting("2025-02-03", period_start="2025-01-20", period_end="2025-02-02")
    a = store.add_agenda_item(m.id, "Rate vs baseline", source="free")
    b = store.add_agenda_item(m.id, "Agent 7 flagged", source="agent", ref="agent 7")
    c = store.add_agenda_item(m.id, "Top driver", source="driver", ref="SSO", position=-1)
    assert (a.position, b.position, c.position) == (0, 1, -1)
    store.update_agenda_item(b.id, {"decision": "coaching session", "position": 5})
    items = store.list_agenda_items(m.id)
    assert items["id"].to_list() == [c.id, a.id, b.id]
    assert items["decision"].to_list() == ["", "", "coaching session"]
    store.delete_agenda_item(a.id)
    assert store.list_agenda_items(m.id).height == 2
    updated = store.update_meeting(m.id, {"notes": "Good meeting", "attendees": "ana, bo"})
    assert (updated.notes, store.get_meeting(m.id).attendees) == ("Good meeting", "ana, bo")
    with pytest.raises(StoreError, match="Cannot change created_at"):
        store.update_meeting(m.id, {"created_at": "2020-01-01"})


def test_agenda_decision_conflict_names_who_and_keeps_theirs(db_url: str) -> None:
    with Store(db_url) as store:
        meeting = store.create_meeting("2026-11-20")
        item = store.add_agenda_item(meeting.id, "API errors")
        bo = Actor("bo@example.com", "editor")
        store.update_agenda_item(item.id, {"decision": "Escalate to product"}, actor=bo)
        with pytest.raises(ConflictError) as err:
            store.update_agenda_item(
                item.id, {"decision": "Train Tier 1"}, expected={"decision": ""}
            )
        message = str(err.value)
        assert "bo@example.com" in message and "Escalate to product" in message
        assert "UTC" in message and "not saved" in message
        agenda = store.list_agenda_items(meeting.id)
        assert agenda.get_column("decision").to_list() == ["Escalate to product"]
        # the same words written by both is no conflict; what was seen is the base otherwise
        store.update_agenda_item(
            item.id, {"decision": "Escalate to product"}, expected={"decision": ""}
        )
        store.update_agenda_item(
            item.id, {"decision": "Train Tier 1"}, expected={"decision": "Escalate to product"}
        )
        assert store.list_agenda_items(meeting.id).get_column("decision")[0] == "Train Tier 1"
        with pytest.raises(StoreError):
            store.update_agenda_item(item.id, {"decision": "x"}, expected={"owner": "y"})


def test_meeting_details_saved_meanwhile_are_not_overwritten(store: Store) -> None:
    m = store.create_meeting("2025-02-03", notes="first draft")
    seen = {"title": m.title, "attendees": "", "notes": "first draft"}
    store.update_meeting(m.id, {"notes": "A's notes"}, expected=seen, actor=EDITOR)
    with pytest.raises(
        ConflictError, match=r"notes .* was changed by ed@example.com .* “A's notes”"
    ):
        store.update_meeting(m.id, {**seen, "notes": "B's notes"}, expected=seen)
    assert store.get_meeting(m.id).notes == "A's notes"
    # saving what is already there, or with no expectation, goes through
    store.update_meeting(m.id, {"notes": "A's notes"}, expected=seen)
    store.update_meeting(m.id, {"notes": "B's notes"})
    assert store.get_meeting(m.id).notes == "B's notes"


def test_a_meeting_and_its_agenda_are_stored_together(store: Store) -> None:
    entries = [
        AgendaEntry("free", None, "Escalation rate"),
        AgendaEntry("free", None, "   "),  # refused: the meeting is not stored either
    ]
    with pytest.raises(StoreError, match="title cannot be empty"):
        store.create_meeting("2025-02-03", agenda=entries)
    assert store.list_meetings().height == 0
    m = store.create_meeting("2025-02-03", agenda=entries[:1] * 2)
    assert store.list_agenda_items(m.id).select("title", "position").rows() == [
        ("Escalation rate", 0),
        ("Escalation rate", 1),
    ]


def test_an_existing_pseudonym_key_is_kept(store: Store) -> None:
    store.set_setting("pseudonym_key", "ab" * 32)  # as ui.dataset stored it before
    assert store.secret_key("pseudonym_key") == bytes.fromhex("ab" * 32)


def test_names_removal_undo_and_closing(tmp_path: Path) -> None:
    """The typed name is recorded on every meeting write; a removed agenda item (and its
    decision) comes back with undo; a closed meeting refuses changes and keeps its minutes."""
    from lib.errors import StoreError
    from lib.store import Store

    with Store(f"sqlite:///{tmp_path / 'm.sqlite'}") as store:
        m = store.create_meeting("2026-11-20", who="Dana (Support Ops)")
        assert m.created_by == "Dana (Support Ops)"
        item = store.add_agenda_item(m.id, "Point", who="Dana")
        store.update_agenda_item(item.id, {"decision": "Ship"}, who="Eli")
        assert store.list_agenda_items(m.id)["updated_by"].to_list() == ["Eli"]
        gone = store.delete_agenda_item(item.id, who="Eli")
        assert gone.deleted_by == "Eli" and store.list_agenda_items(m.id).height == 0
        assert store.list_meetings()["agenda_items"].to_list() == [0]
        assert store.list_agenda_items(m.id, removed=True)["id"].to_list() == [item.id]
        with pytest.raises(StoreError, match="removed by Eli"):
            store.update_agenda_item(item.id, {"decision": "x"})
        store.restore_agenda_item(item.id, who="Dana")
        assert store.list_agenda_items(m.id)["decision"].to_list() == ["Ship"]

        closed = store.close_meeting(m.id, minutes="# frozen", who="Dana")
        assert (closed.closed_by, closed.minutes) == ("Dana", "# frozen")
        for write in (
            lambda: store.update_agenda_item(item.id, {"decision": "late"}),
            lambda: store.delete_agenda_item(item.id),
            lambda: store.add_agenda_item(m.id, "Late point"),
            lambda: store.update_meeting(m.id, {"notes": "late"}),
            lambda: store.create_action("Late", meeting_id=m.id),
            lambda: store.close_meeting(m.id),
        ):
            with pytest.raises(StoreError, match="was closed by Dana"):
                write()
        assert store.get_meeting(m.id).minutes == "# frozen"


def _race(db_url: str, write_theirs, save_mine) -> object:
    """Run ``save_mine`` while another process holds an uncommitted ``write_theirs``; return
    what ``save_mine`` returned or raised."""
    outcome: list[object] = []

    def mine() -> None:
        try:
            outcome.append(save_mine())
        except Exception as exc:
            outcome.append(exc)

    with Store(db_url) as other, other.engine.connect() as conn:
        conn.execution_options(**{migrations.WRITE_OPTION: True})
        with conn.begin():
            write_theirs(conn)
            thread = threading.Thread(target=mine)
            thread.start()
            time.sleep(0.4)  # mine reads while theirs is not committed yet
        thread.join(15)
    return outcome[0]


def test_a_save_racing_another_process_is_a_conflict(db_url: str) -> None:
    """Two app servers saving the same meeting title or agenda decision at once: the second is
    told, on PostgreSQL too (its check waits for the first's uncommitted change)."""
    with Store(db_url) as store:
        m = store.create_meeting("2026-11-20", title="Weekly")
        item = store.add_agenda_item(m.id, "API errors")
        got = _race(
            db_url,
            lambda c: c.execute(
                sa.update(Meeting).where(Meeting.id == m.id).values(title="Theirs", updated_by="bo")
            ),
            lambda: store.update_meeting(m.id, {"title": "Mine"}, expected={"title": "Weekly"}),
        )
        assert isinstance(got, ConflictError) and "bo" in str(got), got
        assert store.get_meeting(m.id).title == "Theirs"
        got = _race(
            db_url,
            lambda c: c.execute(
                sa.update(AgendaItem).where(AgendaItem.id == item.id).values(decision="Theirs")
            ),
            lambda: store.update_agenda_item(
                item.id, {"decision": "Mine"}, expected={"decision": ""}
            ),
        )
        assert isinstance(got, ConflictError), got
        assert store.list_agenda_items(m.id)["decision"].to_list() == ["Theirs"]
