"""lib.store.engine: SQLite settings, URL resolution, one store per URL, crash safety and
PostgreSQL, on real database files."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lib import store as store_mod
from lib.errors import ConflictError, StoreError
from lib.store import Store, migrations
from tests.store.helpers import (
    ROOT,
    TODAY,
    _check_complete,
    _sql,
)


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_foreign_keys(store: Store) -> None:
    assert _sql(store.db_path, "PRAGMA journal_mode") == [("wal",)]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store_mod.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_url_resolution_and_one_store_per_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REVIEW_DATA_DIR", raising=False)
    assert store_mod.resolve_url() == f"sqlite:///{ROOT / 'data' / 'review.sqlite'}"
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path / "home"))
    assert store_mod.resolve_url() == f"sqlite:///{tmp_path / 'home' / 'review.sqlite'}"
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert store_mod.resolve_url() == url
    assert store_mod.resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_mod.resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_mod.resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    first = store_mod.default_store()
    try:
        assert store_mod.default_store(url) is first
        assert store_mod.get_engine() is first.engine
        assert first.snapshot_dir == tmp_path / "snapshots"
    finally:
        store_mod.reset_default_stores()
    assert store_mod.default_store(url) is not first
    store_mod.reset_default_stores()


CHILD = """
import sys
from lib.store import Store
store = Store(sys.argv[1])
i = 0
while True:
    item = store.create_action(f"item {i}", owner="ana", who="child")
    store.update_action(
        item.id,
        {"owner": "bo", "priority": "high", "description": "x" * 4000},
        expected_version=1,
        who="child",
    )
    print(item.id, flush=True)
    i += 1
"""


@pytest.mark.sqlite_only
def test_nothing_is_lost_when_killed_mid_write(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    Store(db_url).close()
    committed: list[int] = []
    for round_, wait in enumerate((0.0, 0.013, 0.031)):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, db_url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for _ in range(25 + 10 * round_):
                line = child.stdout.readline()
                assert line, child.stderr.read()
                committed.append(int(line))
            time.sleep(wait)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        # Whatever the child printed after our last read was committed too: collect it.
        committed.extend(int(x) for x in child.stdout.read().split())
    assert len(committed) >= 105
    count = _check_complete(path)
    rows = dict(_sql(path, "SELECT id, version FROM action_item"))
    assert set(committed) <= set(rows)  # every reported commit is there
    assert all(rows[i] == 2 for i in committed)
    assert count - len(committed) <= 3  # at most one unreported item per kill
    with Store(db_url) as again:
        assert again.list_actions(owner="bo").height >= len(committed)


@pytest.mark.postgres
def test_postgresql_works_with_no_code_change(pg_url: str) -> None:
    # a plain postgresql:// URL (no driver named) works too: it gets psycopg 3
    bare = "postgresql://" + pg_url.split("://", 1)[1]
    first, second = Store(pg_url), Store(bare)
    try:
        assert first.schema_version == migrations.LATEST
        with first.engine.connect() as conn:
            assert conn.dialect.name == "postgresql"
        m = first.create_meeting(TODAY)
        item = first.create_action("PG item", owner="ana", meeting_id=m.id, due_date=TODAY)
        first.update_action(item.id, {"owner": "bo"}, expected_version=1, who="bo")
        with pytest.raises(ConflictError, match="changed by bo"):
            second.update_action(item.id, {"owner": "cy"}, expected_version=1, who="cy")
        assert second.action_history(item.id)["field"].to_list() == ["created", "owner"]
        first.save_mapping(f"fp-{item.id}", {"ticket_id": "Id"})
        assert second.get_mapping(f"fp-{item.id}") == {"ticket_id": "Id"}
        key = first.set_alert_state(
            {"topic": "SSO", "metric": "volume", "kind": "spike", "start": TODAY}, "agenda"
        )
        assert key in second.agenda_alerts()["alert_key"].to_list()
        assert item.id in first.list_actions(owner="bo")["id"].to_list()
        assert item.id not in first.open_actions_before(m.id)["id"].to_list()
        with pytest.raises(StoreError, match="pg_dump"):
            first.backup("/tmp/never.sqlite")
    finally:
        first.close()
        second.close()


def test_a_new_database_locked_by_another_process_is_waited_for(tmp_path: Path) -> None:
    """SQLite fails the WAL pragma at once while another connection locks the file (no busy
    handler): opening must wait for the lock, as every other statement does."""
    import sqlite3
    import threading
    import time

    path = tmp_path / "new.sqlite"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")  # another process writing, the file not yet in WAL mode
    other.execute("INSERT INTO t VALUES (1)")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    t0 = time.monotonic()
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version == migrations.LATEST
    assert time.monotonic() - t0 >= 0.4  # it waited for the lock instead of failing
    other.close()
