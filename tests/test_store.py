"""Tests for lib/store.py and lib/migrations on real SQLite files."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from lib import migrations
from lib import store as store_mod
from lib.errors import ConflictError, PermissionDenied, StoreError
from lib.store import Actor, Store, alert_key

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date.today()
EDITOR = Actor("ed@example.com", "editor")
VIEWER = Actor("vi@example.com", "viewer")


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated database, copied for each test (migrating costs a few fsyncs)."""
    path = tmp_path_factory.mktemp("template") / "review.sqlite"
    Store(f"sqlite:///{path}").close()
    assert not Path(f"{path}-wal").exists()  # checkpointed: the one file is the database
    return path


@pytest.fixture
def db_url(tmp_path: Path, template_db: Path) -> str:
    shutil.copyfile(template_db, tmp_path / "review.sqlite")
    return f"sqlite:///{tmp_path / 'review.sqlite'}"


@pytest.fixture
def store(db_url: str):
    s = Store(db_url)
    yield s
    s.close()


def _sql(path: Path, query: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(query, params).fetchall()


def _schema_of(engine: sa.Engine) -> dict:
    """Tables -> columns (name, nullable, primary key), indexes and foreign keys."""
    insp = sa.inspect(engine)
    out = {}
    conn = engine.connect()
    for table in insp.get_table_names():
        if table == "schema_version":
            continue
        pk = set(insp.get_pk_constraint(table)["constrained_columns"])
        out[table] = {
            "columns": {
                (c["name"], c["nullable"] and c["name"] not in pk) for c in insp.get_columns(table)
            },
            "pk": pk,
            "indexes": {i["name"] for i in insp.get_indexes(table)},
            "fks": {  # from SQLite itself: the reflection's option parsing depends on DDL style
                (row[3], row[2], row[6])
                for row in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')
            },
        }
    conn.close()
    return out


def _tickets(n: int = 5) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(n)],
            "category": ["SSO", "Billing", "SSO", "API", "SSO"][:n],
            "escalated": [True, False, False, True, False][:n],
        }
    )


# ------------------------------------------------------------------------------ engine, settings


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
    assert store_mod.resolve_url("postgres://u@h/db") == "postgresql://u@h/db"
    first = store_mod.default_store()
    try:
        assert store_mod.default_store(url) is first
        assert store_mod.get_engine() is first.engine
        assert first.snapshot_dir == tmp_path / "snapshots"
    finally:
        store_mod.reset_default_stores()
    assert store_mod.default_store(url) is not first
    store_mod.reset_default_stores()


def test_settings_round_trip(store: Store) -> None:
    assert store.get_setting("sensitivity", "balanced") == "balanced"
    store.set_setting("sensitivity", {"level": "conservative", "fdr": 0.01})
    assert store.get_setting("sensitivity") == {"level": "conservative", "fdr": 0.01}


# ------------------------------------------------------------------------------ migrations

