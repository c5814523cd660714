"""Streamlit parts of the Review meetings page: meeting, agenda, action items, history, export.

Kept out of ``views/meetings.py`` so the page reads top to bottom. Numbers come from
:mod:`lib.review_pack` (pure), records from :mod:`lib.store`; this module only lays them out and
turns clicks into store calls. Every write passes ``actor=ui.actor()`` and shows the store's own
messages (:class:`lib.errors.ReviewError`), including edit conflicts, which are never
overwritten: the action-item table remembers the version of each item as it was shown, and the
store refuses a save when someone else changed the item since.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

import ui
from lib import formatting, review_pack
from lib.csvsafe import to_csv_bytes
from lib.errors import ConflictError, ReviewError
from lib.ingest import canonical_only
from lib.ingest.rules import describe_rules, rules_from_json
from lib.store import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    CLOSED_STATUSES,
    LINK_KINDS,
    Meeting,
    Store,
    can_edit,
)

FLASH = "mt_flash"
PICK = "mt_pick"
PICK_NEXT = "mt_pick_next"
WHO = "mt_who"
NO_LINK = "— none —"
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


# ------------------------------------------------------------------ small helpers


def editable() -> bool:
    """Whether the signed-in user may change anything (single-user mode may)."""
    return can_edit(ui.actor())


def who() -> str | None:
    """Name recorded in an action item's history in single-user mode."""
    return (st.session_state.get(WHO) or "").strip() or None


def flash(kind: str, text: str) -> None:
    """Queue a message for the top of the page (shown once, after the next run)."""
    st.session_state.setdefault(FLASH, []).append((kind, text))


def show_flash() -> None:
    """Messages queued by the last action: inline at the top, and as a toast, which shows
    wherever the user has scrolled to."""
    for kind, text in st.session_state.pop(FLASH, []):
        icon = ":material/error:" if kind == "error" else ":material/check_circle:"
        st.toast(text, icon=icon)
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(text)


def attempt(what: str, fn: Callable[..., Any], *args: Any, done: str = "", **kw: Any) -> Any:
    """Run a store call; a ReviewError becomes a message instead of a traceback."""
    try:
        out = fn(*args, **kw)
    except ReviewError as exc:
        flash("error", f"{what}: {exc}")
        return None
    if done:
        flash("success", done)
    return out


def forget_tables() -> None:
    """Drop the remembered action tables (after this session changed items another way)."""
    for key in [k for k in st.session_state if str(k).startswith("mt_tbl_")]:
        del st.session_state[key]


def md(text: Any) -> str:
    """User text for st.markdown (escaped: shows literally)."""
    return review_pack.md_escape(text)


def definition(data: ui.Active) -> str:
    return describe_rules(rules_from_json(data.record.rules))


def policy_categories(store: Store) -> tuple[str, ...]:
    tags = store.get_category_tags()
    return tuple(tags.filter(pl.col("kind") == "policy").get_column("category").to_list())


@st.cache_data(show_spinner="Computing the review period's numbers…", max_entries=16)
def _facts(
    key: str,
    start: dt.date,
    end: dt.date,
    baseline: tuple[dt.date, dt.date] | None,
    policy: tuple[str, ...],
    _tickets: pl.DataFrame,
) -> review_pack.ReviewFacts:
    periods = review_pack.meeting_periods(_tickets, start, end, baseline=baseline)
    return review_pack.review_facts(_tickets, periods, policy_categories=policy)


def meeting_tickets(data: ui.Active, meeting: Meeting | None) -> tuple[pl.DataFrame, str, str]:
    """Tickets a meeting looks at (its own dataset when it still exists), their cache key and
    the dataset's name."""
    store = ui.store()
    if meeting is not None and meeting.dataset_id not in (None, data.record.id):
        rec = store.get_dataset(meeting.dataset_id)
        path = store.snapshot_file(rec) if rec is not None else None
        if rec is not None and path is not None and path.exists():
            return canonical_only(ui.snapshot_of(rec)), str(path), rec.name
    path = store.snapshot_file(data.record)
    return data.tickets, str(path), data.record.name


def facts_for(data: ui.Active, meeting: Meeting | None = None, *, start=None, end=None):
    """Cached :func:`lib.review_pack.review_facts` for a meeting (or a period)."""
    tickets, key, _ = meeting_tickets(data, meeting)
    if meeting is not None:
        start, end = meeting.period_start, meeting.period_end
    if start is None or end is None or tickets.height == 0:
        return None
    prds = ui.review_periods()
    baseline = prds.baseline if prds is not None else None
    return _facts(key, start, end, baseline, policy_categories(ui.store()), tickets)


