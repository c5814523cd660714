"""lib.store.meetings: meetings, agenda items and decision conflicts."""

from __future__ import annotations

import pytest

from lib.errors import ConflictError, StoreError
from lib.store import Actor, Store


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
