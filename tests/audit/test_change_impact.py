"""Before/after a change date: the test, the window, the category and the segmented fit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy.special import expit
from statsmodels.stats.proportion import (
    proportions_ztest,
)

from lib import audit as m
from tests.audit.fixture_tickets import at

START = datetime(2024, 3, 1, tzinfo=UTC)


def test_before_after_hand_checked(tickets):
    r = m.before_after(tickets, date=date(2024, 1, 15))
    # before 1-5 (2 escalated), after 6-10 (3 escalated)
    assert r.summary.select("segment", "tickets", "escalations", "rate").rows() == [
        ("before", 5, 2, 0.4),
        ("after", 5, 3, 0.6),
    ]
    assert r.summary.get_column("start").to_list() == [date(2024, 1, 1), date(2024, 1, 15)]
    _, p = proportions_ztest([3, 2], [5, 5])
    assert r.test.diff == pytest.approx(0.2) and r.test.p_value == pytest.approx(p)
    # weeks from 15 Jan: -2 (1-7 Jan: 1/3), -1 (8-14 Jan: 1/2), 0 (15-21 Jan: 3/5)
    assert r.weekly.select("week", "week_start", "segment", "tickets", "escalations").rows() == [
        (-2, date(2024, 1, 1), "before", 3, 1),
        (-1, date(2024, 1, 8), "before", 2, 1),
        (0, date(2024, 1, 15), "after", 5, 3),
    ]
    # the segmented regression, refitted here ticket by ticket (the same estimates as on
    # daily counts): days from 15 Jan, escalated on days -13, -5 (before) and 0, 2, 6 (after)
    days = np.array([-14, -13, -12, -6, -5, 0, 1, 2, 5, 6], float)
    y = np.array([0, 1, 0, 0, 1, 1, 0, 1, 0, 1], float)
    after = (days >= 0).astype(float)
    ref = sm.Logit(y, np.column_stack([np.ones(10), days, after, days * after])).fit(disp=0)
    b0, b1, b2, b3 = ref.params
    assert r.model is not None and r.model_note is None
    assert r.model.params == pytest.approx(tuple(ref.params), rel=1e-5)
    assert (r.model.days_before, r.model.days_after) == (5, 5)
    assert r.level_change == pytest.approx(expit(b0 + b2) - expit(b0), rel=1e-5)
    pb, pa = expit(b0), expit(b0 + b2)
    assert r.slopes["before"] == pytest.approx(7 * pb * (1 - pb) * b1, rel=1e-5)
    assert r.slopes["after"] == pytest.approx(7 * pa * (1 - pa) * (b1 + b3), rel=1e-5)
    # fitted at the middle of each week (days -11, -4 and 3)
    mid = [expit(b0 + b1 * -11), expit(b0 + b1 * -4), expit(b0 + b2 + (b1 + b3) * 3)]
    assert r.weekly.get_column("fitted").to_list() == pytest.approx(mid, rel=1e-5)
    # ten tickets say nothing for sure
    assert not r.model.level_significant and not r.model.slope_significant
    assert r.model.level_low < r.level_change < r.model.level_high


def test_before_after_window_and_category(tickets):
    r = m.before_after(tickets, date=date(2024, 1, 15), window_days=7)
    assert r.summary.select("tickets", "escalations").rows() == [(2, 1), (5, 3)]
    r = m.before_after(tickets, date=date(2024, 1, 15), category="billing")
    # billing: before 1, 4; after 7; none escalated -> no variance, p = 1
    assert r.summary.select("tickets", "escalations").rows() == [(2, 0), (1, 0)]
    assert (r.test.p_value, r.test.significant) == (1.0, False)
    r = m.before_after(tickets, date=date(2024, 2, 1))
    # nothing after the date: the after side is empty, nothing to test, no after line
    assert r.summary.get_column("tickets").to_list() == [10, 0]
    assert not r.test.testable and r.level_change is None and r.slopes["after"] is None
    assert r.weekly.get_column("fitted").null_count() == 0
    with pytest.raises(m.MetricsError):
        m.before_after(tickets, date=date(2024, 1, 15), window_days=0)


def test_before_after_fit_is_weighted_by_tickets():
    # change on Mon 22 Jan. Before: week -3 0/2, week -2 1/2, week -1 5/10; after: week 0 1/4,
    # week 1 3/4. Before line, weights 2, 2, 10 at x = -2.5, -1.5, -0.5 (mid-weeks), y = 0, .5, .5:
    # x̄ = -13/14, ȳ = 6/14, Sxy = 11/7, Sxx = 52/7 -> slope 11/52, value at the date
    # 6/14 + 11/52 * 13/14 = 0.625 (an unweighted fit would give slope 0.25).
    # After: two points (0.5, 0.25), (1.5, 0.75) -> slope 0.5, value 0 at the date; jump -0.625.
    weeks = [(1, 2, 0), (8, 2, 1), (15, 10, 5), (22, 4, 1), (29, 4, 3)]
    created, esc = [], []
    for day, n, k in weeks:
        created += [at(day, 9 + i) for i in range(n)]
        esc += [i < k for i in range(n)]
    r = m.before_after(
        pl.DataFrame({"created_at": created, "escalated": esc}), date=date(2024, 1, 22)
    )
    # two days with tickets after the date: too few for the regression, the lines stay
    assert r.model is None and "at least 3 days" in r.model_note
    assert r.weekly.get_column("week").to_list() == [-3, -2, -1, 0, 1]
    assert r.slopes["before"] == pytest.approx(11 / 52)
    assert r.slopes["after"] == pytest.approx(0.5)
    assert r.level_change == pytest.approx(-0.625)
    fitted = [0.625 + 11 / 52 * x for x in (-2.5, -1.5, -0.5)] + [0.25, 0.75]
    assert r.weekly.get_column("fitted").to_list() == pytest.approx(fitted)


def test_before_after_segmented_line_recovers_a_known_step():
    # 8 weeks at 10% then 8 weeks at 30%, 100 tickets a week (one an hour), every tenth ticket
    # (every third in ten after) escalated, so the days keep about the same rate
    start = datetime(2024, 1, 1, tzinfo=UTC)
    created, esc = [], []
    for week in range(16):
        per_ten = 1 if week < 8 else 3
        for i in range(100):
            created.append(start + timedelta(weeks=week, hours=i))
            esc.append(i % 10 < per_ten)
    t = pl.DataFrame({"created_at": created, "escalated": esc})
    r = m.before_after(t, date=date(2024, 2, 26))  # start of week 8
    assert r.slopes["before"] == pytest.approx(0.0, abs=0.005)
    assert r.slopes["after"] == pytest.approx(0.0, abs=0.005)
    assert r.level_change == pytest.approx(0.2, abs=0.02)
    assert r.model.level_significant and not r.model.slope_significant
    assert r.model.level_low < 0.2 < r.model.level_high
    assert r.test.significant and r.test.direction == "up"


def _daily(rates: list[float], n: int = 40, seed: int = 0) -> pl.DataFrame:
    """``n`` tickets a day from START, each escalated with the day's probability."""
    rng = np.random.default_rng(seed)
    created, esc = [], []
    for day, rate in enumerate(rates):
        for i in range(n):
            created.append(START + timedelta(days=day, minutes=20 * i))
            esc.append(bool(rng.random() < rate))
    return pl.DataFrame({"created_at": created, "escalated": esc})