# ------------------------------------------------------------------ headline row


def headline(data: ui.Active) -> None:
    """The review period's rate with its comparison, and where the action items stand."""
    store = ui.store()
    prds = ui.review_periods()
    facts = facts_for(data, start=prds.review[0], end=prds.review[1]) if prds else None
    actions = store.list_actions(status=("open", "in_progress"))
    cols = st.columns(4)
    if facts is not None:
        cols[0].metric("Escalation rate, review period", **formatting.kpi_metric(facts.kpi, "rate"))
    cols[1].metric("Open action items", f"{actions.height:,}")
    overdue = int(actions.get_column("overdue").sum()) if actions.height else 0
    cols[2].metric("Overdue", f"{overdue:,}")
    cols[3].metric("Meetings held", f"{store.list_meetings().height:,}")
    if facts is not None:
        st.caption(formatting.kpi_caption(facts.kpi))


# ------------------------------------------------------------------ starting a meeting


def start_form(data: ui.Active) -> None:
    """Form: date, review period, title, attendees; builds the agenda from the data."""
    prds = ui.review_periods()
    lo, hi = prds.review if prds else (dt.date.today() - dt.timedelta(days=13), dt.date.today())
    with st.form("mt_start", border=False):
        c1, c2 = st.columns(2)
        day = c1.date_input("Meeting date", value=dt.date.today(), key="mt_new_date")
        period = c2.date_input(
            "Review period",
            value=(lo, hi),
            key="mt_new_period",
            help="Defaults to the review period set in the sidebar.",
        )
        title = c1.text_input("Title", placeholder="Escalation review <date>", key="mt_new_title")
        attendees = c2.text_input("Attendees", key="mt_new_att", placeholder="Ana, Bo, Chen")
        go = st.form_submit_button("Start meeting and build the agenda", type="primary")
    if not go:
        return
    if not (isinstance(period, tuple | list) and len(period) == 2):
        st.error("Pick the first and the last day of the review period.")
        return
    store, actor = ui.store(), ui.actor()
    with ui.user_errors("Starting the meeting"):
        m = store.create_meeting(
            day,
            period_start=period[0],
            period_end=period[1],
            dataset_id=data.record.id,
            title=title,
            attendees=attendees,
            actor=actor,
        )
        with st.spinner("Building the agenda from the data…"):
            facts = facts_for(data, m)
            entries = review_pack.build_agenda(
                facts,
                alerts=store.agenda_alerts().filter(
                    pl.col("dataset_id").is_null() | (pl.col("dataset_id") == data.record.id)
                ),
                open_actions=store.open_actions_before(m.id),
            )
            for e in entries:
                store.add_agenda_item(
                    m.id, e.title, source=e.source, ref=e.ref, detail=e.detail, actor=actor
                )
        st.session_state[PICK_NEXT] = m.id
        flash("success", f"Meeting started with {len(entries)} agenda items.")
        st.rerun()


def pick_meeting(meetings: pl.DataFrame) -> int:
    """Select box of meetings (newest first); returns the chosen id."""
    ids = meetings.get_column("id").to_list()
    labels = {
        r["id"]: f"{r['title']} ({r['date']}, #{r['id']})"
        for r in meetings.select("id", "title", "date").to_dicts()
    }
    wanted = st.session_state.pop(PICK_NEXT, None)
    if wanted in ids:
        st.session_state[PICK] = wanted
    elif st.session_state.get(PICK) not in ids:
        st.session_state[PICK] = ids[0]
    return st.selectbox("Meeting", ids, format_func=lambda i: labels.get(i, str(i)), key=PICK)


# ------------------------------------------------------------------ agenda callbacks


def _move(meeting_id: int, item_id: int, step: int) -> None:
    store = ui.store()
    order = store.list_agenda_items(meeting_id).get_column("id").to_list()
    if item_id not in order:
        return
    i = order.index(item_id)
    j = i + step
    if not 0 <= j < len(order):
        return
    order[i], order[j] = order[j], order[i]
    for pos, aid in enumerate(order):
        attempt("Reordering", store.update_agenda_item, aid, {"position": pos}, actor=ui.actor())


