"""The Results tab: a closed session's agreement in plain words, each participant, the most
disputed scenarios (onto the next meeting's agenda), groups, and kappa over time."""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib import calibration as cal
from lib.charts.calibration import kappa_over_time_figure
from lib.markdown import md_escape
from ui import layout, session, widgets
from ui.calibration.common import flash, participant, pick_session, sessions, try_store

_PEOPLE = {
    "participant": "Participant",
    "participant_group": "Group",
    "participant_tenure": "Tenure",
    "answered": "Answered",
    "escalate_share": "Would escalate %",
    "with_majority": "Agrees with the team %",
    "with_outcome": "Agrees with what happened %",
}
_ITEMS = {
    "position": "Scenario",
    "ticket_id": "Ticket",
    "category": "Category",
    "subject": "Subject",
    "answers": "Answers",
    "escalate": "Escalate",
    "tier1": "Tier 1",
    "agreement": "Pairs agreeing %",
    "majority": "Team majority",
    "what_happened": "What happened",
    "outcome_group": "Went to",
    "targets": "Escalate to",
    "reasons": "Reasons",
}
_GROUPS = {
    "by": "By",
    "value": "Value",
    "participants": "Participants",
    "answers": "Answers",
    "escalate_share": "Would escalate %",
    "with_majority": "Agrees with the team %",
    "with_outcome": "Agrees with what happened %",
    "kappa_within": "Kappa within",
}