def test_a_trend_already_under_way_is_not_credited_to_the_change():
    # the rate climbs steadily from about 5% to 30% over 61 days (straight on the logit
    # scale), with no break at day 30: the pooled before/after test calls it a significant
    # rise, the segmented regression finds neither a jump nor a change of slope at the date
    t = _daily([float(expit(-3 + 0.04 * d)) for d in range(61)])
    r = m.before_after(t, date=(START + timedelta(days=30)).date())
    assert r.test.significant and r.test.direction == "up"
    assert r.model is not None and r.model.days_before == 30 and r.model.days_after == 31
    assert not r.model.level_significant and not r.model.slope_significant
    assert r.model.level_low < 0 < r.model.level_high
    assert r.model.slope_low < 0 < r.model.slope_high
    assert r.level_change == pytest.approx(0.0, abs=0.05)
    assert r.slopes["before"] > 0 and r.slopes["after"] > 0
    assert "cluster-robust by day" in r.model.covariance


def test_a_side_at_zero_percent_has_no_model():
    t = _daily([0.2] * 10 + [0.0] * 10)  # nothing escalated after the date
    r = m.before_after(t, date=(START + timedelta(days=10)).date())
    assert r.model is None and "0% or 100%" in r.model_note


def test_an_outage_day_widens_the_errors_beyond_plain_cluster_robust():
    # a flat 10% for 60 days with one outage day (300 tickets at 60%) ten days after the
    # change: CR3 scales the outage day's score by 1 / (1 - leverage), so its level test is
    # more cautious than statsmodels' plain cluster-robust one (CR1)
    t = _daily([0.1] * 60, seed=3)
    outage = _daily([0.6], n=300, seed=4).with_columns(
        pl.col("created_at") + timedelta(days=40, hours=1)
    )
    r = m.before_after(pl.concat([t, outage]), date=(START + timedelta(days=30)).date())
    daily = (
        pl.concat([t, outage])
        .group_by(((pl.col("created_at") - START).dt.total_days() - 30).alias("d"))
        .agg(pl.len().alias("n"), pl.col("escalated").sum().alias("k"))
        .sort("d")
    )
    d, n, k = (daily[c].to_numpy().astype(float) for c in ("d", "n", "k"))
    after = (d >= 0).astype(float)
    x = np.column_stack([np.ones_like(d), d, after, d * after])
    cr1 = sm.GLM(np.column_stack([k, n - k]), x, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": np.arange(d.size)}, use_t=True
    )
    assert r.model.params == pytest.approx(tuple(cr1.params), rel=1e-6)
    assert r.model.level_p > cr1.pvalues[2]
    assert r.model.slope_p > cr1.pvalues[3]


