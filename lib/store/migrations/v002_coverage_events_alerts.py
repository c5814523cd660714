"""Schema 2: knowledge coverage per category, user-entered events for the trend chart, the
alert's own fields on its triage row (so the meeting agenda can list it), and the dataset's
data-quality report and sentiment method. Frozen: never edit, add a new step instead."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, String
from sqlalchemy.engine import Connection

from lib.store.migrations._ops import add_column

VERSION = 2
NAME = "knowledge coverage, events, alert details, dataset report"
TABLES = ("knowledge_coverage", "event")


def upgrade(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "knowledge_coverage",
        md,
        Column("category", String, primary_key=True),
        Column("article_exists", Boolean, nullable=False),
        Column("accurate", Boolean, nullable=False),
        Column("detailed_enough", Boolean, nullable=False),
        Column("link", String, nullable=False),
        Column("note", String, nullable=False),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    event = sa.Table(
        "event",
        md,
        Column("id", Integer, primary_key=True),
        Column("date", Date, nullable=False),
        Column("kind", String, nullable=False),
        Column("title", String, nullable=False),
        Column("note", String, nullable=False),
        Column("created_by", String, nullable=True),
        Column("created_at", DateTime, nullable=False),
    )
    sa.Index("ix_event_date", event.c.date)
    md.create_all(conn)

    add_column(conn, "dataset", Column("report", JSON, nullable=True))
    add_column(conn, "dataset", Column("sentiment_method", String, nullable=True))
    for name, type_ in (
        ("topic", String),
        ("metric", String),
        ("kind", String),
        ("start_date", Date),
        ("end_date", Date),
        ("observed", Float),
        ("expected", Float),
        ("score", Float),
    ):
        add_column(conn, "alert_state", Column(name, type_, nullable=True))
