"""lib.review_pack.effects: before and after an action item, an alert's daily series."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from lib import review_pack as rp
from lib.demo import demo_truth
from tests.review_pack.helpers import UTC


def _effect_tickets() -> pl.DataFrame:
    d0 = dt.datetime(2026, 3, 1, 9, tzinfo=UTC)
    days = list(range(-30, 20))  # 30 days before the change, 20 after (data ends day 19)
    esc_sso = [d < 0 and d % 4 != 0 for d in days]  # before: 3 in 4 escalated
    return pl.DataFrame(
        {
            "created_at": [d0 + dt.timedelta(days=d) for d in days] * 2,
            "category": ["SSO"] * len(days) + ["Billing"] * len(days),
            "agent": ["ann"] * len(days) + ["bob"] * len(days),
            "channel": ["chat"] * (2 * len(days)),
            "escalated": esc_sso + [False] * len(days),
        }
    )


def _actions(rows: list[dict]) -> pl.DataFrame:
    base = {"title": "t", "status": "done", "link_kind": None, "link_value": None,
            "created_at": dt.datetime(2026, 3, 1, 15, tzinfo=UTC)}  # fmt: skip
    return pl.DataFrame([{"id": i + 1, **base, **r} for i, r in enumerate(rows)])


def test_action_effects_by_hand() -> None:
    t = _effect_tickets()
    acts = _actions(
        [
            {"link_kind": "category", "link_value": "SSO"},
            {"link_kind": "agent", "link_value": "bob", "status": "dropped"},
            {"link_kind": "category", "link_value": "SSO", "status": "open"},  # not closed
            {
                "link_kind": "agent",
                "link_value": "ann",
                "created_at": dt.datetime(2026, 4, 2, tzinfo=UTC),
            },  # created after the data ends
            {},  # no link
            {"link_kind": "alert", "link_value": "SSO|volume|spike|2026-02-20"},
        ]
    )
    out = rp.action_effects(t, acts).sort("id")
    assert out.get_column("id").to_list() == [1, 2, 4, 6]
    sso = out.row(0, named=True)
    # 20 days each side (the data ends 19 days after the change): before = days -20..-1
    before_days = list(range(-20, 0))
    k_before = sum(d % 4 != 0 for d in before_days)
    assert sso["window_days"] == 20
    assert (sso["before_tickets"], sso["before_escalations"]) == (20, k_before)
    assert (sso["after_tickets"], sso["after_escalations"]) == (20, 0)
    assert sso["before_rate"] == pytest.approx(k_before / 20)
    assert sso["after_rate"] == 0.0 and sso["significant"]
    assert sso["verdict"].startswith(f"fell from {100 * k_before / 20:.1f}% to 0.0%")
    bob = out.row(1, named=True)
    assert bob["before_escalations"] == bob["after_escalations"] == 0
    assert bob["verdict"].endswith("no real change")
    assert out.row(2, named=True)["verdict"] == "no tickets since it was created"
    assert out.row(3, named=True)["before_tickets"] == 20  # alert: its topic as a category


def test_action_effects_empty_and_unknown_column() -> None:
    t = _effect_tickets().drop("channel")
    assert rp.action_effects(t, _actions([])).height == 0
    out = rp.action_effects(t, _actions([{"link_kind": "channel", "link_value": "chat"}]))
    assert out.get_column("verdict").to_list() == ["cannot compare a channel link"]


def test_alert_series_counts_by_day(tickets) -> None:
    truth = demo_truth()
    alert = {"topic": truth.spike_topic, "metric": "volume", "start_date": truth.spike_start,
             "end_date": truth.spike_end}  # fmt: skip
    s = rp.alert_series(tickets, alert)
    assert s.height == 28 + 3 + 7
    day = truth.spike_start
    by_hand = tickets.filter(
        (pl.col("category") == truth.spike_topic) & (pl.col("created_at").cast(pl.Date) == day)
    ).height
    assert s.filter(pl.col("date") == day).get_column("value").item() == by_hand
    spike = s.filter(pl.col("date").is_between(truth.spike_start, truth.spike_end))
    before = s.filter(pl.col("date") < truth.spike_start)
    assert spike.get_column("value").mean() > 2 * before.get_column("value").mean()
