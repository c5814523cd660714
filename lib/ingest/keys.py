"""The canonical keys a column mapping may use, which of them are required, and their labels;
plus the groups of keys that matching treats alike (timestamps, vocabulary fields).
"""

from __future__ import annotations

from lib.schema import LABELS

__all__ = ["KEYS", "KEY_LABELS", "REQUIRED_KEYS", "required_keys"]

#: Every key a mapping may use: the mappable schema columns plus loader inputs.
KEYS: tuple[str, ...] = (
    "ticket_id",
    "created_at",
    "solved_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "event_time",
    "status",
    "priority",
    "channel",
    "category",
    "agent",
    "first_agent",
    "first_group",
    "escalated_by",
    "group",
    "level",
    "activity",
    "customer",
    "customer_tier",
    "subject",
    "description",
    "tags",
    "escalated",
    "escalated_at",
    "reassignments",
    "reopens",
    "first_response_minutes",
    "first_response_at",
    "satisfaction",
    "satisfaction_at",
    "sentiment",
)

#: Keys a mapping must have.
REQUIRED_KEYS = ("ticket_id", "created_at")


def required_keys(mapping: dict[str, str]) -> tuple[str, ...]:
    """The keys a proposed mapping must keep: an event log (an event time and no created
    column) needs the event time instead of Created, since a ticket is created at its first
    event.

    >>> required_keys({"ticket_id": "case", "event_time": "time:timestamp"})
    ('ticket_id', 'event_time')
    >>> required_keys({"ticket_id": "Id", "created_at": "Created", "event_time": "Changed"})
    ('ticket_id', 'created_at')
    """
    if mapping.get("event_time") and not mapping.get("created_at"):
        return ("ticket_id", "event_time")
    return REQUIRED_KEYS


#: Human-readable label per key (mapping screen).
KEY_LABELS: dict[str, str] = {
    **{k: v for k, v in LABELS.items() if k in KEYS},
    "resolved_at": "Resolved",
    "closed_at": "Closed",
    "event_time": "Event time",
    "level": "Support level",
    "activity": "Activity (event log step)",
    "first_response_at": "First response at (a time)",
}

_TIME_KEYS = frozenset(
    {"created_at", "solved_at", "resolved_at", "closed_at", "updated_at", "event_time"}
    | {"escalated_at", "first_response_at", "satisfaction_at"}
)
_VOCAB_KEYS = frozenset({"status", "priority", "channel"})
