"""Review meetings: what did we see, what did we agree, who owns it, is it done, did it work?"""

from __future__ import annotations

import streamlit as st

from ui import layout, session
from ui import meetings as um

layout.header(
    "Review meetings",
    "What did we see, what did we agree, who owns it, is it done, and did it work?",
)
edit = um.editable()
if st.session_state.get("_active") is None:  # no dataset opens: backups still work
    layout.no_data()
    um.show_flash()
    um.backup_section(edit)
    st.stop()
data = layout.page_data()
if not edit:
    st.info("You have read-only access: ask an editor to change meetings or action items.")

um.headline(data)
st.caption(
    "Meetings look at all tickets of the dataset for their review period; the sidebar's "
    "filters do not apply to them."
)
if edit and session.actor() is None:
    st.text_input(
        "Your name",
        key=um.WHO,
        placeholder="local user",
        help="Recorded with everything you change here (meetings, agenda, decisions, notes, "
        "action items), so the team sees who did what.",
        width=320,
    )
um.show_flash()

tab_meeting, tab_actions, tab_history, tab_export = st.tabs(
    ["Meeting", "Action items", "History", "Export and backup"]
)
with tab_meeting:
    um.meeting_tab(data, edit)
with tab_actions:
    um.actions_tab(data, edit)
with tab_history:
    um.history_tab()
with tab_export:
    um.export_tab(data, edit)