V1_SQL = """
CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR NOT NULL,
    applied_at DATETIME NOT NULL);
CREATE TABLE dataset (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, name VARCHAR NOT NULL,
    created_at DATETIME NOT NULL, source_files JSON, vendor VARCHAR, row_count INTEGER NOT NULL,
    snapshot_path VARCHAR, mapping JSON, rules JSON);
CREATE TABLE setting ("key" VARCHAR NOT NULL PRIMARY KEY, value JSON, updated_by VARCHAR,
    updated_at DATETIME NOT NULL);
CREATE TABLE saved_mapping (fingerprint VARCHAR NOT NULL PRIMARY KEY, vendor VARCHAR,
    mapping JSON NOT NULL, updated_by VARCHAR, updated_at DATETIME NOT NULL);
CREATE TABLE category_tag (category VARCHAR NOT NULL PRIMARY KEY, kind VARCHAR NOT NULL,
    note VARCHAR NOT NULL, updated_by VARCHAR, updated_at DATETIME NOT NULL);
CREATE TABLE alert_state (alert_key VARCHAR NOT NULL PRIMARY KEY,
    dataset_id INTEGER REFERENCES dataset (id) ON DELETE CASCADE, state VARCHAR NOT NULL,
    note VARCHAR NOT NULL, updated_by VARCHAR, updated_at DATETIME NOT NULL);
CREATE INDEX ix_alert_state_dataset_id ON alert_state (dataset_id);
CREATE TABLE meeting (id INTEGER NOT NULL PRIMARY KEY, date DATE NOT NULL, period_start DATE,
    period_end DATE, dataset_id INTEGER REFERENCES dataset (id) ON DELETE SET NULL,
    title VARCHAR NOT NULL, attendees VARCHAR NOT NULL, notes VARCHAR NOT NULL,
    created_by VARCHAR, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);
CREATE TABLE agenda_item (id INTEGER NOT NULL PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
    source VARCHAR NOT NULL, ref VARCHAR, title VARCHAR NOT NULL, detail VARCHAR NOT NULL,
    decision VARCHAR NOT NULL, position INTEGER NOT NULL, updated_by VARCHAR,
    updated_at DATETIME NOT NULL);
CREATE INDEX ix_agenda_item_meeting_id ON agenda_item (meeting_id);
CREATE TABLE action_item (id INTEGER NOT NULL PRIMARY KEY, title VARCHAR NOT NULL,
    description VARCHAR NOT NULL, owner VARCHAR NOT NULL, due_date DATE, status VARCHAR NOT NULL,
    priority VARCHAR NOT NULL, link_kind VARCHAR, link_value VARCHAR,
    created_in_meeting INTEGER REFERENCES meeting (id) ON DELETE SET NULL,
    closed_in_meeting INTEGER REFERENCES meeting (id) ON DELETE SET NULL, created_by VARCHAR,
    created_at DATETIME NOT NULL, closed_at DATETIME, outcome_note VARCHAR NOT NULL,
    version INTEGER NOT NULL, updated_by VARCHAR, updated_at DATETIME NOT NULL);
CREATE INDEX ix_action_item_status ON action_item (status);
CREATE INDEX ix_action_item_owner ON action_item (owner);
CREATE TABLE action_history (id INTEGER NOT NULL PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES action_item (id) ON DELETE CASCADE,
    version INTEGER NOT NULL, changed_at DATETIME NOT NULL, changed_by VARCHAR NOT NULL,
    field VARCHAR NOT NULL, old_value VARCHAR, new_value VARCHAR);
CREATE INDEX ix_action_history_action_id ON action_history (action_id);

INSERT INTO schema_version VALUES (1, 'initial', '2025-01-06 09:00:00.000000');
INSERT INTO dataset VALUES (1, 'Zendesk Q4', '2025-01-06 09:00:00.000000', '["q4.csv"]',
    'zendesk', 1200, NULL, '{"ticket_id": "Id"}', '[]');
INSERT INTO setting VALUES ('active_dataset_id', '1', 'ana', '2025-01-06 09:00:00.000000');
INSERT INTO saved_mapping VALUES ('fp1', 'generic', '{"ticket_id": "Case"}', 'ana',
    '2025-01-06 09:00:00.000000');
INSERT INTO category_tag VALUES ('SSO', 'policy', 'needs admin rights', 'ana',
    '2025-01-06 09:00:00.000000');
INSERT INTO alert_state VALUES ('SSO|volume|spike|2025-01-02', 1, 'agenda', '', 'ana',
    '2025-01-06 09:00:00.000000');
INSERT INTO meeting VALUES (1, '2025-01-07', '2024-12-24', '2025-01-06', 1, 'Review 1',
    'ana, bo', 'notes', 'ana', '2025-01-07 10:00:00.000000', '2025-01-07 10:00:00.000000');
INSERT INTO agenda_item VALUES (1, 1, 'driver', 'SSO', 'SSO up 40%', '', 'write article', 0,
    'ana', '2025-01-07 10:00:00.000000');
INSERT INTO action_item VALUES (1, 'Write SSO article', '', 'bo', '2025-01-20', 'open', 'high',
    'category', 'SSO', 1, NULL, 'ana', '2025-01-07 10:05:00.000000', NULL, '', 2, 'bo',
    '2025-01-08 11:00:00.000000');
INSERT INTO action_history VALUES (1, 1, 1, '2025-01-07 10:05:00.000000', 'ana', 'created',
    NULL, 'Write SSO article');
INSERT INTO action_history VALUES (2, 1, 2, '2025-01-08 11:00:00.000000', 'bo', 'due_date',
    '2025-01-14', '2025-01-20');
"""


