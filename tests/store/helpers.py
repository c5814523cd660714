"""Helpers shared by the store tests: raw SQL on a database file, its schema, small ticket
frames, a version-1 database, a completeness check of the action history and two servers
writing one row at once (``_race``)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlmodel import Session

from lib.store import Actor, Store

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date.today()
EDITOR = Actor("ed@example.com", "editor")
VIEWER = Actor("vi@example.com", "viewer")


def _sql(path: Path | Store, query: str, params: tuple = ()) -> list[tuple]:
    """Rows of ``query`` on a SQLite file, or on a store's database (either dialect)."""
    if isinstance(path, Store):
        with path.engine.begin() as conn:
            result = conn.exec_driver_sql(query, params) if params else conn.exec_driver_sql(query)
            return [tuple(row) for row in result] if result.returns_rows else []
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
            # from SQLite itself, with their definitions: an index on an expression (v009) is
            # not reflected by SQLAlchemy
            "indexes": {
                (row[0], " ".join(row[1].replace('"', "").split()))
                for row in conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                    "AND sql IS NOT NULL",
                    (table,),
                )
            },
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


def _race(
    db_url: str, a_holds: Callable[[Session], None], b_writes: Callable[[Store], Any]
) -> Store:
    """Server A writes a row and has not committed when server B makes its own write: both
    must succeed, B after A. Returns A's store (open) for the caller's checks."""
    a, b = Store(db_url), Store(db_url)
    errors: list[BaseException] = []

    def other() -> None:
        try:
            b_writes(b)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    try:
        with a._write() as s:
            a_holds(s)
            s.flush()
            t = threading.Thread(target=other)
            t.start()
            t.join(0.5)  # B is waiting for A's uncommitted row (or SQLite's write lock)
        t.join(30)
        assert not t.is_alive() and not errors, errors
    finally:
        b.close()
    return a
