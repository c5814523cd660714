"""The ten hand-checked tickets shared by the lib.audit tests, and helpers to build frames."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from lib.schema import conform, validate


def at(day: int, hour: int = 9, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


# Ten tickets over three weeks (Mon 1 Jan .. Sun 21 Jan 2024).
# fmt: off
ROWS = [  # id, created, channel, category, agent, group, priority, tier, customer, escalated, escalated_at, solved_at, status, reassignments, reopens, first response min, satisfaction  # noqa: E501
    ("1", at(1), "email", "billing", "ann", "T1", "normal", "free", "acme", False, None, at(1, 13), "solved", 0, 0, 30.0, 1.0),  # noqa: E501
    ("2", at(2, 10), "chat", "sso", "bob", "T1", "high", "pro", "acme", True, at(2, 12), at(3, 10), "solved", 1, 0, 5.0, 0.0),  # noqa: E501
    ("3", at(3, 11), "email", "sso", "ann", "T1", "normal", "pro", "beta", False, None, at(3, 15), "closed", 0, 1, 60.0, 1.0),  # noqa: E501
    ("4", at(9, 8), "phone", "billing", "bob", "T2", "low", "free", "acme", False, None, at(9, 10), "solved", 0, 0, 15.0, None),  # noqa: E501
    ("5", at(10), "chat", "sso", "ann", "T1", "urgent", "enterprise", "gamma", True, at(10, 15), at(12), "solved", 3, 0, 10.0, 0.0),  # noqa: E501
    ("6", at(15), "chat", "sso", "bob", "T1", "high", "enterprise", "gamma", True, at(15, 10), at(16), "solved", 2, 1, 20.0, 0.5),  # noqa: E501
    ("7", at(16), "email", "billing", "ann", "T1", "normal", "free", "acme", False, None, at(16, 11), "solved", 0, 0, 40.0, 1.0),  # noqa: E501
    ("8", at(17), "chat", "sso", "ann", "T1", "high", "pro", "gamma", True, at(17, 13), None, "open", 4, None, None, None),  # noqa: E501
    ("9", at(20), "web", None, None, None, None, None, None, False, None, None, "pending", None, 0, 90.0, None),  # noqa: E501
    ("10", at(21), "chat", "sso", "bob", "T1", "normal", "enterprise", "gamma", True, at(21, 17), None, "open", 1, 0, 8.0, None),  # noqa: E501
]
FIELDS = (
    "ticket_id", "created_at", "channel", "category", "agent", "group", "priority",
    "customer_tier", "customer", "escalated", "escalated_at", "solved_at", "status",
    "reassignments", "reopens", "first_response_minutes", "satisfaction",
)
# Last activity: solved tickets at solved_at; 8 updated 18 Jan 09:00; 9 never (null);
# 10 updated 21 Jan 17:00 (the latest moment in the data).
UPDATED = [at(1, 13), at(3, 10), at(3, 15), at(9, 10), at(12), at(16), at(16, 11), at(18), None, at(21, 17)]  # noqa: E501
# fmt: on


def make(rows, fields=FIELDS, **extra) -> pl.DataFrame:
    data = {f: [r[i] for r in rows] for i, f in enumerate(fields)}
    data.update(extra)
    frame = pl.DataFrame(
        data,
        schema_overrides={
            c: pl.Datetime("us", "UTC")
            for c in ("created_at", "escalated_at", "solved_at", "updated_at")
            if c in data
        },
        strict=False,
    )
    return validate(conform(frame.with_columns(pl.lit("test").alias("source"))))