def _make_v1_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SQL)


def test_models_match_what_the_migrations_build(tmp_path: Path) -> None:
    migrated = Store(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    models = sa.create_engine(f"sqlite:///{tmp_path / 'models.sqlite'}")
    SQLModel.metadata.create_all(models)
    try:
        assert _schema_of(migrated.engine) == _schema_of(models)
        assert migrated.schema_version == migrations.LATEST == 2
    finally:
        migrated.close()
        models.dispose()


def test_v1_database_opens_without_loss_and_gains_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _make_v1_database(path)
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version == 2
        assert _sql(path, "SELECT version FROM schema_version ORDER BY version") == [(1,), (2,)]
        ds = store.get_active_dataset()
        assert (ds.id, ds.name, ds.row_count, ds.source_files) == (
            1,
            "Zendesk Q4",
            1200,
            ["q4.csv"],
        )
        assert ds.mapping == {"ticket_id": "Id"} and ds.report is None
        assert store.get_mapping("fp1") == {"ticket_id": "Case"}
        assert store.get_category_tags().select("category", "kind", "note").rows() == [
            ("SSO", "policy", "needs admin rights")
        ]
        item = store.get_action(1)
        assert (item.title, item.owner, item.due_date, item.version) == (
            "Write SSO article",
            "bo",
            dt.date(2025, 1, 20),
            2,
        )
        assert item.created_at == dt.datetime(2025, 1, 7, 10, 5, tzinfo=dt.UTC)
        assert store.action_history(1)["field"].to_list() == ["created", "due_date"]
        assert store.list_agenda_items(1)["decision"].to_list() == ["write article"]
        # The old alert row is kept; its new detail columns are empty.
        alerts = store.get_alert_states()
        assert alerts["alert_key"].to_list() == ["SSO|volume|spike|2025-01-02"]
        assert alerts["topic"].to_list() == [None]
        # New tables and columns work on the migrated file.
        store.set_knowledge_coverage("SSO", article_exists=True, link="https://kb/sso")
        store.add_event("2025-01-10", "release", "v2.3")
        store.set_alert_state(
            {"topic": "SSO", "metric": "volume", "kind": "spike", "start": dt.date(2025, 1, 2)},
            "known",
        )
        assert store.get_alert_states()["topic"].to_list() == ["SSO"]
        updated = store.update_action(1, {"status": "done"}, expected_version=2, who="bo")
        assert updated.version == 3 and updated.closed_at is not None
    # The migrated file has exactly the schema a new database gets.
    with Store(f"sqlite:///{tmp_path / 'fresh.sqlite'}") as fresh:
        old = sa.create_engine(f"sqlite:///{path}")
        try:
            assert _schema_of(old) == _schema_of(fresh.engine)
        finally:
            old.dispose()
    # Opening again is a no-op.
    with Store(f"sqlite:///{path}") as again:
        assert again.schema_version == 2
        assert again.get_action(1).version == 3


def test_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    barrier = threading.Barrier(4)
    results: list[object] = []

    def open_it() -> None:
        barrier.wait()
        try:
            with Store(url) as s:
                results.append(s.schema_version)
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [2, 2, 2, 2]
    assert _sql(tmp_path / "new.sqlite", "SELECT version FROM schema_version") == [(1,), (2,)]


def test_newer_or_foreign_databases_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    Store(f"sqlite:///{newer}").close()
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'future', '2030-01-01 00:00:00')")
    with pytest.raises(StoreError, match=r"newer version .*\(schema 99;"):
        Store(f"sqlite:///{newer}")
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, payload TEXT)")
    with pytest.raises(StoreError, match="not an Escalation Review database"):
        Store(f"sqlite:///{foreign}")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="Cannot open the database"):
        Store(f"sqlite:///{junk}")


def test_model_tables_compile_for_postgresql() -> None:
    from sqlalchemy.dialects import postgresql

    for table in SQLModel.metadata.sorted_tables:
        ddl = str(sa.schema.CreateTable(table).compile(dialect=postgresql.dialect()))
        assert "AUTOINCREMENT" not in ddl and "PRAGMA" not in ddl


# ------------------------------------------------------------------------------ action items


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


# ------------------------------------------------------------------------------ roles

