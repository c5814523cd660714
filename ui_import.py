"""Streamlit parts of the Data page: the import flow, the mapping screen, rules and reports.

Kept out of ``pages/data.py`` so the page reads top to bottom; no parsing happens here, only
calls into ``lib.ingest`` and ``lib.store``.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

import ui
from lib.errors import ReviewError
from lib.ingest import Inspection, LoadResult, inspect_sources, load_tables, reapply_rules
from lib.ingest.columns import KEY_LABELS, KEYS, REQUIRED_KEYS
from lib.ingest.rules import OPERATORS, Rule, custom_rule, rules_from_json, rules_to_json
from lib.privacy import pseudonymise

NOT_MAPPED = "— not in this export —"
TIMEZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
]


def _files_key(files: list[Any]) -> tuple:
    return tuple((f.name, getattr(f, "size", None), getattr(f, "file_id", None)) for f in files)


def import_flow(files: list[Any], tz: str) -> None:
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
            ui.show_error(exc, what="Could not read the upload")
            st.caption("Nothing was changed: the dataset that was open stays open.")
            return
        bar.empty()
        saved = ui.store().get_mapping(insp.fingerprint)
        state = {"key": key, "insp": insp, "saved": saved, "result": None, "done": None}
        st.session_state["imp"] = state
    insp: Inspection = state["insp"]
    st.success(
        f"Detected **{insp.match.label}** ({sum(t.frame.height for t in insp.tables):,} rows "
        f"in {len(insp.tables)} file{'s' if len(insp.tables) != 1 else ''}).",
        icon=":material/check_circle:",
    )
    for t in insp.tables:
        for note in t.notes:
            st.caption(f"{t.name}: {note}")
        if t.dropped_count:
            st.warning(
                f"{t.name}: {t.dropped_count:,} rows could not be read and will be left out "
                f"(first: line {t.dropped[0][0]}, {t.dropped[0][1]})."
            )
    if state.get("done"):
        st.success(state["done"], icon=":material/task_alt:")
        return
    if state["saved"] and state["result"] is None:
        st.info(
            "This export has the same columns as one you mapped before: the saved mapping "
            "is applied.",
            icon=":material/bookmark:",
        )
        mapping = dict(state["saved"])
        _run_load(state, mapping, tz)
    else:
        mapping = mapping_screen(insp, state)
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
    with st.form("mapping_form"):
        grid = st.columns(3)
        for i, key in enumerate(KEYS):
            current = insp.mapping.get(key)
            options = [NOT_MAPPED, *columns]
            index = options.index(current) if current in options else 0
            match = insp.matches.get(key)
            why = getattr(match, "why", "") if match is not None else ""
            label = KEY_LABELS.get(key, key) + (" *" if key in REQUIRED_KEYS else "")
            choice = grid[i % 3].selectbox(
                label,
                options,
                index=index,
                key=f"map_{key}",
                help=why or None,
            )
            if choice != NOT_MAPPED:
                mapping[key] = choice
        confirmed = st.form_submit_button(
            "Confirm mapping and read tickets", type="primary", icon=":material/check:"
        )
    if confirmed:
        _run_load(state, mapping, st.session_state.get("imp_tz", "UTC"))
    return state.get("mapping") or mapping


def _run_load(state: dict[str, Any], mapping: dict[str, str], tz: str) -> None:
    bar = st.progress(0.0, text="Parsing tickets…")
    try:
        result = load_tables(
            state["insp"],
            mapping=mapping,
            tz=tz,
            progress=lambda x, msg: bar.progress(min(x, 1.0), text=msg),
        )
    except ReviewError as exc:
        bar.empty()
        ui.show_error(exc, what="Could not import")
        st.caption("Nothing was changed: the dataset that was open stays open.")
        state["result"] = None
        return
    bar.empty()
    state["result"] = result
    state["mapping"] = mapping
    state["frame"] = ui.save_frame(result)
    state["rules"] = result.rules


def _result_panel(
    state: dict[str, Any], result: LoadResult, mapping: dict[str, str], files: list[Any]
) -> None:
    st.subheader("What counts as an escalation")
    rules: list[Rule] = state["rules"]
    frame, outcome = reapply_rules(state["frame"], rules)
    new_rules = _rules_table(
        rules, outcome.counts, frame.height, key="imp_rules", columns=frame.columns
    )
    if new_rules is not None:
        state["rules"] = new_rules
        st.rerun()
    quality_report(result.report.to_dict(), result.mapping)
    default_name = ", ".join(f.name for f in files)[:80]
    name = st.text_input("Dataset name", value=default_name, key="imp_name")
    private = st.checkbox(
        "Pseudonymise personal data before storing",
        key="imp_private",
        help="Customer and requester names and e-mails become stable pseudonyms "
        "(customer-3f9a…); e-mail addresses and phone numbers in subjects and descriptions "
        "are masked. Rates, agents and categories are unchanged.",
    )
    if st.button(
        f"Import {frame.height:,} tickets", type="primary", key="imp_save", icon=":material/save:"
    ):
        with st.spinner("Saving the snapshot…"):
            try:
                if private:
                    frame = pseudonymise(frame, key=ui.pseudonym_key())
                rec = ui.store().register_dataset(
                    name or default_name,
                    frame,
                    source_files=[f.name for f in files],
                    vendor=result.vendor,
                    mapping=state["mapping"],
                    rules=rules_to_json(state["rules"]),
                    report=result.report.to_dict(),
                    actor=ui.actor(),
                )
                ui.store().save_mapping(
                    result.fingerprint, state["mapping"], vendor=result.vendor, actor=ui.actor()
                )
            except ReviewError as exc:
                ui.show_error(exc, what="Could not save the dataset")
                return
        ui.switch_dataset(rec.id)
        state["done"] = (
            f"Imported {frame.height:,} tickets as “{rec.name}”. "
            f"{outcome.escalated:,} are escalated. Open the Overview to start the review."
        )
        st.rerun()


def _rule_columns(columns: list[str]) -> list[str]:
    """Columns a custom rule may test: ticket fields first, then the export's own columns."""
    from lib.schema import COLUMNS

    skip = {"escalated", "escalation_reason", "escalated_at", "source", "ticket_id"}
    fields = [c for c in COLUMNS if c in columns and c not in skip]
    return fields + [c for c in columns if c.startswith("raw:")]


