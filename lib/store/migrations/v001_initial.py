"""Schema 1: dataset registry, settings, saved mappings, category tags, alert triage, meetings,
agenda items, action items and their history. Frozen: never edit, add a new step instead."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.engine import Connection

VERSION = 1
NAME = "initial"
TABLES = (
    "dataset",
    "setting",
    "saved_mapping",
    "category_tag",
    "alert_state",
    "meeting",
    "agenda_item",
    "action_item",
    "action_history",
)


def upgrade(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "dataset",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("source_files", JSON, nullable=True),
        Column("vendor", String, nullable=True),
        Column("row_count", Integer, nullable=False),
        Column("snapshot_path", String, nullable=True),
        Column("mapping", JSON, nullable=True),
        Column("rules", JSON, nullable=True),
        sqlite_autoincrement=True,
    )
    sa.Table(
        "setting",
        md,
        Column("key", String, primary_key=True),
        Column("value", JSON, nullable=True),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    sa.Table(
        "saved_mapping",
        md,
        Column("fingerprint", String, primary_key=True),
        Column("vendor", String, nullable=True),
        Column("mapping", JSON, nullable=False),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    sa.Table(
        "category_tag",
        md,
        Column("category", String, primary_key=True),
        Column("kind", String, nullable=False),
        Column("note", String, nullable=False),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    alert_state = sa.Table(
        "alert_state",
        md,
        Column("alert_key", String, primary_key=True),
        Column("dataset_id", Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=True),
        Column("state", String, nullable=False),
        Column("note", String, nullable=False),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    Index("ix_alert_state_dataset_id", alert_state.c.dataset_id)
    sa.Table(
        "meeting",
        md,
        Column("id", Integer, primary_key=True),
        Column("date", Date, nullable=False),
        Column("period_start", Date, nullable=True),
        Column("period_end", Date, nullable=True),
        Column("dataset_id", Integer, ForeignKey("dataset.id", ondelete="SET NULL"), nullable=True),
        Column("title", String, nullable=False),
        Column("attendees", String, nullable=False),
        Column("notes", String, nullable=False),
        Column("created_by", String, nullable=True),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )
    agenda_item = sa.Table(
        "agenda_item",
        md,
        Column("id", Integer, primary_key=True),
        Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False),
        Column("source", String, nullable=False),
        Column("ref", String, nullable=True),
        Column("title", String, nullable=False),
        Column("detail", String, nullable=False),
        Column("decision", String, nullable=False),
        Column("position", Integer, nullable=False),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    Index("ix_agenda_item_meeting_id", agenda_item.c.meeting_id)
    action_item = sa.Table(
        "action_item",
        md,
        Column("id", Integer, primary_key=True),
        Column("title", String, nullable=False),
        Column("description", String, nullable=False),
        Column("owner", String, nullable=False),
        Column("due_date", Date, nullable=True),
        Column("status", String, nullable=False),
        Column("priority", String, nullable=False),
        Column("link_kind", String, nullable=True),
        Column("link_value", String, nullable=True),
        Column(
            "created_in_meeting",
            Integer,
            ForeignKey("meeting.id", ondelete="SET NULL"),
            nullable=True,
        ),
        Column(
            "closed_in_meeting",
            Integer,
            ForeignKey("meeting.id", ondelete="SET NULL"),
            nullable=True,
        ),
        Column("created_by", String, nullable=True),
        Column("created_at", DateTime, nullable=False),
        Column("closed_at", DateTime, nullable=True),
        Column("outcome_note", String, nullable=False),
        Column("version", Integer, nullable=False),
        Column("updated_by", String, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    Index("ix_action_item_status", action_item.c.status)
    Index("ix_action_item_owner", action_item.c.owner)
    action_history = sa.Table(
        "action_history",
        md,
        Column("id", Integer, primary_key=True),
        Column(
            "action_id",
            Integer,
            ForeignKey("action_item.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("version", Integer, nullable=False),
        Column("changed_at", DateTime, nullable=False),
        Column("changed_by", String, nullable=False),
        Column("field", String, nullable=False),
        Column("old_value", String, nullable=True),
        Column("new_value", String, nullable=True),
    )
    Index("ix_action_history_action_id", action_history.c.action_id)
    md.create_all(conn)
