"""lib.anomaly.assess: small topics judged per week, with alerts spanning whole weeks."""

from __future__ import annotations

import polars as pl

from lib.anomaly import detect_anomalies, simulate_tickets, topic_granularity, topic_series
from tests.anomaly.helpers import day


def test_small_topics_are_judged_weekly_and_alerts_span_whole_weeks():
    tickets = simulate_tickets(
        days=210,
        topics={"big": 20.0, "small": 0.8},
        events=[("small", "volume", 150, 4.0, 42)],
        seed=4,
    )
    gran = topic_granularity(tickets)
    assert dict(gran.select("topic", "granularity").iter_rows()) == {"big": "day", "small": "week"}
    alerts = detect_anomalies(tickets).filter(pl.col("topic") == "small")
    assert alerts.height >= 1
    row = alerts.row(0, named=True)
    assert row["granularity"] == "week" and row["metric"] == "volume"
    assert row["start"].weekday() == 0 and row["end"].weekday() == 6
    assert row["first_alarm"] >= day(150) and row["first_alarm"].weekday() == 6
    weekly = topic_series(tickets, "small")
    assert weekly.filter(pl.col("judged")).get_column("granularity").head(
        15
    ).unique().to_list() == ["week"]
    assert all(d.weekday() == 0 for d in weekly.get_column("day").to_list())
