"""The Action items tab: editable tables whose saves never overwrite someone else's change."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from lib import review_pack
from lib.errors import ConflictError, ReviewError
from lib.markdown import md_escape
from lib.store import ACTION_PRIORITIES, ACTION_STATUSES, CLOSED_STATUSES
from ui import dataset, layout, session, widgets
from ui.meetings.common import attempt, forget_tables, who

TABLE_COLUMNS = (
    "id",
    "title",
    "owner",
    "due_date",
    "status",
    "priority",
    "overdue",
    "link",
    "outcome_note",
    "version",
)


def close_action(meeting_id: int, action_id: int, version: int, status: str) -> None:
    outcome = st.session_state.get(f"mt_out_{action_id}") or ""
    verb = "done" if status == "done" else "dropped"
    attempt(
        "Closing the action item",
        session.store().close_action,
        action_id,
        status,
        expected_version=version,
        meeting_id=meeting_id,
        outcome=outcome,
        who=who(),
        actor=session.actor(),
        done=f"Action item #{action_id} marked {verb}.",
    )
    forget_tables()


def table_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows of the action table (what is shown and remembered, with versions)."""
    return (
        frame.with_columns(
            pl.when(pl.col("link_kind").is_not_null())
            .then(pl.col("link_kind") + ": " + pl.col("link_value").fill_null(""))
            .otherwise(pl.lit(""))
            .alias("link")
        )
        .select(TABLE_COLUMNS)
        .to_dicts()
    )


_TABLE_SCHEMA = {
    "id": pl.Int64,
    "title": pl.String,
    "owner": pl.String,
    "due_date": pl.Date,
    "status": pl.String,
    "priority": pl.String,
    "overdue": pl.Boolean,
    "link": pl.String,
    "outcome_note": pl.String,
    "version": pl.Int64,
}


def _save_table(name: str) -> None:
    """Apply the table's edits, each on the version it was shown at; report conflicts."""
    state = st.session_state.get(f"mt_tbl_{name}")
    if state is None:
        return
    editor = st.session_state.get(f"mt_ed_{name}_{state['gen']}") or {}
    edits = review_pack.action_edits(state["rows"], editor.get("edited_rows") or {})
    store = session.store()
    msgs: list[tuple[str, str]] = []
    saved = 0
    by_id = {r["id"]: i for i, r in enumerate(state["rows"])}
    for e in edits:
        changes = dict(e.changes)
        if state.get("meeting") and changes.get("status") in CLOSED_STATUSES:
            changes["closed_in_meeting"] = state["meeting"]  # closed in this meeting
        try:
            item = store.update_action(
                e.id, changes, expected_version=e.version, who=who(), actor=session.actor()
            )
        except ConflictError as exc:
            mine = ", ".join(
                f"{k.replace('_', ' ')} → {v or '(empty)'}" for k, v in e.changes.items()
            )
            msgs.append(
                ("error", f"{md_escape(str(exc))} Your change (not saved): {md_escape(mine)}.")
            )
            continue
        except ReviewError as exc:
            msgs.append(
                (
                    "error",
                    f"Action item #{e.id} “{md_escape(e.title)}” was not saved: "
                    f"{md_escape(str(exc))}",
                )
            )
            continue
        saved += 1
        fresh = store.list_actions().filter(pl.col("id") == item.id)
        state["rows"][by_id[e.id]] = table_rows(fresh)[0]
    if saved:
        msgs.insert(0, ("success", f"Saved {saved} action item{'s' if saved != 1 else ''}."))
    if not edits:
        msgs.append(("info", "Nothing to save: no cell was changed."))
    if not any(kind == "error" for kind, _ in msgs):
        state["gen"] += 1  # clear the editor's edits: they are all in the database now
    state["msgs"] = msgs


def _reload_table(name: str) -> None:
    st.session_state.pop(f"mt_tbl_{name}", None)


