"""Review meetings and their agendas: the points discussed and the decisions taken."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlmodel import Session, select

from lib.errors import ConflictError, StoreError
from lib.store._base import (
    StoreBase,
    _check_fields,
    _choice,
    _date,
    _fail,
    _frame,
    _schema,
    _text,
)
from lib.store.models import (
    AGENDA_SOURCES,
    ActionItem,
    AgendaItem,
    Dataset,
    Meeting,
    _now,
)
from lib.store.roles import Actor, _who, _writes


def _check_period(m: Meeting) -> None:
    if m.period_start and m.period_end and m.period_start > m.period_end:
        raise StoreError(
            f"The review period starts after it ends ({m.period_start} > {m.period_end})"
        )


def _counts(s: Session, column: Any, *where: Any) -> dict[int, int]:
    stmt = sa.select(column, sa.func.count()).where(column.is_not(None), *where).group_by(column)
    return {k: n for k, n in s.execute(stmt)}


def _open_meeting(m: Meeting) -> Meeting:
    """``m``, or :class:`StoreError` when it is closed (its minutes are frozen)."""
    if m.closed_at is not None:
        when = m.closed_at.strftime("%Y-%m-%d %H:%M UTC")
        raise StoreError(
            f"Meeting “{m.title}” was closed by {m.closed_by or 'someone'} at {when}: its "
            "agenda, decisions and details can no longer change. Start a new meeting (open "
            "action items carry over to it)."
        )
    return m


def _check_unchanged(
    row: Meeting | AgendaItem,
    expected: Mapping[str, Any] | None,
    changes: Mapping[str, Any],
    what: str,
) -> None:
    """Raise :class:`ConflictError` when a field differs from what the editor saw (unless it
    already holds what they are saving), naming who changed it, when, and to what."""
    for name, seen in (expected or {}).items():
        now = str(getattr(row, name) or "")
        if now != str(seen or "") and now != str(changes.get(name, now) or ""):
            when = row.updated_at.strftime("%Y-%m-%d %H:%M UTC")
            shown = now if len(now) <= 200 else now[:200] + "…"
            raise ConflictError(
                f"the {name} of {what} was changed by {row.updated_by or 'someone'} at {when} "
                f"after you opened it, to “{shown}”. Yours was not saved and is still in the "
                "box: save again to replace theirs."
            )


class MeetingsMixin(StoreBase):
    """Meetings and agenda items."""

    @_writes
    def create_meeting(
        self,
        date: Any,
        *,
        period_start: Any = None,
        period_end: Any = None,
        dataset_id: int | None = None,
        title: str = "",
        attendees: str = "",
        notes: str = "",
        agenda: Iterable[Any] = (),
        who: str | None = None,
        actor: Actor | None = None,
    ) -> Meeting:
        """Start a review meeting (title defaults to "Escalation review <date>").

        ``agenda``: its first points (objects with ``source``, ``ref``, ``title`` and ``detail``,
        such as :class:`lib.review_pack.AgendaEntry`), stored in the same transaction, so a
        meeting never exists with half its agenda. ``who``: the name typed in single-user mode
        (a signed-in ``actor``'s e-mail wins), recorded as the meeting's starter.
        """
        day = _date(date, "Meeting date") or _fail("Meeting date is required")
        row = Meeting(
            date=day,
            period_start=_date(period_start, "Period start"),
            period_end=_date(period_end, "Period end"),
            dataset_id=dataset_id,
            title=_text(title, "Title") or f"Escalation review {day.isoformat()}",
            attendees=_text(attendees, "Attendees"),
            notes=str(notes or ""),
            created_by=_who(who, actor),
            updated_by=_who(who, actor),
        )
        _check_period(row)
        items = [
            AgendaItem(
                meeting_id=0,
                source=_choice(e.source, AGENDA_SOURCES, "Agenda source"),
                ref=None if e.ref is None else str(e.ref),
                title=_text(e.title, "Agenda item title", required=True),
                detail=str(e.detail or ""),
                position=i,
                updated_by=row.created_by,
            )
            for i, e in enumerate(agenda)
        ]
        with self._write() as s:
            if dataset_id is not None:
                self._get(s, Dataset, dataset_id, "Dataset")
            s.add(row)
            s.flush()
            for item in items:
                item.meeting_id = row.id
                s.add(item)
        return row

    def list_meetings(self) -> pl.DataFrame:
        """Meetings, newest first, with counts of agenda items and actions created and closed."""
        with self._read() as s:
            rows = s.exec(
                select(Meeting).order_by(sa.desc(Meeting.date), sa.desc(Meeting.id))
            ).all()
            agenda = _counts(s, AgendaItem.meeting_id, AgendaItem.deleted_at.is_(None))
            created = _counts(s, ActionItem.created_in_meeting)
            closed = _counts(s, ActionItem.closed_in_meeting)
        schema = {
            **_schema(Meeting),
            "agenda_items": pl.Int64(),
            "actions_created": pl.Int64(),
            "actions_closed": pl.Int64(),
        }
        data = [
            {
                **m.model_dump(),
                "agenda_items": agenda.get(m.id, 0),
                "actions_created": created.get(m.id, 0),
                "actions_closed": closed.get(m.id, 0),
            }
            for m in rows
        ]
        return pl.from_dicts(data, schema=schema)

    def get_meeting(self, meeting_id: int) -> Meeting | None:
        """The meeting, or ``None``."""
        with self._read() as s:
            return s.get(Meeting, meeting_id)

    @_writes
    def update_meeting(
        self,
        meeting_id: int,
        changes: Mapping[str, Any],
        *,
        expected: Mapping[str, Any] | None = None,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> Meeting:
        """Change a meeting's date, period, dataset, title, attendees or notes.

        ``expected``: the title, attendees or notes the editor saw. If someone has changed any
        of them since, nothing is written and :class:`ConflictError` says who, when and what
        they wrote (as :meth:`update_agenda_item` does for decisions).
        """
        allowed = {
            "date",
            "period_start",
            "period_end",
            "dataset_id",
            "title",
            "attendees",
            "notes",
        }
        _check_fields(changes, allowed, "a meeting")
        _check_fields(expected or {}, {"title", "attendees", "notes"}, "a meeting")
        with self._write() as s:
            m = _open_meeting(self._get(s, Meeting, meeting_id, "Meeting", lock=True))
            _check_unchanged(m, expected, changes, f"meeting “{m.title}”")
            for name, value in changes.items():
                if name in ("date", "period_start", "period_end"):
                    value = _date(value, name.replace("_", " ").capitalize())
                    if name == "date" and value is None:
                        raise StoreError("Meeting date is required")
                elif name == "dataset_id":
                    if value is not None:
                        self._get(s, Dataset, value, "Dataset")
                elif name in ("title", "attendees"):
                    value = _text(value, name.capitalize())
                else:
                    value = str(value or "")
                setattr(m, name, value)
            _check_period(m)
            m.updated_by, m.updated_at = _who(who, actor), _now()
        return m

    @_writes
    def close_meeting(
        self,
        meeting_id: int,
        *,
        minutes: str = "",
        pack_html: str = "",
        who: str | None = None,
        actor: Actor | None = None,
    ) -> Meeting:
        """Close a meeting: its agenda, decisions and details are frozen from then on, and
        ``minutes`` (the Markdown minutes at closing) and ``pack_html`` (the review pack at
        closing) are kept as they were.

        Closing twice is refused (the first closing's minutes stay).
        """
        with self._write() as s:
            m = _open_meeting(self._get(s, Meeting, meeting_id, "Meeting"))
            m.closed_at, m.closed_by, m.minutes = _now(), _who(who, actor), str(minutes or "")
            m.pack_html = str(pack_html or "") or None
            m.updated_by, m.updated_at = m.closed_by, m.closed_at
        return m

    @_writes
    def add_agenda_item(
        self,
        meeting_id: int,
        title: str,
        *,
        source: str = "free",
        ref: str | None = None,
        detail: str = "",
        decision: str = "",
        position: int | None = None,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> AgendaItem:
        """Add a point to a meeting's agenda (at the end unless ``position`` is given)."""
        row = AgendaItem(
            meeting_id=meeting_id,
            source=_choice(source, AGENDA_SOURCES, "Agenda source"),
            ref=None if ref is None else str(ref),
            title=_text(title, "Agenda item title", required=True),
            detail=str(detail or ""),
            decision=str(decision or ""),
            updated_by=_who(who, actor),
        )
        with self._write() as s:
            _open_meeting(self._get(s, Meeting, meeting_id, "Meeting"))
            if position is None:
                last = s.execute(
                    sa.select(sa.func.max(AgendaItem.position)).where(
                        AgendaItem.meeting_id == meeting_id
                    )
                ).scalar()
                position = 0 if last is None else last + 1
            row.position = int(position)
            s.add(row)
        return row

    @_writes
    def update_agenda_item(
        self,
        item_id: int,
        changes: Mapping[str, Any],
        *,
        expected: Mapping[str, Any] | None = None,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> AgendaItem:
        """Change an agenda item's title, detail, decision or position.

        ``expected``: the values the editor saw (e.g. ``{"decision": "..."}``). If someone has
        changed any of them since, nothing is written and :class:`ConflictError` says who, when
        and what they wrote, so that two people typing the same decision do not silently
        overwrite each other.
        """
        _check_fields(changes, {"title", "detail", "decision", "position"}, "an agenda item")
        _check_fields(expected or {}, {"title", "detail", "decision"}, "an agenda item")
        with self._write() as s:
            item = self._live_item(s, item_id)
            _check_unchanged(item, expected, changes, f"“{item.title}”")
            for name, value in changes.items():
                if name == "title":
                    value = _text(value, "Agenda item title", required=True)
                elif name == "position":
                    value = int(value)
                else:
                    value = str(value or "")
                setattr(item, name, value)
            item.updated_by, item.updated_at = _who(who, actor), _now()
        return item

    def _live_item(self, s: Session, item_id: int) -> AgendaItem:
        """The agenda item, refused when removed or when its meeting is closed."""
        item = self._get(s, AgendaItem, item_id, "Agenda item", lock=True)
        if item.deleted_at is not None:
            raise StoreError(
                f"Agenda item “{item.title}” was removed by {item.deleted_by or 'someone'}: "
                "undo the removal first"
            )
        _open_meeting(self._get(s, Meeting, item.meeting_id, "Meeting"))
        return item

    @_writes
    def delete_agenda_item(
        self, item_id: int, *, who: str | None = None, actor: Actor | None = None
    ) -> AgendaItem:
        """Remove a point (and its decision) from an agenda; kept, so that
        :meth:`restore_agenda_item` can undo it. Returns the removed item."""
        with self._write() as s:
            item = self._live_item(s, item_id)
            item.deleted_at, item.deleted_by = _now(), _who(who, actor)
        return item

    @_writes
    def restore_agenda_item(
        self, item_id: int, *, who: str | None = None, actor: Actor | None = None
    ) -> AgendaItem:
        """Undo :meth:`delete_agenda_item`: the item returns with its decision and place."""
        with self._write() as s:
            item = self._get(s, AgendaItem, item_id, "Agenda item")
            _open_meeting(self._get(s, Meeting, item.meeting_id, "Meeting"))
            item.deleted_at, item.deleted_by = None, None
            item.updated_by, item.updated_at = _who(who, actor), _now()
        return item

    def list_agenda_items(self, meeting_id: int, *, removed: bool = False) -> pl.DataFrame:
        """A meeting's agenda in order (``removed=True``: the removed items instead)."""
        gone = AgendaItem.deleted_at.is_not(None) if removed else AgendaItem.deleted_at.is_(None)
        stmt = (
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, gone)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(AgendaItem))