def _remove(item_id: int) -> None:
    attempt("Removing the agenda item", ui.store().delete_agenda_item, item_id, actor=ui.actor())


def _save_decision(item_id: int) -> None:
    """Save a decision unless someone else changed it since this box was filled from the store.

    After a conflict the box keeps the user's text and its base is dropped, so the next page run
    takes the other person's decision as the base: saving again then replaces it on purpose.
    """
    base = f"mt_dec_base_{item_id}"
    text = st.session_state.get(f"mt_dec_{item_id}", "")
    out = attempt(
        "Saving the decision",
        ui.store().update_agenda_item,
        item_id,
        {"decision": text},
        expected={"decision": st.session_state.get(base, "")},
        actor=ui.actor(),
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
        ui.store().add_agenda_item,
        meeting_id,
        title,
        detail=st.session_state.get("mt_free_detail") or "",
        actor=ui.actor(),
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
        ui.store().create_action,
        title,
        owner=g(f"{form}_owner") or "",
        due_date=g(f"{form}_due"),
        priority=g(f"{form}_priority") or "normal",
        link_kind=kind,
        link_value=value,
        meeting_id=meeting_id,
        who=who(),
        actor=ui.actor(),
    )
    if item is not None:
        flash("success", f"Action item #{item.id} “{title}” added.")
        st.session_state[f"{form}_title"] = ""
        st.session_state[f"{form}_owner"] = ""
        forget_tables()


def _close(meeting_id: int, action_id: int, version: int, status: str) -> None:
    outcome = st.session_state.get(f"mt_out_{action_id}") or ""
    verb = "done" if status == "done" else "dropped"
    attempt(
        "Closing the action item",
        ui.store().close_action,
        action_id,
        status,
        expected_version=version,
        meeting_id=meeting_id,
        outcome=outcome,
        who=who(),
        actor=ui.actor(),
        done=f"Action item #{action_id} marked {verb}.",
    )
    forget_tables()


# ------------------------------------------------------------------ agenda


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
        action = ui.store().get_action(int(item["ref"]))
    except (TypeError, ValueError):
        action = None
    if action is None:
        st.caption("This action item no longer exists.")
        return
    status = action.status.replace("_", " ")
    if action.status in CLOSED_STATUSES:
        where = " in this meeting" if action.closed_in_meeting == meeting.id else ""
        st.markdown(f"**Closed{where}:** {status}. {md(action.outcome_note)}")
        return
    st.caption(
        f"Status now: {status}; owner {action.owner or 'none'}; due {action.due_date or '–'}"
    )
    if not edit:
        return
    with st.form(f"mt_close_{action.id}", border=False):
        st.text_input("Outcome", key=f"mt_out_{action.id}", placeholder="What happened")
        c1, c2, _ = st.columns([1, 1, 4])
        c1.form_submit_button(
            "Mark done", on_click=_close, args=(meeting.id, action.id, action.version, "done")
        )
        c2.form_submit_button(
            "Drop", on_click=_close, args=(meeting.id, action.id, action.version, "dropped")
        )


