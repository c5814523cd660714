"""Trend charts on short and odd date ranges read as dates, and interval bands on tiny counts
are hidden rather than drawn as a wall of 0-100% (issue 19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from lib.audit import trend
from lib.charts.common import BAND_MIN_TICKETS, band_note, trend_figure
from lib.charts.maturity import maturing_trend_chart
from lib.charts.overview import trend_chart


def _tickets(days: int, per_day: int, first: int = 1) -> pl.DataFrame:
    """``per_day`` tickets on each of ``days`` days from 2026-03-``first``, ~15% escalated."""
    rng = np.random.default_rng(3)
    start = datetime(2026, 3, first, 9, tzinfo=UTC)
    n = days * per_day
    return pl.DataFrame(
        {
            "created_at": [
                start + timedelta(days=i // per_day, minutes=i % per_day) for i in range(n)
            ],
            "escalated": (rng.random(n) < 0.15).tolist(),
        }
    )


def _band(fig) -> tuple[list, list]:
    high = next(t for t in fig.data if t.type == "scatter" and t.showlegend is False)
    low = next(t for t in fig.data if t.name == "95% interval")
    return list(high.y), list(low.y)


@pytest.mark.parametrize("days", [1, 3, 40])
def test_daily_trend_axis_shows_days_on_any_range(days: int) -> None:
    tr = trend(_tickets(days, 30), every="1d")
    for fig in (trend_figure(tr), trend_chart(tr), maturing_trend_chart(tr)):
        ax = fig.layout.xaxis
        assert ax.type == "date" and ax.tickformat == "%Y-%m-%d" and ax.hoverformat == "%Y-%m-%d"
        lo, hi = (datetime.fromisoformat(v) for v in ax.range)
        # padded by half a day each side: never a range of a few milliseconds around one day
        assert hi - lo == timedelta(days=days)
        assert lo.date() < date(2026, 3, 1) <= hi.date()
        if days <= 8:  # one tick on each day, at midnight
            assert list(ax.tickvals) == [
                (date(2026, 3, 1) + timedelta(days=i)).isoformat() for i in range(days)
            ]
        else:
            assert ax.tickmode == "auto" and ax.tickvals is None


def test_weekly_trend_ticks_on_the_week_starts() -> None:
    tr = trend(_tickets(17, 5), every="1w")
    ax = trend_chart(tr).layout.xaxis
    assert list(ax.tickvals) == [d.isoformat() for d in tr["period_start"]]
    lo, hi = (datetime.fromisoformat(v) for v in ax.range)
    assert hi - lo == timedelta(days=7 * tr.height)


def test_bands_are_hidden_on_tiny_daily_counts() -> None:
    tiny = trend(_tickets(10, 4), every="1d")  # 4 tickets a day: intervals span most of 0-100%
    high, low = _band(trend_figure(tiny))
    assert all(v is None for v in high + low)
    assert band_note(tiny, "day").startswith("No band: every day has fewer than")
    weekly = trend(_tickets(28, 4, first=2), every="1w")  # Monday on: 4 weeks of 28 tickets
    high, low = _band(trend_figure(weekly))
    assert all(v is not None for v in high + low)
    assert band_note(weekly, "week") == ""


def test_bands_are_hidden_only_where_the_period_is_small() -> None:
    t = pl.concat(
        [_tickets(3, 40), _tickets(1, 5).with_columns(pl.col("created_at") + timedelta(days=3))]
    )
    tr = trend(t, every="1d")
    assert tr["tickets"].to_list() == [40, 40, 40, 5]
    high, _ = _band(trend_chart(tr))
    assert [v is None for v in high] == [False, False, False, True]
    assert band_note(tr, "day") == (
        f"The band is hidden on the 1 day with fewer than {BAND_MIN_TICKETS} tickets "
        "(its interval spans most of 0-100%)."
    )


def test_one_day_is_drawn_as_a_day_wide_bar_with_its_interval() -> None:
    tr = trend(_tickets(1, 30), every="1d")
    fig = maturing_trend_chart(tr.with_columns(maturing=pl.lit(0)))
    assert all(list(b.width) == [0.8 * 86_400_000] for b in fig.data if b.type == "bar")
    rate = next(t for t in fig.data if t.name == "Escalation rate")
    assert rate.error_y.array[0] == pytest.approx(100 * (tr["rate_high"][0] - tr["rate"][0]))
