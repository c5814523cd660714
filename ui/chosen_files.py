"""The Data page's chosen exports, kept in the session instead of in the upload widget.

Streamlit hands a widget's value to the script as a deep copy on every run of the page: for
an upload widget holding a 271 MB export that is a copy of the bytes (0.2 s) on each full
run of the Data page, and a second copy in memory while the script runs. So the moment the
files arrive (the widget's ``on_change``, before the page runs) they are taken out of the
widget, kept once in the session, and the widget is replaced by an empty one (a new key);
the panel shows the chosen files with "Choose other files" to start again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from lib.markdown import md_escape

#: Session keys: the chosen files, and how many times the upload widget was emptied.
HELD, GENERATION = "imp_files", "imp_uploader_gen"
#: What the upload widget accepts.
TYPES = [
    "csv",
    "tsv",
    "txt",
    "xlsx",
    "json",
    "jsonl",
    "ndjson",
    "parquet",
    "xes",
    "xml",
    "gz",
    "zip",
]


@dataclass(frozen=True)
class Chosen:
    """A chosen file once its bytes are let go (after the import): what the panel shows.

    >>> Chosen("tickets.csv", 2_000_000, "f1").name
    'tickets.csv'
    """

    name: str
    size: int
    file_id: str


def uploader_key() -> str:
    """The upload widget's key: ``uploads`` at first, a new one each time files are taken.

    >>> "uploads".startswith("uploads")
    True
    """
    gen = st.session_state.get(GENERATION, 0)
    return "uploads" if gen == 0 else f"uploads_{gen}"


def take(key: str) -> None:
    """``on_change`` of the upload widget ``key``: keep its files in the session (the
    widget's own objects, not a copy), empty the widget by giving the next one a new key,
    and drop Streamlit's record of the upload (the session's objects hold the bytes)."""
    files = [f for f in st.session_state.get(key) or [] if isinstance(f, UploadedFile)]
    if not files:
        return
    st.session_state[HELD] = files
    st.session_state.pop("imp", None)  # (an earlier import's panel)
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    ctx = get_script_run_ctx()
    remove = getattr(getattr(ctx, "uploaded_file_mgr", None), "remove_file", None)
    if ctx is not None and remove is not None:  # the in-memory manager (the default)
        for f in files:
            remove(session_id=ctx.session_id, file_id=f.file_id)


def held() -> list[Any]:
    """The chosen files (``UploadedFile`` objects, or :class:`Chosen` after the import)."""
    return st.session_state.get(HELD) or []


def let_go() -> None:
    """After the import: keep only the files' names and sizes (the bytes are saved)."""
    files = held()
    st.session_state[HELD] = [Chosen(f.name, f.size, f.file_id) for f in files]


def forget() -> None:
    """Drop the chosen files and their import panel (the upload widget shows again)."""
    st.session_state.pop(HELD, None)
    st.session_state.pop("imp", None)


def chosen_row(files: list[Any]) -> None:
    """The chosen files' names and sizes, and a button to choose other files."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    names = ", ".join(f"**{md_escape(f.name)}** ({f.size / 1e6:,.1f} MB)" for f in files)
    left.markdown(f":material/description: {names}")
    right.button(
        "Choose other files",
        key="imp_choose_again",
        icon=":material/upload_file:",
        on_click=forget,
        width="stretch",
    )
