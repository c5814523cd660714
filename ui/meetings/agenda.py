"""A meeting's agenda: order, decisions (with edit conflicts), free items and new actions."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from lib import review_pack
from lib.markdown import md_escape
from lib.store import ACTION_PRIORITIES, CLOSED_STATUSES, LINK_KINDS, Meeting
from ui import layout, session
from ui.meetings.actions import close_action
from ui.meetings.common import NO_LINK, attempt, flash, forget_tables, unsaved_decisions, who

UNDO = "mt_undo"
TRIED = "mt_dec_tried"


def _move(meeting_id: int, item_id: int, step: int) -> None:
    store = session.store()
    order = store.list_agenda_items(meeting_id).get_column("id").to_list()
    if item_id not in order:
        return
    i = order.index(item_id)
    j = i + step
    if not 0 <= j < len(order):
        return
    order[i], order[j] = order[j], order[i]
    for pos, aid in enumerate(order):
        attempt(
            "Reordering",
            store.update_agenda_item,
            aid,
            {"position": pos},
            who=who(),
            actor=session.actor(),
        )


def _remove(item_id: int) -> None:
    """Remove an item (kept in the store); the agenda then offers to undo it."""
    gone = attempt(
        "Removing the agenda item",
        session.store().delete_agenda_item,
        item_id,
        who=who(),
        actor=session.actor(),
    )
    if gone is not None:
        st.session_state[UNDO] = {"id": gone.id, "meeting": gone.meeting_id, "title": gone.title}
        st.session_state.pop(f"mt_dec_{item_id}", None)


def _restore(item_id: int) -> None:
    out = attempt(
        "Restoring the agenda item",
        session.store().restore_agenda_item,
        item_id,
        who=who(),
        actor=session.actor(),
    )
    if out is not None:
        flash("success", f"“{md_escape(out.title)}” is back on the agenda, with its decision.")
        st.session_state.pop(UNDO, None)


def _save_unsaved(item_id: int) -> None:
    """The "Save decision" button: saves the box unless it already holds the stored decision
    (typing and leaving the box saved it already)."""
    if st.session_state.pop(TRIED, None) == item_id:
        return  # leaving the box for this button just tried to save it
    text = st.session_state.get(f"mt_dec_{item_id}", "")
    items = session.store().list_agenda_items
    current = {r["id"]: r["decision"] for r in items(_meeting_of(item_id)).iter_rows(named=True)}
    if current.get(item_id) != text:
        _save_decision(item_id)


def _meeting_of(item_id: int) -> int:
    return int(st.session_state.get(f"mt_dec_meeting_{item_id}", 0))


def _save_decision(item_id: int) -> None:
    """Save a decision unless someone else changed it since this box was filled from the store.

    After a conflict the box keeps the user's text and its base is dropped, so the next page run
    takes the other person's decision as the base: saving again then replaces it on purpose.
    """
    base = f"mt_dec_base_{item_id}"
    text = st.session_state.get(f"mt_dec_{item_id}", "")
    st.session_state[TRIED] = item_id
    out = attempt(
        "Saving the decision",
        session.store().update_agenda_item,
        item_id,
        {"decision": text},
        expected={"decision": st.session_state.get(base, "")},
        who=who(),
        actor=session.actor(),
        done="Decision saved.",
    )
    if out is not None:
        st.session_state[base] = text
    else:
        st.session_state.pop(base, None)


def _add_free(meeting_id: int) -> None:
    title = (st.session_state.get("mt_free_title") or "").strip()
    if not title:
        flash("error", "Give the agenda item a title.")
        return
    out = attempt(
        "Adding the agenda item",
        session.store().add_agenda_item,
        meeting_id,
        title,
        detail=st.session_state.get("mt_free_detail") or "",
        who=who(),
        actor=session.actor(),
    )
    if out is not None:
        st.session_state["mt_free_title"] = ""
        st.session_state["mt_free_detail"] = ""


def _parse_link(choice: str | None) -> tuple[str | None, str | None]:
    if not choice or choice == NO_LINK or ": " not in choice:
        return None, None
    kind, value = choice.split(": ", 1)
    return (kind, value) if kind in LINK_KINDS else (None, None)


def _add_action(meeting_id: int, form: str) -> None:
    g = st.session_state.get
    title = (g(f"{form}_title") or "").strip()
    if not title:
        flash("error", "An action item needs a title.")
        return
    kind, value = _parse_link(g(f"{form}_link"))
    item = attempt(
        "Adding the action item",
        session.store().create_action,
        title,
        owner=g(f"{form}_owner") or "",
        due_date=g(f"{form}_due"),
        priority=g(f"{form}_priority") or "normal",
        link_kind=kind,
        link_value=value,
        meeting_id=meeting_id,
        who=who(),
        actor=session.actor(),
    )
    if item is not None:
        flash("success", f"Action item #{item.id} “{md_escape(title)}” added.")
        st.session_state[f"{form}_title"] = ""
        st.session_state[f"{form}_owner"] = ""
        forget_tables()


def link_options(tickets: pl.DataFrame, alerts: list[str]) -> list[str]:
    """Choices for an action item's link: categories, agents, channels and agenda alerts."""
    out = [NO_LINK]
    for kind, column in (("category", "category"), ("agent", "agent"), ("channel", "channel")):
        if column in tickets.columns:
            values = tickets.get_column(column).drop_nulls().unique().sort().to_list()
            out += [f"{kind}: {v}" for v in values]
    out += [f"alert: {k}" for k in alerts]
    return out