def _column_label(column: str) -> str:
    if column.startswith("raw:"):
        return f"Export column “{column[4:]}”"
    return f"Ticket field: {ui.label(column)}"


def _rules_table(
    rules: list[Rule], counts: dict[str, int], total: int, *, key: str, columns: list[str]
) -> list[Rule] | None:
    """The rule list with counts and on/off switches; returns new rules when changed."""
    st.caption(
        "A ticket is escalated when any switched-on rule marks it. The count shows how many "
        "tickets each rule marks on its own, also for rules that are off."
    )
    table = pl.DataFrame(
        {
            "on": [r.enabled for r in rules],
            "rule": [r.label for r in rules],
            "tickets marked": [counts.get(r.id, 0) for r in rules],
            "share": [counts.get(r.id, 0) / total if total else 0.0 for r in rules],
        }
    )
    edited = st.data_editor(
        table,
        key=f"{key}_editor",
        hide_index=True,
        disabled=["rule", "tickets marked", "share"],
        column_config={
            "on": st.column_config.CheckboxColumn("On", width="small"),
            "share": st.column_config.ProgressColumn("Share of tickets", format="percent"),
        },
    )
    flags = list(edited["on"]) if edited is not None else [r.enabled for r in rules]
    changed = [
        Rule(**{**r.to_dict(), "enabled": bool(f)}) for r, f in zip(rules, flags, strict=True)
    ]
    with st.expander("Add a rule of your own", icon=":material/add:"):
        with st.form(f"{key}_add"):
            cols = st.columns([2, 1, 2])
            column = cols[0].selectbox(
                "Column", _rule_columns(columns), format_func=_column_label, key=f"{key}_c"
            )
            op = cols[1].selectbox("Operator", OPERATORS, key=f"{key}_op")
            value = cols[2].text_input("Value", key=f"{key}_v")
            add = st.form_submit_button("Add rule")
        if add:
            if not column:
                st.error("Choose a column.")
            else:
                try:
                    rule = custom_rule(column, op, value)
                except ValueError as exc:
                    st.error(str(exc))
                else:
                    return [*changed, rule]
    if any(a.enabled != b.enabled for a, b in zip(rules, changed, strict=True)):
        return changed
    return None


def rules_editor(data: ui.Active) -> None:
    """Rules of the active dataset, re-applied to its snapshot when changed."""
    snapshot = ui.snapshot_of(data.record)
    rules = data.rules or rules_from_json(None)
    frame, outcome = reapply_rules(snapshot, rules)
    st.markdown(f"**{outcome.escalated:,}** of {frame.height:,} tickets are escalated.")
    if not ui.can_edit():
        st.dataframe(
            pl.DataFrame(
                {
                    "on": [r.enabled for r in rules],
                    "rule": [r.label for r in rules],
                    "tickets marked": [outcome.counts.get(r.id, 0) for r in rules],
                }
            ),
            hide_index=True,
            key="ds_rules_ro",
        )
        st.caption("Viewers see the rules; editors can change them.")
        return
    new_rules = _rules_table(
        rules, outcome.counts, frame.height, key="ds_rules", columns=snapshot.columns
    )
    if new_rules is not None:
        new_frame, _ = reapply_rules(snapshot, new_rules)
        with st.spinner("Applying the rules…"), ui.user_errors("Could not save the rules"):
            ui.store().replace_snapshot(
                data.record.id, new_frame, rules=rules_to_json(new_rules), actor=ui.actor()
            )
            st.rerun()