WRITE_VERBS = (
    "set_",
    "add_",
    "create_",
    "update_",
    "delete_",
    "register_",
    "rename_",
    "save_",
    "close_",
    "clear_",
    "remove_",
    "replace_",
    "restore",
)


def _write_methods() -> list[str]:
    return sorted(
        name
        for name, fn in inspect.getmembers(Store, inspect.isfunction)
        if name.startswith(WRITE_VERBS)
    )


def test_every_write_takes_an_actor() -> None:
    names = _write_methods()
    assert len(names) >= 24
    for name in names:
        assert "actor" in inspect.signature(getattr(Store, name)).parameters, name


@pytest.mark.parametrize("name", _write_methods())
def test_viewers_cannot_write(store: Store, name: str) -> None:
    before = _sql(store.db_path, "SELECT COUNT(*) FROM action_history")
    sig = inspect.signature(getattr(Store, name))
    args = [
        "x"
        for p in list(sig.parameters.values())[1:]
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty
    ]
    kwargs = {
        p.name: 1
        for p in sig.parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    }
    with pytest.raises(PermissionDenied, match=r"vi@example\.com has read-only access"):
        getattr(store, name)(*args, **kwargs, actor=VIEWER)
    assert _sql(store.db_path, "SELECT COUNT(*) FROM action_history") == before


def test_editors_and_single_user_mode_can_write(store: Store) -> None:
    item = store.create_action("By editor", actor=EDITOR)
    assert item.created_by == "ed@example.com"
    store.set_category_tag("SSO", "skill", actor=EDITOR)
    assert store.get_category_tags()["updated_by"].to_list() == ["ed@example.com"]
    assert store.create_action("Single user").created_by == store_mod.LOCAL_USER
    assert (
        store_mod.can_edit(None) and store_mod.can_edit(EDITOR) and not store_mod.can_edit(VIEWER)
    )
    with pytest.raises(StoreError, match="Unknown role 'admin'"):
        Actor("x@example.com", "admin")


# ------------------------------------------------------------------------------ datasets


def test_register_load_switch_rename(store: Store) -> None:
    tickets = _tickets()
    a = store.register_dataset(
        "Q4 export",
        tickets,
        source_files=["oct.csv", "nov.csv"],
        vendor="zendesk",
        mapping={"ticket_id": "Id"},
        rules=[{"name": "tag", "on": True}],
        report={"rows_read": 7, "dropped": [{"row": 3, "reason": "blank id"}], "from": TODAY},
        sentiment_method="vader",
    )
    assert store.get_active_dataset().id == a.id
    assert store.load_snapshot(a.id).equals(tickets)
    snap = store.snapshot_file(a.id)
    assert snap.parent == store.snapshot_dir and snap.suffix == ".parquet"
    assert [p.name for p in store.snapshot_dir.iterdir()] == [snap.name]  # no temp files left
    assert store.get_dataset(a.id).report["from"] == TODAY.isoformat()
    b = store.register_dataset("Other", _tickets(2), activate=False)
    assert store.get_active_dataset().id == a.id
    store.set_active_dataset(b.id)
    store.rename_dataset(b.id, "Jan export")
    listing = store.list_datasets()
    assert listing.select("id", "name", "row_count", "active").rows() == [
        (b.id, "Jan export", 2, True),
        (a.id, "Q4 export", 5, False),
    ]
    assert listing["source_files"].to_list() == [[], ["oct.csv", "nov.csv"]]
    with pytest.raises(StoreError, match="Dataset 99 does not exist"):
        store.set_active_dataset(99)
    assert store.get_active_dataset().id == b.id

    path = store.replace_snapshot(
        a.id, tickets.with_columns(sentiment=pl.lit(0.5)), sentiment_method="vader"
    )
    assert not snap.exists() and path.exists()
    assert store.load_snapshot(a.id)["sentiment"].to_list() == [0.5] * 5


def test_failed_registration_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_mod, "_set_setting", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store.register_dataset("Q4", _tickets())
    assert store.list_datasets().height == 0
    assert list(store.snapshot_dir.iterdir()) == []


