"""lib.anomaly.alarms: the volume and sentiment one-day tests use their own rates."""

from __future__ import annotations

import dataclasses

import polars as pl

from lib.anomaly import SENSITIVITY, detect_anomalies, judgements, simulate_tickets
from tests.anomaly.helpers import day


def test_volume_and_sentiment_one_day_tests_use_their_own_alpha(monkeypatch):
    """A spike whose p-value lies between the sentiment alpha and the volume alpha is raised only
    while the volume alpha is above it; the sentiment alpha does not move it."""
    tickets = simulate_tickets(days=120, topics={"a": 10.0}, events=[("a", "volume", 101, 2.0, 1)])
    j = judgements(tickets, metrics="volume").filter(pl.col("day") == day(101)).row(0, named=True)
    p = j["p_value"]
    assert 5e-4 < p < 2e-3, p  # the seeded day sits between the two rates
    spikes = lambda: detect_anomalies(tickets, metrics="volume").filter(  # noqa: E731
        pl.col("kind") == "spike"
    )
    assert spikes().get_column("start").to_list() == [day(101)]
    balanced = SENSITIVITY["balanced"]
    monkeypatch.setitem(
        SENSITIVITY, "balanced", dataclasses.replace(balanced, sentiment_alpha=1e-9)
    )
    assert spikes().height == 1
    # at the sentiment test's rate (balanced's volume rate before it got its own), no spike
    monkeypatch.setitem(SENSITIVITY, "balanced", dataclasses.replace(balanced, spike_alpha=5e-4))
    assert spikes().height == 0
