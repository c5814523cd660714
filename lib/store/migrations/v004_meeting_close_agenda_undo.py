"""Schema 4: closing a meeting (``meeting.closed_at``, ``closed_by`` and the ``minutes`` frozen
then) and removing agenda items so that they can be restored (``agenda_item.deleted_at``,
``deleted_by``). Frozen: never edit, add a new step instead."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, String, Text
from sqlalchemy.engine import Connection

from lib.store.migrations._ops import add_column

VERSION = 4
NAME = "meeting close, agenda undo"
TABLES = ()


def upgrade(conn: Connection) -> None:
    add_column(conn, "meeting", Column("closed_at", DateTime, nullable=True))
    add_column(conn, "meeting", Column("closed_by", String, nullable=True))
    add_column(conn, "meeting", Column("minutes", Text, nullable=True))
    add_column(conn, "agenda_item", Column("deleted_at", DateTime, nullable=True))
    add_column(conn, "agenda_item", Column("deleted_by", String, nullable=True))
