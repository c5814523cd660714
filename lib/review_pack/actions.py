"""Action items of meetings: edits from the table editor, and a meeting's new, closed and
carried items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from lib.review_pack._common import ReviewPackError

#: Fields of an action item the table lets people edit.
EDITABLE_FIELDS = ("title", "owner", "due_date", "status", "priority", "outcome_note")
#: Columns of action items in the minutes, the pack and the CSV download, in order.
ACTION_COLUMNS = (
    "id", "title", "owner", "due_date", "status", "priority", "overdue",
    "link_kind", "link_value", "description", "outcome_note",
    "created_in_meeting", "closed_in_meeting", "created_at", "closed_at", "version",
)  # fmt: skip


@dataclass(frozen=True)
class ActionEdit:
    """Changes to one action item, made on the version the user saw."""

    id: int
    version: int
    title: str
    changes: dict[str, Any]


def _norm(name: str, value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return None
    if name == "due_date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return text  # the store reports it as not a date
    text = str(value).strip()
    return text or None


def action_edits(
    snapshot: Sequence[Mapping[str, Any]],
    edited_rows: Mapping[Any, Mapping[str, Any]],
    *,
    fields: Iterable[str] = EDITABLE_FIELDS,
) -> list[ActionEdit]:
    """Per-item changes from a table editor's ``edited_rows`` (row position -> {column: value}).

    ``snapshot`` is the rows as shown (each with ``id`` and ``version``). A cell set back to its
    shown value is no change; columns outside ``fields`` are ignored.

    >>> rows = [{"id": 7, "version": 3, "title": "Fix", "owner": "ana", "due_date": None}]
    >>> action_edits(rows, {"0": {"owner": "bo", "due_date": "2024-05-01"}, 0: {}})
    [ActionEdit(id=7, version=3, title='Fix', changes={'owner': 'bo', 'due_date': datetime.date(2024, 5, 1)})]
    >>> action_edits(rows, {0: {"owner": " ana "}})
    []
    """  # noqa: E501
    allowed = set(fields)
    merged: dict[int, dict[str, Any]] = {}
    for pos, cells in edited_rows.items():
        try:
            i = int(pos)
        except (TypeError, ValueError):
            raise ReviewPackError(f"Row position {pos!r} is not a number") from None
        if not 0 <= i < len(snapshot):
            raise ReviewPackError(f"Row {i} is not in the table (it has {len(snapshot)} rows)")
        merged.setdefault(i, {}).update(cells)
    out = []
    for i in sorted(merged):
        row = snapshot[i]
        changes = {}
        for name, value in merged[i].items():
            if name not in allowed:
                continue
            new = _norm(name, value)
            if new != _norm(name, row.get(name)):
                changes[name] = "" if new is None and name != "due_date" else new
        if changes:
            out.append(ActionEdit(int(row["id"]), int(row["version"]), str(row["title"]), changes))
    return out


def split_actions(
    actions: pl.DataFrame, *, meeting_id: int, carried_ids: Iterable[int] = ()
) -> dict[str, pl.DataFrame]:
    """A meeting's action items: ``new`` (created in it), ``closed`` (closed in it) and
    ``carried`` (from earlier, on its agenda, not closed in it).

    >>> a = pl.DataFrame({"id": [1, 2, 3], "created_in_meeting": [5, 4, None],
    ...                   "closed_in_meeting": [None, 5, None]})
    >>> {k: v.get_column("id").to_list() for k, v in split_actions(a, meeting_id=5,
    ...                                                             carried_ids=[2, 3]).items()}
    {'new': [1], 'closed': [2], 'carried': [3]}
    """
    carried = [int(i) for i in carried_ids]
    new = actions.filter(pl.col("created_in_meeting") == meeting_id)
    not_new = pl.col("created_in_meeting").is_null() | (pl.col("created_in_meeting") != meeting_id)
    closed = actions.filter((pl.col("closed_in_meeting") == meeting_id) & not_new)
    rest = actions.filter(
        pl.col("id").is_in(carried)
        & (pl.col("closed_in_meeting").is_null() | (pl.col("closed_in_meeting") != meeting_id))
        & not_new
    )
    return {"new": new, "closed": closed, "carried": rest}


#: The three lists of a meeting's action items in the minutes and the pack: key, heading.
ACTION_SECTIONS = (
    ("new", "Agreed in this meeting"),
    ("closed", "Closed in this meeting"),
    ("carried", "Still open from earlier meetings"),
)


def meeting_actions(
    m: Mapping[str, Any], agenda: pl.DataFrame, actions: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """:func:`split_actions` of a meeting (its fields ``m``), carrying the items on its agenda;
    empty lists when there are no items or the meeting has no id."""
    carried = [
        int(r["ref"])
        for r in agenda.iter_rows(named=True)
        if r.get("source") == "action" and str(r.get("ref") or "").isdigit()
    ]
    if actions.height and m.get("id") is not None:
        return split_actions(actions, meeting_id=int(m["id"]), carried_ids=carried)
    return {"new": actions.clear(), "closed": actions.clear(), "carried": actions.clear()}
