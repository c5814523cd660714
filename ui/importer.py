"""The import flow of the Data page: inspect the upload, confirm the mapping, import.

No parsing happens here, only calls into ``lib.ingest`` and ``lib.store``; a failed upload
leaves the dataset that was open as it was.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lib.errors import ReviewError
from lib.ingest import Inspection, LoadResult, inspect_sources, load_tables, reapply_rules
from lib.ingest.business_zone import ZONE_KEY, propose_for_tables, split_zone
from lib.ingest.column_evidence import close_call, close_call_note
from lib.ingest.date_order import SAVED_KEY, split_saved
from lib.ingest.keys import KEY_LABELS, KEYS, required_keys
from lib.ingest.rules import SIGNAL_ADVICE, Rule, escalation_signal, rules_to_json
from lib.markdown import md_escape
from lib.privacy import mask_report, pseudonymise
from lib.store.datasets import encode_snapshot
from ui import (
    chosen_files,
    dataset,
    import_notice,
    layout,
    quality,
    rules_editor,
    session,
    sidebar,
    signals,
)
from ui.zone import zone_caption, zone_choice

NOT_MAPPED = "— not in this export —"


def _files_key(files: list[Any]) -> tuple:
    return tuple((f.name, getattr(f, "size", None), getattr(f, "file_id", None)) for f in files)


def inspected(files: list[Any]) -> bool:
    """Whether ``files`` were inspected (False after an error: the user chooses others)."""
    return (st.session_state.get("imp") or {}).get("key") == _files_key(files)


@st.fragment
def import_panel(files: list[Any]) -> None:
    """:func:`import_flow` as a fragment: confirming the mapping, ticking a box or typing the
    dataset's name reruns the import panel alone, not the whole Data page (whose upload
    widget copies the uploaded bytes on every run: 0.2 s for a 271 MB export, and whose
    other tabs work on the open dataset). Importing reruns the whole app (the sidebar)."""
    import_flow(files)


def import_flow(files: list[Any]) -> None:
    """Inspect the uploaded files, show the mapping screen, then import on confirmation."""
    key = _files_key(files)
    state = st.session_state.get("imp")
    if state is None or state.get("key") != key:
        bar = st.progress(0.0, text="Reading files…")
        try:
            insp = inspect_sources(
                files,
                progress=lambda x, msg: bar.progress(min(x, 1.0), text=msg),
            )
        except ReviewError as exc:
            bar.empty()
            layout.show_error(exc, what="Could not read the upload")
            st.caption("Nothing was changed: the dataset that was open stays open.")
            return
        bar.empty()
        saved, saved_zone = split_zone(session.store().get_mapping(insp.fingerprint))
        proposal = propose_for_tables(insp.tables, insp.mapping)
        state = {"key": key, "insp": insp, "saved": saved, "result": None, "done": None}
        state["then_overview"] = True  # an upload (a database source stays on its form)
        state["proposal"], state["tz"] = proposal, saved_zone or proposal.zone
        if not saved:
            _load_ahead(state, dict(insp.mapping), state["tz"], None)
        state["summary"] = _summary(insp)
        st.session_state["imp"] = state
    for kind, text in state["summary"]:
        if kind == "success":
            st.success(text, icon=":material/check_circle:")
        elif kind == "caption":
            st.caption(text)
        else:
            st.warning(text)
    confirm_and_import(state, files)
    if state.get("done"):  # nothing of the upload is needed any more: free its memory
        state.pop("insp", None)


def _summary(insp: Inspection) -> list[tuple[str, str]]:
    """What the inspection found, as the lines shown above the mapping screen (kept after
    the import, when the inspection itself is dropped)."""
    lines = [
        (
            "success",
            f"Detected **{insp.match.label}** ({sum(t.frame.height for t in insp.tables):,} "
            f"rows in {len(insp.tables)} file{'s' if len(insp.tables) != 1 else ''}).",
        )
    ]
    for t in insp.tables:
        for note in t.notes:
            lines.append(("caption", f"{md_escape(t.name)}: {md_escape(note)}"))
        if t.dropped_count:
            lines.append(
                (
                    "warning",
                    f"{md_escape(t.name)}: {t.dropped_count:,} rows could not be read and will "
                    f"be left out (first: line {t.dropped[0][0]}, {md_escape(t.dropped[0][1])}).",
                )
            )
    return lines


def confirm_and_import(state: dict[str, Any], files: list[Any], noun: str = "export") -> None:
    """After inspection (of files or a database source): the mapping, the rules, the import.

    ``files``: objects with a ``name`` (the dataset's default name and its source files).
    """
    if state.get("done"):
        st.success(state["done"], icon=":material/task_alt:")
        return
    if state["saved"] and state["result"] is None:
        st.info(
            f"This {noun} has the same columns as one you mapped before: the saved "
            "mapping is applied.",
            icon=":material/bookmark:",
        )
        mapping, dayfirst = split_saved(state["saved"])
        _run_load(state, mapping, state["tz"], dayfirst)
    else:
        mapping = mapping_screen(state["insp"], state)
    result: LoadResult | None = state.get("result")
    if result is None:
        return
    _result_panel(state, result, mapping, files)


def mapping_screen(insp: Inspection, state: dict[str, Any]) -> dict[str, str]:
    """One select per canonical column, pre-filled with the detected match."""
    st.subheader("Confirm the columns")
    st.caption(
        "Each ticket field on the left is read from the export column on the right. The "
        "first rows of your file are shown below; change a match if it is wrong."
    )
    st.dataframe(insp.preview(5), hide_index=True, key="imp_preview")
    columns = insp.columns
    mapping: dict[str, str] = {}
    required = required_keys(insp.mapping)
    with st.form("mapping_form"):
        grid = st.columns(3)
        for i, key in enumerate(KEYS):
            current = insp.mapping.get(key)
            match = insp.matches.get(key)
            options = [NOT_MAPPED, *_close_first(match, current, columns)]
            index = options.index(current) if current in options else 0
            why = getattr(match, "why", "") if match is not None else ""
            label = KEY_LABELS.get(key, key) + (" *" if key in required else "")
            if key == "created_at" and "created_at" not in required:
                why = "Optional in an event log: a ticket is created at its first event."
            choice = grid[i % 3].selectbox(
                label,
                options,
                index=index,
                key=f"map_{key}",
                help=md_escape(why) or None,
            )
            _close_call_caption(grid[i % 3], match, current)
            if choice != NOT_MAPPED:
                mapping[key] = choice
        dayfirst = _date_order_choice()
        tz = zone_choice(state)
        confirmed = st.form_submit_button(
            "Confirm mapping and read tickets", type="primary", icon=":material/check:"
        )
    if confirmed:
        _run_load(state, mapping, tz, dayfirst)
    return state.get("mapping") or mapping


#: The day/month choices of the mapping screen and what they pass to the loader.
DATE_ORDERS: dict[str, bool | None] = {
    "Decide from the values": None,
    "Day first (01/10 is 1 October)": True,
    "Month first (01/10 is 10 January)": False,
}


def _date_order_choice() -> bool | None:
    """The day/month order control of the mapping form (None: decided from the values)."""
    label = st.radio(
        "Dates such as 01/10/2023",
        list(DATE_ORDERS),
        key="map_dayfirst",
        horizontal=True,
        help="Only for dates whose day and month could be swapped: a value such as "
        "25/01/2023 always decides by itself. The import report says when the file could "
        "not tell.",
    )
    return DATE_ORDERS[label]


def _close_first(match: Any, current: str | None, columns: list[str]) -> list[str]:
    """The columns, with a close call's runner-up right after the chosen one."""
    pair = close_call(match) if match is not None and match.column == current else None
    if pair is None:
        return columns
    first = [pair[0].column, pair[1].column]
    return first + [c for c in columns if c not in first]


def _close_call_caption(col: Any, match: Any, current: str | None) -> None:
    """Under a field whose two best columns scored close: both, with their evidence."""
    if match is None or match.column != current:
        return
    note = close_call_note(match)
    if note:
        col.caption(md_escape(note))


def _run_load(
    state: dict[str, Any], mapping: dict[str, str], tz: str, dayfirst: bool | None = None
) -> None:
    bar = st.progress(0.0, text="Parsing tickets…")
    load = state.get("load") or load_tables  # a database source reads its rows first
    entry = state.get("ahead")
    try:
        ahead = _loaded_ahead(state, mapping, tz, dayfirst)
        result = ahead or load(
            state["insp"],
            mapping=mapping,
            tz=tz,
            progress=lambda x, msg: bar.progress(min(x, 1.0), text=msg),
            dayfirst=dayfirst,
        )
    except ReviewError as exc:
        bar.empty()
        layout.show_error(exc, what="Could not import")
        st.caption("Nothing was changed: the dataset that was open stays open.")
        state["result"] = None
        return
    bar.empty()
    state["result"] = result
    state["mapping"] = mapping
    state["dayfirst"] = dayfirst
    state["tz"] = tz
    state["rules"] = result.rules
    state.pop("applied", None)
    state.pop("prepared", None)
    done = _worked_ahead(entry) if ahead is not None else None
    if done is not None:  # the frame, the rules, the picker and the snapshot's bytes
        state["frame"], state["applied"] = done.frame, done.applied
        if done.encoded is not None:
            state["prepared"] = (done.applied[0], done.encoded)
        if done.counted is not None:
            rules_editor.remember_counts("imp_rules", done.frame, mapping, done.counted)
    else:
        state["frame"] = result.snapshot_frame()
    frame, _ = _rules_applied(state, result.rules)
    _prepare(state, frame, private=bool(st.session_state.get("imp_private")))


def _result_panel(
    state: dict[str, Any], result: LoadResult, mapping: dict[str, str], files: list[Any]
) -> None:
    st.subheader("What counts as an escalation")
    rules: list[Rule] = state["rules"]
    frame, outcome = _rules_applied(state, rules)
    # The rules mark (almost) nothing: choosing a signal is the next step, not importing.
    low = escalation_signal(frame, rules)
    if low is not None:
        signals.low_signal_warning(low, key="imp_signal")
        chosen = signals.signal_choices(
            frame, rules, key="imp_sig", mapping=state["mapping"], low_signal=True
        )
        if chosen is not None:
            state["rules"] = chosen
            st.rerun()
    new_rules = rules_editor.rules_table(
        rules, outcome.counts, state["frame"], key="imp_rules", mapping=state["mapping"]
    )
    if new_rules is not None:
        state["rules"] = new_rules
        st.rerun()
    # The load-time low-signal warning is shown live above (for the rules as they are now).
    report = result.report.to_dict()
    report["warnings"] = [w for w in report.get("warnings", []) if not w.endswith(SIGNAL_ADVICE)]
    if state.get("source"):  # where a database source's rows came from (no credentials)
        report["source"] = state["source"]
    quality.quality_report(report, result.mapping)
    zone_caption(state)
    default_name = ", ".join(f.name for f in files)[:80]
    name = st.text_input("Dataset name", value=default_name, key="imp_name")
    private = st.checkbox(
        "Pseudonymise personal data before storing",
        key="imp_private",
        help="Customer and requester names and e-mails become stable pseudonyms "
        "(customer-3f9a…); e-mail addresses and phone numbers in subjects and descriptions "
        "are masked. Rates, agents and categories are unchanged.",
    )
    _prepare(state, frame, private=private)
    label = f"Import {frame.height:,} tickets"
    if low is not None:
        label += " without escalations" if outcome.escalated == 0 else " anyway"
        st.caption(
            "Importing now keeps the rules as they are: every page will warn that the "
            "escalation rates say more about the rules than about your team until a rule "
            "marks enough tickets (you can still add one on Data → Escalation rules)."
        )
    if st.button(
        label,
        type="secondary" if low is not None else "primary",
        key="imp_save",
        icon=":material/save:",
    ):
        with st.spinner("Saving the snapshot…"):
            try:
                if private:
                    frame = pseudonymise(frame, key=dataset.pseudonym_key())
                    report = mask_report(report)
                prepared = _take_prepared(state)
                rec = session.store().register_dataset(
                    name or default_name,
                    frame,
                    prepared=prepared,
                    source_files=[f.name for f in files],
                    vendor=result.vendor,
                    mapping=state["mapping"],
                    rules=rules_to_json(state["rules"]),
                    report=report,
                    business_tz=state["tz"],
                    actor=session.actor(),
                )
                session.store().save_mapping(
                    result.fingerprint,
                    {
                        **_with_date_order(state["mapping"], state.get("dayfirst")),
                        ZONE_KEY: state["tz"],
                    },
                    vendor=result.vendor,
                    actor=session.actor(),
                )
            except ReviewError as exc:
                layout.show_error(exc, what="Could not save the dataset")
                return
        with contextlib.suppress(ReviewError):  # the Overview opens on this frame
            dataset.hand_over(session.store().snapshot_file(rec), frame)
        sidebar.switch_dataset(rec.id)
        st.session_state["dataset_id"] = rec.id  # (the next run opens it before the sidebar)
        _forget(state)
        done = (
            f"Imported {frame.height:,} tickets as “{md_escape(rec.name)}”. "
            f"{outcome.escalated:,} are escalated."
        )
        state["done"] = done + " Open the Overview to start the review."
        if state.get("then_overview"):  # an upload: the Overview is what the user reads next
            chosen_files.let_go()  # saved: the session keeps the files' names, not their bytes
            state.pop("insp", None)
            import_notice.open_overview(done)
        st.rerun()  # (a database source stays on its form, to read another range)


#: What an import keeps in the session until it is done: the tickets (several copies of a
#: big export's columns) and the work made ahead.
_BULKY = ("result", "frame", "applied", "prepared", "ahead")


def _forget(state: dict[str, Any]) -> None:
    """Drop the imported tickets from the session once they are saved (they would stay in
    memory as long as the upload is shown)."""
    for name in _BULKY:
        state.pop(name, None)
    st.session_state.pop("imp_rules_counts", None)  # the picker's memo holds the frame too


def _rules_applied(state: dict[str, Any], rules: list[Rule]) -> tuple[Any, Any]:
    """The loaded frame with ``rules`` applied, kept until the rules change: every rerun of
    the panel (the Import click too) would otherwise apply them to every row again."""
    key = rules_to_json(rules)
    memo = state.get("applied")
    if memo is None or memo[0] != key:
        memo = (key, *reapply_rules(state["frame"], rules, mapping=state["mapping"]))
        state["applied"] = memo
    return memo[1], memo[2]


#: Reads the tickets with the detected mapping while the user looks at the mapping screen.
_AHEAD = ThreadPoolExecutor(max_workers=2, thread_name_prefix="import-ahead")


def _ahead_key(mapping: dict[str, str], tz: str, dayfirst: bool | None) -> tuple:
    return (tuple(sorted(mapping.items())), tz, dayfirst)


def _load_ahead(
    state: dict[str, Any], mapping: dict[str, str], tz: str, dayfirst: bool | None
) -> None:
    """Start reading the tickets with the detected mapping in the background, so that
    confirming it unchanged finds them read (the same call the confirmation makes)."""
    job = _AHEAD.submit(load_tables, state["insp"], mapping=mapping, tz=tz, dayfirst=dayfirst)
    encode = not st.session_state.get("imp_private")
    after = _AHEAD.submit(_work_after_load, job, mapping, encode=encode)
    state["ahead"] = (_ahead_key(mapping, tz, dayfirst), job, after)


@dataclass
class _Ahead:
    """What the confirmation needs besides the tickets read ahead, made in the background
    right after them: the snapshot frame, the detected rules applied to it (``applied`` as
    :func:`_rules_applied` keeps it), the rule picker's first counts and the snapshot's
    bytes being encoded (None while "Pseudonymise" is ticked)."""

    frame: Any
    applied: tuple
    counted: tuple[str, dict[str, int]] | None
    encoded: Future | None


def _work_after_load(job: Future, mapping: dict[str, str], *, encode: bool) -> _Ahead:
    """The work after the read, done ahead (the same calls the confirmation makes)."""
    result: LoadResult = job.result()
    frame = result.snapshot_frame()
    rules = result.rules
    applied = (rules_to_json(rules), *reapply_rules(frame, rules, mapping=mapping))
    encoded = _ENCODER.submit(encode_snapshot, applied[1]) if encode else None
    counted = rules_editor.count_first(frame, mapping)
    return _Ahead(frame, applied, counted, encoded)


def _worked_ahead(entry: tuple) -> _Ahead | None:
    """The background work after the read of ``entry`` (a ``state["ahead"]``), or None when
    it failed (the confirmation then does it itself)."""
    try:
        return entry[2].result()
    except Exception:
        return None


def _loaded_ahead(
    state: dict[str, Any], mapping: dict[str, str], tz: str, dayfirst: bool | None
) -> LoadResult | None:
    """The tickets read ahead, when the user confirmed the mapping, zone and day order they
    were read with (waiting for the read to finish); None otherwise or when it failed (the
    confirmation then reads again, and shows the error)."""
    entry = state.pop("ahead", None)
    if entry is None or entry[0] != _ahead_key(mapping, tz, dayfirst):
        return None
    try:
        return entry[1].result()
    except Exception:
        return None


#: Encodes the snapshot of a confirmed import while the user reads the rules (one at a time).
_ENCODER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-encode")


def _prepare(state: dict[str, Any], frame: Any, *, private: bool) -> None:
    """Encode ``frame`` (the loaded tickets under the current rules) as the snapshot's bytes
    in the background and in memory, so that "Import" only writes them. Bytes for other
    rules are dropped; none are made while "Pseudonymise" is ticked (the pseudonymised frame
    is written when the user imports)."""
    key = state["applied"][0]
    old = state.get("prepared")
    if old is not None and (private or old[0] != key):
        state.pop("prepared")
        old = None
    if old is None and not private:
        state["prepared"] = (key, _ENCODER.submit(encode_snapshot, frame))


def _take_prepared(state: dict[str, Any]) -> bytes | None:
    """The snapshot bytes for the current rules (waiting for their encoding), or None."""
    entry = state.pop("prepared", None)
    if entry is None or entry[0] != state["applied"][0]:
        return None
    try:
        return entry[1].result()
    except Exception:  # a failed background encoding: register_dataset writes the frame
        return None


def _with_date_order(mapping: dict[str, str], dayfirst: bool | None) -> dict[str, Any]:
    """The mapping to remember, with the day/month choice when the user made one."""
    return mapping if dayfirst is None else {**mapping, SAVED_KEY: dayfirst}
