"""lib.anomaly.series: one topic's series with its expected band and judged days."""

from __future__ import annotations

import polars as pl
import pytest

from lib.anomaly import AnomalyError, simulate_tickets, topic_series
from tests.anomaly.helpers import day


def test_topic_series_band_and_judged_days():
    tickets = simulate_tickets(days=120, topics={"a": 20.0}, events=[("a", "volume", 101, 4.0, 1)])
    s = topic_series(tickets, "a")
    assert s.height == 120
    assert not s.filter(pl.col("day") < day(35)).get_column("judged").any()
    assert s.filter(pl.col("day") >= day(35)).get_column("judged").all()
    spike = s.filter(pl.col("day") == day(101)).row(0, named=True)
    assert spike["observed"] > spike["upper"] > spike["expected"] > spike["lower"] >= 0
    ok = s.filter(pl.col("judged") & (pl.col("day") != day(101)))
    inside = ok.filter(pl.col("observed").is_between(pl.col("lower"), pl.col("upper"))).height
    assert inside / ok.height > 0.95  # a 99 % band
    senti = topic_series(tickets, "a", metric="sentiment")
    assert senti.filter(pl.col("judged")).get_column("expected").abs().max() < 0.1
    with pytest.raises(AnomalyError, match="no tickets"):
        topic_series(tickets, "nope")
