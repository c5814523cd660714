"""One answer per participant and scenario whatever the case of the name (issue 17): "Ana" and
"ana" answering the same scenario at the same moment made two rows, because the unique index
compared names as typed. Frozen once shipped: never edit, add a new step instead.

The step gives each person one spelling per session (the first it answered with: the app does
so from now on), keeps the latest answer of each name-and-scenario pair (as the app would have,
had the two answers come one after the other), then replaces the index with one on
``lower(participant)`` (an expression index: SQLite 3.9 and later, PostgreSQL).

``PREVIOUS`` is the step this one follows; the version is the next number after it. Merged
after other new steps, only the import below changes (to the last step before this one).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Column, Integer, String
from sqlalchemy.engine import Connection

from lib.store.migrations import v008_notify as PREVIOUS

VERSION = PREVIOUS.VERSION + 1
NAME = "calibration answers unique whatever the case of the name"
TABLES = ()

OLD_INDEX = "ux_calibration_answer_item_participant"
NEW_INDEX = "ux_calibration_answer_item_participant_any_case"


def upgrade(conn: Connection) -> None:
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
    # the old index first: while spellings are made one, a scenario holds two rows of a name
    sa.Index(OLD_INDEX, answer.c.item_id, answer.c.participant).drop(conn)
    # One spelling per person in a session (the first one it answered with), so "Ana" on one
    # scenario and "ana" on another count as one participant.
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
    # Rows that a later answer of the same name (any case) to the same scenario replaces.
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
    sa.Index(NEW_INDEX, answer.c.item_id, sa.func.lower(answer.c.participant), unique=True).create(
        conn
    )
