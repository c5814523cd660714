"""lib.anomaly.alerts: alarm runs merged into alerts and named (spike, burst, level shift)."""

from __future__ import annotations

import polars as pl

from lib.anomaly import detect_anomalies, simulate_tickets
from tests.anomaly.helpers import day


def test_spike_row_has_the_day_counts_and_a_tail_probability():
    tickets = simulate_tickets(days=120, topics={"a": 20.0}, events=[("a", "volume", 101, 4.0, 1)])
    alert = detect_anomalies(tickets).row(0, named=True)
    observed = tickets.filter(pl.col("created_at").dt.date() == day(101)).height
    assert alert["kind"] == "spike"
    assert alert["start"] == alert["end"] == alert["peak_day"] == day(101)
    assert alert["observed"] == observed == alert["tickets"]
    assert 15 < alert["expected"] < 25  # a weekday of a 20-a-weekday topic
    assert alert["p_value"] < 1e-6 and alert["q_value"] >= alert["p_value"]
    assert str(observed) in alert["explanation"] and "a:" in alert["explanation"]


def test_three_day_burst_is_one_spike_alert_over_its_days():
    tickets = simulate_tickets(days=120, topics={"a": 20.0}, events=[("a", "volume", 99, 4.0, 3)])
    alerts = detect_anomalies(tickets, metrics="volume")
    assert alerts.height == 1, alerts
    alert = alerts.row(0, named=True)
    burst = tickets.filter(pl.col("created_at").dt.date().is_between(day(99), day(101)))
    assert (alert["kind"], alert["start"], alert["end"]) == ("spike", day(99), day(101))
    assert alert["tickets"] == burst.height and alert["days"] == 3
    assert f"{burst.height} tickets in 3 days" in alert["explanation"]


def test_level_shift_start_is_near_the_true_change_and_one_alert():
    tickets = simulate_tickets(
        days=140, topics={"a": 20.0}, events=[("a", "volume", 98, 1.7, 28)], seed=5
    )
    alerts = detect_anomalies(tickets, metrics="volume")
    shifts = alerts.filter(pl.col("kind") == "level_shift")
    assert shifts.height == 1, alerts
    row = shifts.row(0, named=True)
    assert abs((row["start"] - day(98)).days) <= 3
    assert row["observed"] > 1.4 * row["expected"]
    assert row["days"] >= 7