def agenda(meeting: Meeting, tickets: pl.DataFrame, edit: bool) -> None:
    """The meeting's agenda: one bordered block per item with its decision and actions."""
    store = ui.store()
    items = store.list_agenda_items(meeting.id)
    if items.height == 0:
        ui.empty_state("The agenda is empty.", action="Add a point below." if edit else "")
    actions = store.list_actions(meeting_id=meeting.id)
    alerts = [r for r in items.filter(pl.col("source") == "alert").get_column("ref").to_list() if r]
    options = link_options(tickets, alerts) if edit else []
    n = items.height
    for i, item in enumerate(items.iter_rows(named=True)):
        with st.container(border=True, key=f"mt_item_{item['id']}"):
            label = review_pack.SOURCE_LABELS.get(item["source"], "Note")
            head, tools = st.columns([12, 2])
            head.markdown(f"**{i + 1}. {md(item['title'])}** · :gray-badge[{label}]")
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
                st.caption(md(item["detail"]))
            if item["source"] == "action":
                _carried(meeting, item, edit)
            link = review_pack.default_link(item["source"], item.get("ref"))
            if link and actions.height:
                mine = actions.filter(
                    (pl.col("link_kind") == link[0]) & (pl.col("link_value") == link[1])
                )
                for a in mine.iter_rows(named=True):
                    st.markdown(
                        f":material/task_alt: Action #{a['id']}: {md(a['title'])} "
                        f"({md(a['owner'] or 'no owner')}, due {a['due_date'] or '–'}, "
                        f"{a['status'].replace('_', ' ')})"
                    )
            if edit:
                # What the decision box started from, for the conflict check on saving.
                st.session_state.setdefault(f"mt_dec_base_{item['id']}", item["decision"] or "")
                left, right = st.columns([3, 1.2], vertical_alignment="bottom")
                with left, st.form(f"mt_decf_{item['id']}", border=False):
                    st.text_area(
                        "Decision",
                        value=item["decision"],
                        key=f"mt_dec_{item['id']}",
                        height=68,
                        placeholder="What did we decide?",
                    )
                    st.form_submit_button(
                        "Save decision", on_click=_save_decision, args=(item["id"],)
                    )
                with right:
                    _action_form(meeting, item, options)
            elif item["decision"]:
                st.markdown(f"**Decision:** {md(item['decision'])}")
            else:
                st.caption("No decision recorded.")
    if edit:
        with st.expander("Add a point to the agenda"), st.form("mt_free", border=False):
            st.text_input("Title", key="mt_free_title")
            st.text_area("Details", key="mt_free_detail", height=68)
            st.form_submit_button("Add to the agenda", on_click=_add_free, args=(meeting.id,))


def meeting_details(meeting: Meeting, edit: bool) -> None:
    """Caption line and (for editors) a form to change title, attendees and notes."""
    period = (
        f"{meeting.period_start} to {meeting.period_end}" if meeting.period_start else "not set"
    )
    bits = [f"Meeting {meeting.date}", f"review period {period}"]
    if meeting.attendees:
        bits.append(f"attendees: {meeting.attendees}")
    bits.append(f"started by {meeting.created_by or 'someone'}")
    st.caption(" · ".join(md(b) for b in bits))
    if not edit:
        if meeting.notes:
            st.markdown(f"**Notes:** {md(meeting.notes)}")
        return
    with st.expander("Title, attendees and notes"), st.form("mt_details", border=False):
        title = st.text_input("Title", value=meeting.title)
        attendees = st.text_input("Attendees", value=meeting.attendees)
        notes = st.text_area("Notes", value=meeting.notes, height=100)
        if st.form_submit_button("Save details"):
            out = attempt(
                "Saving the meeting",
                ui.store().update_meeting,
                meeting.id,
                {"title": title, "attendees": attendees, "notes": notes},
                actor=ui.actor(),
                done="Meeting details saved.",
            )
            if out is not None:
                st.rerun()


# ------------------------------------------------------------------ the action-item table


def _link_text(kind: Any, value: Any) -> str:
    return f"{kind}: {value}" if kind else ""


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
    store = ui.store()
    msgs: list[tuple[str, str]] = []
    saved = 0
    by_id = {r["id"]: i for i, r in enumerate(state["rows"])}
    for e in edits:
        try:
            item = store.update_action(
                e.id, e.changes, expected_version=e.version, who=who(), actor=ui.actor()
            )
        except ConflictError as exc:
            mine = ", ".join(
                f"{k.replace('_', ' ')} → {v or '(empty)'}" for k, v in e.changes.items()
            )
            msgs.append(("error", f"{exc} Your change (not saved): {mine}."))
            continue
        except ReviewError as exc:
            msgs.append(("error", f"Action item #{e.id} “{e.title}” was not saved: {exc}"))
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


def action_table(name: str, frame: pl.DataFrame, *, edit: bool, sig: Any = None) -> None:
    """Action items as an editable table (read-only for viewers).

    The rows are remembered as first shown (with each item's version) until the user reloads,
    the set of rows changes (``sig``, filters) or this session changes an item another way. Edits
    are saved on the remembered versions, so a change someone else made meanwhile is reported as
    a conflict instead of being overwritten.
    """
    key = f"mt_tbl_{name}"
    ids = tuple(frame.get_column("id").to_list())
    state = st.session_state.get(key)
    if state is None or state["sig"] != (sig, ids):
        gen = (state or {}).get("gen", 0) + 1
        state = {"sig": (sig, ids), "rows": table_rows(frame), "gen": gen, "msgs": []}
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


# ------------------------------------------------------------------ tabs


