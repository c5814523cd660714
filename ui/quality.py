"""The data-quality report of an import: rows read and dropped, values not understood."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from lib.markdown import md_escape


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
        st.warning(md_escape(w))
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
                "Not used: "
                + ", ".join(md_escape(c) for c in unmapped[:40])
                + (" …" if len(unmapped) > 40 else "")
            )
    derived_table(report)
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


def derived_table(report: dict[str, Any]) -> None:
    """The values the loader filled in because the export had none (``report["derived"]``)."""
    derived = report.get("derived") or []
    if not derived:
        return
    st.markdown("**Values derived, not read** (the export had none for these rows)")
    st.dataframe(
        pl.DataFrame(
            {
                "file": [d["file"] for d in derived],
                "field": [d["field"] for d in derived],
                "export column": [d.get("column") or "(none mapped)" for d in derived],
                "rows derived": [d["rows"] for d in derived],
                "how": [d["detail"] for d in derived],
            }
        ),
        hide_index=True,
        key=f"q_derived_{id(report)}",
    )
