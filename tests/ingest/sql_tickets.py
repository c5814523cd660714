"""Ticket tables shaped like the dbt Zendesk package's ``zendesk__ticket_enriched`` model, with
rows of our own, for the database source's tests (SQLite here; PostgreSQL builds its own)."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from contextlib import closing
from pathlib import Path

TABLE = "zendesk__ticket_enriched"
COLUMNS = (
    "ticket_id",
    "created_at",
    "updated_at",
    "status",
    "priority",
    "type",
    "subject",
    "created_channel",
    "ticket_tags",
    "assignee_name",
    "group_name",
    "organization_name",
    "requester_name",
)
START = dt.datetime(2024, 1, 1)


def ticket_rows(n: int) -> list[tuple]:
    """``n`` tickets, one every 3 hours from 2024-01-01 03:00."""
    r = random.Random(7)
    out = []
    for i in range(1, n + 1):
        created = START + dt.timedelta(hours=3 * i)
        out.append(
            (
                i,
                created.isoformat(sep=" "),
                (created + dt.timedelta(days=1)).isoformat(sep=" "),
                r.choice(["open", "pending", "solved", "closed"]),
                r.choice(["low", "normal", "high", "urgent"]),
                r.choice(["question", "incident", "problem"]),
                f"Printer {i} will not print",
                r.choice(["email", "web", "chat"]),
                r.choice(["", "vip", "billing"]),
                r.choice(["Ana Ruiz", "Bo Lee", "Cy Park"]),
                r.choice(["Tier 1", "Tier 1", "Tier 2"]),
                r.choice(["Acme", "Globex"]),
                f"Requester {i % 40}",
            )
        )
    return out


def write_desk(path: Path, n: int) -> Path:
    """A SQLite file holding ``n`` tickets in :data:`TABLE`."""
    with closing(sqlite3.connect(path)) as con, con:
        cols = ", ".join(f"{c} {'INTEGER' if c == 'ticket_id' else 'TEXT'}" for c in COLUMNS)
        con.execute(f"CREATE TABLE {TABLE} ({cols})")
        con.executemany(
            f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(COLUMNS))})", ticket_rows(n)
        )
    return path