def meeting_tab(data: ui.Active, edit: bool) -> None:
    store = ui.store()
    meetings = store.list_meetings()
    if edit:
        with st.expander("Start a meeting", expanded=meetings.height == 0, icon=":material/add:"):
            start_form(data)
    if meetings.height == 0:
        ui.empty_state(
            "No review meeting yet.",
            action="Start one above: the agenda is built from the data."
            if edit
            else "An editor can start one.",
        )
        return
    meeting = store.get_meeting(pick_meeting(meetings))
    if meeting is None:
        return
    tickets, _, ds_name = meeting_tickets(data, meeting)
    if meeting.dataset_id not in (None, data.record.id) and ds_name == data.record.name:
        st.info("This meeting's dataset no longer exists: numbers come from the active dataset.")
    meeting_details(meeting, edit)
    st.subheader("Agenda")
    agenda(meeting, tickets, edit)
    st.subheader("Action items of this meeting")
    st.caption(
        "Agreed in this meeting, closed in it, or carried into it. Edit cells and save; a "
        "change someone else saved meanwhile is reported, never overwritten."
    )
    items = store.list_agenda_items(meeting.id)
    carried = [
        int(r)
        for r in items.filter(pl.col("source") == "action").get_column("ref").to_list()
        if r and r.isdigit()
    ]
    acts = store.list_actions()
    acts = acts.filter(
        (pl.col("created_in_meeting") == meeting.id)
        | (pl.col("closed_in_meeting") == meeting.id)
        | pl.col("id").is_in(carried)
    )
    if acts.height == 0:
        ui.empty_state(
            "No action items yet.",
            action="Add one under an agenda item." if edit else "",
        )
    action_table(f"m{meeting.id}", acts, edit=edit)


