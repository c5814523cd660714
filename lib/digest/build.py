"""Build the digest from the tickets and what the team stored (pure: frames in, a Digest out).

Each part is computed by the function the app's page uses, so the digest says what the app
shows for the same dataset, period and horizon:

- the rate and its changes: :func:`lib.audit.period_story` (the Overview's summary);
- the alerts: :func:`lib.anomaly.review` with the Anomalies page's defaults (topic category,
  balanced sensitivity, the holiday calendar, alerts overlapping the review period, those
  dismissed as noise left out);
- the open tickets at risk: :func:`lib.risk.train_risk_model`, :func:`lib.risk.backtest` and
  :func:`lib.risk.score_open` as the At risk page runs them (threshold 40%);
- the action items: the store's ``list_actions`` frame (overdue, or due within a week);
- since the last meeting: its review period's rate (same horizon) against the rate now, and
  the action items closed since its date.

Example
-------
>>> from datetime import date, datetime, timedelta, timezone
>>> from lib.schema import conform
>>> start = datetime(2024, 1, 1, 9, tzinfo=timezone.utc)
>>> t = conform(pl.DataFrame({"ticket_id": [str(i) for i in range(60)],
...     "created_at": [start + timedelta(days=i) for i in range(60)],
...     "escalated": [i % 4 == 0 for i in range(60)]}))
>>> d = build_digest(t, dataset="Demo", today=date(2024, 3, 1), with_alerts=False,
...                  with_risk=False, now=datetime(2024, 3, 1, 8, tzinfo=timezone.utc))
>>> figures(d)["escalations"], figures(d)["tickets"]
(2.0, 7.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from lib import audit
from lib import periods as periods_mod
from lib.audit.maturity import Horizon
from lib.digest.model import (
    ActionLine,
    AlertLine,
    Alerts,
    AtRisk,
    Digest,
    DriverLine,
    Rate,
    RiskLine,
    SinceMeeting,
    TrendPoint,
)
from lib.periods import Periods

#: The At risk page's default "Alert above" threshold.
RISK_THRESHOLD = 0.40
#: Action items due within this many days count as "due" (overdue ones are listed apart).
DUE_DAYS = 7
#: Days of tickets the anomaly detector needs before it judges any day (four weeks to learn).
MIN_HISTORY_DAYS = 28
TOO_SHORT = "too little history to judge any topic (about five weeks are needed)"
#: Weeks of trend in the chart.
TREND_WEEKS = 12


def rate_of(story: audit.Story) -> Rate:
    """The story's headline as a :class:`Rate` (the Overview's numbers)."""
    h = story.headline
    return Rate(
        review=h.review,
        previous=h.previous,
        tickets=h.tickets,
        escalations=h.escalations,
        rate=h.rate,
        previous_tickets=h.previous_tickets,
        previous_escalations=h.previous_escalations,
        previous_rate=h.previous_rate,
        change=h.change,
        significant=h.significant,
        p_value=h.p_value,
        baseline=h.baseline,
        baseline_tickets=h.baseline_tickets,
        baseline_rate=h.baseline_rate,
        baseline_significant=h.baseline_significant,
        maturing=h.maturing,
        horizon=story.horizon.describe() if story.horizon is not None else "",
    )


def trend_of(
    tickets: pl.DataFrame, periods: Periods, horizon: Horizon | None, *, weeks: int = TREND_WEEKS
) -> tuple[TrendPoint, ...]:
    """The last ``weeks`` weeks up to the review period's end (:func:`lib.audit.trend`)."""
    if tickets.height == 0:
        return ()
    tr = audit.trend(tickets, every="1w", horizon=horizon)
    tr = tr.filter(pl.col("period_start") <= periods.review[1]).tail(weeks)
    return tuple(
        TrendPoint(r["period_start"], int(r["tickets"]), int(r["escalations"]), r["rate"])
        for r in tr.iter_rows(named=True)
    )


def drivers_of(story: audit.Story) -> tuple[DriverLine, ...]:
    """The story's top drivers (categories with most escalations in the review period)."""
    return tuple(
        DriverLine(d.value, d.escalations, d.tickets, d.rate, d.escalations_change)
        for d in story.drivers
    )


