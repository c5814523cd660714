"""The detector's entry point: unusual volume and sentiment per topic as one table of alerts."""

from __future__ import annotations

import polars as pl

from lib.anomaly.alarms import _alarms
from lib.anomaly.alerts import ALERT_SCHEMA, _alert_rows, _merge
from lib.anomaly.assess import _Judged
from lib.anomaly.judge import _judge
from lib.anomaly.options import _Options, _options


def detect_anomalies(tickets: pl.DataFrame, **options: object) -> pl.DataFrame:
    """Unusual volume and sentiment per topic: one row per alert, newest and strongest first.

    Options (keyword-only)
    ----------------------
    topic : str, default "category"
        Column holding the topic; ``"tags"`` (a list column) is exploded, so a ticket counts once
        per tag. Tickets without a topic form the topic ``"(none)"``.
    sensitivity : {"conservative", "balanced", "sensitive"}
        False-alarm rates, see :data:`SENSITIVITY`.
    window : int, default 56
        Trailing days the level, dispersion and sentiment baseline are fitted on.
    guard : int, default 7
        Days left out between the window and the day judged (an event is not absorbed into its
        own baseline before it is judged).
    min_history : int, default 28
        A topic is judged once its window holds this many days since its first ticket.
    min_daily : float, default 3.0
        Topics whose fitted level is below this many tickets a day are judged per week.
    min_excess, min_rise : float, default 3 and 0.3
        A spike must exceed the expected count by at least ``max(min_excess, min_rise * expected)``.
    start, end : date, optional
        Keep alerts overlapping this period. Data after ``end`` is ignored (judging "as of" end);
        all earlier days are always judged, so the result does not depend on ``start``.
    tz : str, optional
        Time zone whose calendar days are used (default UTC).
    metrics : tuple, default ("volume", "sentiment")
    holidays : sequence of dates (or "YYYY-MM-DD"), default none
        The holiday calendar: these days raise no alert and are left out of every baseline. Days
        on which most topics move together anyway are one shared event
        (:func:`lib.anomaly.shared_events`), not one volume alert per topic.
    sentiment_at : str, optional
        Column (UTC datetimes) dating each ticket's sentiment instead of ``created_at``: when
        sentiment is the satisfaction survey, ``"satisfaction_at"`` puts each rating on the day
        it was given. Nulls (and times before the ticket's creation) fall back to
        ``created_at``; ratings given after the data's last day are left out.

    Returns
    -------
    DataFrame with the columns of :data:`ALERT_SCHEMA`: topic, metric ("volume"/"sentiment"),
    kind ("spike"/"level_shift"/"drop"), start, end, observed and expected (mean per day, or per
    week when ``granularity`` is "week"; mean sentiment for metric "sentiment"), score (size of
    the alert's total deviation in standard errors), granularity, first_alarm (day the alert was
    first raised), peak_day, days, tickets, p_value and q_value (one-day tests only), explanation.

    >>> from lib.anomaly.simulate import simulate_tickets
    >>> detect_anomalies(simulate_tickets(days=90)).height  # a clean series raises nothing
    0
    """
    opts = _options(**options)
    return _alerts_of(_judge(tickets, opts), opts)


def _alerts_of(j: _Judged | None, opts: _Options) -> pl.DataFrame:
    """The alert table of a judged grid (see :func:`detect_anomalies`)."""
    if j is None:
        return pl.DataFrame(schema=ALERT_SCHEMA)
    rows = _alert_rows(j, _merge(_alarms(j, opts.metrics)))
    out = pl.DataFrame(rows, schema=ALERT_SCHEMA, orient="row") if rows else None
    if out is None:
        return pl.DataFrame(schema=ALERT_SCHEMA)
    if opts.start is not None:
        out = out.filter(pl.col("end") >= opts.start)
    if opts.end is not None:
        out = out.filter(pl.col("start") <= opts.end)
    return out.sort(["end", "score"], descending=[True, True])
