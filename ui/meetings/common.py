"""Shared by the meeting tabs: messages, store calls that report errors, the period's facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from lib import audit, formatting, periods, review_pack
from lib.errors import ReviewError
from lib.ingest import canonical_only
from lib.ingest.rules import describe_rules, rules_from_json
from lib.markdown import md_escape
from lib.store import Meeting, Store
from lib.store import can_edit as store_can_edit
from ui import dataset, horizon, session, sidebar

FLASH = "mt_flash"


PICK = "mt_pick"


PICK_NEXT = "mt_pick_next"


WHO = "mt_who"


NO_LINK = "— none —"


def editable() -> bool:
    """Whether the signed-in user may change anything (single-user mode may)."""
    return store_can_edit(session.actor())


def who() -> str | None:
    """Name typed in the "Your name" box: recorded with every write in single-user mode (the
    store records a signed-in user's e-mail instead)."""
    return (st.session_state.get(WHO) or "").strip() or None


def unsaved_decisions(items: pl.DataFrame) -> list[dict]:
    """Agenda items whose decision box holds text that is not saved: it differs from the
    decision stored and from what the box started from (a save refused as a conflict)."""
    out = []
    for item in items.iter_rows(named=True):
        typed = st.session_state.get(f"mt_dec_{item['id']}")
        base = st.session_state.get(f"mt_dec_base_{item['id']}", item["decision"] or "")
        if typed is not None and typed != (item["decision"] or "") and typed != base:
            out.append(item)
    return out


def warn_unsaved(items: pl.DataFrame, lead: str) -> bool:
    """Warn (``lead`` first) about each agenda item with an unsaved decision; True if any."""
    pending = unsaved_decisions(items)
    if pending:
        names = ", ".join(f"“{md_escape(r['title'])}”" for r in pending)
        st.warning(f"{lead} {names}.", icon=":material/edit_note:")
    return bool(pending)


def flash(kind: str, text: str) -> None:
    """Queue a message for the top of the page (shown once, after the next run)."""
    st.session_state.setdefault(FLASH, []).append((kind, text))


def show_flash() -> None:
    """Messages queued by the last action: inline at the top, and as a toast, which shows
    wherever the user has scrolled to."""
    for kind, text in st.session_state.pop(FLASH, []):
        icon = ":material/error:" if kind == "error" else ":material/check_circle:"
        st.toast(text, icon=icon)
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(text)


def attempt(what: str, fn: Callable[..., Any], *args: Any, done: str = "", **kw: Any) -> Any:
    """Run a store call; a ReviewError becomes a message instead of a traceback."""
    try:
        out = fn(*args, **kw)
    except ReviewError as exc:
        flash("error", f"{what}: {md_escape(str(exc))}")
        return None
    if done:
        flash("success", done)
    return out


def forget_tables() -> None:
    """Drop the remembered action tables (after this session changed items another way)."""
    for key in [k for k in st.session_state if str(k).startswith("mt_tbl_")]:
        del st.session_state[key]


def definition(data: dataset.Active) -> str:
    return describe_rules(rules_from_json(data.record.rules))


def policy_categories(store: Store) -> tuple[str, ...]:
    tags = store.get_category_tags()
    return tuple(tags.filter(pl.col("kind") == "policy").get_column("category").to_list())


@st.cache_data(show_spinner="Computing the review period's numbers…", max_entries=16)
def _facts(
    key: str,
    start: dt.date,
    end: dt.date,
    baseline: tuple[dt.date, dt.date] | None,
    policy: tuple[str, ...],
    hz_key: tuple[int, dt.datetime, bool] | None,
    _tickets: pl.DataFrame,
) -> review_pack.ReviewFacts:
    periods = review_pack.meeting_periods(_tickets, start, end, baseline=baseline)
    hz = audit.Horizon(*hz_key) if hz_key is not None else None
    return review_pack.review_facts(_tickets, periods, policy_categories=policy, horizon=hz)


def meeting_dataset(data: dataset.Active, meeting: Meeting | None) -> dataset.Active:
    """The dataset a meeting looks at: its own while it exists and its snapshot can be read
    (its canonical tickets, from the shared cache), else the active one."""
    store = session.store()
    if meeting is not None and meeting.dataset_id not in (None, data.record.id):
        rec = store.get_dataset(meeting.dataset_id)
        try:  # a missing, unreadable or refused snapshot: fall back to the active dataset
            path = store.snapshot_file(rec) if rec is not None else None
            if rec is not None and path is not None and path.exists():
                return dataset.Active(rec, canonical_only(dataset.canonical_of(rec)))
        except ReviewError:
            pass
    return data


def facts_for(data: dataset.Active, meeting: Meeting | None = None, *, start=None, end=None):
    """Cached :func:`lib.review_pack.review_facts` for a meeting (or a period)."""
    own = meeting_dataset(data, meeting)
    tickets, key = own.tickets, dataset.snapshot_key(own)
    if meeting is not None:
        start, end = meeting.period_start, meeting.period_end
    if start is None or end is None or tickets.height == 0:
        return None
    prds = sidebar.review_periods()
    # the sidebar's baseline is chosen on the active dataset's dates; a meeting on another
    # dataset takes that dataset's own (its first 30 days), as ``review pack`` does
    baseline = prds.baseline if prds is not None and own is data else None
    # the horizon the Overview compares periods with (issue 13 point 2)
    hz = horizon.current()
    if hz is not None and own is not data:  # a meeting on another dataset
        hz = audit.choose_horizon(tickets).horizon(hz.days)
    hz_key = (hz.days, hz.as_of, hz.timed) if hz is not None else None
    policy = policy_categories(session.store())
    with periods.use_zone(own.zone):  # the meeting's dataset's days
        return _facts(key, start, end, baseline, policy, hz_key, tickets)


def data_agenda(data: dataset.Active, start: dt.date, end: dt.date, day: dt.date) -> list:
    """The agenda a new meeting on ``day`` starts with: built from the review period's facts,
    the alerts sent to the agenda and the action items still open (as "Start meeting" does)."""
    store = session.store()
    facts = facts_for(data, start=start, end=end)
    return review_pack.build_agenda(
        facts,
        alerts=store.agenda_alerts().filter(
            pl.col("dataset_id").is_null() | (pl.col("dataset_id") == data.record.id)
        ),
        open_actions=store.open_actions_before(on=day),
    )


def headline(data: dataset.Active) -> None:
    """The review period's rate with its comparison, and where the action items stand."""
    store = session.store()
    prds = sidebar.review_periods()
    facts = facts_for(data, start=prds.review[0], end=prds.review[1]) if prds else None
    actions = store.list_actions(status=("open", "in_progress"))
    cols = st.columns(4)
    if facts is not None:
        cols[0].metric("Escalation rate, review period", **formatting.kpi_metric(facts.kpi, "rate"))
    cols[1].metric("Open action items", f"{actions.height:,}")
    overdue = int(actions.get_column("overdue").sum()) if actions.height else 0
    cols[2].metric("Overdue", f"{overdue:,}")
    cols[3].metric("Meetings held", f"{store.list_meetings().height:,}")
    if facts is not None:
        st.caption(formatting.kpi_caption(facts.kpi))