def quality_report(report: dict[str, Any], mapping: dict[str, str]) -> None:
    """Rows read and dropped (with reasons and lines), duplicates, nulls, date range."""
    st.subheader("Data quality")
    c = st.columns(4)
    c[0].metric("Rows read", f"{report.get('rows_read', 0):,}")
    c[1].metric("Tickets kept", f"{report.get('rows_kept', 0):,}")
    c[2].metric("Rows dropped", f"{report.get('rows_dropped', 0):,}")
    c[3].metric("Duplicates", f"{report.get('duplicates', 0):,}")
    if report.get("event_log"):
        st.info(
            f"This export is an event log: {report.get('events', 0):,} state changes were "
            f"collapsed into {report.get('rows_kept', 0):,} tickets.",
            icon=":material/timeline:",
        )
    if report.get("date_min"):
        st.caption(f"Tickets created from {report['date_min'][:10]} to {report['date_max'][:10]}.")
    for w in report.get("warnings", []):
        st.warning(w)
    reasons = report.get("drop_reasons") or {}
    if reasons:
        st.markdown("**Why rows were dropped**")
        st.dataframe(
            pl.DataFrame({"reason": list(reasons), "rows": list(reasons.values())}),
            hide_index=True,
            key=f"q_reasons_{id(report)}",
        )
        examples = report.get("dropped_examples") or []
        if examples:
            ex = pl.DataFrame(
                [list(e) for e in examples], schema=["file", "line", "reason"], orient="row"
            )
            st.caption("First dropped rows (line numbers in the file):")
            st.dataframe(ex, hide_index=True, key=f"q_ex_{id(report)}")
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**Missing values per ticket field**")
        nulls = report.get("null_share") or {}
        if nulls:
            st.dataframe(
                pl.DataFrame({"field": list(nulls), "missing": list(nulls.values())}),
                hide_index=True,
                column_config={
                    "missing": st.column_config.ProgressColumn("Missing", format="percent")
                },
                key=f"q_nulls_{id(report)}",
            )
    with cols[1]:
        st.markdown("**Columns read**")
        if mapping:
            st.dataframe(
                pl.DataFrame(
                    {"ticket field": list(mapping), "export column": list(mapping.values())}
                ),
                hide_index=True,
                key=f"q_map_{id(report)}",
            )
        unmapped = report.get("unmapped_columns") or []
        if unmapped:
            st.caption(
                "Not used: " + ", ".join(unmapped[:40]) + (" …" if len(unmapped) > 40 else "")
            )
    parse = [p for p in report.get("parse", []) if p.get("failed")]
    if parse:
        st.markdown("**Values that could not be read** (kept as missing)")
        st.dataframe(
            pl.DataFrame(
                {
                    "file": [p["file"] for p in parse],
                    "column": [p["column"] for p in parse],
                    "values not read": [p["failed"] for p in parse],
                    "read as": [p["detail"] for p in parse],
                    "examples": [", ".join(str(v) for _, v in p["examples"]) for p in parse],
                }
            ),
            hide_index=True,
            key=f"q_parse_{id(report)}",
        )


def datasets_table() -> None:
    """Switch between, rename and delete loaded datasets."""
    listed = ui.store().list_datasets()
    if listed.height == 0:
        ui.empty_state("No dataset is stored yet.", action="Upload an export in the Import tab.")
        return
    view = listed.select("id", "name", "vendor", "row_count", "created_at", "active")
    st.dataframe(view, hide_index=True, key="ds_table")
    ids = listed.get_column("id").to_list()
    names = dict(zip(ids, listed.get_column("name").to_list(), strict=True))
    pick = st.selectbox(
        "Dataset", ids, format_func=lambda i: names[i], key="ds_pick", label_visibility="collapsed"
    )
    c = st.columns([1, 2, 1])
    if c[0].button("Open", key="ds_open", icon=":material/open_in_new:"):
        with ui.user_errors("Could not open"):
            if ui.can_edit():
                ui.store().set_active_dataset(pick, actor=ui.actor())
            ui.switch_dataset(pick)
            st.rerun()
    if not ui.can_edit():
        return
    new_name = c[1].text_input("New name", key="ds_newname", placeholder="New name")
    if c[1].button("Rename", key="ds_rename") and new_name:
        with ui.user_errors("Could not rename"):
            ui.store().rename_dataset(pick, new_name, actor=ui.actor())
            st.rerun()
    confirm = c[2].checkbox("Yes, delete it", key="ds_confirm")
    if c[2].button("Delete", key="ds_delete", type="secondary", icon=":material/delete:"):
        if not confirm:
            st.warning("Tick “Yes, delete it” first.")
        else:
            with ui.user_errors("Could not delete"):
                removed = ui.store().delete_dataset(pick, actor=ui.actor())
                if st.session_state.get("dataset_id") == pick:
                    st.session_state.pop("dataset_id", None)
                st.session_state["ds_removed"] = removed
                st.rerun()
    if removed := st.session_state.pop("ds_removed", None):
        st.success(f"Deleted: {removed}")
