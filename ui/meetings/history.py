"""The History tab: past meetings and what each action item went through."""

from __future__ import annotations

import streamlit as st

from lib.markdown import md_escape
from ui import layout, session


def history_tab() -> None:
    store = session.store()
    meetings = store.list_meetings()
    if meetings.height == 0:
        layout.empty_state("No meetings yet.", action="Start one in the Meeting tab.")
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
    st.markdown(f"#### {md_escape(m.title)}")
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
