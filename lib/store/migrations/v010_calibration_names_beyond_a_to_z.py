"""Calibration names beyond A-Z are one person whatever their case on SQLite too: "Émile" and
"émile" counted as two participants, because SQLite's own ``lower()`` folds A-Z only. Every
SQLite connection now gets a ``lower()`` that folds as Python's ``str.lower`` does
(``lib.store.engine``), as PostgreSQL's already does. Frozen once shipped: never edit, add a
new step instead.

On SQLite the step does again what step 9 did, with the new ``lower()``: each person gets one
spelling per session (the first it answered with), the latest answer of each name-and-scenario
pair is kept, and the unique index on ``lower(participant)`` is built again (its entries were
made by the old ``lower()``). On PostgreSQL there is nothing to do.

``PREVIOUS`` is the step this one follows; the version is the next number after it. Merged
after other new steps, only the import below changes (to the last step before this one).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Column, Integer, String
from sqlalchemy.engine import Connection

from lib.store.migrations import v009_calibration_answer_any_case as PREVIOUS

VERSION = PREVIOUS.VERSION + 1
NAME = "calibration names beyond A-Z one person whatever their case on SQLite"
TABLES = ()

INDEX = "ux_calibration_answer_item_participant_any_case"


def upgrade(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    md = sa.MetaData()
    answer = sa.Table(
        "calibration_answer",
        md,
        Column("id", Integer, primary_key=True),
        Column("session_id", Integer, nullable=False),
        Column("item_id", Integer, nullable=False),
        Column("participant", String, nullable=False),
        Column("answered_at", sa.DateTime, nullable=False),
    )
    index = sa.Index(INDEX, answer.c.item_id, sa.func.lower(answer.c.participant), unique=True)
    index.drop(conn)  # built by the old lower(): "Émile" and "émile" may both be in it
    earliest = answer.alias("earliest")
    spelling = (
        sa.select(earliest.c.participant)
        .where(
            earliest.c.session_id == answer.c.session_id,
            sa.func.lower(earliest.c.participant) == sa.func.lower(answer.c.participant),
        )
        .order_by(earliest.c.id)
        .limit(1)
        .scalar_subquery()
    )
    conn.execute(answer.update().values(participant=spelling))
    later = answer.alias("later")
    replaced = sa.exists().where(
        later.c.item_id == answer.c.item_id,
        sa.func.lower(later.c.participant) == sa.func.lower(answer.c.participant),
        sa.or_(
            later.c.answered_at > answer.c.answered_at,
            sa.and_(later.c.answered_at == answer.c.answered_at, later.c.id > answer.c.id),
        ),
    )
    conn.execute(answer.delete().where(replaced))
    index.create(conn)
