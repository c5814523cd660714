"""Versioned schema migrations for the local database, applied when a store opens.

The database records every applied step in a ``schema_version`` table. Each step is a module in
this package with ``VERSION``, ``NAME`` and ``upgrade(conn)``; it runs in one transaction together
with the row that records it, so a step is either fully applied or not at all. Steps describe
their tables with frozen SQLAlchemy Core definitions (never the current models), so an old
database is brought up exactly as a new one is built, on SQLite and PostgreSQL alike.

Adding a step: copy the last module, bump ``VERSION``, append it to ``STEPS``, change the models
in ``lib/store/models.py`` to match; ``tests/store/test_migrations.py`` checks that a migrated
database and the models agree.

Example
-------
>>> from lib.store.engine import make_engine
>>> engine = make_engine("sqlite://")
>>> upgrade(engine) == LATEST
True
>>> upgrade(engine) == LATEST  # already up to date: nothing to do
True
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lib.errors import StoreError
from lib.store.migrations import (
    v001_initial,
    v002_coverage_events_alerts,
    v003_meeting_updated_by,
    v004_meeting_close_agenda_undo,
    v005_dataset_business_zone,
    v006_meeting_pack,
    v007_calibration,
    v008_notify,
    v009_calibration_answer_any_case,
    v010_calibration_names_beyond_a_to_z,
)

#: Execution option that makes the SQLite engine open the transaction with ``BEGIN IMMEDIATE``
#: (take the write lock first), so concurrent writers queue instead of failing halfway.
WRITE_OPTION = "review_write"

STEPS = (
    v001_initial,
    v002_coverage_events_alerts,
    v003_meeting_updated_by,
    v004_meeting_close_agenda_undo,
    v005_dataset_business_zone,
    v006_meeting_pack,
    v007_calibration,  # numbered after the last step before it (see its PREVIOUS)
    v008_notify,
    v009_calibration_answer_any_case,
    v010_calibration_names_beyond_a_to_z,
)
LATEST = STEPS[-1].VERSION

#: Tables created by any step: their presence without ``schema_version`` means a foreign database.
KNOWN_TABLES = frozenset(t for step in STEPS for t in step.TABLES)

SCHEMA_VERSION = sa.Table(
    "schema_version",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

if [s.VERSION for s in STEPS] != list(range(1, len(STEPS) + 1)):  # pragma: no cover
    raise RuntimeError("migration steps must be numbered 1..N in order")


def current_version(conn: Connection) -> int:
    """Return the schema version of the database behind ``conn`` (0 for an empty database)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(sa.select(sa.func.max(SCHEMA_VERSION.c.version))).scalar() or 0)


def _check_openable(conn: Connection, version: int) -> None:
    if version > LATEST:
        raise StoreError(
            f"The database was made by a newer version of Escalation Review (schema {version}; "
            f"this program knows up to {LATEST}). Update the app, or restore an older backup."
        )
    if version == 0:
        foreign = KNOWN_TABLES & set(sa.inspect(conn).get_table_names())
        if foreign:
            raise StoreError(
                "The database already has tables ("
                + ", ".join(sorted(foreign))
                + ") but no schema_version: it is not an Escalation Review database. "
                "Point DATABASE_URL at an empty or existing Escalation Review database."
            )


def upgrade(engine: Engine, target: int = LATEST) -> int:
    """Bring the database up to ``target`` (default :data:`LATEST`), one step per transaction;
    return the version. A restore builds a fresh database at the backup's version first.

    ``engine`` should come from :func:`lib.store.engine.make_engine`, which makes SQLite DDL
    transactional and takes the write lock first for the connections marked ``WRITE_OPTION``.

    Safe to call on every start and from several processes at once: the version is read again
    inside each write transaction, so a step another process already applied is skipped.
    """
    with engine.connect() as conn:
        version = current_version(conn)
        _check_openable(conn, version)
    while version < target:
        with engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                SCHEMA_VERSION.create(conn, checkfirst=True)
                version = current_version(conn)
                _check_openable(conn, version)
                if version >= target:
                    break
                step = STEPS[version]
                step.upgrade(conn)
                conn.execute(
                    SCHEMA_VERSION.insert().values(
                        version=step.VERSION,
                        name=step.NAME,
                        applied_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    )
                )
                version = step.VERSION
    return version
