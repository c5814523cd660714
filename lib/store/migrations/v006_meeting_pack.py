"""Schema 6: the review pack frozen when a meeting closes (``meeting.pack_html``), so a closed
meeting's pack is the one the meeting saw, not one rebuilt from later data. Frozen: never edit,
add a new step instead."""

from __future__ import annotations

from sqlalchemy import Column, Text
from sqlalchemy.engine import Connection

from lib.store.migrations._ops import add_column

VERSION = 6
NAME = "meeting pack frozen at closing"
TABLES = ()


def upgrade(conn: Connection) -> None:
    add_column(conn, "meeting", Column("pack_html", Text, nullable=True))
