"""lib.anomaly.grid: tags exploded, missing topics grouped, partial last day, time zones."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from lib.anomaly import detect_anomalies, judgements, simulate_tickets, topic_granularity
from tests.anomaly.helpers import day


def test_tags_are_exploded_and_missing_topics_grouped():
    tickets = simulate_tickets(days=120, topics={"x": 20.0}, events=[("x", "volume", 100, 4.0, 1)])
    tags = np.where(np.arange(tickets.height) % 2 == 0, "login", "billing")
    tickets = tickets.with_columns(
        pl.concat_list(pl.lit("web"), pl.Series(tags)).alias("tags"),
        pl.when(pl.int_range(pl.len()) % 10 == 0)
        .then(None)
        .otherwise(pl.col("category"))
        .alias("category"),
    )
    gran = topic_granularity(tickets, topic="tags")
    assert sorted(gran.get_column("topic").to_list()) == ["billing", "login", "web"]
    alerts = detect_anomalies(tickets, topic="tags")
    assert {"web", "login", "billing"} >= set(alerts.get_column("topic").to_list()) >= {"web"}
    assert "(none)" in topic_granularity(tickets).get_column("topic").to_list()


def test_partial_last_day_is_not_a_drop():
    tickets = simulate_tickets(days=100, topics={"a": 60.0}, seed=2)
    cut = dt.datetime.combine(day(99), dt.time(6), tzinfo=dt.UTC)
    tickets = tickets.filter(pl.col("created_at") < cut)
    last = judgements(tickets).filter((pl.col("day") == day(99)) & (pl.col("metric") == "volume"))
    row = last.row(0, named=True)
    assert row["expected"] < 0.4 * 60  # a quarter of a day expected, not a full one
    assert detect_anomalies(tickets).filter(pl.col("kind") == "drop").height == 0


def test_time_zone_moves_days():
    tickets = simulate_tickets(days=60, topics={"a": 10.0})
    utc = judgements(tickets).filter(pl.col("metric") == "volume")
    tokyo = judgements(tickets, tz="Asia/Tokyo").filter(pl.col("metric") == "volume")
    assert utc.get_column("observed").sum() == tokyo.get_column("observed").sum()
    assert tokyo.get_column("day").max() == utc.get_column("day").max() + dt.timedelta(days=1)


def test_the_last_day_is_partial_on_the_business_zone_s_clock():
    """Judged "as of" the data's last local day, that day is still the partial one: the end is
    compared with the last ticket's day on the business zone's clock, not with its UTC date."""
    from lib.periods import use_zone

    tickets = simulate_tickets(days=101, topics={"a": 60.0}, seed=2)
    # Pago Pago is UTC-11: the data ends at 01:00 UTC on day 100, 14:00 local on day 99
    cut = dt.datetime.combine(day(100), dt.time(1), tzinfo=dt.UTC)
    tickets = tickets.filter(pl.col("created_at") < cut)
    with use_zone("Pacific/Pago_Pago"):
        last = judgements(tickets, end=day(99), metrics=("volume",))
    row = last.filter(pl.col("day") == day(99)).row(0, named=True)
    assert row["expected"] < 0.75 * 60  # about 14 of 24 hours expected, not a full day


def test_sentiment_is_dated_by_the_column_named_for_it():
    """With ``sentiment_at`` (the satisfaction survey's time) a rating counts on the day it was
    given: bad ratings of tickets opened on days 60-62 but given on day 75 make day 75 low;
    volume stays on the creation days; a null time falls back to the ticket's creation."""
    tickets = simulate_tickets(days=90, topics={"a": 20.0}, seed=4)
    created = pl.col("created_at").dt.date()
    late = created.is_between(day(60), day(62))
    given = dt.datetime.combine(day(75), dt.time(12), tzinfo=dt.UTC)
    tickets = tickets.with_columns(
        pl.when(late).then(-1.0).otherwise(pl.col("sentiment")).alias("sentiment"),
        pl.when(late).then(pl.lit(given)).otherwise(None).alias("satisfaction_at"),
    )

    def sentiment_of(frame: pl.DataFrame, i: int) -> dict:
        return frame.filter((pl.col("metric") == "sentiment") & (pl.col("day") == day(i))).row(
            0, named=True
        )

    by_creation = judgements(tickets)
    by_rating = judgements(tickets, sentiment_at="satisfaction_at")
    assert sentiment_of(by_creation, 61)["observed"] == -1.0
    assert sentiment_of(by_rating, 61)["observed"] is None  # no rating was given that day
    assert sentiment_of(by_rating, 75)["observed"] < sentiment_of(by_creation, 75)["observed"]
    volume = pl.col("metric") == "volume"
    assert by_rating.filter(volume)["observed"].equals(by_creation.filter(volume)["observed"])
    # judged as of day 70, the ratings given on day 75 are not known yet
    as_of = judgements(tickets, sentiment_at="satisfaction_at", end=day(70))
    assert as_of.filter(pl.col("metric") == "sentiment")["observed"].min() > -0.5
