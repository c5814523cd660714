"""The Export tab: the review pack, CSV exports, and backup and restore of the database."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from lib import review_pack
from lib.csvsafe import to_csv_bytes
from lib.errors import ReviewError
from lib.markdown import md_escape
from lib.store import Store
from ui import dataset, layout, scoring, session
from ui.calibration.results import calibration_pack
from ui.meetings.common import (
    PICK,
    definition,
    facts_for,
    forget_tables,
    meeting_dataset,
    warn_unsaved,
)


def _backup_bytes(store: Store) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = store.backup(Path(tmp) / "backup.sqlite", actor=session.actor())
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


def minutes_of(data: dataset.Active, meeting: Any) -> str:
    """The meeting's minutes: as frozen when it was closed, else from the store now."""
    if meeting.closed_at is not None and meeting.minutes:
        return meeting.minutes
    store = session.store()
    own = meeting_dataset(data, meeting)  # its name and escalation definition
    return review_pack.minutes_markdown(
        meeting,
        store.list_agenda_items(meeting.id),
        store.list_actions(),
        facts=facts_for(data, meeting),
        dataset_name=own.record.name,
        definition=definition(own),
    )


def pack_of(data: dataset.Active, meeting: Any, facts: Any = None) -> bytes:
    """The meeting's review pack (HTML): as frozen when it was closed, else built now.

    ``facts`` (:func:`facts_for`) should be computed during the script run and passed in when
    the pack is built later, on download: the facts read the session's horizon and periods,
    which a deferred download callable cannot see."""
    if meeting.closed_at is not None and meeting.pack_html:
        return meeting.pack_html.encode("utf-8")
    store = session.store()
    own = meeting_dataset(data, meeting)  # its tickets, name, zone and escalation definition
    return review_pack.meeting_pack_html(
        meeting,
        store.list_agenda_items(meeting.id),
        store.list_actions(),
        store.get_alert_states(),
        own.tickets,
        zone=own.zone,  # sentiment alerts: the scores of the meeting's dataset
        sentiment=lambda: scoring.sentiment_tickets(own),
        facts=facts if facts is not None else facts_for(data, meeting),
        dataset_name=own.record.name,
        definition=definition(own),
        calibration=calibration_pack(),
    ).encode("utf-8")


def export_tab(data: dataset.Active, edit: bool) -> None:
    store = session.store()
    meetings = store.list_meetings()
    st.subheader("Meeting minutes and review pack")
    if meetings.height == 0:
        layout.empty_state("No meeting to export yet.", action="Start one in the Meeting tab.")
    else:
        mid = st.session_state.get(PICK) or int(meetings.get_column("id")[0])
        meeting = store.get_meeting(mid)
        if meeting is not None:
            st.caption(
                f"For {md_escape(meeting.title)} ({meeting.date}); pick another in the Meeting tab."
            )
            agenda_items = store.list_agenda_items(meeting.id)
            actions = store.list_actions()
            minutes = minutes_of(data, meeting)
            warn_unsaved(
                agenda_items,
                "**Not in these exports** (save them in the Meeting tab first): decisions "
                "typed but not saved on",
            )
            if meeting.closed_at is not None:
                st.caption(
                    "The meeting is closed: the minutes"
                    + (" and the review pack" if meeting.pack_html else "")
                    + " are as they were at closing."
                )
            # the facts now (they read the session's horizon), the HTML on download
            pack = functools.partial(pack_of, data, meeting, facts_for(data, meeting))

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
    backup_section(edit)


def backup_section(edit: bool) -> None:
    """Backup download and restore (editors only); shown even when no dataset opens."""
    store = session.store()
    st.subheader("Backup and restore")
    if not edit:
        st.caption("Backups and restores are for editors.")
        return
    st.markdown(
        "The backup is one file with every meeting, agenda, decision, action item and its "
        "history, category tag, saved mapping and the dataset registry. The ticket snapshots "
        "themselves are files beside the database (`snapshots/`) and are not in it, nor is "
        "this installation's pseudonym key: a restore keeps the key it has."
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
    restored = st.session_state.pop("mt_restored", None)
    if restored:
        st.success(
            f"Restored from {md_escape(restored['name'])}: {restored['meetings']} meetings, "
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
                result = restore_upload(store, up.name, up.getvalue(), actor=session.actor())
            except ReviewError as exc:
                st.error(f"Nothing was restored: {md_escape(str(exc))}", icon=":material/error:")
                return
            forget_tables()
            st.session_state.pop(PICK, None)
            st.session_state["mt_restored"] = {**result, "name": up.name}
            st.rerun()
