"""Calibration sessions (issue 17): sessions, their scenarios and the participants' answers, and
the versioned escalation matrix. Frozen once shipped: never edit, add a new step instead.

``PREVIOUS`` is the step this one follows; the version is the next number after it. Merged
after other new steps, only the import below changes (to the last step before this one).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.engine import Connection

from lib.store.migrations import v006_meeting_pack as PREVIOUS

VERSION = PREVIOUS.VERSION + 1
NAME = "calibration sessions and escalation matrix"
TABLES = ("calibration_session", "calibration_item", "calibration_answer", "escalation_matrix")


def _session_id() -> Column:
    return Column(
        "session_id",
        Integer,
        ForeignKey("calibration_session.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table("dataset", md, Column("id", Integer, primary_key=True))  # referenced, not created
    sa.Table(
        "calibration_session",
        md,
        Column("id", Integer, primary_key=True),
        Column("title", String, nullable=False),
        Column("note", String, nullable=False),
        Column("status", String, nullable=False),
        Column("dataset_id", Integer, ForeignKey("dataset.id", ondelete="SET NULL"), nullable=True),
        Column("created_by", String, nullable=True),
        Column("created_at", DateTime, nullable=False),
        Column("closed_at", DateTime, nullable=True),
        Column("closed_by", String, nullable=True),
    )
    item = sa.Table(
        "calibration_item",
        md,
        Column("id", Integer, primary_key=True),
        _session_id(),
        Column("position", Integer, nullable=False),
        Column("ticket_id", String, nullable=False),
        *(
            Column(name, String, nullable=True)
            for name in ("category", "channel", "priority", "customer_tier", "first_group")
        ),
        Column("subject", String, nullable=True),
        Column("why", String, nullable=False),
        Column("outcome_escalated", Boolean, nullable=True),
        Column("outcome_group", String, nullable=True),
    )
    Index("ix_calibration_item_session_id", item.c.session_id)
    answer = sa.Table(
        "calibration_answer",
        md,
        Column("id", Integer, primary_key=True),
        _session_id(),
        Column(
            "item_id",
            Integer,
            ForeignKey("calibration_item.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("participant", String, nullable=False),
        Column("participant_group", String, nullable=True),
        Column("participant_tenure", String, nullable=True),
        Column("escalate", Boolean, nullable=False),
        Column("target", String, nullable=False),
        Column("reason", String, nullable=False),
        Column("note", String, nullable=False),
        Column("answered_at", DateTime, nullable=False),
    )
    Index("ix_calibration_answer_session_id", answer.c.session_id)
    Index(
        "ux_calibration_answer_item_participant",
        answer.c.item_id,
        answer.c.participant,
        unique=True,
    )
    sa.Table(
        "escalation_matrix",
        md,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("rows", JSON, nullable=False),
        Column("note", String, nullable=False),
        Column("created_by", String, nullable=True),
        Column("created_at", DateTime, nullable=False),
    )
    md.create_all(conn, tables=[md.tables[name] for name in TABLES])
