"""The list of loaded datasets: switch, rename, delete."""

from __future__ import annotations

import streamlit as st

from lib.charts.tables import DATASETS_VIEW, present
from lib.markdown import md_escape
from ui import layout, session, sidebar


def datasets_table() -> None:
    """Switch between, rename and delete loaded datasets."""
    if removed := st.session_state.pop("ds_removed", None):
        st.success(deleted_message(removed))
    listed = session.store().list_datasets()
    if listed.height == 0:
        layout.empty_state(
            "No dataset is stored yet.", action="Upload an export in the Import tab."
        )
        return
    st.dataframe(present(listed, DATASETS_VIEW), hide_index=True, key="ds_table")
    ids = listed.get_column("id").to_list()
    names = dict(zip(ids, listed.get_column("name").to_list(), strict=True))
    pick = st.selectbox(
        "Dataset", ids, format_func=lambda i: names[i], key="ds_pick", label_visibility="collapsed"
    )
    c = st.columns([1, 2, 1])
    if c[0].button("Open", key="ds_open", icon=":material/open_in_new:"):
        with layout.user_errors("Could not open"):
            if session.can_edit():
                session.store().set_active_dataset(pick, actor=session.actor())
            sidebar.switch_dataset(pick)
            st.rerun()
    if not session.can_edit():
        return
    new_name = c[1].text_input("New name", key="ds_newname", placeholder="New name")
    if c[1].button("Rename", key="ds_rename") and new_name:
        with layout.user_errors("Could not rename"):
            session.store().rename_dataset(pick, new_name, actor=session.actor())
            st.rerun()
    confirm = c[2].checkbox("Yes, delete it", key="ds_confirm")
    if c[2].button("Delete", key="ds_delete", type="secondary", icon=":material/delete:"):
        if not confirm:
            st.warning("Tick “Yes, delete it” first.")
        else:
            with layout.user_errors("Could not delete"):
                removed = session.store().delete_dataset(pick, actor=session.actor())
                if st.session_state.get("dataset_id") == pick:
                    st.session_state.pop("dataset_id", None)
                st.session_state["ds_removed"] = removed
                st.rerun()


def deleted_message(removed: dict) -> str:
    """What a deletion did, in words (file names only, never a server path).

    >>> deleted_message({"name": "Q4", "rows": 5, "files": ["dataset-1-ab.parquet"],
    ...                  "alert_states": 0, "meetings_unlinked": 2, "was_active": False})
    'Deleted “Q4” (5 tickets): 1 file removed, 2 meetings keep their decisions without it.'
    """
    files = len(removed.get("files") or [])
    text = (
        f"Deleted “{md_escape(removed['name'])}” ({removed['rows']:,} tickets): "
        f"{files} file{'s' if files != 1 else ''} removed"
    )
    if removed.get("alert_states"):
        text += f", {removed['alert_states']} alert triage row(s) removed"
    if removed.get("meetings_unlinked"):
        text += f", {removed['meetings_unlinked']} meetings keep their decisions without it"
    return text + "."
