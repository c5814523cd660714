"""User-entered events (policy change, release, new playbook, ...) shown as markers on the
trend charts."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlmodel import select

from lib.store._base import (
    StoreBase,
    _choice,
    _date,
    _fail,
    _frame,
    _schema,
    _text,
)
from lib.store.models import (
    EVENT_KINDS,
    Event,
)
from lib.store.roles import Actor, _who, _writes


class EventsMixin(StoreBase):
    """Timeline events."""

    @_writes
    def add_event(
        self, date: Any, kind: str, title: str, *, note: str = "", actor: Actor | None = None
    ) -> Event:
        """Add a marker for the trend charts (policy change, release, new playbook, other)."""
        row = Event(
            date=_date(date, "Event date") or _fail("Event date is required"),
            kind=_choice(kind, EVENT_KINDS, "Event kind"),
            title=_text(title, "Event title", required=True),
            note=_text(note, "Note"),
            created_by=_who(None, actor),
        )
        with self._write() as s:
            s.add(row)
        return row

    def list_events(self, *, start: Any = None, end: Any = None) -> pl.DataFrame:
        """Events by date, optionally within ``start``..``end`` (inclusive)."""
        stmt = select(Event).order_by(Event.date, Event.id)
        if (d := _date(start, "Start")) is not None:
            stmt = stmt.where(Event.date >= d)
        if (d := _date(end, "End")) is not None:
            stmt = stmt.where(Event.date <= d)
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(Event))

    @_writes
    def delete_event(self, event_id: int, *, actor: Actor | None = None) -> None:
        """Remove an event."""
        with self._write() as s:
            s.delete(self._get(s, Event, event_id, "Event"))