def _action_form(meeting: Meeting, item: dict, options: list[str]) -> None:
    form = f"mt_af_{item['id']}"
    link = review_pack.default_link(item["source"], item.get("ref"))
    default = f"{link[0]}: {link[1]}" if link else NO_LINK
    options = options if default in options else [*options, default]
    due = (meeting.date or dt.date.today()) + dt.timedelta(days=14)
    with (
        st.popover("Add an action item", icon=":material/add_task:", width="stretch"),
        st.form(form, border=False),
    ):
        st.text_input("Action", key=f"{form}_title", placeholder="What will be done")
        st.text_input("Owner", key=f"{form}_owner")
        c1, c2 = st.columns(2)
        c1.date_input("Due", value=due, key=f"{form}_due")
        c2.selectbox("Priority", ACTION_PRIORITIES, index=1, key=f"{form}_priority")
        st.selectbox("Linked to", options, index=options.index(default), key=f"{form}_link")
        st.form_submit_button(
            "Add action item", type="primary", on_click=_add_action, args=(meeting.id, form)
        )


def _carried(meeting: Meeting, item: dict, edit: bool) -> None:
    """Status of a carried-over action item and, for editors, closing it in this meeting."""
    try:
        action = session.store().get_action(int(item["ref"]))
    except (TypeError, ValueError):
        action = None
    if action is None:
        st.caption("This action item no longer exists.")
        return
    status = action.status.replace("_", " ")
    if action.status in CLOSED_STATUSES:
        where = " in this meeting" if action.closed_in_meeting == meeting.id else ""
        st.markdown(f"**Closed{where}:** {status}. {md_escape(action.outcome_note)}")
        return
    st.caption(
        f"Status now: {status}; owner {md_escape(action.owner or 'none')}; "
        f"due {action.due_date or '–'}"
    )
    if not edit:
        return
    with st.form(f"mt_close_{action.id}", border=False):
        st.text_input("Outcome", key=f"mt_out_{action.id}", placeholder="What happened")
        c1, c2, _ = st.columns([1, 1, 4])
        c1.form_submit_button(
            "Mark done", on_click=close_action, args=(meeting.id, action.id, action.version, "done")
        )
        c2.form_submit_button(
            "Drop", on_click=close_action, args=(meeting.id, action.id, action.version, "dropped")
        )


def _removed(meeting: Meeting, edit: bool) -> None:
    """Undo of the last removal, and every removed item with who removed it (restorable)."""
    store = session.store()
    last = st.session_state.get(UNDO)
    if edit and last and last["meeting"] == meeting.id:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.warning(
            f"Removed “{md_escape(last['title'])}” and its decision.", icon=":material/delete:"
        )
        c2.button(
            "Undo", key="mt_undo_btn", icon=":material/undo:", on_click=_restore, args=(last["id"],)
        )
    gone = store.list_agenda_items(meeting.id, removed=True)
    if gone.height == 0:
        return
    with st.expander(f"Removed from this agenda ({gone.height})", icon=":material/history:"):
        for r in gone.iter_rows(named=True):
            when = r["deleted_at"].strftime("%Y-%m-%d %H:%M UTC") if r["deleted_at"] else ""
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            decision = f" · decision: {md_escape(r['decision'])}" if r["decision"] else ""
            c1.markdown(
                f"{md_escape(r['title'])}{decision} · removed by "
                f"{md_escape(r['deleted_by'] or 'someone')} at {when}"
            )
            if edit:
                c2.button(
                    "Restore", key=f"mt_restore_{r['id']}", on_click=_restore, args=(r["id"],)
                )


