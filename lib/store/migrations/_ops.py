"""Small dialect-neutral schema operations used by the migration steps."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def add_column(conn: Connection, table: str, column: sa.Column) -> None:
    """``ALTER TABLE table ADD COLUMN column`` unless the column is already there.

    The column's type and default are rendered by the connection's dialect, so the same step
    runs on SQLite and PostgreSQL. Added columns must be nullable or carry a server default.
    """
    if column.name in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
        return
    sa.Table(table, sa.MetaData(), column)  # CreateColumn needs the column attached to a table
    spec = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
    quoted = conn.dialect.identifier_preparer.quote(table)
    conn.execute(sa.text(f"ALTER TABLE {quoted} ADD COLUMN {spec}"))
