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


def test_leading_indicators_leave_the_holiday_calendar_out():
    """Four closed days in the last two weeks are not falling volume once they are on the
    calendar the detector uses too (their days and tickets leave both periods)."""
    tickets = simulate_tickets(days=84, topics={"a": 40.0}, seed=5)
    closed = [day(i) for i in (72, 73, 76, 77)] + [day(30)]
    on_holiday = pl.col("created_at").dt.date().is_in(closed)
    keep = ~on_holiday | (pl.int_range(pl.len()) % 20 == 0)  # one ticket in 20 on those days
    tickets = tickets.filter(keep)
    blind = leading_indicators(tickets).row(0, named=True)
    assert blind["volume_direction"] == "down" and blind["volume_significant"]
    seen = leading_indicators(tickets, holidays=closed).row(0, named=True)
    assert not seen["volume_significant"]
    assert seen["volume_recent"] == pytest.approx(seen["tickets_recent"] / 10)
    assert seen["volume_baseline"] == pytest.approx(seen["tickets_baseline"] / 55)
