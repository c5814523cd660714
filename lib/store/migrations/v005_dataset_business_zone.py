"""Schema 5: each dataset's business time zone (``dataset.business_tz``, an IANA name; null
means UTC, which is how every dataset stored before this step was bucketed). Frozen: never
edit, add a new step instead."""

from __future__ import annotations

from sqlalchemy import Column, String
from sqlalchemy.engine import Connection

from lib.store.migrations._ops import add_column

VERSION = 5
NAME = "dataset business time zone"
TABLES = ()


def upgrade(conn: Connection) -> None:
    add_column(conn, "dataset", Column("business_tz", String, nullable=True))
