"""The Build a set tab: a leader samples or picks tickets, opens the session, follows who has
answered, and closes it to show the results."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from lib.calibration import sample_calibration_set, scenarios
from lib.calibration.sampling import still_open
from lib.markdown import md_escape
from ui import aggregates, dataset, layout, session, tags, widgets
from ui import risk as risk_glue
from ui.calibration import pick
from ui.calibration.common import flash, participant, session_label, sessions, try_store
from ui.calibration.pick import parse_ids

DRAWN = "cal_drawn"
#: Which model chose the borderline tickets of the last draw (a sentence for the page).
DRAWN_BY = "cal_drawn_by"
_PREVIEW = {
    "ticket_id": "Ticket",
    "why": "Why it was picked",
    "category": "Category",
    "channel": "Channel",
    "priority": "Priority",
    "subject": "Subject (personal data hidden)",
}


def _sampled(data: dataset.Active) -> pl.DataFrame:
    row = st.container(horizontal=True, vertical_alignment="bottom")
    n = int(row.number_input("Scenarios", 2, 40, 10, key="cal_n", width=140))
    seed = int(
        row.number_input(
            "Draw number", 0, 9999, 0, key="cal_seed", width=140,
            help="Another number draws another set of the same mix.",
        )
    )  # fmt: skip
    policy = tags.policy_categories()
    if row.button("Draw a set", key="cal_draw", icon=":material/casino:"):
        picked, by = _draw(data, n=n, policy=policy, seed=seed)
        st.session_state[DRAWN] = picked.select("ticket_id", "why").rows()
        st.session_state[DRAWN_BY] = by
    st.caption(
        "Stratified: about a third borderline tickets (those nearest the escalation risk "
        "model's threshold at their arrival; the case-mix model's predicted chance near 50% "
        "when the risk model cannot be trained), a fifth from categories tagged policy-based on "
        "Drivers"
        + (f" ({md_escape(', '.join(policy))})" if policy else " (none tagged yet)")
        + ", the rest escalated and not escalated in turn across the categories. The sidebar's "
        "dates and filters apply."
    )
    if by := st.session_state.get(DRAWN_BY):
        st.caption(md_escape(by))
    drawn = st.session_state.get(DRAWN) or []
    why = pl.DataFrame(drawn, schema={"ticket_id": pl.String, "why": pl.String}, orient="row")
    scen = scenarios(data.tickets, why.get_column("ticket_id").to_list())
    return scen.join(why, on="ticket_id", how="left")


def _draw(
    data: dataset.Active, *, n: int, policy: list[str], seed: int
) -> tuple[pl.DataFrame, str]:
    """A sampled set and which model chose its borderline tickets, in a sentence. The risk
    model trains once per snapshot, filters and horizon (cached); when it refuses, the
    case-mix model is fitted instead."""
    with st.spinner("Training the escalation risk model (once per dataset)…", show_time=True):
        ar = risk_glue.arrival(data)
    if ar.scores is None:
        picked = aggregates.aggregate(
            data, sample_calibration_set, n=n, policy_categories=policy, seed=seed
        )
        return picked, (
            "Borderline tickets: the case-mix model's, since the escalation risk model could "
            f"not be trained ({ar.refusal.rstrip('.')})."
        )
    picked = aggregates.aggregate(
        data, sample_calibration_set, n=n, policy_categories=policy, seed=seed,
        risk=ar.scores,
    )  # fmt: skip
    return picked, (
        "Borderline tickets: the escalation risk model's (trained on these tickets), scored as "
        f"each ticket arrived, nearest the score above which it flags as many tickets as "
        f"escalated within {ar.horizon_days:g} days."
    )


def _chosen(data: dataset.Active) -> pl.DataFrame:
    pick.sync_text("cal_ids")
    text = st.text_area(
        "Ticket ids",
        key="cal_ids",
        placeholder="One per line, or separated by commas (copy them from a drill-down table, "
        "or press “Add to the next calibration set” under one)",
        on_change=pick.from_text,
        args=("cal_ids",),
    )
    ids = parse_ids(text)
    scen = scenarios(data.tickets, ids).with_columns(why=pick.why())
    missing = [i for i in ids if i not in set(scen.get_column("ticket_id").to_list())]
    if missing:
        st.warning(
            f"{len(missing)} id(s) are not in this dataset and were left out: "
            + md_escape(", ".join(missing[:10]))
            + ("…" if len(missing) > 10 else "")
        )
    if live := still_open(data.tickets, scen.get_column("ticket_id").to_list()):
        st.warning(
            f"{len(live)} of them are still open ({md_escape(', '.join(live[:10]))}"
            + ("…" if len(live) > 10 else "")
            + "): what happened to them is not known yet, so the results will count them as "
            "not escalated. Past tickets make better scenarios.",
            icon=":material/hourglass_top:",
        )
    return scen


def _open_sessions(edit: bool) -> None:
    open_now = sessions("open")
    if open_now.height == 0:
        return
    st.subheader("Open sessions")
    for row in open_now.to_dicts():
        with st.container(border=True):
            st.markdown(f"**{md_escape(session_label(row))}**, opened by "
                        f"{md_escape(row['created_by'] or 'someone')}")  # fmt: skip
            progress = session.store().calibration_progress(row["id"])
            if progress.height == 0:
                st.caption("Nobody has answered yet.")
            else:
                st.caption(
                    "Answered so far (what they answered stays hidden until closing): "
                    + md_escape(
                        ", ".join(f"{p} {n}/{row['scenarios']}" for p, n in progress.rows())
                    )
                )
            if edit and st.button(
                "Close and show the results",
                key=f"cal_close_{row['id']}",
                icon=":material/lock:",
                help="Answers freeze; everyone's answers and the outcomes become visible.",
            ):
                closed = try_store(
                    lambda r=row: session.store().close_calibration_session(
                        r["id"], who=participant(), actor=session.actor()
                    ),
                    "Not closed",
                )
                if closed is not None:
                    flash(f"Closed “{row['title']}”: its results are under Results.")
                    st.rerun()


def build_tab(data: dataset.Active | None, edit: bool) -> None:
    """Build and open a session (editors), and follow the open ones."""
    if not edit:
        st.info("You have read-only access: a leader (editor) builds and closes sessions.")
        _open_sessions(edit)
        return
    if data is None:
        layout.no_data()
        return
    st.text_input("Session title", value=f"Calibration {dt.date.today():%Y-%m-%d}", key="cal_title")
    st.text_input("Note (optional)", key="cal_note", placeholder="e.g. after the SSO policy change")
    how = st.radio(
        "Scenarios",
        ["Sample from the tickets", "Ticket ids I choose"],
        index=1 if pick.draft() else 0,
        horizontal=True,
        key="cal_how",
    )
    scen = _sampled(data) if how.startswith("Sample") else _chosen(data)
    if scen.height == 0:
        layout.empty_state(
            "No tickets picked yet.",
            action="Paste ticket ids above, or switch to sampling."
            if not how.startswith("Sample")
            else "Press **Draw a set** (if it stays empty, no ticket with a known outcome "
            "matches the sidebar's filters: widen them).",
        )
    else:
        widgets.table(scen.select(list(_PREVIEW)).rename(_PREVIEW), key="cal_preview",
                      filename="calibration-set.csv")  # fmt: skip
        st.caption(
            "What participants will see: these details and the subject, never what happened. "
            "E-mail addresses, phone numbers and the ticket's customer and agent names are "
            "hidden."
        )
        if scen.height < 2:
            st.caption("One scenario works, but agreement needs several to mean much.")
        if st.button(
            "Open the session", type="primary", key="cal_open", icon=":material/play_arrow:"
        ):
            made = try_store(
                lambda: session.store().create_calibration_session(
                    st.session_state.get("cal_title") or "",
                    scen,
                    note=st.session_state.get("cal_note") or "",
                    dataset_id=data.record.id,
                    who=participant(),
                    actor=session.actor(),
                ),
                "Not opened",
            )
            if made is not None:
                st.session_state.pop(DRAWN, None)
                if not how.startswith("Sample"):
                    pick.clear()
                flash(
                    f"Opened “{made.title}” with {scen.height} scenarios: the team answers "
                    "under Answer."
                )
                st.rerun()
    _open_sessions(edit)
