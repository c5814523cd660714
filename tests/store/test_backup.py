"""lib.store.backup: consistent online backups and checked, migrated restores."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from lib.errors import PermissionDenied, StoreError
from lib.store import Store
from lib.store.migrations import LATEST
from tests.store.helpers import (
    VIEWER,
    _check_complete,
    _make_v1_database,
    _sql,
    _tickets,
)

pytestmark = pytest.mark.sqlite_only  # backups are SQLite files


def _writer_thread(url: str, stop: threading.Event) -> threading.Thread:
    def run() -> None:
        with Store(url) as s:
            i = 0
            while not stop.is_set():
                item = s.create_action(f"bg {i}", who="bg")
                s.update_action(item.id, {"owner": "x"}, expected_version=1, who="bg")
                i += 1

    t = threading.Thread(target=run)
    t.start()
    return t


def test_backup_is_consistent_while_another_connection_writes(store: Store, tmp_path: Path) -> None:
    stop = threading.Event()
    writer = _writer_thread(store.url, stop)
    try:
        time.sleep(0.3)
        copies = [store.backup(tmp_path / "backups" / f"b{i}.sqlite") for i in range(3)]
    finally:
        stop.set()
        writer.join()
    counts = [_check_complete(c) for c in copies]
    assert counts[0] > 0 and counts == sorted(counts)
    assert _sql(copies[0], "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert not list((tmp_path / "backups").glob(".*"))  # no temp files left


def test_backup_and_restore_round_trip(store: Store, tmp_path: Path) -> None:
    m = store.create_meeting("2025-02-03")
    a = store.create_action("Keep me", owner="ana", meeting_id=m.id)
    store.set_category_tag("SSO", "policy")
    ds = store.register_dataset("Q4", _tickets())
    saved = store.backup(tmp_path / "backup.sqlite")

    store.update_action(a.id, {"owner": "bo"}, expected_version=1)
    store.create_action("Made after the backup")
    store.remove_category_tag("SSO")
    store.rename_dataset(ds.id, "renamed")
    other = Store(store.url)  # another process's view of the same file
    try:
        result = store.restore(saved)
        assert result["from_version"] == LATEST and result["schema_version"] == LATEST
        for view in (store, other):
            actions = view.list_actions()
            assert actions.select("title", "owner", "version").rows() == [("Keep me", "ana", 1)]
            assert view.get_category_tags()["category"].to_list() == ["SSO"]
            assert view.get_dataset(ds.id).name == "Q4"
        assert _sql(store.db_path, "PRAGMA journal_mode") == [("wal",)]
        _check_complete(store.db_path)
        # The state before the restore was kept beside the database.
        kept = Path(result["previous_copy"])
        assert kept.name.startswith("review.sqlite.bak-")
        assert sorted(_sql(kept, "SELECT title FROM action_item")) == [
            ("Keep me",),
            ("Made after the backup",),
        ]
        # Writing after a restore works and is seen by both.
        store.create_action("After restore")
        assert other.list_actions().height == 2
    finally:
        other.close()


def _script(path: Path, sql: str, *, store: bool = False) -> None:
    if store:
        Store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    try:
        conn.executescript(sql)
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(os.urandom(8192)), "not an Escalation Review backup"),
        (lambda p: p.write_text("id,subject\n1,hello\n"), "not an Escalation Review backup"),
        (lambda p: p.write_bytes(b""), "not an Escalation Review backup"),
        (lambda p: _script(p, "CREATE TABLE notes (x)"), "no schema_version table"),
        (
            lambda p: _script(
                p,
                "CREATE TABLE schema_version (version INTEGER, name TEXT, applied_at TEXT);"
                "INSERT INTO schema_version VALUES (1, 'initial', '2025-01-01');",
            ),
            "missing action_history",
        ),
        (
            lambda p: _script(
                p,
                f"INSERT INTO schema_version VALUES ({LATEST + 1}, 'future', '2030-01-01');",
                store=True,
            ),
            "newer version",
        ),
    ],
)
def test_restore_refuses_other_files_and_changes_nothing(
    store: Store, tmp_path: Path, make, message: str
) -> None:
    store.create_action("Precious", owner="ana")
    before = store.list_actions()
    bad = tmp_path / "upload" / "backup.sqlite"
    bad.parent.mkdir()
    make(bad)
    with pytest.raises(StoreError, match=message):
        store.restore(bad)
    assert store.list_actions().equals(before)
    leftovers = [
        p.name for p in store.db_path.parent.iterdir() if ".bak-" in p.name or "restore" in p.name
    ]
    assert leftovers == []


def test_restore_of_a_v1_backup_migrates_it(store: Store, tmp_path: Path) -> None:
    old = tmp_path / "v1.sqlite"
    _make_v1_database(old)
    result = store.restore(old)
    assert (result["from_version"], result["schema_version"]) == (1, LATEST)
    assert store.get_action(1).title == "Write SSO article"
    store.set_knowledge_coverage("SSO", article_exists=True)
    assert _sql(store.db_path, "SELECT MAX(version) FROM schema_version") == [(LATEST,)]


def test_backup_never_overwrites_the_database(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot overwrite the database"):
        store.backup(store.db_path)


def test_backup_needs_a_sqlite_file() -> None:
    with Store("sqlite://") as mem, pytest.raises(StoreError, match="SQLite database file"):
        mem.backup("/tmp/never.sqlite")


def _crafted(store: Store, tmp_path: Path, sql: str) -> Path:
    """A real backup of ``store`` with ``sql`` run on it afterwards (a hostile file)."""
    path = store.backup(tmp_path / "crafted.sqlite")
    with sqlite3.connect(path) as conn:
        conn.executescript(sql)
    return path


def test_a_backup_pointing_a_snapshot_outside_the_data_folder_is_refused(
    store: Store, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.txt").write_text("years of work")
    (victim / "thesis.bak").write_text("more work")
    ds = store.register_dataset("Q4", _tickets())
    for path in ("../../victim/thesis.txt", str(victim / "thesis.txt"), "*.parquet", "."):
        bad = _crafted(store, tmp_path, f"UPDATE dataset SET snapshot_path = '{path}';")
        with pytest.raises(StoreError, match="refused: the snapshot of dataset #1 “Q4”"):
            store.restore(bad)
    assert store.load_snapshot(ds.id).height == 5  # nothing was changed

    # A database that already holds such a row (restored by an older version): every use
    # refuses it, and deleting the dataset removes the row and no file outside.
    _sql(store.db_path, "UPDATE dataset SET snapshot_path = '../../victim/thesis.txt'")
    with pytest.raises(StoreError, match="is refused: it is not a snapshot file name"):
        store.snapshot_file(ds.id)
    with pytest.raises(StoreError, match="is refused"):
        store.load_snapshot(ds.id)
    assert store.list_datasets()["snapshot"].to_list() == [None]
    report = store.delete_dataset(ds.id)
    assert report["files"] == []
    assert sorted(p.name for p in victim.iterdir()) == ["thesis.bak", "thesis.txt"]


def test_triggers_and_views_in_a_backup_do_not_come_across(store: Store, tmp_path: Path) -> None:
    m = store.create_meeting("2025-02-03", notes="Our notes")
    bad = _crafted(
        store,
        tmp_path,
        "CREATE TRIGGER rewrite AFTER INSERT ON action_item BEGIN "
        "UPDATE meeting SET notes = 'pwned'; END;"
        "CREATE VIEW spy AS SELECT * FROM setting;"
        "CREATE TABLE extra (x);",
    )
    store.restore(bad)
    objects = _sql(store.db_path, "SELECT type, name FROM sqlite_master WHERE type != 'index'")
    assert not [o for o in objects if o[0] in ("trigger", "view") or o[1] == "extra"]
    store.create_action("An ordinary write")
    assert store.get_meeting(m.id).notes == "Our notes"


def test_a_backup_leaves_out_the_pseudonym_key_and_a_restore_keeps_it(
    store: Store, tmp_path: Path
) -> None:
    key = store.secret_key("pseudonym_key")
    saved = store.backup(tmp_path / "backup.sqlite")
    assert key.hex().encode() not in saved.read_bytes()
    assert _sql(saved, "SELECT value FROM setting WHERE key = 'pseudonym_key'") == []
    store.restore(saved)
    assert store.secret_key("pseudonym_key") == key
    # an older backup that still holds another key does not replace this installation's
    _sql(saved, "INSERT INTO setting VALUES ('pseudonym_key', '\"00\"', 'x', '2025-01-01')")
    store.restore(saved)
    assert store.secret_key("pseudonym_key") == key
    with pytest.raises(PermissionDenied, match="read-only"):
        store.backup(tmp_path / "viewer.sqlite", actor=VIEWER)
