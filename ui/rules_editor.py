"""The escalation rules editor: the active dataset's rules, their counts, custom rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl
import streamlit as st

from lib.ingest import reapply_rules
from lib.ingest.rules import (
    OPERATORS,
    VALUELESS,
    Rule,
    current_tag_rule,
    current_tag_rule_count,
    custom_rule,
    escalation_signal,
    raw_source,
    rules_from_json,
    rules_to_json,
    value_counts,
)
from lib.ingest.signals import suggest_signals
from lib.markdown import md_escape
from lib.sentiment_sidecar import SENTIMENT_SIDECAR
from ui import dataset, layout, session, signals


def _rule_columns(columns: list[str]) -> list[str]:
    """Columns a custom rule may test: ticket fields first (their dates last: a picker of
    a million distinct timestamps helps nobody and costs a second to count), then the
    export's own columns.

    >>> _rule_columns(["ticket_id", "created_at", "status", "raw:Queue"])
    ['status', 'created_at', 'raw:Queue']
    """
    from lib.schema import COLUMNS, SCHEMA

    skip = {"escalated", "escalation_reason", "escalated_at", "source", "ticket_id"}
    fields = [c for c in COLUMNS if c in columns and c not in skip]
    dates = [c for c in fields if isinstance(SCHEMA[c], pl.Datetime)]
    rest = [c for c in fields if c not in dates]
    return rest + dates + [c for c in columns if c.startswith("raw:")]


def _column_label(column: str) -> str:
    if column.startswith("raw:"):
        return f"Export column “{column[4:]}”"
    return f"Ticket field: {layout.label(column)}"


#: How many of a column's values the picker lists (most common first); others can be typed.
PICKER_VALUES = 50


def _picker_counts(
    frame: pl.DataFrame, column: str, *, key: str, mapping: Mapping[str, Any]
) -> dict[str, int]:
    """The picker's values with their counts, kept in the session for the same frame and
    column (counting a million values on every rerun of the page costs a second)."""
    memo = st.session_state.get(f"{key}_counts")
    if memo is not None and memo[0] is frame and memo[1:3] == (column, dict(mapping)):
        return memo[3]
    counts = dict(value_counts(frame, column, sources=mapping, limit=PICKER_VALUES))
    st.session_state[f"{key}_counts"] = (frame, column, dict(mapping), counts)
    return counts


def count_first(frame: pl.DataFrame, mapping: Mapping[str, Any]) -> tuple[str, dict[str, int]]:
    """The column the "add a rule" panel shows first and its picker's counts, worked out
    ahead (the import does it in the background while the user reads the mapping screen).

    >>> count_first(pl.DataFrame({"ticket_id": ["1"], "status": ["open"]}), {})
    ('status', {'open': 1})
    """
    columns = _rule_columns(frame.columns)
    if not columns:
        return "", {}
    return columns[0], dict(value_counts(frame, columns[0], sources=mapping, limit=PICKER_VALUES))


def remember_counts(
    key: str, frame: pl.DataFrame, mapping: Mapping[str, Any], counted: tuple[str, dict[str, int]]
) -> None:
    """Keep counts made by :func:`count_first` for the picker of ``key`` on ``frame``."""
    st.session_state[f"{key}_counts"] = (frame, counted[0], dict(mapping), counted[1])


def _value_input(
    frame: pl.DataFrame, column: str | None, op: str, *, key: str, mapping: Mapping[str, Any]
) -> Any:
    """The value of a new rule: a picker of the column's own values (with ticket counts) for
    ``equals`` / ``is in``, a text box for ``contains`` / ``greater than``."""
    if op in VALUELESS or not column:
        return None
    if op not in ("equals", "is in"):
        return st.text_input("Value", key=f"{key}_v")
    counts = _picker_counts(frame, column, key=key, mapping=mapping)

    def shown(v: str) -> str:
        n = counts.get(v)
        return f"{v} ({n:,} tickets)" if n is not None else f"{v} (typed)"

    raw = raw_source(frame.columns, column, mapping)
    where = f"as the export's column “{md_escape(raw[4:])}” wrote them" if raw else "in the data"
    listed = (
        f"The {len(counts)} most common values {where}, with their ticket counts; type "
        "another value to use it."
        if counts
        else "This column holds no value; type one."
    )
    st.caption(
        listed
        + " Case and surrounding spaces are ignored"
        + ("; the normalised value matches too." if raw else ".")
    )
    if op == "is in":
        return st.multiselect(
            "Values",
            list(counts),
            format_func=shown,
            accept_new_options=True,
            placeholder="Pick values or type one",
            key=f"{key}_picks",
        )
    return st.selectbox(
        "Value",
        list(counts),
        index=None,
        format_func=shown,
        accept_new_options=True,
        placeholder="Pick a value or type one",
        key=f"{key}_pick",
    )


def _add_rule(frame: pl.DataFrame, *, key: str, mapping: Mapping[str, Any]) -> Rule | None:
    """The "add a rule" panel; returns the new rule when the user adds one."""
    with st.expander("Add a rule of your own", icon=":material/add:"):
        cols = st.columns([2, 1])
        column = cols[0].selectbox(
            "Column", _rule_columns(frame.columns), format_func=_column_label, key=f"{key}_c"
        )
        op = cols[1].selectbox("Operator", OPERATORS, key=f"{key}_op")
        value = _value_input(frame, column, op, key=key, mapping=mapping)
        if not st.button("Add rule", key=f"{key}_add", icon=":material/add:"):
            return None
        if not column:
            st.error("Choose a column.")
            return None
        if op not in VALUELESS and (value is None or value == "" or value == []):
            st.error(f"Choose or type a value for “{op}”.")
            return None
        try:
            return custom_rule(column, op, value)
        except ValueError as exc:
            st.error(md_escape(str(exc)))
            return None


def _delete_rule(rules: list[Rule], *, key: str) -> int | None:
    """The "delete a rule" panel (custom rules only); returns the position to delete."""
    mine = [i for i, r in enumerate(rules) if r.kind == "custom"]
    if not mine:
        return None
    with st.expander("Delete a rule of your own", icon=":material/delete:"):
        pick = st.selectbox(
            "Rule", mine, format_func=lambda i: rules[i].label, key=f"{key}_del_pick"
        )
        st.caption("Built-in rules cannot be deleted; switch them off in the table instead.")
        if st.button("Delete rule", key=f"{key}_del", icon=":material/delete:"):
            return pick
    return None


def rules_table(
    rules: list[Rule],
    counts: dict[str, int],
    frame: pl.DataFrame,
    *,
    key: str,
    mapping: Mapping[str, Any] | None = None,
) -> list[Rule] | None:
    """The rule list with counts and on/off switches, and panels to add a rule (with a
    picker of the column's values) or delete one of the user's own; returns new rules
    when changed. ``frame`` is the snapshot (canonical columns and ``raw:`` extras) and
    ``mapping`` the dataset's column mapping.
    """
    mapping = mapping or {}
    total = frame.height
    st.caption(
        "A ticket is escalated when any switched-on rule marks it. The count shows how many "
        "tickets each rule marks on its own, also for rules that are off."
    )
    table = pl.DataFrame(
        {
            "on": [r.enabled for r in rules],
            "rule": [r.label for r in rules],
            "type": ["yours" if r.kind == "custom" else "built-in" for r in rules],
            "tickets marked": [counts.get(r.id, 0) for r in rules],
            "share": [counts.get(r.id, 0) / total if total else 0.0 for r in rules],
        }
    )
    edited = st.data_editor(
        table,
        key=f"{key}_editor",
        hide_index=True,
        disabled=["rule", "type", "tickets marked", "share"],
        column_config={
            "on": st.column_config.CheckboxColumn("On", width="small"),
            "share": st.column_config.ProgressColumn("Share of tickets", format="percent"),
        },
    )
    flags = list(edited["on"]) if edited is not None else [r.enabled for r in rules]
    changed = [
        Rule(**{**r.to_dict(), "enabled": bool(f)}) for r, f in zip(rules, flags, strict=True)
    ]
    rule = _add_rule(frame, key=key, mapping=mapping)
    if rule is not None:
        return [*changed, rule]
    gone = _delete_rule(changed, key=key)
    if gone is not None:
        return [r for i, r in enumerate(changed) if i != gone]
    if any(a.enabled != b.enabled for a, b in zip(rules, changed, strict=True)):
        return changed
    return None


def rules_editor(data: dataset.Active) -> None:
    """Rules of the active dataset, re-applied to its snapshot when changed."""
    snapshot = dataset.snapshot_of(data.record)
    rules = data.rules or rules_from_json(None)
    mapping = data.record.mapping or {}
    frame, outcome, low = _applied(snapshot, rules, mapping)
    st.markdown(f"**{outcome.escalated:,}** of {frame.height:,} tickets are escalated.")
    _offer_recount(data, snapshot, rules, outcome.escalated)
    if not session.can_edit():
        if low is not None:
            st.warning(md_escape(low), icon=":material/rule:")
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
    if low is not None:
        signals.low_signal_warning(low, key="ds_signal")
        chosen = signals.signal_choices(
            frame,
            rules,
            key="ds_sig",
            mapping=mapping,
            low_signal=True,
            found=_signals(snapshot, rules, mapping, frame),
        )
    else:
        # looked for only when the user opens it: every column of the export is read for
        # them (28 s at 10 million tickets, against about 1 s for the rest of the tab)
        chosen = None
        box = st.expander(
            "Other escalation signals in this export",
            icon=":material/search:",
            key="ds_sig_open",
            on_change="rerun",
        )
        with box:
            if box.open:
                with st.spinner("Looking through every column of the export…"):
                    found = _signals(snapshot, rules, mapping, frame)
                chosen = signals.signal_choices(
                    frame, rules, key="ds_sig", mapping=mapping, low_signal=False, found=found
                )
    if chosen is not None:
        _save_rules(data, snapshot, chosen)
    _offer_current_tag_rule(data, snapshot, rules, mapping, outcome.counts.get("tag", 0))
    new_rules = rules_table(rules, outcome.counts, snapshot, key="ds_rules", mapping=mapping)
    if new_rules is not None:
        _save_rules(data, snapshot, new_rules)


def _offer_recount(
    data: dataset.Active, snapshot: pl.DataFrame, rules: list[Rule], marked: int
) -> None:
    """When the dataset's stored escalations (what every page counts) differ from what its
    rules mark today (an earlier version read the same rules otherwise, e.g. a tag such as
    not_escalated counted then): both numbers, and for an editor a button to count again."""
    if "escalated" not in snapshot.columns:
        return
    stored = int(snapshot.get_column("escalated").sum() or 0)
    if stored == marked:
        return
    with st.container(border=True):
        st.markdown(
            f":material/sync_problem: **The pages count {stored:,} escalated tickets; these "
            f"rules mark {marked:,}.** The pages' count was decided when the dataset was "
            "imported, by an earlier version's reading of the same rules (tags such as "
            "not_escalated or escalation_risk counted then)."
        )
        if not session.can_edit():
            st.caption("Ask an editor to count the escalations again with these rules.")
        elif st.button("Count again with these rules", key="ds_recount"):
            _save_rules(data, snapshot, rules)


def _offer_current_tag_rule(
    data: dataset.Active,
    snapshot: pl.DataFrame,
    rules: list[Rule],
    mapping: Mapping[str, Any],
    marked: int,
) -> None:
    """For a dataset imported by an earlier version, whose tag rule reads the English
    "escalat" only: what today's rule would mark, and a button to switch to it."""
    would = _kept(
        "ds_tag_rule_memo",
        snapshot,
        rules,
        mapping,
        lambda: current_tag_rule_count(snapshot, rules),
    )
    if would is None:
        return
    with st.container(border=True):
        st.markdown(
            ":material/update: **This dataset's tag rule is from an earlier version.** It "
            'reads tags containing the English "escalat" only. Today\'s tag rule also reads '
            "escalado, escalamiento, escalade, escalonado and eskaliert, and leaves out tags "
            "that deny an escalation (not_escalated, no escalation, de-escalated). "
            f"On this dataset it would mark **{would:,}** tickets; the rule now marks "
            f"{marked:,}."
        )
        if st.button("Use today's tag rule", key="ds_tag_rule_update"):
            _save_rules(data, snapshot, current_tag_rule(rules))


def _kept(
    name: str,
    snapshot: pl.DataFrame,
    rules: list[Rule],
    mapping: Mapping[str, Any],
    make: Callable[[], Any],
) -> Any:
    """``make()``, kept in the session under ``name`` for the same snapshot, rules and mapping:
    every rerun of the Data page (each step of an import too) would otherwise work it out
    again."""
    key = (rules_to_json(rules), dict(mapping))
    memo = st.session_state.get(name)
    if memo is not None and memo[0] is snapshot and memo[1] == key:
        return memo[2]
    made = make()
    st.session_state[name] = (snapshot, key, made)
    return made


def _applied(
    snapshot: pl.DataFrame, rules: list[Rule], mapping: Mapping[str, Any]
) -> tuple[pl.DataFrame, Any, str | None]:
    """The snapshot under ``rules``, their outcome and the low-signal sentence (kept)."""

    def make() -> tuple[pl.DataFrame, Any, str | None]:
        frame, outcome = reapply_rules(snapshot, rules, mapping=mapping)
        return frame, outcome, escalation_signal(frame, rules)

    return _kept("ds_rules_memo", snapshot, rules, mapping, make)


def _signals(
    snapshot: pl.DataFrame, rules: list[Rule], mapping: Mapping[str, Any], frame: pl.DataFrame
) -> list[Any]:
    """The export's escalation signals (``frame``: the snapshot under ``rules``), kept."""
    return _kept(
        "ds_signals_memo",
        snapshot,
        rules,
        mapping,
        lambda: suggest_signals(frame, rules, mapping=mapping),
    )


def _save_rules(data: dataset.Active, snapshot: pl.DataFrame, new_rules: list[Rule]) -> None:
    """Re-apply ``new_rules`` to the dataset's snapshot, store both, and rerun the page."""
    new_frame, _ = reapply_rules(snapshot, new_rules, mapping=data.record.mapping or {})
    with st.spinner("Applying the rules…"), layout.user_errors("Could not save the rules"):
        session.store().replace_snapshot(
            data.record.id,
            new_frame,
            rules=rules_to_json(new_rules),
            # the same tickets with the escalation flag re-decided: their sentiment holds
            carry=(SENTIMENT_SIDECAR,),
            actor=session.actor(),
        )
        st.rerun()
