"""lib.store.settings: named settings round trip."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.store import Store
from lib.store._base import _set_setting, _upsert
from lib.store.alerts import alert_key
from lib.store.models import AlertState, CategoryTag, KnowledgeCoverage, SavedMapping
from tests.store.helpers import _race


def test_settings_round_trip(store: Store) -> None:
    assert store.get_setting("sensitivity", "balanced") == "balanced"
    store.set_setting("sensitivity", {"level": "conservative", "fdr": 0.01})
    assert store.get_setting("sensitivity") == {"level": "conservative", "fdr": 0.01}


def test_two_servers_setting_one_new_key_at_once_both_succeed(db_url: str) -> None:
    """Server A has inserted the key and not yet committed when server B sets it: B waits and
    then overwrites (on PostgreSQL a read-then-insert failed with a duplicate key, seen in the
    two-server load test when both servers first opened the Anomalies page)."""
    a = _race(
        db_url,
        lambda s: _set_setting(s, "sentiment_method:1", "vader", "a"),
        lambda b: b.set_setting("sentiment_method:1", "own"),
    )
    try:
        assert a.get_setting("sentiment_method:1") == "own"
        a.set_setting("sentiment_method:1", "model")  # an existing key is updated in place
        with Store(db_url) as b:
            assert b.get_setting("sentiment_method:1") == "model"
    finally:
        a.close()


ALERT = {"topic": "SSO", "metric": "volume", "kind": "spike", "start": dt.date(2026, 3, 2)}
RACES = {  # the write both servers make, the row server A holds uncommitted, what B leaves
    "alert": (
        lambda st: st.set_alert_state(ALERT, "known", note="B"),
        lambda: (AlertState, {"alert_key": alert_key(**ALERT), "state": "agenda"}, "alert_key"),
        lambda st: st.get_alert_states().row(0, named=True)["note"],
    ),
    "category tag": (
        lambda st: st.set_category_tag("SSO", "policy", note="B"),
        lambda: (CategoryTag, {"category": "SSO", "kind": "skill"}, "category"),
        lambda st: st.get_category_tags().row(0, named=True)["note"],
    ),
    "saved mapping": (
        lambda st: st.save_mapping("f1", {"ticket_id": "B"}),
        lambda: (SavedMapping, {"fingerprint": "f1", "mapping": {"ticket_id": "A"}}, "fingerprint"),
        lambda st: st.get_mapping("f1")["ticket_id"],
    ),
    "knowledge coverage": (
        lambda st: st.set_knowledge_coverage("SSO", article_exists=True, note="B"),
        lambda: (KnowledgeCoverage, {"category": "SSO", "note": "A"}, "category"),
        lambda st: st.get_knowledge_coverage().row(0, named=True)["note"],
    ),
}


@pytest.mark.parametrize("write", list(RACES))
def test_two_servers_writing_one_new_row_at_once_both_succeed(db_url: str, write: str) -> None:
    """Two people triage the same alert (or tag the same category) through two servers at the
    same moment: the second write waits and wins, where a read-then-insert failed on
    PostgreSQL with a duplicate key."""
    b_writes, a_row, b_value = RACES[write]
    a = _race(db_url, lambda s: _upsert(s, *a_row()), b_writes)
    try:
        assert b_value(a) == "B"
    finally:
        a.close()
