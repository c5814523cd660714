"""lib.store.settings: named settings round trip."""

from __future__ import annotations

import threading

from lib.store import Store
from lib.store._base import _set_setting


def test_settings_round_trip(store: Store) -> None:
    assert store.get_setting("sensitivity", "balanced") == "balanced"
    store.set_setting("sensitivity", {"level": "conservative", "fdr": 0.01})
    assert store.get_setting("sensitivity") == {"level": "conservative", "fdr": 0.01}


def test_two_servers_setting_one_new_key_at_once_both_succeed(db_url: str) -> None:
    """Server A has inserted the key and not yet committed when server B sets it: B waits and
    then overwrites (on PostgreSQL a read-then-insert failed with a duplicate key, seen in the
    two-server load test when both servers first opened the Anomalies page)."""
    a, b = Store(db_url), Store(db_url)
    errors: list[BaseException] = []

    def other() -> None:
        try:
            b.set_setting("sentiment_method:1", "own")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    try:
        with a._write() as s:
            _set_setting(s, "sentiment_method:1", "vader", "a")
            s.flush()
            t = threading.Thread(target=other)
            t.start()
            t.join(0.5)  # B is waiting for A's uncommitted row (or SQLite's write lock)
        t.join(30)
        assert not t.is_alive() and not errors, errors
        assert a.get_setting("sentiment_method:1") == "own"
        a.set_setting("sentiment_method:1", "model")  # an existing key is updated in place
        assert b.get_setting("sentiment_method:1") == "model"
    finally:
        a.close()
        b.close()
