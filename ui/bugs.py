"""The Product bugs page's glue: the cached defect groups, topic spikes and linked issues.

Each result is cached per snapshot, business zone, sidebar filters, review period and options
(the tickets themselves are not hashed). The export's own columns (``_description``, link
columns such as ``problem_id``) are read from the snapshot alone, only the ones needed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from lib import anomaly, audit, bugs, periods
from lib.store.snapshot_scan import read_columns, scan_snapshot
from ui import anomaly_calendar, dataset, session, sidebar

#: What an export without any text needs, in words (the empty state).
NO_TEXT = (
    "No subjects in this export: groups of similar tickets are found from the subject (and the "
    "description, when mapped). Map a subject or description column on the **Data** page."
)
#: What an export without links needs, in words.
NO_LINKS = (
    "No ticket in this export links to an engineering issue. Links are read from tags holding "
    "Jira keys (ABC-123) or ServiceNow problem numbers (PRB0001234), and from the export's "
    "columns named like links: problem_id (Zendesk, ServiceNow), Problem, Linked issues, "
    "Issue links, Jira key, Bug id. Export one of those with the tickets to see escalations "
    "by linked issue."
)


@st.cache_resource(max_entries=4, show_spinner=False)
def _extras(path: str, columns: tuple[str, ...]) -> pl.DataFrame:
    """``ticket_id`` and the named extra columns of a snapshot (only those are decoded)."""
    return read_columns(path, ["ticket_id", *columns])


def _path(data: dataset.Active) -> str:
    return str(session.store().snapshot_file(data.record))


def _extra_names(path: str) -> list[str]:
    return list(scan_snapshot(path).collect_schema().names())


@st.cache_data(max_entries=16, show_spinner=False)
def _alerts(key: str, where: audit.Filters, end: dt.date, hol: tuple, _t: pl.DataFrame) -> Any:
    t = audit.apply_filters(_t, where)
    if "category" not in t.columns or t.get_column("category").null_count() == t.height:
        return None
    return anomaly.detect_anomalies(t, topic="category", end=end, metrics=("volume",), holidays=hol)


@st.cache_data(max_entries=16, show_spinner=False)
def _groups(
    key: str,
    where: audit.Filters,
    review: tuple[dt.date, dt.date],
    opts: tuple,
    _t: pl.DataFrame,
    _desc: pl.DataFrame | None,
    _alerts: pl.DataFrame | None,
) -> bugs.BugGroups:
    t = audit.apply_filters(_t, where)
    if _desc is not None:
        t = t.join(_desc.rename({"_description": "description"}), on="ticket_id", how="left")
    return bugs.find_groups(t, period=review, alerts=_alerts, **dict(opts))


def groups(data: dataset.Active, review: tuple[dt.date, dt.date], **opts: object) -> tuple:
    """(:class:`lib.bugs.BugGroups`, the period's tickets, topic spikes were read) for the
    session's filters and the review period ``review``."""
    path, key = _path(data), dataset.snapshot_key(data)
    where = sidebar.period_filters(*review)
    desc = _extras(path, ("_description",)) if "_description" in _extra_names(path) else None
    with periods.use_zone(data.zone):
        alerts = _alerts(
            key, sidebar.dimension_filters(), review[1], anomaly_calendar.holidays(), data.tickets
        )
        res = _groups(key, where, review, tuple(sorted(opts.items())), data.tickets, desc, alerts)
        period_tickets = audit.apply_filters(data.tickets, where)
    return res, period_tickets, alerts is not None


@st.cache_data(max_entries=16, show_spinner=False)
def _links(key: str, where: audit.Filters, _t: pl.DataFrame, _x: pl.DataFrame | None) -> tuple:
    t = audit.apply_filters(_t, where)
    links = bugs.issue_links(t, _x)
    return links, bugs.by_issue(t, links)


def linked(data: dataset.Active) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """(links, escalations by linked issue, the export's link columns read) for every ticket
    passing the sidebar's filters other than dates (an issue outlives a review period)."""
    path, key = _path(data), dataset.snapshot_key(data)
    names = [c for c in _extra_names(path) if c.startswith("raw:")]
    cols = bugs.link_columns(pl.DataFrame(schema=dict.fromkeys(names, pl.String)))
    extras = _extras(path, tuple(cols)) if cols else None
    with periods.use_zone(data.zone):
        links, table = _links(key, sidebar.dimension_filters(), data.tickets, extras)
    return links, table, [c.removeprefix("raw:") for c in cols]


def group_detail(
    shown: pl.DataFrame,
    number: int,
    period_tickets: pl.DataFrame,
    res: bugs.BugGroups,
    review: tuple[dt.date, dt.date],
) -> None:
    """One group's evidence, its tickets and the two draft downloads."""
    from lib.charts import bugs as charts
    from lib.markdown import md_escape
    from ui import widgets

    row = shown.filter(pl.col("group") == number).row(0, named=True)
    ids = res.members.filter(pl.col("group") == number).get_column("ticket_id")
    members = period_tickets.filter(pl.col("ticket_id").is_in(ids.implode())).sort(
        "created_at", descending=True
    )
    links, _, _ = linked(st.session_state["_active"])
    known = (
        links.filter(pl.col("ticket_id").is_in(ids.implode()))
        .group_by("issue")
        .len()
        .sort("len", descending=True)
    )
    examples = [
        (r["ticket_id"], r.get("subject") or "") for r in members.head(5).iter_rows(named=True)
    ]
    d = bugs.draft(row, examples, known.rows(), period=f"{review[0]} to {review[1]}")
    with st.container(border=True, key="pb_detail"):
        st.markdown(f"**Group {number}: {md_escape(row['label'])}** · {md_escape(d.summary)}")
        st.markdown(" · ".join(f"{md_escape(k)}: **{md_escape(v)}**" for k, v in d.evidence if v))
        if known.height:
            st.markdown(
                "Already linked: " + ", ".join(f"{md_escape(k)} ({n})" for k, n in known.rows()[:5])
            )
        st.caption(f"Suggested priority: {d.priority} ({bugs.drafts.PRIORITY_RULE}).")
        btn = st.container(horizontal=True)
        btn.download_button(
            "Draft a bug report (Jira CSV)",
            data=bugs.jira_csv([d]),
            file_name=f"bug_group_{number}_jira.csv",
            mime="text/csv",
            key="pb_jira",
            on_click="ignore",
            icon=":material/download:",
        )
        md = bugs.github_markdown(d)
        btn.download_button(
            "Draft a bug report (GitHub Markdown)",
            data=md.encode("utf-8"),
            file_name=f"bug_group_{number}.md",
            mime="text/markdown",
            key="pb_md",
            on_click="ignore",
            icon=":material/download:",
        )
        with st.expander("The GitHub draft's text"):
            st.code(md, language="markdown")
        widgets.table(
            members,
            view=charts.MEMBER_VIEW,
            key="pb_members",
            filename=f"bug_group_{number}_tickets.csv",
        )


def linked_section(data: dataset.Active) -> None:
    """Escalations by linked engineering issue, with the tickets still waiting on each."""
    from lib.charts import bugs as charts
    from lib.markdown import md_escape
    from ui import layout, widgets

    st.subheader("Linked engineering issues")
    _, table, cols = linked(data)
    if table.height == 0:
        layout.empty_state(NO_LINKS)
        return
    waiting = int(table.get_column("open").sum() or 0)
    st.caption(
        f"{table.height:,} linked issues, {waiting:,} tickets still waiting on them (new, open, "
        "pending or on hold). Every ticket passing the sidebar's filters counts, whatever its "
        "date (an engineering issue outlives a review period). Read from: "
        + md_escape(", ".join(["tags", *cols]))
        + "."
    )
    widgets.table(
        table.with_columns(pl.col("waiting").list.join(", ")),
        view=charts.ISSUE_VIEW,
        key="pb_issues",
        filename="escalations_by_linked_issue.csv",
    )
