"""Shape and consistency of the demo helpdesk's canonical ticket frame."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from lib.demo import CATEGORIES, CHANNELS, DEFAULT_END, ESCALATION_GROUPS, GROUPS, TIERS
from lib.schema import validate
from tests.demo.helpers import HARD

AS_OF = datetime.combine(DEFAULT_END + timedelta(days=1), datetime.min.time(), UTC)


def test_canonical_frame_validates(tickets: pl.DataFrame) -> None:
    validate(tickets)
    assert tickets.get_column("source").unique().to_list() == ["demo"]
    assert tickets.get_column("sentiment").null_count() == tickets.height


def test_shape_facts(tickets: pl.DataFrame) -> None:
    created = tickets.get_column("created_at").dt.date()
    assert created.min() == DEFAULT_END - timedelta(days=179)
    assert created.max() == DEFAULT_END
    assert 10_000 < tickets.height < 12_500
    assert tickets.get_column("agent").drop_nulls().n_unique() == 15
    assert sorted(tickets.get_column("channel").unique()) == sorted(CHANNELS)
    assert sorted(tickets.get_column("category").unique()) == sorted(CATEGORIES)
    assert len(CATEGORIES) == 10
    assert sorted(tickets.get_column("customer_tier").unique()) == sorted(TIERS)
    assert sorted(tickets.get_column("priority").unique()) == ["high", "low", "normal", "urgent"]
    assert sorted(tickets.get_column("group").unique()) == sorted(GROUPS)
    assert 150 <= tickets.get_column("customer").n_unique() <= 200
    rate = tickets.get_column("escalated").mean()
    assert 0.10 <= rate <= 0.15


def test_agent_volumes_differ(tickets: pl.DataFrame) -> None:
    volume = tickets.group_by("agent").len().drop_nulls().get_column("len")
    assert volume.max() > 3 * volume.min()  # part-timers next to full-timers
    assert (volume < 0.6 * volume.median()).sum() >= 2


def test_weekly_rhythm_and_trend(tickets: pl.DataFrame, daily: pl.DataFrame) -> None:
    per_day = daily.group_by("day", "weekday").agg(pl.col("n").sum())
    weekday = per_day.filter(pl.col("weekday") <= 5).get_column("n").mean()
    weekend = per_day.filter(pl.col("weekday") >= 6).get_column("n").mean()
    assert 0.2 < weekend / weekday < 0.4
    # a mild upward trend: compare the first and the last eight weeks (without the event topics)
    calm = per_day.sort("day")
    first, last = calm.head(56).get_column("n").sum(), calm.slice(-84, 56).get_column("n").sum()
    assert 1.05 < last / first < 1.35


def test_escalation_rates_differ_by_category_and_channel(tickets: pl.DataFrame) -> None:
    by_cat = dict(tickets.group_by("category").agg(pl.col("escalated").mean()).iter_rows())
    for cat in HARD:
        assert 0.25 <= by_cat[cat] <= 0.45, (cat, by_cat[cat])
    for cat in ("How-to", "Onboarding", "Billing & invoices"):
        assert 0.02 <= by_cat[cat] <= 0.07, (cat, by_cat[cat])
    by_channel = dict(tickets.group_by("channel").agg(pl.col("escalated").mean()).iter_rows())
    assert by_channel["phone"] > 1.3 * by_channel["chat"]
    by_tier = dict(tickets.group_by("customer_tier").agg(pl.col("escalated").mean()).iter_rows())
    assert by_tier["enterprise"] > 1.5 * by_tier["free"]


def test_escalation_is_carried_by_group_tags_and_times(tickets: pl.DataFrame) -> None:
    esc = tickets.filter(pl.col("escalated"))
    rest = tickets.filter(~pl.col("escalated"))
    assert esc.get_column("group").is_in(list(ESCALATION_GROUPS)).all()
    assert not rest.get_column("group").is_in(list(ESCALATION_GROUPS)).any()
    assert (esc.get_column("escalation_reason") == "Group names a higher tier").all()
    assert rest.get_column("escalation_reason").null_count() == rest.height
    tagged = esc.get_column("tags").list.contains("escalated").mean()
    assert 0.7 <= tagged <= 0.9
    assert not rest.get_column("tags").list.contains("escalated").any()
    assert (esc.get_column("reassignments") >= 1).all()
    assert esc.get_column("escalated_at").null_count() == 0
    assert rest.get_column("escalated_at").null_count() == rest.height
    stop = pl.coalesce("solved_at", pl.lit(AS_OF))
    inside = esc.select(
        (pl.col("escalated_at") >= pl.col("created_at")) & (pl.col("escalated_at") <= stop)
    ).to_series()
    assert inside.all()


def test_status_and_times_are_consistent(tickets: pl.DataFrame) -> None:
    done = pl.col("status").is_in(["solved", "closed"])
    assert (tickets.select(done == pl.col("solved_at").is_not_null()).to_series()).all()
    checks = tickets.select(
        solved_after_created=pl.col("solved_at").is_null()
        | (pl.col("solved_at") >= pl.col("created_at")),
        updated_after_created=pl.col("updated_at") >= pl.col("created_at"),
        updated_after_solved=pl.col("solved_at").is_null()
        | (pl.col("updated_at") >= pl.col("solved_at")),
        before_export=pl.max_horizontal("created_at", "solved_at", "updated_at") < pl.lit(AS_OF),
        rated_when_solved=pl.col("satisfaction").is_null() | done,
        replied_unless_new=pl.col("first_response_minutes").is_null()
        == (pl.col("status") == "new"),
    )
    for column in checks.columns:
        assert checks.get_column(column).all(), column
    unsolved = tickets.filter(~done)
    assert 0 < unsolved.height < 0.1 * tickets.height
    recent = unsolved.get_column("created_at").min()
    assert recent > AS_OF - timedelta(days=60)
    assert tickets.filter(pl.col("status") == "on_hold").get_column("escalated").all()
    assert (tickets.filter(pl.col("status") == "new").get_column("agent").null_count()) == (
        tickets.filter(pl.col("status") == "new").height
    )


def test_first_response_and_satisfaction(tickets: pl.DataFrame) -> None:
    median = dict(
        tickets.group_by("channel").agg(pl.col("first_response_minutes").median()).iter_rows()
    )
    assert median["phone"] < median["chat"] < median["messaging"] < median["email"]
    good = dict(tickets.group_by("escalated").agg(pl.col("satisfaction").mean()).iter_rows())
    assert good[False] > 0.85
    assert good[True] < good[False] - 0.15
    assert 0.05 < (tickets.get_column("reopens") > 0).mean() < 0.15