def test_days_that_separate_perfectly_have_no_model():
    d0 = datetime(2024, 3, 1, tzinfo=UTC)
    t = pl.DataFrame({
        "created_at": [d0 + timedelta(days=d) for d in (-10, -3, -2, 1, 2, 9)],
        "escalated": [True, True, False, False, False, True],
    })  # fmt: skip
    r = m.before_after(t, date=d0.date())
    assert r.model is None and "too few tickets for a trend" in r.model_note


def test_weeks_and_windows_are_business_zone_days_across_a_clock_change() -> None:
    """Berlin moves its clocks on Sunday 31 March 2024: that day has 23 hours. Weeks counted in
    168-hour blocks from the change put Monday 1 April 00:30 into week 0, and a 7-day window
    took it in; the summary's dates were UTC days (the first ticket "before" the change)."""
    from zoneinfo import ZoneInfo

    from lib.periods import use_zone

    berlin = ZoneInfo("Europe/Berlin")

    def local(*args: int) -> datetime:
        return datetime(*args, tzinfo=berlin).astimezone(UTC)

    times = [
        local(2024, 3, 20, 10),  # before, week -1
        local(2024, 3, 25, 0, 30),  # the change day (Monday), 23:30 UTC the day before
        local(2024, 3, 31, 23, 30),  # the 23-hour Sunday, last day of week 0
        local(2024, 4, 1, 0, 30),  # Monday: week 1 (22:30 UTC on Sunday)
    ]
    t = pl.DataFrame(
        {"created_at": times, "category": ["sso"] * 4, "escalated": [True, False, True, False]}
    )
    with use_zone("Europe/Berlin"):
        r = m.before_after(t, date=date(2024, 3, 25))
        windowed = m.before_after(t, date=date(2024, 3, 25), window_days=7)
    assert r.weekly.select("week", "tickets").rows() == [(-1, 1), (0, 2), (1, 1)]
    after = r.summary.filter(pl.col("segment") == "after").row(0, named=True)
    assert (after["start"], after["end"], after["tickets"]) == (
        date(2024, 3, 25),
        date(2024, 4, 1),
        3,
    )
    after7 = windowed.summary.filter(pl.col("segment") == "after").row(0, named=True)
    assert (after7["tickets"], after7["end"]) == (2, date(2024, 3, 31))
