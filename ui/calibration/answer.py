"""The Answer tab: a participant answers an open session's scenarios one at a time, on their own
and without seeing the outcome. One column, no tables: it works on a phone."""

from __future__ import annotations

import streamlit as st

from lib.calibration import DECISIONS, ESCALATE, REASONS
from lib.markdown import md_escape
from ui import layout, session
from ui.calibration.common import (
    GROUP,
    NAME,
    TENURE,
    TENURES,
    flash,
    participant,
    pick_session,
    sessions,
    try_store,
)

_FACTS = (
    ("category", "Category"),
    ("channel", "Channel"),
    ("priority", "Priority"),
    ("customer_tier", "Customer tier"),
    ("first_group", "Arrived in"),
)
_TARGETS = ["Tier 2", "Tier 3"]


def _identity() -> str | None:
    actor = session.actor()
    if actor is not None:
        st.caption(f"Answering as {md_escape(actor.email)}.")
    else:
        st.text_input(
            "Your name",
            key=NAME,
            placeholder="e.g. Ana",
            help="Keeps your answers together. Nobody sees them until the leader closes the "
            "session.",
        )
    with st.expander("About you (optional)"):
        st.text_input("Your team or group", key=GROUP, placeholder="e.g. Tier 1 EU")
        st.selectbox(
            "Time in support",
            TENURES,
            key=TENURE,
            format_func=lambda t: t or "— not said —",
        )
        st.caption("Used only to compare groups in the results, when people give them.")
    return participant()


def _scenario(item: dict, index: int, total: int) -> None:
    with st.container(border=True, key="cal_scenario"):
        st.markdown(f"**Scenario {index + 1} of {total}**")
        subject = item.get("subject") or "(no subject)"
        st.markdown(f"> {md_escape(subject)}")
        facts = [
            f"{label}: **{md_escape(str(item[col]))}**" for col, label in _FACTS if item.get(col)
        ]
        st.markdown("  \n".join(facts) if facts else "No details recorded for this ticket.")


def _targets() -> list[str]:
    data = st.session_state.get("_active")
    groups: list[str] = []
    if data is not None and "group" in data.tickets.columns:
        counts = data.tickets.get_column("group").drop_nulls().value_counts(sort=True)
        groups = [g for g in counts.get_column("group").head(12).to_list() if g not in _TARGETS]
    return _TARGETS + groups


def _form(sid: int, item: dict, previous: dict | None, who: str) -> bool:
    """The answer form of one scenario; True when an answer was saved."""
    prev = previous or {}
    with st.form(f"cal_form_{sid}_{item['item_id']}", border=False):
        decision = st.radio(
            "What would you do?",
            DECISIONS,
            index=None if not prev else (1 if prev["escalate"] else 0),
            key=f"cal_decision_{item['item_id']}",
        )
        options = _targets()
        target = prev.get("target") or None
        if target and target not in options:
            options = [target, *options]
        target = st.selectbox(
            "If you escalate: to whom?",
            options,
            index=options.index(target) if target else None,
            placeholder="a tier or a group",
            accept_new_options=True,
            key=f"cal_target_{item['item_id']}",
        )
        reason = st.radio(
            "If you escalate: the main reason",
            REASONS,
            index=REASONS.index(prev["reason"]) if prev.get("reason") in REASONS else None,
            key=f"cal_reason_{item['item_id']}",
        )
        note = st.text_area(
            "Note (optional)",
            value=prev.get("note") or "",
            height=68,
            key=f"cal_note_{item['item_id']}",
        )
        saved = st.form_submit_button("Save and next", type="primary", width="stretch")
    if not saved:
        return False
    if decision is None:
        st.warning("Choose what you would do first: handle it at Tier 1, or escalate.")
        return False
    ok = try_store(
        lambda: session.store().submit_calibration_answer(
            item["item_id"],
            escalate=decision == ESCALATE,
            target=target or "",
            reason=reason or "",
            note=note,
            participant=who,
            group=st.session_state.get(GROUP),
            tenure=st.session_state.get(TENURE),
            actor=session.actor(),
        ),
        "Answer not saved",
    )
    return ok is not None


def answer_tab() -> None:
    """Pick the open session, say who you are, answer item by item."""
    open_sessions = sessions("open")
    if open_sessions.height == 0:
        layout.empty_state(
            "No calibration session is open.",
            action="A leader builds one under **Build a set**; then everyone answers here.",
        )
        return
    row = pick_session(open_sessions, "cal_answer_pick", "Session")
    sid = row["id"]
    st.markdown(
        f"**{md_escape(row['title'])}**" + (f": {md_escape(row['note'])}" if row["note"] else "")
    )
    st.caption(
        "Answer as you would have on the day, on your own. You will not see what actually "
        "happened, nor anybody's answers, until the leader closes the session."
    )
    who = _identity()
    if not who:
        st.info("Type your name to start.", icon=":material/badge:")
        return
    store = session.store()
    items = store.calibration_items(sid).to_dicts()
    mine = {
        a["item_id"]: a
        for a in store.my_calibration_answers(sid, who, actor=session.actor()).to_dicts()
    }
    total = len(items)
    pos_key = f"cal_pos_{sid}_{who.lower()}"
    if pos_key not in st.session_state:
        unanswered = [i for i, it in enumerate(items) if it["item_id"] not in mine]
        st.session_state[pos_key] = unanswered[0] if unanswered else 0
    index = min(max(int(st.session_state[pos_key]), 0), total - 1)
    st.progress(len(mine) / total, text=f"{len(mine)} of {total} answered")
    if len(mine) == total:
        st.success(
            f"You answered all {total} scenarios, thank you. You can change an answer until the "
            "session is closed.",
            icon=":material/task_alt:",
        )
    item = items[index]
    _scenario(item, index, total)
    if _form(sid, item, mine.get(item["item_id"]), who):
        nxt = [i for i in range(index + 1, total) if items[i]["item_id"] not in mine]
        st.session_state[pos_key] = nxt[0] if nxt else min(index + 1, total - 1)
        flash(f"Saved your answer to scenario {index + 1}.")
        st.rerun()
    nav = st.container(horizontal=True, key="cal_nav")
    if nav.button("Previous", disabled=index == 0, key="cal_prev", icon=":material/arrow_back:"):
        st.session_state[pos_key] = index - 1
        st.rerun()
    if nav.button(
        "Skip", disabled=index >= total - 1, key="cal_next", icon=":material/arrow_forward:"
    ):
        st.session_state[pos_key] = index + 1
        st.rerun()
    done = [str(i + 1) for i, it in enumerate(items) if it["item_id"] in mine]
    st.caption(f"Answered: {', '.join(done) or 'none yet'}.")
