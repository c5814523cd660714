"""Thresholds and subscriptions (issue 16): the figures' thresholds the team sets, and who gets
the digest or the alerts, how, how often and for which dataset. Frozen once shipped: never
edit, add a new step instead.

``PREVIOUS`` is the step this one follows; the version is the next number after it. Merged
after other new steps, only the import below changes (to the last step before this one).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.engine import Connection

from lib.store.migrations import v007_calibration as PREVIOUS

VERSION = PREVIOUS.VERSION + 1
NAME = "alert thresholds and subscriptions"
TABLES = ("alert_threshold", "subscription")


def _dataset_id() -> Column:
    return Column(
        "dataset_id", Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=True
    )


def upgrade(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table("dataset", md, Column("id", Integer, primary_key=True))  # referenced, not created
    sa.Table(
        "alert_threshold",
        md,
        Column("id", Integer, primary_key=True),
        Column("metric", String, nullable=False),
        Column("op", String, nullable=False),
        Column("value", Float, nullable=False),
        _dataset_id(),
        Column("note", String, nullable=False),
        Column("created_by", String, nullable=True),
        Column("created_at", DateTime, nullable=False),
    )
    sa.Table(
        "subscription",
        md,
        Column("id", Integer, primary_key=True),
        Column("channel", String, nullable=False),
        Column("target", String, nullable=False),
        Column("content", String, nullable=False),
        Column("format", String, nullable=False),
        Column("frequency", String, nullable=False),
        Column("weekday", Integer, nullable=False),
        Column("hour", Integer, nullable=False),
        Column("tz", String, nullable=False),
        Column("anchor", Date, nullable=True),
        _dataset_id(),
        Column("active", Boolean, nullable=False),
        Column("last_sent_at", DateTime, nullable=True),
        Column("last_error", String, nullable=True),
        Column("created_by", String, nullable=True),
        Column("created_at", DateTime, nullable=False),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    md.create_all(conn, tables=[md.tables[name] for name in TABLES])