def action_table(
    name: str, frame: pl.DataFrame, *, edit: bool, sig: Any = None, meeting_id: int | None = None
) -> None:
    """Action items as an editable table (read-only for viewers).

    The rows are remembered as first shown (with each item's version) until the user reloads,
    the set of rows changes (``sig``, filters) or this session changes an item another way. Edits
    are saved on the remembered versions, so a change someone else made meanwhile is reported as
    a conflict instead of being overwritten. In a meeting's table (``meeting_id``), an item
    set to done or dropped is closed in that meeting.
    """
    key = f"mt_tbl_{name}"
    ids = tuple(frame.get_column("id").to_list())
    state = st.session_state.get(key)
    if state is None or state["sig"] != (sig, ids):
        gen = (state or {}).get("gen", 0) + 1
        state = {"sig": (sig, ids), "rows": table_rows(frame), "gen": gen, "msgs": []}
        state["meeting"] = meeting_id
        st.session_state[key] = state
    shown = (
        pl.from_dicts(state["rows"], schema=_TABLE_SCHEMA)
        if state["rows"]
        else pl.DataFrame(schema=_TABLE_SCHEMA)
    )
    for kind, text in state.get("msgs", []):
        {"success": st.success, "error": st.error}.get(kind, st.info)(text)
    if shown.height == 0:
        return
    current = dict(
        zip(frame.get_column("id").to_list(), frame.get_column("version").to_list(), strict=True)
    )
    moved = [r for r in state["rows"] if current.get(r["id"], r["version"]) != r["version"]]
    if moved:
        names = ", ".join(f"#{r['id']}" for r in moved)
        st.warning(
            f"Changed by someone else since this table was loaded: {names}. Reload to see "
            "their changes before editing those items.",
            icon=":material/sync_problem:",
        )
    config = {
        "id": st.column_config.NumberColumn("#", width="small"),
        "title": st.column_config.TextColumn("Action", required=True, width="medium"),
        "owner": st.column_config.TextColumn("Owner"),
        "due_date": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
        "status": st.column_config.SelectboxColumn(
            "Status", options=list(ACTION_STATUSES), required=True
        ),
        "priority": st.column_config.SelectboxColumn(
            "Priority", options=list(ACTION_PRIORITIES), required=True
        ),
        "overdue": st.column_config.CheckboxColumn("Overdue"),
        "link": st.column_config.TextColumn("Linked to"),
        "outcome_note": st.column_config.TextColumn("Outcome"),
        "version": None,
    }
    if edit:
        st.data_editor(
            shown,
            key=f"mt_ed_{name}_{state['gen']}",
            num_rows="fixed",
            hide_index=True,
            disabled=["id", "overdue", "link", "version"],
            column_config=config,
            width="stretch",
        )
        c1, c2, _ = st.columns([1.3, 1.3, 5])
        c1.button(
            "Save changes",
            key=f"mt_save_{name}",
            type="primary",
            on_click=_save_table,
            args=(name,),
        )
        c2.button(
            "Reload",
            key=f"mt_reload_{name}",
            icon=":material/refresh:",
            on_click=_reload_table,
            args=(name,),
        )
    else:
        st.dataframe(shown, hide_index=True, column_config=config, width="stretch")


def actions_tab(data: dataset.Active, edit: bool) -> None:
    store = session.store()
    everything = store.list_actions()
    if everything.height == 0:
        layout.empty_state(
            "No action items yet.", action="Create them during a meeting, under an agenda item."
        )
        return
    c1, c2, c3 = st.columns([2, 2, 1])
    owners = sorted({o for o in everything.get_column("owner").to_list() if o})
    pick_owners = c1.multiselect("Owner", owners, key="mt_f_owner", placeholder="All owners")
    statuses = c2.multiselect(
        "Status", list(ACTION_STATUSES), default=["open", "in_progress"], key="mt_f_status"
    )
    overdue = c3.toggle("Overdue only", key="mt_f_overdue")
    frame = store.list_actions(status=statuses or None, overdue=True if overdue else None)
    if pick_owners:
        frame = frame.filter(pl.col("owner").is_in(pick_owners))
    st.caption(f"{frame.height:,} of {everything.height:,} action items; overdue first.")
    action_table("all", frame, edit=edit, sig=(tuple(pick_owners), tuple(statuses), overdue))
    if frame.height:
        widgets.download(
            frame.select(review_pack.ACTION_COLUMNS),
            "action_items.csv",
            key="mt_dl_actions_filtered",
            label="Download these items (CSV)",
        )

    st.subheader("Did it work?")
    tickets = data.tickets
    effects = review_pack.action_effects(tickets, everything)
    if effects.height == 0:
        layout.empty_state(
            "No closed action item is linked to a category, agent or channel yet.",
            action="Link items when you create them and close them when they are done; their "
            "escalation rate before and after shows up here.",
        )
    else:
        st.dataframe(
            effects.select(
                "id",
                "title",
                "link_kind",
                "link_value",
                "since",
                "window_days",
                "before_tickets",
                "before_rate",
                "after_tickets",
                "after_rate",
                "verdict",
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "id": st.column_config.NumberColumn("#", width="small"),
                "title": "Action",
                "link_kind": "Linked",
                "link_value": "to",
                "since": st.column_config.DateColumn("Created"),
                "window_days": st.column_config.NumberColumn("Days each side"),
                "before_tickets": st.column_config.NumberColumn("Tickets before", format="%d"),
                "before_rate": st.column_config.NumberColumn("Rate before", format="percent"),
                "after_tickets": st.column_config.NumberColumn("Tickets after", format="%d"),
                "after_rate": st.column_config.NumberColumn("Rate after", format="percent"),
                "verdict": st.column_config.TextColumn("Escalation rate", width="large"),
            },
        )
        st.caption(
            "For each closed item: the escalation rate of its linked slice in equal windows "
            "before and after the day it was created (up to 90 days, cut at the end of the "
            "data), tested with a two-proportion test. Other changes at the same time can move "
            "the rate too."
        )

    st.subheader("Change history of an item")
    ids = everything.get_column("id").to_list()
    titles = dict(zip(ids, everything.get_column("title").to_list(), strict=True))
    pick = st.selectbox(
        "Action item", ids, format_func=lambda i: f"#{i} {titles.get(i, '')}", key="mt_hist_item"
    )
    if pick is not None:
        st.dataframe(
            store.action_history(pick).select(
                "version", "changed_at", "changed_by", "field", "old_value", "new_value"
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "version": st.column_config.NumberColumn("Version", width="small"),
                "changed_at": st.column_config.DatetimeColumn(
                    "When (UTC)", format="YYYY-MM-DD HH:mm"
                ),
                "changed_by": "Who",
                "field": "What",
                "old_value": "Before",
                "new_value": "After",
            },
        )
