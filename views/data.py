"""Data: load helpdesk exports, confirm the column mapping, set the escalation rules."""

from __future__ import annotations

import streamlit as st

from ui import (
    chosen_files,
    datasets,
    importer,
    layout,
    quality,
    rules_editor,
    session,
    sql_source,
    zone,
)
from ui.data_tabs import DATA_TAB_KEY, DATA_TABS

layout.header(
    "Data",
    "Which tickets are we looking at, and what counts as an escalation?",
)
data = st.session_state.get("_active")
if data is not None:
    layout.context_caption(data)

# Only the open tab runs (the rules tab holds every column of the snapshot: 6-8 s and several
# GB at 10 million tickets, for a user who came to upload a file); the URL names the tab
# (``?tab=Escalation+rules``), so other pages link to it.
tab_import, tab_rules, tab_quality, tab_sets = st.tabs(
    list(DATA_TABS), key=DATA_TAB_KEY, bind="query-params", on_change="rerun"
)

with tab_import:
    if tab_import.open:
        if not session.can_edit():
            layout.empty_state(
                "You are signed in as a viewer: importing exports and changing rules needs the "
                "editor role.",
                action="Ask the person who runs Escalation Review to make you an editor.",
            )
        elif (
            st.radio("Tickets from", ["Files", "A database"], key="import_from", horizontal=True)
            == "A database"
        ):
            sql_source.sql_flow()
        else:
            st.markdown(
                "Upload one or more ticket exports from your helpdesk (Zendesk, Freshdesk, Jira "
                "Service Management, ServiceNow, osTicket, Zammad, Help Scout, Intercom, HubSpot, "
                "Salesforce or any other tool). Several monthly exports of the same helpdesk are "
                "combined; a ticket that appears twice keeps its most recently updated row."
            )
            if (st.session_state.get("imp") or {}).get("done"):
                chosen_files.let_go()  # saved: the session keeps the files' names, not their bytes
            files = chosen_files.held()
            if files:  # taken out of the upload widget (which copies its value on every run)
                chosen_files.chosen_row(files)
                importer.import_panel(files)
                if not importer.inspected(files):  # unreadable: the error, and the upload again
                    chosen_files.forget()
                    files = []
            if not files:
                key = chosen_files.uploader_key()
                st.file_uploader(
                    "Ticket exports",
                    type=chosen_files.TYPES,
                    accept_multiple_files=True,
                    key=key,
                    on_change=chosen_files.take,
                    args=(key,),
                    help="CSV/TSV (any delimiter and encoding), XLSX, JSON, JSON Lines, Parquet, "
                    "an XES event log or Jira's XML export, also inside .gz or .zip.",
                )
                layout.empty_state(
                    "Drop your helpdesk's ticket export above.",
                    action="Until then the app shows the dataset in the sidebar.",
                )

with tab_rules:
    if tab_rules.open:
        if data is None:
            layout.no_data()
        else:
            rules_editor.rules_editor(data)

with tab_quality:
    if tab_quality.open:
        if data is None:
            layout.no_data()
        else:
            quality.quality_report(data.record.report or {}, data.record.mapping or {})

with tab_sets:
    if tab_sets.open:
        if data is not None:
            zone.zone_panel(data)
        datasets.datasets_table()
