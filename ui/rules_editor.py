"""The escalation rules editor: the active dataset's rules, their counts, custom rules."""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib.ingest import reapply_rules
from lib.ingest.rules import OPERATORS, Rule, custom_rule, rules_from_json, rules_to_json
from lib.markdown import md_escape
from ui import dataset, layout, session


def _rule_columns(columns: list[str]) -> list[str]:
    """Columns a custom rule may test: ticket fields first, then the export's own columns."""
    from lib.schema import COLUMNS

    skip = {"escalated", "escalation_reason", "escalated_at", "source", "ticket_id"}
    fields = [c for c in COLUMNS if c in columns and c not in skip]
    return fields + [c for c in columns if c.startswith("raw:")]


def _column_label(column: str) -> str:
    if column.startswith("raw:"):
        return f"Export column “{column[4:]}”"
    return f"Ticket field: {layout.label(column)}"


def rules_table(
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
                    st.error(md_escape(str(exc)))
                else:
                    return [*changed, rule]
    if any(a.enabled != b.enabled for a, b in zip(rules, changed, strict=True)):
        return changed
    return None


def rules_editor(data: dataset.Active) -> None:
    """Rules of the active dataset, re-applied to its snapshot when changed."""
    snapshot = dataset.snapshot_of(data.record)
    rules = data.rules or rules_from_json(None)
    frame, outcome = reapply_rules(snapshot, rules)
    st.markdown(f"**{outcome.escalated:,}** of {frame.height:,} tickets are escalated.")
    if not session.can_edit():
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
    new_rules = rules_table(
        rules, outcome.counts, frame.height, key="ds_rules", columns=snapshot.columns
    )
    if new_rules is not None:
        new_frame, _ = reapply_rules(snapshot, new_rules)
        with st.spinner("Applying the rules…"), layout.user_errors("Could not save the rules"):
            session.store().replace_snapshot(
                data.record.id, new_frame, rules=rules_to_json(new_rules), actor=session.actor()
            )
            st.rerun()