def alerts_of(
    tickets: pl.DataFrame,
    periods: Periods,
    *,
    states: pl.DataFrame | None = None,
    holidays: Sequence[dt.date] = (),
    topic: str = "category",
    sensitivity: str = "balanced",
    options: Mapping[str, Any] | None = None,
) -> Alerts:
    """The Anomalies page's alerts overlapping the review period, dismissed ones left out.

    ``tickets`` should carry the sentiment the page uses (the scored sidecar); ``states``: the
    store's alert triage (:meth:`lib.store.Store.get_alert_states`); ``options``: more
    detector options (e.g. ``sentiment_at``).
    """
    start, end = periods.review
    if topic not in tickets.columns or tickets.get_column(topic).null_count() == tickets.height:
        return Alerts(note=f"the export has no {topic} to judge", topic=topic)
    bounds = periods_mod.date_bounds(tickets)
    if bounds is None or (min(bounds[1], end) - bounds[0]).days < MIN_HISTORY_DAYS:
        # the detector would judge no day: it learns from four weeks before the day judged
        return Alerts(note=TOO_SHORT, topic=topic, sensitivity=sensitivity)
    from lib import anomaly
    from lib.charts.anomaly import alert_dates, explanation, kind_label, overlapping, triaged

    opts = {"topic": topic, "sensitivity": sensitivity, "end": end, "holidays": tuple(holidays)}
    det = anomaly.review(tickets, **{**opts, **dict(options or {})})
    if det["day"].filter(pl.col("judged")).height == 0:
        return Alerts(note=TOO_SHORT, topic=topic, sensitivity=sensitivity)
    states = states if states is not None else pl.DataFrame({"alert_key": [], "state": []})

    def live(frame: pl.DataFrame) -> pl.DataFrame:
        t = triaged(frame, states)
        return t.filter(pl.col("state").is_null() | (pl.col("state") != "dismissed"))

    found = live(overlapping(det["alerts"], start, end))
    before_end = start - dt.timedelta(days=1)
    before = live(overlapping(det["alerts"], start - (end - start) - dt.timedelta(1), before_end))
    lines = tuple(
        AlertLine(
            topic=str(a["topic"]),
            kind=kind_label(a["metric"], a["kind"]),
            dates=alert_dates(a),
            text=explanation(a),
            score=float(a["score"]),
            state=a["state"],
            start=a["start"],
            end=a["end"],
        )
        for a in found.iter_rows(named=True)
    )
    return Alerts(lines=lines, before=before.height, topic=topic, sensitivity=sensitivity)


def at_risk_of(
    tickets: pl.DataFrame,
    *,
    horizon: Horizon | None,
    zone: str = "UTC",
    threshold: float = RISK_THRESHOLD,
    top: int = 10,
) -> AtRisk:
    """Open tickets above ``threshold`` as the At risk page scores them, or its refusal."""
    from lib import risk
    from lib.charts.risk import above, ranked

    hd = float(horizon.days) if horizon is not None and horizon.days > 0 else None
    model = risk.train_risk_model(tickets, horizon_days=hd, zone=zone)
    hd = model.horizon_days if isinstance(model, risk.RiskModel) else hd
    if isinstance(model, risk.RiskRefusal):
        return AtRisk(threshold, refusal=model.reason, horizon_days=hd)
    bt = risk.backtest(tickets, horizon_days=hd, zone=zone)
    if bt.refusal:
        return AtRisk(threshold, refusal=bt.refusal, horizon_days=hd)
    scores = ranked(risk.score_open(model, tickets, zone=zone))
    shown = scores.filter(pl.col("risk") > threshold).head(top)
    lines = tuple(_risk_line(r) for r in shown.iter_rows(named=True))
    return AtRisk(
        threshold,
        open=scores.height,
        above=above(scores, threshold),
        lines=lines,
        horizon_days=hd,
    )


