"""Schema 3: who last changed a meeting's details (``meeting.updated_by``), so a conflicting
save can say who wrote what. Frozen: never edit, add a new step instead."""

from __future__ import annotations

from sqlalchemy import Column, String
from sqlalchemy.engine import Connection

from lib.store.migrations._ops import add_column

VERSION = 3
NAME = "meeting updated_by"
TABLES = ()


def upgrade(conn: Connection) -> None:
    add_column(conn, "meeting", Column("updated_by", String, nullable=True))
