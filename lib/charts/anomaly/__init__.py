"""Figures and display tables for the Anomalies page (topic volume and sentiment alerts).

Builders take the small frames of :mod:`lib.anomaly` (alerts, per-topic judgements, leading
indicators), never raw tickets. A per-alert chart shows a window of the topic's series around the
alert: the observed values, the expected value and its 99% band (judged only on earlier data),
and the alert's days shaded and marked. Hover texts give counts (tickets per day, tickets behind a
mean sentiment), not only rates.

Example
-------
>>> import datetime as dt
>>> from lib.anomaly import detect_anomalies, judgements, simulate_tickets
>>> t = simulate_tickets(events=[("billing", "volume", 100, 3.0, 1)])
>>> alert = detect_anomalies(t).row(0, named=True)
>>> kind_label(alert["metric"], alert["kind"]), alert_dates(alert)
('Spike', 'Wed 2024-04-10')
>>> w = alert_window(judgements(t), alert)
>>> w.height, w.filter(pl.col("in_alert")).get_column("observed").to_list()
(57, [61.0])
>>> [tr.name for tr in alert_figure(w, alert).data]
['99% band', '99% band', 'Tickets', 'Alert', 'Expected']
"""

from __future__ import annotations

import polars as pl  # noqa: F401 (doctests)

from lib.charts.anomaly.alert_chart import alert_figure, alert_window
from lib.charts.anomaly.alerts import ALERT_VIEW, alert_table, overlapping, triaged
from lib.charts.anomaly.labels import (
    KINDS,
    STATES,
    TOPIC_COLUMNS,
    alert_dates,
    explanation,
    kind_label,
    sensitivity_note,
    topic_columns,
)
from lib.charts.anomaly.leading import (
    LEADING_VIEW,
    leading_notes,
    leading_table,
    overall_note,
    weekly_note,
)

__all__ = [
    "ALERT_VIEW",
    "KINDS",
    "LEADING_VIEW",
    "STATES",
    "TOPIC_COLUMNS",
    "alert_dates",
    "alert_figure",
    "alert_table",
    "alert_window",
    "explanation",
    "kind_label",
    "leading_notes",
    "leading_table",
    "overall_note",
    "overlapping",
    "sensitivity_note",
    "topic_columns",
    "triaged",
    "weekly_note",
]