def test_delete_dataset_removes_snapshot_and_derived_rows(store: Store) -> None:
    keep = store.register_dataset("Keep", _tickets(2))
    gone = store.register_dataset("Delete me", _tickets())
    sidecar = store.sidecar_path(gone.id, "sentiment.parquet")
    sidecar.write_bytes(b"cache")
    snap = store.snapshot_file(gone.id)
    for day, ds in ((1, gone.id), (2, gone.id), (3, keep.id)):
        alert = {"topic": "SSO", "metric": "volume", "kind": "spike", "start": f"2025-01-0{day}"}
        store.set_alert_state(alert, "dismissed", dataset_id=ds)
    meeting = store.create_meeting(TODAY, dataset_id=gone.id)
    report = store.delete_dataset(gone.id)
    assert report == {
        "dataset_id": gone.id,
        "name": "Delete me",
        "rows": 5,
        "files": [str(snap), str(sidecar)],
        "alert_states": 2,
        "meetings_unlinked": 1,
        "was_active": True,
    }
    assert not snap.exists() and not sidecar.exists()
    assert store.snapshot_file(keep.id).exists()
    assert store.get_alert_states()["dataset_id"].to_list() == [keep.id]
    assert store.get_meeting(meeting.id).dataset_id is None
    assert store.get_active_dataset() is None
    assert store.list_datasets()["id"].to_list() == [keep.id]
    with pytest.raises(StoreError, match="does not exist"):
        store.delete_dataset(gone.id)
    # Ids are never reused, so a cache keyed on the id cannot serve deleted data.
    assert store.register_dataset("New", _tickets(1)).id == gone.id + 1


def test_missing_snapshot_and_orphans(store: Store) -> None:
    ds = store.register_dataset("Q4", _tickets())
    store.snapshot_file(ds.id).unlink()
    with pytest.raises(StoreError, match="is missing: load the export again"):
        store.load_snapshot(ds.id)
    orphan = store.snapshot_dir / "dataset-77-deadbeef.parquet"
    orphan.write_bytes(b"left by a crash")
    assert store.remove_orphan_snapshots() == []  # too recent: maybe another process's write
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    assert store.remove_orphan_snapshots() == [orphan]
    assert not orphan.exists()


def test_a_failed_snapshot_write_leaves_no_file(store: Store) -> None:
    class Broken:
        def write_parquet(self, path: Path) -> None:
            Path(path).write_bytes(b"PAR1 half a file")
            raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        store.write_snapshot(Broken(), 1)  # type: ignore[arg-type]
    assert list(store.snapshot_dir.iterdir()) == []


def test_mapping_saved_by_fingerprint(store: Store) -> None:
    assert store.get_mapping("abc") is None
    store.save_mapping("abc", {"ticket_id": "Case Number", "created_at": "Opened"}, vendor="sf")
    store.save_mapping("def", {"ticket_id": "Key"})
    assert store.get_mapping("abc") == {"ticket_id": "Case Number", "created_at": "Opened"}
    store.save_mapping("abc", {"ticket_id": "Case"}, vendor="salesforce")
    assert store.get_mapping("abc") == {"ticket_id": "Case"}
    assert store.get_mapping("def") == {"ticket_id": "Key"}
    assert _sql(store.db_path, "SELECT vendor FROM saved_mapping WHERE fingerprint='abc'") == [
        ("salesforce",)
    ]


# ------------------------------------------------------------------------- tags, events, alerts


def test_tags_coverage_and_events(store: Store) -> None:
    store.set_category_tag("SSO", "policy", note="needs admin")
    store.set_category_tag("Billing", "skill")
    store.set_category_tag("SSO", "skill", note="article fixed")
    assert store.get_category_tags().select("category", "kind", "note").rows() == [
        ("Billing", "skill", ""),
        ("SSO", "skill", "article fixed"),
    ]
    store.remove_category_tag("Billing")
    assert store.get_category_tags()["category"].to_list() == ["SSO"]

    store.set_knowledge_coverage("SSO", article_exists=True, accurate=True, link="https://kb/1")
    cov = store.get_knowledge_coverage()
    assert cov.select("category", "article_exists", "accurate", "detailed_enough").rows() == [
        ("SSO", True, True, False)
    ]

    e1 = store.add_event("2025-02-01", "policy change", "Refund limit raised")
    store.add_event(dt.date(2025, 1, 15), "release", "v2.3", note="SSO rework")
    store.add_event("2025-03-01", "new playbook", "Billing playbook")
    assert store.list_events()["title"].to_list() == [
        "v2.3",
        "Refund limit raised",
        "Billing playbook",
    ]
    assert store.list_events(start="2025-01-20", end="2025-02-28")["id"].to_list() == [e1.id]
    store.delete_event(e1.id)
    assert store.list_events().height == 2


