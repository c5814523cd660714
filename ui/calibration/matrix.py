"""The Escalation matrix tab: what the team agreed (category x situation -> handle at Tier 1 or
escalate to whom), saved as versions, with the history and downloads."""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib.store.calibration import MATRIX_ACTIONS, MATRIX_FIELDS
from ui import layout, session, widgets
from ui.calibration.common import flash, participant, try_store

_LABELS = {"category": "Category", "situation": "Situation", "action": "Do", "to": "To",
           "note": "Note"}  # fmt: skip


_VERSIONS = {"version": "Version", "rows": "Rows", "note": "What changed",
             "created_by": "Saved by", "created_at": "Saved at"}  # fmt: skip


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        [{f: r.get(f) or "" for f in MATRIX_FIELDS} for r in rows],
        schema=dict.fromkeys(MATRIX_FIELDS, pl.String),
    )


def matrix_tab(edit: bool) -> None:
    """Edit the matrix (editors) and read any version."""
    store = session.store()
    latest = store.escalation_matrix()
    st.caption(
        "Write down what the team agreed: for each category and situation, handle it at Tier 1 "
        "or escalate, and to whom. Every save is a new version; older ones stay readable. The "
        "latest version goes into the meeting pack."
    )
    rows = latest.rows if latest is not None else []
    if edit:
        edited = st.data_editor(
            _frame(rows),
            num_rows="dynamic",
            key=f"cal_matrix_{latest.version if latest else 0}",
            hide_index=True,
            column_config={
                "category": st.column_config.TextColumn("Category", required=True),
                "situation": st.column_config.TextColumn(
                    "Situation", help="e.g. locked out, refund over 100 EUR"
                ),
                "action": st.column_config.SelectboxColumn(
                    "Do", options=list(MATRIX_ACTIONS), required=True
                ),
                "to": st.column_config.TextColumn("To", help="Whom to escalate to"),
                "note": st.column_config.TextColumn("Note"),
            },
        )
        note = st.text_input("What changed (optional)", key="cal_matrix_note")
        nxt = (latest.version + 1) if latest else 1
        if st.button(f"Save as version {nxt}", key="cal_matrix_save", icon=":material/save:"):
            frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
            saved = try_store(
                lambda: store.save_escalation_matrix(
                    frame.to_dicts(), note=note, who=participant(), actor=session.actor()
                ),
                "Matrix not saved",
            )
            if saved is not None:
                flash(f"Saved the escalation matrix as version {saved.version}.")
                st.rerun()
    elif latest is None:
        layout.empty_state("No escalation matrix yet.", action="An editor writes it here.")
    versions = store.escalation_matrix_versions()
    if versions.height == 0:
        if edit:
            layout.empty_state("No version saved yet.", action="Add rows above and save.")
        return
    st.subheader("Versions")
    widgets.table(
        versions.rename(_VERSIONS), key="cal_versions", filename="escalation-matrix-versions.csv"
    )
    pick = st.selectbox(
        "Show version", versions.get_column("version").to_list(), key="cal_matrix_version"
    )
    shown = store.escalation_matrix(int(pick))
    if shown is not None:
        widgets.table(
            _frame(shown.rows).rename(_LABELS),
            key="cal_matrix_shown",
            filename=f"escalation-matrix-v{shown.version}.csv",
        )
