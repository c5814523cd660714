"""Every lib.audit function on empty input and slices, and the outputs' errors and NaNs."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl

from lib import audit as m
from lib.errors import ReviewError
from lib.schema import empty_tickets


def test_every_function_on_an_empty_frame(periods):
    e = empty_tickets()
    frames = {
        "apply_filters": m.apply_filters(e, m.Filters(channels=["chat"])),
        "trend": m.trend(e),
        "trend_aligned": m.trend(e, every="2w", align_to=date(2024, 1, 1)),
        "quarter_comparison": m.quarter_comparison(e),
        "rate_by": m.rate_by(e, "customer_tier"),
        "top_values": m.top_values(e, "category", "agent", "ann"),
        "slice_tickets": m.slice_tickets(e, "category", "sso"),
        "heatmap": m.heatmap(e),
        "drivers": m.drivers(e),
        "drivers_csat": m.drivers(e, rank_by="impact_csat"),
        "pareto": m.pareto(e),
        "tier1_resolution": m.tier1_resolution(e),
        "first_response_trend": m.first_response_trend(e),
        "first_response_by": m.first_response_by(e),
        "time_to_escalate": m.time_to_escalate(e),
        "repeat_contacts": m.repeat_contacts(e),
    }
    for name in ("agent", "channel", "category", "group", "priority", "customer_tier"):
        frames[f"breakdown_{name}"] = m.breakdown(e, name, periods)
    ra = m.reassignment_summary(e)
    ra_by = m.reassignment_summary(e, by="channel")
    frames.update(
        reassign_summary_by=ra_by.summary,
        reassign_dist=ra.distribution,
        reassign_bounced=ra.bounced,
    )
    idle = m.idle_tickets(e)
    frames["idle"] = idle.tickets
    ba = m.before_after(e, date=date(2024, 1, 1))
    frames["before_after_weekly"] = ba.weekly
    for name, frame in frames.items():
        assert isinstance(frame, pl.DataFrame), name
        assert frame.height == 0, name
        assert frame.width > 0, name
    # the ones that always have rows are free of NaN
    assert ra.summary.row(0, named=True)["tickets"] == 0
    assert ra.summary.row(0, named=True)["share_reassigned"] is None
    assert idle.buckets.get_column("tickets").sum() == 0 and idle.now is None
    assert ba.summary.get_column("tickets").to_list() == [0, 0]
    assert not ba.test.testable and ba.level_change is None
    assert m.time_to_escalate(e, by=None).row(0)[:2] == (0, 0)
    for frame in (ra.summary, ba.summary, idle.buckets):
        for col in frame.select(pl.selectors.float()).columns:
            assert not frame.get_column(col).is_nan().any()


def test_slice_with_zero_tickets_gives_empty_frames(tickets, periods):
    none = m.apply_filters(tickets, m.Filters(channels=["social"]))
    assert none.height == 0
    assert m.breakdown(none, "agent", periods).height == 0
    assert m.trend(none).height == 0
    k = m.kpis(none, periods)
    assert k.review["tickets"] == 0 and k.review["rate"] is None
    assert m.narrative(k).startswith("No tickets in the review period")


def test_errors_are_review_errors():
    assert issubclass(m.MetricsError, ReviewError)
    assert issubclass(m.MetricsError, ValueError)


def test_outputs_have_no_nan_on_the_fixture(tickets, periods):
    frames = [
        m.kpis(tickets, periods).table,
        m.trend(tickets, every="1d"),
        m.breakdown(tickets, "channel", periods),
        m.drivers(tickets, top=None),
        m.reassignment_summary(tickets, by="channel").summary,
        m.first_response_trend(tickets, every="1d"),
    ]
    for frame in frames:
        for col in frame.select(pl.selectors.float()).columns:
            values = frame.get_column(col).drop_nulls().to_numpy()
            assert not np.isnan(values).any(), col
            assert all(math.isfinite(v) for v in values), col
