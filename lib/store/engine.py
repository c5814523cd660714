"""Engines for the local database: where it lives (URL, data directory) and how SQLite
connections are set up (WAL, busy timeout, foreign keys, ``BEGIN IMMEDIATE`` for writes, a
``lower()`` that folds every letter, not A-Z only)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from lib.store import migrations

REPO_DIR = Path(__file__).resolve().parent.parent.parent
BUSY_TIMEOUT_MS = 10_000


def data_dir() -> Path:
    """Where runtime data lives: ``$REVIEW_DATA_DIR``, else ``<repo>/data``."""
    return Path(os.environ.get("REVIEW_DATA_DIR") or REPO_DIR / "data")


def resolve_url(url: str | None = None) -> str:
    """The database URL: ``url``, else ``$DATABASE_URL``, else review.sqlite in :func:`data_dir`.

    A PostgreSQL URL without a driver (``postgres://`` as some hosts hand out, or
    ``postgresql://``) gets psycopg 3, the driver we install (SQLAlchemy's own default would be
    psycopg2, which is not installed).

    >>> resolve_url("sqlite://")
    'sqlite://'
    >>> resolve_url("postgres://ana@db/review")
    'postgresql+psycopg://ana@db/review'
    """
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir() / 'review.sqlite'}"
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            url = "postgresql+psycopg://" + url.removeprefix(bare)
    return url


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or ``None`` (in-memory or another database).

    >>> sqlite_path("sqlite:////tmp/x.sqlite"), sqlite_path("sqlite://")
    (PosixPath('/tmp/x.sqlite'), None)
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _set_wal(cur: sqlite3.Cursor) -> None:
    """Switch the file to WAL, waiting up to :data:`BUSY_TIMEOUT_MS` for other connections.

    SQLite does not call the busy handler for this pragma: while another process converts a new
    file (or holds a lock on it), it fails at once with "database is locked". Retrying here lets
    several processes open a new database at the same moment.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _lower(value: Any) -> Any:
    """SQLite's ``lower()`` for every connection: text folded as Python folds it, anything
    else (``NULL``, numbers) as it is.

    >>> _lower("ÉMILE Øre"), _lower(None), _lower(3)
    ('émile øre', None, 3)
    """
    return value.lower() if isinstance(value, str) else value


def prepare_sqlite(conn: sqlite3.Connection) -> None:
    """What every connection to the app's own SQLite file needs, the engine's and the backup's
    alike: a ``lower()`` folding "É", "Ø" and "İ" as PostgreSQL's does (SQLite's folds A-Z
    only), so a name compared in any case is the same person on both (migration 10). The
    calibration answers' unique index is built with it: a connection without it would write
    index entries the others cannot find. ``trusted_schema`` is on, as SQLite builds have it by
    default, so that index may use it everywhere (the file is our own: a backup being restored
    is read with an untrusted schema, and only its plain values are copied)."""
    conn.create_function("lower", 1, _lower, deterministic=True)
    conn.execute("PRAGMA trusted_schema = ON")


def make_engine(url: str) -> Engine:
    """Build a configured engine for ``url`` (the one place engines are made).

    SQLite connections get ``journal_mode=WAL``, ``busy_timeout`` and ``foreign_keys=ON``, and
    the driver's own transaction handling is replaced by explicit ``BEGIN`` (``BEGIN IMMEDIATE``
    for write sessions), so every change is one transaction, DDL included.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, json_serializer=_json_dumps, pool_pre_ping=True)
    path = sqlite_path(url)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if path is None:
        kwargs["poolclass"] = StaticPool  # one shared in-memory database per engine
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, json_serializer=_json_dumps, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        cur.execute("PRAGMA foreign_keys = ON")
        prepare_sqlite(dbapi_conn)
        if path is not None:
            _set_wal(cur)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(migrations.WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