def _risk_line(row: Mapping[str, Any]) -> RiskLine:
    """One scored row (:func:`lib.charts.risk.ranked`) as a :class:`RiskLine`."""
    age = row.get("age_hours")
    return RiskLine(
        ticket_id=str(row["ticket_id"]),
        risk=float(row["risk"]),
        why=str(row.get("why") or ""),
        category=row.get("category"),
        agent=row.get("agent"),
        age_hours=None if age is None else float(age),
    )


def actions_of(
    actions: pl.DataFrame, today: dt.date, *, due_days: int = DUE_DAYS
) -> tuple[tuple[ActionLine, ...], tuple[ActionLine, ...]]:
    """(overdue, due within ``due_days``) open action items of a ``list_actions`` frame."""
    if actions.height == 0:
        return (), ()
    open_ = actions.filter(pl.col("status").is_in(["open", "in_progress"]))
    soon = today + dt.timedelta(days=due_days)

    def line(r: Mapping[str, Any], overdue: bool) -> ActionLine:
        return ActionLine(
            int(r["id"]),
            str(r["title"]),
            str(r["owner"] or ""),
            r["due_date"],
            r["status"],
            overdue,
        )

    late = open_.filter(pl.col("due_date") < today).sort("due_date", "id")
    due = open_.filter((pl.col("due_date") >= today) & (pl.col("due_date") <= soon))
    return (
        tuple(line(r, True) for r in late.iter_rows(named=True)),
        tuple(line(r, False) for r in due.sort("due_date", "id").iter_rows(named=True)),
    )


def since_of(
    tickets: pl.DataFrame,
    meetings: pl.DataFrame,
    actions: pl.DataFrame,
    *,
    today: dt.date,
    horizon: Horizon | None,
    rate_now: float | None,
) -> SinceMeeting | None:
    """The last meeting held on or before ``today``: its period's rate (same horizon) against
    ``rate_now``, and the action items closed since its date."""
    held = meetings.filter(pl.col("date") <= today).sort(["date", "id"], descending=True)
    if held.height == 0:
        return None
    m = held.row(0, named=True)
    period = (m["period_start"], m["period_end"]) if m["period_start"] and m["period_end"] else None
    rate_then, tickets_then = None, 0
    if period is not None and tickets.height:
        from lib.review_pack import meeting_periods

        prds = meeting_periods(tickets, *period)
        k = audit.kpis(tickets, prds, horizon=horizon)
        rate_then, tickets_then = k.review["rate"], int(k.review["tickets"])
    closed: tuple[str, ...] = ()
    still_open = 0
    if actions.height:
        since = dt.datetime.combine(m["date"], dt.time(), dt.UTC)
        done = actions.filter(
            pl.col("closed_at").is_not_null() & (pl.col("closed_at") >= since)
        ).sort("closed_at")
        closed = tuple(f"{r['title']} ({r['status']})" for r in done.iter_rows(named=True))
        still_open = actions.filter(pl.col("status").is_in(["open", "in_progress"])).height
    return SinceMeeting(
        meeting_id=int(m["id"]),
        title=str(m["title"] or f"Meeting {m['date']}"),
        date=m["date"],
        period=period,
        rate_then=rate_then,
        tickets_then=tickets_then,
        rate_now=rate_now,
        actions_closed=closed,
        actions_open=still_open,
    )


def default_periods(tickets: pl.DataFrame, *, review_days: int = 14) -> Periods:
    """The sidebar's default periods: the last ``review_days`` days of data, the same length
    before, and the first 30 days of data as the baseline."""
    return periods_mod.review_periods(tickets, review_days=review_days)


def default_horizon(tickets: pl.DataFrame) -> Horizon | None:
    """The sidebar's default escalation horizon: :func:`lib.audit.choose_horizon`'s suggestion."""
    return audit.choose_horizon(tickets).horizon()