def test_alert_triage_and_agenda(store: Store) -> None:
    ds = store.register_dataset("Q4", _tickets())
    spike = {
        "topic": "SSO",
        "metric": "volume",
        "kind": "spike",
        "start": dt.date(2025, 1, 6),
        "end": dt.date(2025, 1, 6),
        "observed": 31,
        "expected": 9.5,
        "score": 6.2,
    }
    shift = {**spike, "kind": "level_shift", "start": dt.date(2025, 1, 10), "score": 3.0}
    noise = {**spike, "topic": "API", "start": dt.date(2025, 1, 3)}
    k1 = store.set_alert_state(spike, "agenda", dataset_id=ds.id, note="discuss")
    k2 = store.set_alert_state(shift, "agenda", dataset_id=ds.id)
    store.set_alert_state(noise, "dismissed", dataset_id=ds.id)
    assert k1 == alert_key("SSO", "volume", "spike", "2025-01-06") == "SSO|volume|spike|2025-01-06"
    agenda = store.agenda_alerts(ds.id)
    assert agenda["alert_key"].to_list() == [k2, k1]  # newest first
    assert agenda.filter(pl.col("alert_key") == k1).select("observed", "expected").row(0) == (
        31.0,
        9.5,
    )
    meeting = store.create_meeting(TODAY)
    store.add_agenda_item(meeting.id, "SSO spike", source="alert", ref=k1)
    assert store.agenda_alerts()["alert_key"].to_list() == [k2]
    assert store.agenda_alerts(pending=False).height == 2
    store.set_alert_state(shift, "known")  # re-triaged: the key is the same row
    assert store.get_alert_states().height == 3
    store.clear_alert_state(k2)
    assert set(store.get_alert_states()["alert_key"]) == {
        k1,
        alert_key("API", "volume", "spike", "2025-01-03"),
    }


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


# ------------------------------------------------------------------------------ backup and restore


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


def _check_complete(path: Path) -> int:
    """integrity_check is ok and every action item has its full history; return the count."""
    assert _sql(path, "PRAGMA integrity_check") == [("ok",)]
    assert _sql(path, "PRAGMA foreign_key_check") == []
    actions = _sql(path, "SELECT id, version FROM action_item")
    history = _sql(path, "SELECT action_id, version, field FROM action_history")
    by_item: dict[int, list[tuple[int, str]]] = {}
    for action_id, version, field in history:
        by_item.setdefault(action_id, []).append((version, field))
    for action_id, version in actions:
        rows = by_item.get(action_id, [])
        assert (1, "created") in rows, action_id
        assert max(v for v, _ in rows) == version, action_id
    return len(actions)


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
        assert result["from_version"] == 2 and result["schema_version"] == 2
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
                p, "INSERT INTO schema_version VALUES (7, 'future', '2030-01-01');", store=True
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
    assert (result["from_version"], result["schema_version"]) == (1, 2)
    assert store.get_action(1).title == "Write SSO article"
    store.set_knowledge_coverage("SSO", article_exists=True)
    assert _sql(store.db_path, "SELECT MAX(version) FROM schema_version") == [(2,)]


def test_backup_never_overwrites_the_database(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot overwrite the database"):
        store.backup(store.db_path)


def test_backup_needs_a_sqlite_file() -> None:
    with Store("sqlite://") as mem, pytest.raises(StoreError, match="SQLite database file"):
        mem.backup("/tmp/never.sqlite")


# ------------------------------------------------------------------------------ crash safety

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


# ------------------------------------------------------------------------------ PostgreSQL

PG_URL = os.environ.get("REVIEW_TEST_POSTGRES_URL")


@pytest.mark.skipif(not PG_URL, reason="set REVIEW_TEST_POSTGRES_URL to an empty test database")
def test_postgresql_works_with_no_code_change() -> None:
    first, second = Store(PG_URL), Store(PG_URL)
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
