"""Action items agreed in reviews: versioned edits with optimistic concurrency, one history
row per changed field, and the lists carried from meeting to meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlmodel import Session, select

from lib.errors import ConflictError, StoreError
from lib.store._base import (
    StoreBase,
    _as_text,
    _check_fields,
    _choice,
    _date,
    _fail,
    _frame,
    _schema,
    _text,
)
from lib.store.meetings import _open_meeting
from lib.store.models import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    CLOSED_STATUSES,
    LINK_KINDS,
    OPEN_STATUSES,
    ActionHistory,
    ActionItem,
    Meeting,
    _now,
)
from lib.store.roles import Actor, _who, _writes


def _action_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise action-item fields."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            value = _text(value, "Action title", required=True)
        elif name in ("owner", "description", "outcome_note"):
            value = _text(value, name.replace("_", " ").capitalize())
        elif name == "due_date":
            value = _date(value, "Due date")
        elif name == "status":
            value = _choice(value, ACTION_STATUSES, "Status")
        elif name == "priority":
            value = _choice(value, ACTION_PRIORITIES, "Priority")
        elif name == "link_kind":
            value = None if value in (None, "") else _choice(value, LINK_KINDS, "Link kind")
        elif name == "link_value":
            value = _text(value, "Link") or None
        elif name == "closed_in_meeting":
            value = None if value is None else int(value)
        out[name] = value
    if out.get("link_kind") is None and out.get("link_value") and "link_kind" in changes:
        raise StoreError("A link needs a kind (category, agent, channel or alert)")
    return out


def _conflict_message(s: Session, item: ActionItem, expected_version: int) -> str:
    fields = s.execute(
        sa.select(ActionHistory.field)
        .where(ActionHistory.action_id == item.id, ActionHistory.version > expected_version)
        .distinct()
    ).scalars()
    changed = ", ".join(sorted(f.replace("_", " ") for f in fields))
    when = item.updated_at.strftime("%Y-%m-%d %H:%M UTC") if item.updated_at else "an unknown time"
    what = f" ({changed})" if changed else ""
    return (
        f"Action item #{item.id} “{item.title}” was changed by {item.updated_by or 'someone'} "
        f"at {when}{what} after you opened it. Your changes were not saved: reload to see the "
        "current version, then apply them again."
    )


def _action_frame(rows: Iterable[ActionItem], today: dt.date) -> pl.DataFrame:
    schema = {**_schema(ActionItem), "overdue": pl.Boolean()}
    data = [
        {
            **a.model_dump(),
            "overdue": bool(a.due_date and a.due_date < today and a.status in OPEN_STATUSES),
        }
        for a in rows
    ]
    frame = pl.from_dicts(data, schema=schema)
    return frame.sort(
        ["overdue", "due_date", "id"], descending=[True, False, False], nulls_last=True
    )


class ActionsMixin(StoreBase):
    """Action items and their history."""

    @_writes
    def create_action(
        self,
        title: str,
        *,
        owner: str = "",
        description: str = "",
        due_date: Any = None,
        priority: str = "normal",
        link_kind: str | None = None,
        link_value: str | None = None,
        meeting_id: int | None = None,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> ActionItem:
        """Create an open action item (version 1) and its "created" history row."""
        by = _who(who, actor)
        values = _action_values(
            {
                "title": title,
                "owner": owner,
                "description": description,
                "due_date": due_date,
                "priority": priority,
                "link_kind": link_kind,
                "link_value": link_value,
            }
        )
        now = _now()
        item = ActionItem(
            **values,
            created_in_meeting=meeting_id,
            created_by=by,
            created_at=now,
            updated_by=by,
            updated_at=now,
        )
        with self._write() as s:
            if meeting_id is not None:
                _open_meeting(self._get(s, Meeting, meeting_id, "Meeting"))
            s.add(item)
            s.flush()
            s.add(
                ActionHistory(
                    action_id=item.id,
                    version=1,
                    changed_at=now,
                    changed_by=by,
                    field="created",
                    new_value=item.title,
                )
            )
        return item

    def get_action(self, action_id: int) -> ActionItem | None:
        """The action item, or ``None``."""
        with self._read() as s:
            return s.get(ActionItem, action_id)

    @_writes
    def update_action(
        self,
        action_id: int,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> ActionItem:
        """Apply ``changes`` if the item is still at ``expected_version``; return the new item.

        Raises :class:`~lib.errors.ConflictError` (naming who changed it, when and what) when
        someone else saved the item since it was read; nothing is written then. Writes one
        history row per changed field and bumps ``version``. Setting the status to done or
        dropped stamps ``closed_at``; reopening clears it and ``closed_in_meeting``.
        """
        editable = {
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "priority",
            "link_kind",
            "link_value",
            "outcome_note",
            "closed_in_meeting",
        }
        _check_fields(changes, editable, "an action item")
        values = _action_values(changes)
        by = _who(who, actor)
        now = _now()
        with self._write() as s:
            item = self._get(s, ActionItem, action_id, "Action item")
            if item.version != expected_version:
                raise ConflictError(_conflict_message(s, item, expected_version))
            if values.get("closed_in_meeting") not in (None, item.closed_in_meeting):
                _open_meeting(self._get(s, Meeting, values["closed_in_meeting"], "Meeting"))
            if "status" in values and values["status"] != item.status:
                if values["status"] in CLOSED_STATUSES and item.status in OPEN_STATUSES:
                    values["closed_at"] = now
                elif values["status"] in OPEN_STATUSES:
                    values["closed_at"] = None
                    values["closed_in_meeting"] = None
            diffs = {k: (getattr(item, k), v) for k, v in values.items() if getattr(item, k) != v}
            if not diffs:
                return item
            new_version = expected_version + 1
            updated = s.execute(
                sa.update(ActionItem)
                .where(ActionItem.id == action_id, ActionItem.version == expected_version)
                .values(
                    **{k: new for k, (_, new) in diffs.items()},
                    version=new_version,
                    updated_by=by,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if updated != 1:  # another writer got in between (PostgreSQL, read committed)
                s.rollback()
                fresh = self._get(s, ActionItem, action_id, "Action item")
                raise ConflictError(_conflict_message(s, fresh, expected_version))
            s.add_all(
                ActionHistory(
                    action_id=action_id,
                    version=new_version,
                    changed_at=now,
                    changed_by=by,
                    field=name,
                    old_value=_as_text(old),
                    new_value=_as_text(new),
                )
                for name, (old, new) in diffs.items()
            )
            s.flush()
            s.refresh(item)
        return item

    @_writes
    def close_action(
        self,
        action_id: int,
        status: str = "done",
        *,
        expected_version: int,
        meeting_id: int | None = None,
        outcome: str = "",
        who: str | None = None,
        actor: Actor | None = None,
    ) -> ActionItem:
        """Close an item as ``done`` or ``dropped``, in a meeting or between meetings."""
        _choice(status, CLOSED_STATUSES, "Closing status")
        return self.update_action(
            action_id,
            {"status": status, "closed_in_meeting": meeting_id, "outcome_note": outcome},
            expected_version=expected_version,
            who=who,
            actor=actor,
        )

    def list_actions(
        self,
        *,
        owner: str | None = None,
        status: str | Iterable[str] | None = None,
        overdue: bool | None = None,
        meeting_id: int | None = None,
        today: dt.date | None = None,
    ) -> pl.DataFrame:
        """Action items with an ``overdue`` column, overdue first, then by due date.

        ``status`` is one status or several; ``meeting_id`` keeps the items created or closed in
        that meeting; ``overdue`` compares the due date of open items with ``today`` (default:
        the local date).
        """
        today = today or dt.date.today()
        stmt = select(ActionItem)
        if owner is not None:
            stmt = stmt.where(ActionItem.owner == owner)
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            for st in statuses:
                _choice(st, ACTION_STATUSES, "Status")
            stmt = stmt.where(ActionItem.status.in_(statuses))
        if meeting_id is not None:
            stmt = stmt.where(
                sa.or_(
                    ActionItem.created_in_meeting == meeting_id,
                    ActionItem.closed_in_meeting == meeting_id,
                )
            )
        is_overdue = sa.and_(ActionItem.due_date < today, ActionItem.status.in_(OPEN_STATUSES))
        if overdue is True:
            stmt = stmt.where(is_overdue)
        elif overdue is False:
            stmt = stmt.where(sa.not_(is_overdue))
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _action_frame(rows, today)

    def open_actions_before(self, meeting_id: int | None = None, *, on: Any = None) -> pl.DataFrame:
        """Items to carry into a meeting: open or in progress, created in an earlier meeting or
        between meetings before its date; overdue (as of the meeting date) first.

        ``on`` instead of ``meeting_id``: for a meeting about to be started on that date (every
        meeting that exists is earlier than it)."""
        with self._read() as s:
            if meeting_id is None:
                day = _date(on, "Meeting date") or _fail("Meeting date is required")
                # every meeting that exists is earlier (no sentinel id: PostgreSQL's INTEGER
                # id column refuses one beyond 32 bits)
                before = Meeting.date <= day
            else:
                m = self._get(s, Meeting, meeting_id, "Meeting")
                day = m.date
                before = sa.or_(Meeting.date < day, sa.and_(Meeting.date == day, Meeting.id < m.id))
            earlier = sa.select(Meeting.id).where(before)
            day_after = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
            stmt = select(ActionItem).where(
                ActionItem.status.in_(OPEN_STATUSES),
                sa.or_(
                    ActionItem.created_in_meeting.in_(earlier),
                    sa.and_(
                        ActionItem.created_in_meeting.is_(None),
                        ActionItem.created_at < day_after,
                    ),
                ),
            )
            rows = s.exec(stmt).all()
        return _action_frame(rows, day)

    def action_history(self, action_id: int) -> pl.DataFrame:
        """Every change of an action item, oldest first: version, changed_at, changed_by,
        field, old_value, new_value."""
        stmt = (
            select(ActionHistory)
            .where(ActionHistory.action_id == action_id)
            .order_by(ActionHistory.version, ActionHistory.id)
        )
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(ActionHistory))
