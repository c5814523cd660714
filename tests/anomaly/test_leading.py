"""lib.anomaly.leading: leading indicators flag rising escalation and volume."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from lib.anomaly import leading_indicators, simulate_tickets
from tests.anomaly.helpers import day

# --------------------------------------------------------------------------------------------
# Leading indicators


def test_leading_indicators_flag_rising_escalation_and_volume():
    calm = simulate_tickets(days=84, topics={"flat": 20.0, "hot": 20.0}, seed=21)
    recent = pl.col("created_at") >= dt.datetime.combine(day(70), dt.time(), tzinfo=dt.UTC)
    surge = simulate_tickets(
        days=14, topics={"hot": 20.0}, start=day(70), escalation_rate=0.5, seed=22
    ).with_columns(pl.format("S{}", "ticket_id").alias("ticket_id"))
    tickets = pl.concat([calm, surge]).with_columns(
        pl.when(recent & (pl.col("category") == "hot") & pl.col("ticket_id").str.starts_with("T"))
        .then(True)
        .otherwise(pl.col("escalated"))
        .alias("escalated")
    )
    out = {r["topic"]: r for r in leading_indicators(tickets).iter_rows(named=True)}
    hot, flat = out["hot"], out["flat"]
    assert hot["escalation_direction"] == "up" and hot["escalation_significant"]
    assert hot["volume_direction"] == "up" and hot["volume_significant"]
    assert hot["volume_ratio"] == pytest.approx(
        (hot["tickets_recent"] / 14) / (hot["tickets_baseline"] / 56)
    )
    assert hot["rising"] and not flat["rising"]
    assert not flat["escalation_significant"]
    assert math.isclose(
        flat["escalation_rate_recent"],
        calm.filter(recent & (pl.col("category") == "flat")).get_column("escalated").mean(),
    )
