"""Delta chips are coloured by good or bad: a rise in escalations is red (issue 19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl

from lib.audit import kpis
from lib.charts.deltas import chip, count_card, escalations_card
from lib.charts.routing import routing_cards
from lib.formatting import kpi_metric
from lib.periods import review_periods


def _kpi(before: int, now: int):
    """Two 7-day periods with 100 tickets each and ``before`` then ``now`` escalated."""
    start = datetime(2026, 5, 4, 10, tzinfo=UTC)
    rows = []
    for week, escalated in ((0, before), (1, now)):
        for i in range(100):
            when = start + timedelta(days=7 * week + i % 7, minutes=i)
            rows.append({"created_at": when, "escalated": i < escalated})
    t = pl.DataFrame(rows)
    return kpis(t, review_periods(t, review_days=7, baseline=(date(2026, 5, 4), date(2026, 5, 10))))


def test_a_rise_in_escalations_is_red_and_a_fall_green() -> None:
    up = escalations_card(_kpi(10, 40), kpi_metric(_kpi(10, 40), "escalations"))
    assert (up["delta"], up["delta_color"], up["delta_arrow"]) == (
        "+30 vs previous (10)",
        "red",
        "up",
    )
    down = escalations_card(_kpi(40, 10), kpi_metric(_kpi(40, 10), "escalations"))
    assert (down["delta_color"], down["delta_arrow"]) == ("green", "down")


def test_a_change_within_chance_stays_grey_and_says_so() -> None:
    k = _kpi(10, 12)
    card = escalations_card(k, kpi_metric(k, "escalations"))
    assert card["delta_color"] == "off" and card["delta"].endswith("(within chance)")


def test_chip_colours_follow_good_and_bad_not_the_text() -> None:
    assert chip(+1.5, worse="up") == {"delta_color": "red", "delta_arrow": "up"}
    assert chip(+1.5, worse="down") == {"delta_color": "green", "delta_arrow": "up"}
    assert chip(-1.5, worse="down") == {"delta_color": "red", "delta_arrow": "down"}
    assert chip(+9, worse=None)["delta_color"] == "off"  # tickets: neither good nor bad
    assert count_card({"value": "3"}, 3, 1, measure="bounced") == {"value": "3"}


def test_more_tickets_bounced_is_red_on_the_routing_cards() -> None:
    now = {"share_reassigned": 0.3, "reassigned": 60, "known": 200, "share_low": 0.2,
           "share_high": 0.4, "first_assignment_correct_rate": 0.7, "bounced": 30}  # fmt: skip
    prev = {**now, "reassigned": 20, "bounced": 5}
    cards = dict(routing_cards(now, idle=0, open_tickets=0, hours=48, repeat=0, previous=prev))
    assert cards["Bounced 3+ times"]["delta_color"] == "red"
    assert cards["Bounced 3+ times"]["delta_arrow"] == "up"
    assert cards["Reassigned"]["delta_color"] == "inverse"  # a significant rise: red
    assert cards["Right first time"]["delta_color"] == "normal"  # its text falls: red
