"""The Meeting tab: start a meeting, pick one, its details and agenda."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from lib import periods
from lib.markdown import md_escape
from lib.store import Meeting
from ui import dataset, layout, session, sidebar
from ui.meetings.actions import action_table
from ui.meetings.agenda import agenda
from ui.meetings.common import (
    PICK,
    PICK_NEXT,
    attempt,
    data_agenda,
    flash,
    meeting_dataset,
    warn_unsaved,
    who,
)
from ui.meetings.export import minutes_of, pack_of


def start_form(data: dataset.Active) -> None:
    """Form: date, review period, title, attendees; builds the agenda from the data."""
    prds = sidebar.review_periods()
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
    store, actor = session.store(), session.actor()
    with layout.user_errors("Starting the meeting"):
        with st.spinner("Building the agenda from the data…"):
            entries = data_agenda(data, period[0], period[1], day)
        m = store.create_meeting(
            day,
            period_start=period[0],
            period_end=period[1],
            dataset_id=data.record.id,
            title=title,
            attendees=attendees,
            agenda=entries,
            who=who(),
            actor=actor,
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


def meeting_details(meeting: Meeting, edit: bool) -> None:
    """Caption line and (for editors) a form to change title, attendees and notes."""
    period = (
        f"{meeting.period_start} to {meeting.period_end}" if meeting.period_start else "not set"
    )
    bits = [f"Meeting {meeting.date}", f"review period {period}"]
    if meeting.attendees:
        bits.append(f"attendees: {meeting.attendees}")
    bits.append(f"started by {meeting.created_by or 'someone'}")
    if meeting.closed_at is not None:
        when = meeting.closed_at.strftime("%Y-%m-%d %H:%M UTC")
        bits.append(f"closed by {meeting.closed_by or 'someone'} at {when}")
    st.caption(" · ".join(md_escape(b) for b in bits))
    if not edit:
        if meeting.notes:
            st.markdown(f"**Notes:** {md_escape(meeting.notes)}")
        return
    # What the boxes started from, for the conflict check on saving (see _save_details).
    st.session_state.setdefault(
        f"mt_md_base_{meeting.id}", {f: getattr(meeting, f) or "" for f in DETAILS}
    )
    with st.expander("Title, attendees and notes"), st.form("mt_details", border=False):
        st.text_input("Title", value=meeting.title, key=f"mt_md_title_{meeting.id}")
        st.text_input("Attendees", value=meeting.attendees, key=f"mt_md_attendees_{meeting.id}")
        st.text_area("Notes", value=meeting.notes, height=100, key=f"mt_md_notes_{meeting.id}")
        st.form_submit_button("Save details", on_click=_save_details, args=(meeting.id,))


DETAILS = ("title", "attendees", "notes")


def _save_details(meeting_id: int) -> None:
    """Save title, attendees and notes, refused if someone changed them since they were shown.

    After a conflict the boxes keep the user's text and the base is dropped, so the next run
    takes the other person's text as the base: saving again then replaces it on purpose.
    """
    base = f"mt_md_base_{meeting_id}"
    values = {f: st.session_state.get(f"mt_md_{f}_{meeting_id}", "") for f in DETAILS}
    out = attempt(
        "Saving the meeting",
        session.store().update_meeting,
        meeting_id,
        values,
        expected=st.session_state.get(base),
        who=who(),
        actor=session.actor(),
        done="Meeting details saved.",
    )
    if out is not None:
        st.session_state[base] = {f: getattr(out, f) or "" for f in DETAILS}
    else:
        st.session_state.pop(base, None)


def meeting_tab(data: dataset.Active, edit: bool) -> None:
    store = session.store()
    meetings = store.list_meetings()
    if edit:
        with st.expander("Start a meeting", expanded=meetings.height == 0, icon=":material/add:"):
            start_form(data)
    if meetings.height == 0:
        layout.empty_state(
            "No review meeting yet.",
            action="Start one above: the agenda is built from the data."
            if edit
            else "An editor can start one.",
        )
        return
    meeting = store.get_meeting(pick_meeting(meetings))
    if meeting is None:
        return
    own = meeting_dataset(data, meeting)
    tickets, zone = own.tickets, own.zone
    if meeting.dataset_id not in (None, data.record.id) and own is data:
        st.info("This meeting's dataset no longer exists: numbers come from the active dataset.")
    if meeting.closed_at is not None:
        st.info(
            "This meeting is closed: its agenda, decisions and minutes are frozen. Open action "
            "items carry over to the next meeting's agenda.",
            icon=":material/lock:",
        )
    live = edit and meeting.closed_at is None
    meeting_details(meeting, live)
    st.subheader("Agenda")
    with periods.use_zone(zone):  # the agenda's charts count the meeting's dataset's days
        agenda(meeting, tickets, live)
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
        layout.empty_state(
            "No action items yet.",
            action="Add one under an agenda item." if edit else "",
        )
    action_table(f"m{meeting.id}", acts, edit=live, meeting_id=meeting.id)
    if meeting.closed_at is not None:
        still = acts.filter(pl.col("status").is_in(["open", "in_progress"]))
        if still.height:
            st.markdown("**Carried over to the next meeting:**")
            for a in still.iter_rows(named=True):
                st.markdown(
                    f"- #{a['id']} {md_escape(a['title'])} "
                    f"({md_escape(a['owner'] or 'no owner')}, due {a['due_date'] or '–'})"
                )
    elif live:
        close_section(data, meeting, items, still=acts)


def _close(data: dataset.Active, meeting_id: int) -> None:
    meeting = session.store().get_meeting(meeting_id)
    if meeting is None:
        return
    attempt(
        "Closing the meeting",
        session.store().close_meeting,
        meeting_id,
        minutes=minutes_of(data, meeting),
        pack_html=pack_of(data, meeting).decode("utf-8"),
        who=who(),
        actor=session.actor(),
        done="Meeting closed: its minutes are frozen.",
    )


def close_section(
    data: dataset.Active, meeting: Meeting, items: pl.DataFrame, still: pl.DataFrame
) -> None:
    """Close the meeting (after a confirmation), naming what is unsaved and what carries over."""
    with st.expander("Close this meeting", icon=":material/lock:"):
        st.caption(
            "Closing freezes the agenda, the decisions, the details and the minutes. Action "
            "items stay editable in the Action items tab; open ones carry over to the next "
            "meeting."
        )
        pending = warn_unsaved(
            items, "Decisions typed but not saved (save them first, then close):"
        )
        open_ = still.filter(pl.col("status").is_in(["open", "in_progress"])).height
        st.markdown(f"{open_} open action item{'s' if open_ != 1 else ''} will carry over.")
        sure = st.checkbox(
            "Yes, close it: nothing in it can change afterwards", key="mt_close_sure"
        )
        st.button(
            "Close meeting",
            key="mt_close_go",
            type="primary",
            disabled=not sure or pending,
            on_click=_close,
            args=(data, meeting.id),
        )