def agenda(meeting: Meeting, tickets: pl.DataFrame, edit: bool) -> None:
    """The meeting's agenda: one bordered block per item with its decision and actions."""
    store = session.store()
    st.session_state.pop(TRIED, None)
    _removed(meeting, edit)
    items = store.list_agenda_items(meeting.id)
    unsaved = {r["id"] for r in unsaved_decisions(items)} if edit else set()
    if items.height == 0:
        layout.empty_state("The agenda is empty.", action="Add a point below." if edit else "")
    actions = store.list_actions(meeting_id=meeting.id)
    alerts = [r for r in items.filter(pl.col("source") == "alert").get_column("ref").to_list() if r]
    options = link_options(tickets, alerts) if edit else []
    n = items.height
    for i, item in enumerate(items.iter_rows(named=True)):
        with st.container(border=True, key=f"mt_item_{item['id']}"):
            label = review_pack.SOURCE_LABELS.get(item["source"], "Note")
            head, tools = st.columns([12, 2])
            head.markdown(f"**{i + 1}. {md_escape(item['title'])}** · :gray-badge[{label}]")
            if edit:
                b1, b2, b3 = tools.columns(3)
                b1.button(
                    "",
                    icon=":material/arrow_upward:",
                    key=f"mt_up_{item['id']}",
                    help="Move up",
                    disabled=i == 0,
                    on_click=_move,
                    args=(meeting.id, item["id"], -1),
                )
                b2.button(
                    "",
                    icon=":material/arrow_downward:",
                    key=f"mt_dn_{item['id']}",
                    help="Move down",
                    disabled=i == n - 1,
                    on_click=_move,
                    args=(meeting.id, item["id"], 1),
                )
                b3.button(
                    "",
                    icon=":material/delete:",
                    key=f"mt_rm_{item['id']}",
                    help="Remove from the agenda",
                    on_click=_remove,
                    args=(item["id"],),
                )
            if item["detail"]:
                st.caption(md_escape(item["detail"]))
            if item["source"] == "action":
                _carried(meeting, item, edit)
            link = review_pack.default_link(item["source"], item.get("ref"))
            if link and actions.height:
                mine = actions.filter(
                    (pl.col("link_kind") == link[0]) & (pl.col("link_value") == link[1])
                )
                for a in mine.iter_rows(named=True):
                    st.markdown(
                        f":material/task_alt: Action #{a['id']}: {md_escape(a['title'])} "
                        f"({md_escape(a['owner'] or 'no owner')}, due {a['due_date'] or '–'}, "
                        f"{a['status'].replace('_', ' ')})"
                    )
            if edit:
                # What the decision box started from, for the conflict check on saving.
                st.session_state.setdefault(f"mt_dec_base_{item['id']}", item["decision"] or "")
                st.session_state[f"mt_dec_meeting_{item['id']}"] = meeting.id
                left, right = st.columns([3, 1.2], vertical_alignment="bottom")
                with left:  # no form: leaving the box saves it (nothing typed is lost)
                    st.text_area(
                        "Decision",
                        value=item["decision"],
                        key=f"mt_dec_{item['id']}",
                        height=68,
                        placeholder="What did we decide? Saved when you leave the box.",
                        on_change=_save_decision,
                        args=(item["id"],),
                    )
                    if item["id"] in unsaved:
                        st.warning(
                            "**Unsaved:** this decision is not saved and not in the minutes. "
                            "Save it (replacing the one shown in the message above) or reload.",
                            icon=":material/edit_note:",
                        )
                    st.button(
                        "Save decision",
                        key=f"mt_decsave_{item['id']}",
                        on_click=_save_unsaved,
                        args=(item["id"],),
                    )
                with right:
                    _action_form(meeting, item, options)
            elif item["decision"]:
                st.markdown(f"**Decision:** {md_escape(item['decision'])}")
            else:
                st.caption("No decision recorded.")
    if edit:
        with st.expander("Add a point to the agenda"), st.form("mt_free", border=False):
            st.text_input("Title", key="mt_free_title")
            st.text_area("Details", key="mt_free_detail", height=68)
            st.form_submit_button("Add to the agenda", on_click=_add_free, args=(meeting.id,))