def actions_tab(data: ui.Active, edit: bool) -> None:
    store = ui.store()
    everything = store.list_actions()
    if everything.height == 0:
        ui.empty_state(
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
        ui.download(
            frame.select(review_pack.ACTION_COLUMNS),
            "action_items.csv",
            key="mt_dl_actions_filtered",
            label="Download these items (CSV)",
        )

    st.subheader("Did it work?")
    tickets = data.tickets
    effects = review_pack.action_effects(tickets, everything)
    if effects.height == 0:
        ui.empty_state(
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


def history_tab() -> None:
    store = ui.store()
    meetings = store.list_meetings()
    if meetings.height == 0:
        ui.empty_state("No meetings yet.", action="Start one in the Meeting tab.")
        return
    shown = meetings.select(
        "id",
        "date",
        "title",
        "period_start",
        "period_end",
        "attendees",
        "agenda_items",
        "actions_created",
        "actions_closed",
    )
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="mt_hist_table",
        column_config={"id": None},
    )
    rows = event.selection.rows if event is not None else []
    st.caption("Select a meeting to see its decisions and action items.")
    if not rows:
        return
    mid = int(shown.get_column("id")[rows[0]])
    m = store.get_meeting(mid)
    st.markdown(f"#### {md(m.title)}")
    items = store.list_agenda_items(mid)
    if items.height:
        st.dataframe(
            items.select("title", "source", "decision"),
            hide_index=True,
            width="stretch",
            column_config={"title": "Agenda item", "source": "From", "decision": "Decision"},
        )
    acts = store.list_actions(meeting_id=mid)
    if acts.height:
        st.dataframe(
            acts.select(
                "id",
                "title",
                "owner",
                "due_date",
                "status",
                "created_in_meeting",
                "closed_in_meeting",
                "outcome_note",
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No action items were created or closed in this meeting.")


def _backup_bytes(store: Store) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = store.backup(Path(tmp) / "backup.sqlite")
        return path.read_bytes()


def restore_upload(store: Store, name: str, content: bytes, *, actor: Any = None) -> dict:
    """Restore the database from uploaded bytes; a file that is not a backup changes nothing."""
    safe = Path(name).name or "upload"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        path.write_bytes(content)
        result = store.restore(path, actor=actor)
    result["meetings"] = store.list_meetings().height
    result["action_items"] = store.list_actions().height
    result["datasets"] = store.list_datasets().height
    return result


def export_tab(data: ui.Active, edit: bool) -> None:
    store = ui.store()
    meetings = store.list_meetings()
    st.subheader("Meeting minutes and review pack")
    if meetings.height == 0:
        ui.empty_state("No meeting to export yet.", action="Start one in the Meeting tab.")
    else:
        mid = st.session_state.get(PICK) or int(meetings.get_column("id")[0])
        meeting = store.get_meeting(mid)
        if meeting is not None:
            st.caption(
                f"For {md(meeting.title)} ({meeting.date}); pick another in the Meeting tab."
            )
            tickets, _, ds_name = meeting_tickets(data, meeting)
            facts = facts_for(data, meeting)
            agenda_items = store.list_agenda_items(meeting.id)
            actions = store.list_actions()
            rules = definition(data)
            minutes = review_pack.minutes_markdown(
                meeting, agenda_items, actions, facts=facts, dataset_name=ds_name, definition=rules
            )
            keys = agenda_items.filter(pl.col("source") == "alert").get_column("ref").to_list()
            alerts = store.get_alert_states().filter(
                pl.col("alert_key").is_in([k for k in keys if k])
            )

            def pack() -> bytes:
                # Sentiment alerts chart the topic's sentiment: use the scored tickets.
                pack_tickets = tickets
                if alerts.height and (alerts.get_column("metric") == "sentiment").any():
                    scored = ui.sentiment_tickets(data).select("ticket_id", "sentiment")
                    pack_tickets = tickets.drop("sentiment").join(
                        scored, on="ticket_id", how="left"
                    )
                return review_pack.review_pack_html(
                    meeting,
                    agenda_items,
                    actions,
                    facts=facts,
                    alerts=alerts,
                    tickets=pack_tickets,
                    dataset_name=ds_name,
                    definition=rules,
                ).encode("utf-8")

            stem = f"escalation-review-{meeting.date}-{meeting.id}"
            c1, c2, c3 = st.columns(3)
            c1.download_button(
                "Minutes (Markdown)",
                minutes,
                file_name=f"{stem}-minutes.md",
                mime="text/markdown",
                key="mt_dl_md",
                on_click="ignore",
                icon=":material/description:",
            )
            c2.download_button(
                "Review pack (HTML)",
                pack,
                file_name=f"{stem}-review-pack.html",
                mime="text/html",
                key="mt_dl_html",
                on_click="ignore",
                icon=":material/print:",
            )
            c3.download_button(
                "All action items (CSV)",
                to_csv_bytes(actions.select(review_pack.ACTION_COLUMNS)),
                file_name="action_items.csv",
                mime="text/csv",
                key="mt_dl_csv",
                on_click="ignore",
                icon=":material/download:",
            )
            st.caption(
                "The review pack is one HTML file with its charts inside: it opens without a "
                "network, and prints on A4 (use the browser's Print, or Save as PDF)."
            )
    st.subheader("Backup and restore")
    st.markdown(
        "The backup is one file with every meeting, agenda, decision, action item and its "
        "history, category tag, saved mapping and the dataset registry. The ticket snapshots "
        "themselves are files beside the database (`snapshots/`) and are not in it."
    )
    if store.db_path is None:
        st.info("Backups work on a SQLite database; use your database's own tools here.")
        return
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    st.download_button(
        "Download a backup of the database",
        lambda: _backup_bytes(store),
        file_name=f"escalation-review-backup-{stamp}.sqlite",
        mime="application/vnd.sqlite3",
        key="mt_dl_backup",
        icon=":material/backup:",
    )
    if not edit:
        return
    restored = st.session_state.pop("mt_restored", None)
    if restored:
        st.success(
            f"Restored from {restored['name']}: {restored['meetings']} meetings, "
            f"{restored['action_items']} action items, {restored['datasets']} datasets "
            f"(schema version {restored['from_version']} brought to {restored['schema_version']}). "
            f"The database as it was before is kept as {Path(restored['previous_copy']).name}."
        )
    with st.expander("Restore from a backup", icon=":material/settings_backup_restore:"):
        up = st.file_uploader("Backup file", key="mt_restore_file")
        sure = st.checkbox(
            "Replace everything in the database with this backup (a copy of the current "
            "database is kept)",
            key="mt_restore_sure",
        )
        if st.button("Restore", disabled=up is None or not sure, key="mt_restore_go"):
            try:
                result = restore_upload(store, up.name, up.getvalue(), actor=ui.actor())
            except ReviewError as exc:
                st.error(f"Nothing was restored: {exc}", icon=":material/error:")
                return
            forget_tables()
            st.session_state.pop(PICK, None)
            st.session_state["mt_restored"] = {**result, "name": up.name}
            st.rerun()
