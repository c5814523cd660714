"""The At risk page's glue: the cached model, scores and backtest, and sending a ticket to the
next review meeting's agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st

from lib import audit, risk
from lib.calibration.borderline import ArrivalRisk, arrival_risk
from lib.charts import risk as charts
from lib.store import Meeting
from ui import dataset, horizon, session, sidebar
from ui.agents_work import beside
from ui.meetings.common import PICK_NEXT, data_agenda, who

#: What a refused export would need, in words (the empty state's action).
NEEDS = (
    "The score needs an export with a few months of history: at least 200 tickets old enough "
    "to judge, 30 or more of them escalated, and enough weeks to test the model on four past "
    "cut-offs. Escalation timestamps (or an activity log) let it judge tickets as they were "
    "while open; load a longer export on **Data**, or clear a sidebar filter."
)


@dataclass(frozen=True)
class RiskResult:
    """A model and its backtest on the filtered tickets; ``refusal`` (no score) when either
    refused."""

    model: risk.RiskModel | None
    backtest: risk.Backtest
    scores: pl.DataFrame
    refusal: str | None


@st.cache_resource(max_entries=8, show_spinner=False)
def _model(
    key: str,
    where: audit.Filters,
    horizon_days: float | None,
    zone: str,
    _passing: pl.DataFrame,
    _prepared: risk.Prepared | None = None,
) -> risk.RiskModel | risk.RiskRefusal:
    """The risk model of ``_passing`` (the snapshot's tickets passing ``where``, filtered by
    the caller), trained once per snapshot (``key``), filters, horizon and zone, for the At
    risk page and the calibration sampler alike (``_prepared``: their timeline, when the
    caller has made it)."""
    return risk.train_risk_model(_passing, horizon_days=horizon_days, zone=zone, prepared=_prepared)


@st.cache_resource(max_entries=8, show_spinner=False)
def _fit(
    key: str, where: audit.Filters, horizon_days: float | None, zone: str, _t: pl.DataFrame
) -> RiskResult:
    """Train (:func:`_model`), backtest and score once per snapshot (``key``), filters,
    horizon and zone."""
    t = audit.apply_filters(_t, where)
    # the tickets' timeline at the export's end, made once for the model, the backtest and
    # the open tickets' scores (each would read every ticket again)
    prep = risk.prepare_for(t, horizon_days=horizon_days, zone=zone)
    # the model trains beside the backtest's cut-offs, on the same horizon (the prepared one:
    # the sidebar's, else the export's default, as the model resolves it)
    hd = prep.horizon_days if prep is not None else horizon_days
    model, bt = beside(
        lambda: _model(key, where, horizon_days, zone, t, prep),
        lambda: risk.backtest(t, horizon_days=hd, zone=zone, prepared=prep),
    )
    if isinstance(model, risk.RiskRefusal):
        return RiskResult(None, bt, pl.DataFrame(), model.reason)
    if bt.refusal:
        return RiskResult(model, bt, pl.DataFrame(), bt.refusal)
    scores = risk.score_open(model, t, zone=zone, prepared=prep)
    return RiskResult(model, bt, charts.ranked(scores), None)


@st.cache_resource(max_entries=16, show_spinner=False)
def _rule(
    key: str,
    where: audit.Filters,
    horizon_days: float | None,
    zone: str,
    hours: float,
    _t: pl.DataFrame,
    _bt: risk.Backtest,
) -> risk.IdleRule:
    return risk.idle_rule(audit.apply_filters(_t, where), idle_hours=hours, backtest_result=_bt)


def horizon_days() -> float | None:
    """The sidebar's escalation horizon in days (``None``: the model's own default)."""
    h = horizon.current()
    return float(h.days) if h is not None and h.days > 0 else None


def result(data: dataset.Active) -> RiskResult:
    """The model, backtest and open tickets' scores for the sidebar's filters and horizon
    (cached; the first run trains, with a spinner)."""
    where = sidebar.dimension_filters()
    with st.spinner(
        "Training the model and testing it on past weeks (a few seconds the first time)…",
        show_time=True,
    ):
        return _fit(dataset.snapshot_key(data), where, horizon_days(), data.zone, data.tickets)


@st.cache_resource(max_entries=8, show_spinner=False)
def _arrival(
    key: str, where: audit.Filters, horizon_days: float | None, zone: str, _t: pl.DataFrame
) -> ArrivalRisk:
    t = audit.apply_filters(_t, where)
    model = _model(key, where, horizon_days, zone, t)
    return arrival_risk(t, horizon_days=horizon_days, zone=zone, model=model)


def arrival(data: dataset.Active) -> ArrivalRisk:
    """Each ticket's risk as it arrived, for the calibration sampler: the model of the At risk
    page (same sidebar filters and horizon), trained once for both."""
    where = sidebar.dimension_filters()
    return _arrival(dataset.snapshot_key(data), where, horizon_days(), data.zone, data.tickets)


def rule(data: dataset.Active, res: RiskResult, hours: float) -> risk.IdleRule:
    """The idle rule judged on the same backtest (cached)."""
    return _rule(
        dataset.snapshot_key(data),
        sidebar.dimension_filters(),
        horizon_days(),
        data.zone,
        hours,
        data.tickets,
        res.backtest,
    )


# ---- the next meeting's agenda --------------------------------------------------------------
def next_meeting(today: dt.date | None = None) -> Meeting | None:
    """The next review meeting: the earliest open meeting dated today or later, else the
    latest open one; ``None`` when every meeting is closed (or there is none)."""
    store = session.store()
    listed = store.list_meetings().filter(pl.col("closed_at").is_null())
    if listed.height == 0:
        return None
    day = today or dt.date.today()
    ahead = listed.filter(pl.col("date") >= day).sort(["date", "id"])
    pick = ahead if ahead.height else listed.sort(["date", "id"], descending=True)
    return store.get_meeting(int(pick.get_column("id")[0]))


def on_agenda(meeting: Meeting | None) -> set[str]:
    """Tickets already on ``meeting``'s agenda."""
    if meeting is None:
        return set()
    items = session.store().list_agenda_items(meeting.id)
    return set(items.filter(pl.col("source") == "risk").get_column("ref").drop_nulls().to_list())


def send(data: dataset.Active, row: dict[str, Any], *, threshold: float, hd: float) -> str:
    """Put one ticket on the next meeting's agenda (starting a meeting, with the agenda the
    Review meetings page would build, when none is open); returns what happened, in words."""
    store, actor = session.store(), session.actor()
    meeting = next_meeting()
    started = ""
    if meeting is None:
        today = dt.date.today()
        prds = sidebar.review_periods()
        lo, hi = prds.review if prds else (today - dt.timedelta(days=13), today)
        with st.spinner("Starting the next review meeting…"):
            entries = data_agenda(data, lo, hi, today)
            meeting = store.create_meeting(
                today,
                period_start=lo,
                period_end=hi,
                dataset_id=data.record.id,
                agenda=entries,
                who=who(),
                actor=actor,
            )
        started = " (started it, with the agenda built from the data)"
    name = f"“{meeting.title}” ({meeting.date})"
    if str(row["ticket_id"]) in on_agenda(meeting):
        return f"Ticket {row['ticket_id']} is already on the agenda of {name}."
    title, detail = charts.agenda_text(row, threshold=threshold, horizon_days=hd)
    store.add_agenda_item(
        meeting.id,
        title,
        source="risk",
        ref=str(row["ticket_id"]),
        detail=detail,
        who=who(),
        actor=actor,
    )
    st.session_state[PICK_NEXT] = meeting.id
    return f"Ticket {row['ticket_id']} is on the agenda of {name}{started}."