def _pct(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.with_columns((pl.col(c) * 100).round(1) for c in columns)


def results_of(sid: int) -> cal.Results:
    store = session.store()
    return cal.session_results(store.calibration_items(sid), store.calibration_answers(sid))


def _metric(
    col: st.delta_generator.DeltaGenerator, label: str, a: cal.Agreement, help: str
) -> None:
    col.metric(label, "–" if not a.defined else f"{a.value:.2f}", help=help, border=True)


def _headline(r: cal.Results) -> None:
    st.markdown(f"**{md_escape(cal.headline(r))}** {md_escape(cal.chance_note(r))}")
    row = st.container(horizontal=True, key="cal_metrics")
    _metric(
        row,
        "Kappa: escalate or not",
        r.decision_kappa,
        "Fleiss' kappa: agreement beyond chance, 1 = always agree, 0 = chance.",
    )
    _metric(
        row,
        "AC1: escalate or not",
        r.decision_ac1,
        "Gwet's AC1: like kappa, but not thrown off when one answer dominates.",
    )
    _metric(
        row,
        "Kappa: what to do",
        r.target_kappa,
        "Agreement on Tier 1 or which tier or group to escalate to.",
    )
    row.metric("Participants", f"{r.n_participants}", border=True)
    st.markdown(
        f"- Fleiss' kappa {md_escape(cal.coefficient_words(r.decision_kappa))}\n"
        f"- Gwet's AC1 {md_escape(cal.coefficient_words(r.decision_ac1))}\n"
        f"- On where to escalate (Tier 1 or which tier or group): kappa "
        f"{md_escape(cal.coefficient_words(r.target_kappa))}"
    )
    with st.expander("What kappa and AC1 mean"):
        st.markdown(md_escape(cal.MEANING))
        st.caption(
            "Method: Fleiss' kappa (Fleiss 1971) and Gwet's AC1 (Gwet 2008) over the scenarios, "
            "allowing skipped answers; 95% intervals from Gwet's standard error over scenarios "
            "with a t quantile. Words for the values follow Landis & Koch (1977)."
        )


def _agenda(r: cal.Results, title: str) -> None:
    disputed = r.items.filter(pl.col("agreement") < 1)
    if disputed.height == 0:
        st.caption("Everyone agreed on every scenario: nothing to discuss.")
        return
    meetings = session.store().list_meetings().filter(pl.col("closed_at").is_null())
    if meetings.height == 0:
        st.info(
            "No review meeting is open: start one on Review meetings to put these scenarios on "
            "its agenda.",
            icon=":material/groups:",
        )
        st.page_link("views/meetings.py", label="Go to Review meetings", icon=":material/groups:")
        return
    meeting = meetings.row(0, named=True)
    labels = {
        row["item_id"]: f"{row['position'] + 1}. {row['ticket_id']} ({row['category'] or '–'})"
        for row in disputed.iter_rows(named=True)
    }
    chosen = st.multiselect(
        "Scenarios to discuss",
        list(labels),
        default=list(labels)[:3],
        format_func=labels.get,
        key="cal_agenda_pick",
    )
    if st.button(
        "Put on the next meeting's agenda",
        key="cal_agenda",
        icon=":material/playlist_add:",
        disabled=not chosen or not session.can_edit(),
        help=f"Adds one agenda point per scenario to “{meeting['title']}” ({meeting['date']}).",
    ):
        store = session.store()
        added = 0
        for row in disputed.filter(pl.col("item_id").is_in(chosen)).iter_rows(named=True):
            done = try_store(
                lambda row=row: store.add_agenda_item(
                    meeting["id"],
                    f"Calibration: escalate ticket {row['ticket_id']}? ({row['category'] or '–'})",
                    source="free",
                    ref=f"calibration {row['ticket_id']}",
                    detail=(
                        f"From “{title}”: {row['escalate']} would escalate, {row['tier1']} would "
                        f"handle at Tier 1; it was {str(row['what_happened'] or '?').lower()}. "
                        f"Escalate to: {row['targets'] or '–'}. Reasons: {row['reasons'] or '–'}."
                    ),
                    who=participant(),
                    actor=session.actor(),
                ),
                "Not added to the agenda",
            )
            added += done is not None
        if added:
            flash(f"Put {added} scenario(s) on the agenda of “{meeting['title']}”.")
            st.rerun()


def calibration_pack() -> cal.CalibrationPack | None:
    """The meeting pack's calibration section: the latest closed session and the current
    escalation matrix (``None`` when there is neither)."""
    store = session.store()
    closed = sessions("closed").sort("closed_at", descending=True)
    matrix = store.escalation_matrix()
    if closed.height == 0 and matrix is None:
        return None
    row = closed.row(0, named=True) if closed.height else None
    return cal.CalibrationPack(
        title=row["title"] if row else "",
        closed=f"{row['closed_at']:%Y-%m-%d}" if row else "",
        results=results_of(row["id"]) if row else None,
        matrix=matrix.rows if matrix else (),
        matrix_version=matrix.version if matrix else None,
    )


def _trend() -> pl.DataFrame:
    rows = []
    for s in sessions("closed").to_dicts():
        r = results_of(s["id"])
        k = r.decision_kappa
        rows.append(
            (s["title"], s["closed_at"], k.value, k.low, k.high, r.decision_ac1.value,
             r.n_participants, r.n_items)
        )  # fmt: skip
    return pl.DataFrame(
        rows,
        schema={"session": pl.String, "closed_at": pl.Datetime("us", "UTC"),
                "kappa": pl.Float64, "kappa_low": pl.Float64, "kappa_high": pl.Float64,
                "ac1": pl.Float64, "participants": pl.Int64, "scenarios": pl.Int64},
        orient="row",
        nan_to_null=True,
    )  # fmt: skip


def results_tab() -> None:
    """Results of the chosen closed session, then kappa over all closed sessions."""
    closed = sessions("closed")
    if closed.height == 0:
        layout.empty_state(
            "No session is closed yet.",
            action="Results show once the leader closes a session (under Build a set), so "
            "that nobody sees the others' answers before answering.",
        )
        return
    row = pick_session(closed, "cal_results_pick", "Closed session")
    r = results_of(row["id"])
    st.subheader(row["title"])
    if r.reason:
        layout.empty_state(
            f"Agreement {r.reason}.", action="Run the next session with more of the team."
        )
    _headline(r)

    st.subheader("Each participant")
    st.caption(
        "Agrees with the team: share of scenarios where they gave the answer most of the *others* "
        "gave (ties left out). Agrees with what happened: share matching whether the ticket was "
        "actually escalated, which is not always right either."
    )
    people = _pct(
        r.participants.drop("compared"), ["escalate_share", "with_majority", "with_outcome"]
    )
    widgets.table(people.rename(_PEOPLE), key="cal_people", filename="calibration-participants.csv")

    st.subheader("Most disputed scenarios")
    items = _pct(r.items.drop("item_id"), ["agreement"]).with_columns(pl.col("position") + 1)
    widgets.table(items.rename(_ITEMS), key="cal_items", filename="calibration-scenarios.csv")
    _agenda(r, row["title"])

    if r.groups.height:
        st.subheader("By group and tenure")
        groups = _pct(r.groups, ["escalate_share", "with_majority", "with_outcome"])
        widgets.table(groups.rename(_GROUPS), key="cal_groups", filename="calibration-groups.csv")
        st.caption("With few people per group, differences are easily chance.")

    st.subheader("Agreement over time")
    trend = _trend()
    drawable = trend.filter(pl.col("kappa").is_not_null())
    if drawable.height < 2:
        st.caption("The chart appears from the second closed session with a kappa.")
        widgets.download(trend, "calibration-over-time.csv", key="cal_trend_dl")
    else:
        widgets.chart_downloads(
            kappa_over_time_figure(drawable),
            "calibration-over-time",
            key="cal_trend",
            data=trend,
            caption="Kappa per closed session with its 95% interval (bars), and AC1 (dotted). "
            "Rising after a policy change or training means the team's standard is converging; "
            "overlapping intervals mean the change may be chance.",
        )
