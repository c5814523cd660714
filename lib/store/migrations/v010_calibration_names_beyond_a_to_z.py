"""Calibration names beyond A-Z are one person whatever their case on SQLite too: "Émile" and
"émile" counted as two participants, because SQLite's own ``lower()`` folds A-Z only. Every
SQLite connection now gets a ``lower()`` that folds as Python's ``str.lower`` does
(``lib.store.engine``), as PostgreSQL's already does. Frozen once shipped: never edit, add a
new step instead.

On SQLite the step does again what step 9 did, with the new ``lower()``: each person gets one
spelling per session (the first it answered with), the latest answer of each name-and-scenario
pair is kept, and the unique index on ``lower(participant)`` is built again (its entries were
made by the old ``lower()``). The names are folded in Python in one pass over the answers (a
correlated query per answer took 2.6 s for 6,000). On PostgreSQL there is nothing to do.

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
    rows = conn.execute(
        sa.select(
            answer.c.id,
            answer.c.session_id,
            answer.c.item_id,
            answer.c.participant,
            answer.c.answered_at,
        ).order_by(answer.c.id)
    ).all()
    # folded in Python, as the new lower() folds: one pass, not a query per answer
    first: dict[tuple[int, str], str] = {}  # (session, folded name) -> first spelling
    latest: dict[tuple[int, str], tuple] = {}  # (scenario, folded name) -> answer kept
    for row in rows:  # by id: the first spelling is the earliest answer's
        name = row.participant.lower()
        first.setdefault((row.session_id, name), row.participant)
        key = (row.item_id, name)
        if key not in latest or (row.answered_at, row.id) > latest[key][1:]:
            latest[key] = (row.id, row.answered_at, row.id)
    kept = {entry[0] for entry in latest.values()}
    gone = [row.id for row in rows if row.id not in kept]
    for chunk in range(0, len(gone), 500):
        conn.execute(answer.delete().where(answer.c.id.in_(gone[chunk : chunk + 500])))
    renamed = [
        {"row_id": row.id, "spelling": spelling}
        for row in rows
        if row.id in kept
        and (spelling := first[(row.session_id, row.participant.lower())]) != row.participant
    ]
    if renamed:
        conn.execute(
            answer.update()
            .where(answer.c.id == sa.bindparam("row_id"))
            .values(participant=sa.bindparam("spelling")),
            renamed,
        )
    index.create(conn)