def build_digest(
    tickets: pl.DataFrame,
    *,
    dataset: str = "",
    periods: Periods | None = None,
    horizon: Horizon | str | None = "suggested",
    zone: str = "UTC",
    definition: str = "",
    alert_tickets: pl.DataFrame | None = None,
    alert_states: pl.DataFrame | None = None,
    holidays: Sequence[dt.date] = (),
    alert_options: Mapping[str, Any] | None = None,
    actions: pl.DataFrame | None = None,
    meetings: pl.DataFrame | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    risk_threshold: float = RISK_THRESHOLD,
    with_alerts: bool = True,
    with_risk: bool = True,
    warnings: Sequence[str] = (),
    low_signal: str | None = None,
) -> Digest:
    """The digest of ``tickets`` (canonical) for ``periods`` (default: the app's defaults).

    ``horizon``: ``"suggested"`` (the sidebar's default), a :class:`~lib.audit.Horizon` or
    ``None`` (the state at the export). ``zone``: the dataset's business zone (its days).
    ``alert_tickets``: the tickets with the sentiment the Anomalies page uses (default:
    ``tickets``). ``actions`` / ``meetings``: the store's ``list_actions()`` and
    ``list_meetings()`` frames. ``with_alerts`` / ``with_risk`` skip the slow parts.
    ``warnings`` are shown first; ``low_signal`` is the rules' warning
    (:func:`lib.ingest.rules.escalation_signal`): shown, and the summary is left out, as on
    the Overview.
    """
    now = now or dt.datetime.now(dt.UTC)
    today = today or now.date()
    with periods_mod.use_zone(zone):
        prds = periods or default_periods(tickets)
        hz = default_horizon(tickets) if horizon == "suggested" else horizon
        assert not isinstance(hz, str)
        story = audit.period_story(tickets, prds, horizon=hz)
        rate = rate_of(story)
        alerts = (
            alerts_of(
                alert_tickets if alert_tickets is not None else tickets,
                prds,
                states=alert_states,
                holidays=holidays,
                options=alert_options,
            )
            if with_alerts
            else Alerts(note="not computed (--no-alerts)")
        )
        at_risk = (
            at_risk_of(tickets, horizon=hz, zone=zone, threshold=risk_threshold)
            if with_risk
            else AtRisk(risk_threshold, refusal="not computed (--no-risk)")
        )
        acts = actions if actions is not None else pl.DataFrame()
        overdue, due = actions_of(acts, today)
        since = (
            since_of(tickets, meetings, acts, today=today, horizon=hz, rate_now=rate.rate)
            if meetings is not None and meetings.height
            else None
        )
        return Digest(
            dataset=dataset,
            generated_at=now,
            today=today,
            definition=definition,
            rate=rate,
            summary=tuple(audit.story_words(story).lines),
            trend=trend_of(tickets, prds, hz),
            drivers=drivers_of(story),
            alerts=alerts,
            at_risk=at_risk,
            overdue=overdue,
            due=due,
            due_days=DUE_DAYS,
            since=since,
            warnings=tuple(warnings),
            low_signal=low_signal,
        )


def figures(digest: Digest) -> dict[str, float]:
    """The digest's numbers by the keys thresholds and other tools rely on (a contract).

    ``escalation_rate`` (0-1, review period; 0 when it has no tickets), ``escalations``,
    ``tickets``, ``rate_change_pts`` (percentage points against the previous period; 0 when it
    cannot be tested), ``baseline_change_pts``, ``new_alerts`` (alerts in the review period not
    dismissed), ``untriaged_alerts``, ``overdue_actions``, ``due_actions``, ``at_risk_open``
    (open tickets above the At risk page's threshold; 0 when the model refuses),
    ``maturing``. Never NaN.
    """
    r = digest.rate
    pts = 100 * r.change if r.change is not None else 0.0
    base = (
        100 * (r.rate - r.baseline_rate)
        if r.rate is not None and r.baseline_rate is not None
        else 0.0
    )
    return {
        "escalation_rate": float(r.rate or 0.0),
        "escalations": float(r.escalations),
        "tickets": float(r.tickets),
        "rate_change_pts": float(pts),
        "baseline_change_pts": float(base),
        "new_alerts": float(len(digest.alerts.lines)),
        "untriaged_alerts": float(digest.alerts.new),
        "overdue_actions": float(len(digest.overdue)),
        "due_actions": float(len(digest.due)),
        "at_risk_open": float(digest.at_risk.above),
        "maturing": float(r.maturing),
    }
