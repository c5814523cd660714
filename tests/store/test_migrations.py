"""lib.store.migrations and lib.store.models: a migrated database matches the models, old
databases are brought up to date, newer or foreign ones are refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from lib.errors import StoreError
from lib.store import Store, migrations
from tests.store.helpers import (
    _make_v1_database,
    _schema_of,
    _sql,
)


def test_models_match_what_the_migrations_build(tmp_path: Path) -> None:
    migrated = Store(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    models = sa.create_engine(f"sqlite:///{tmp_path / 'models.sqlite'}")
    SQLModel.metadata.create_all(models)
    try:
        assert _schema_of(migrated.engine) == _schema_of(models)
        assert migrated.schema_version == migrations.LATEST
    finally:
        migrated.close()
        models.dispose()


def test_v1_database_opens_without_loss_and_gains_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _make_v1_database(path)
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version == migrations.LATEST
        assert _sql(path, "SELECT version FROM schema_version ORDER BY version") == [
            (v,) for v in range(1, migrations.LATEST + 1)
        ]
        ds = store.get_active_dataset()
        assert (ds.id, ds.name, ds.row_count, ds.source_files) == (
            1,
            "Zendesk Q4",
            1200,
            ["q4.csv"],
        )
        assert ds.mapping == {"ticket_id": "Id"} and ds.report is None
        assert ds.business_tz is None  # stored before zones: its days were UTC days
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
        assert store.set_business_zone(1, "Europe/Berlin").business_tz == "Europe/Berlin"
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
        assert again.schema_version == migrations.LATEST
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
    assert results == [migrations.LATEST] * 4
    versions = _sql(tmp_path / "new.sqlite", "SELECT version FROM schema_version")
    assert versions == [(v,) for v in range(1, migrations.LATEST + 1)]


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
