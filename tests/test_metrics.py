"""lib.metrics on small fixtures whose numbers are worked out by hand in the comments."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from lib import metrics as m
from lib.errors import ReviewError
from lib.periods import Periods, review_periods
from lib.schema import conform, empty_tickets, validate


def at(day: int, hour: int = 9, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


# Ten tickets over three weeks (Mon 1 Jan .. Sun 21 Jan 2024).
# fmt: off
ROWS = [  # id, created, channel, category, agent, group, priority, tier, customer, escalated, escalated_at, solved_at, status, reassignments, reopens, first response min, satisfaction  # noqa: E501
    ("1", at(1), "email", "billing", "ann", "T1", "normal", "free", "acme", False, None, at(1, 13), "solved", 0, 0, 30.0, 1.0),  # noqa: E501
    ("2", at(2, 10), "chat", "sso", "bob", "T1", "high", "pro", "acme", True, at(2, 12), at(3, 10), "solved", 1, 0, 5.0, 0.0),  # noqa: E501
    ("3", at(3, 11), "email", "sso", "ann", "T1", "normal", "pro", "beta", False, None, at(3, 15), "closed", 0, 1, 60.0, 1.0),  # noqa: E501
    ("4", at(9, 8), "phone", "billing", "bob", "T2", "low", "free", "acme", False, None, at(9, 10), "solved", 0, 0, 15.0, None),  # noqa: E501
    ("5", at(10), "chat", "sso", "ann", "T1", "urgent", "enterprise", "gamma", True, at(10, 15), at(12), "solved", 3, 0, 10.0, 0.0),  # noqa: E501
    ("6", at(15), "chat", "sso", "bob", "T1", "high", "enterprise", "gamma", True, at(15, 10), at(16), "solved", 2, 1, 20.0, 0.5),  # noqa: E501
    ("7", at(16), "email", "billing", "ann", "T1", "normal", "free", "acme", False, None, at(16, 11), "solved", 0, 0, 40.0, 1.0),  # noqa: E501
    ("8", at(17), "chat", "sso", "ann", "T1", "high", "pro", "gamma", True, at(17, 13), None, "open", 4, None, None, None),  # noqa: E501
    ("9", at(20), "web", None, None, None, None, None, None, False, None, None, "pending", None, 0, 90.0, None),  # noqa: E501
    ("10", at(21), "chat", "sso", "bob", "T1", "normal", "enterprise", "gamma", True, at(21, 17), None, "open", 1, 0, 8.0, None),  # noqa: E501
]
FIELDS = (
    "ticket_id", "created_at", "channel", "category", "agent", "group", "priority",
    "customer_tier", "customer", "escalated", "escalated_at", "solved_at", "status",
    "reassignments", "reopens", "first_response_minutes", "satisfaction",
)
# Last activity: solved tickets at solved_at; 8 updated 18 Jan 09:00; 9 never (null);
# 10 updated 21 Jan 17:00 (the latest moment in the data).
UPDATED = [at(1, 13), at(3, 10), at(3, 15), at(9, 10), at(12), at(16), at(16, 11), at(18), None, at(21, 17)]  # noqa: E501
# fmt: on


def make(rows, fields=FIELDS, **extra) -> pl.DataFrame:
    data = {f: [r[i] for r in rows] for i, f in enumerate(fields)}
    data.update(extra)
    frame = pl.DataFrame(
        data,
        schema_overrides={
            c: pl.Datetime("us", "UTC")
            for c in ("created_at", "escalated_at", "solved_at", "updated_at")
            if c in data
        },
        strict=False,
    )
    return validate(conform(frame.with_columns(pl.lit("test").alias("source"))))


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return make(ROWS, updated_at=UPDATED)


@pytest.fixture(scope="module")
def periods(tickets) -> Periods:
    # review 15..21 Jan (tickets 6-10), previous 8..14 Jan (4, 5),
    # baseline = first 30 days cut before the review: 1..14 Jan (1-5)
    p = review_periods(tickets, review_days=7)
    assert p.review == (date(2024, 1, 15), date(2024, 1, 21))
    assert p.previous == (date(2024, 1, 8), date(2024, 1, 14))
    assert p.baseline == (date(2024, 1, 1), date(2024, 1, 14))
    return p


# ------------------------------------------------------------------ statistics


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
@pytest.mark.parametrize("k,n", [(0, 1), (1, 1), (0, 20), (3, 5), (10, 50), (37, 261), (999, 1000)])
def test_wilson_matches_statsmodels(k, n, level):
    low, high = m.wilson_interval(k, n, level=level)
    ref = proportion_confint(k, n, alpha=1 - level, method="wilson")
    assert low == pytest.approx(ref[0], abs=1e-12)
    assert high == pytest.approx(ref[1], abs=1e-12)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_textbook_value_and_edges():
    # k=10, n=50, z=1.959964: centre (0.2 + z²/100)/(1 + z²/50) = 0.221405,
    # half-width z*sqrt(0.2*0.8/50 + z²/10000)/(1 + z²/50) = 0.108968 -> 0.11244 .. 0.33037
    low, high = m.wilson_interval(10, 50)
    assert (round(low, 5), round(high, 5)) == (0.11244, 0.33037)
    assert m.wilson_interval(0, 10)[0] == 0.0
    assert m.wilson_interval(10, 10)[1] == 1.0
    assert m.wilson_interval(0, 0) == (0.0, 1.0)
    for bad in [(-1, 5), (6, 5), (1, -1)]:
        with pytest.raises(m.MetricsError):
            m.wilson_interval(*bad)
    with pytest.raises(m.MetricsError):
        m.wilson_interval(1, 2, level=1.0)


def test_wilson_exprs_match_the_scalar_version():
    ks, ns = [0, 3, 10, 37, 0], [1, 5, 50, 261, 0]
    out = pl.DataFrame({"k": ks, "n": ns}).with_columns(m.wilson_exprs("k", "n", name="r"))
    for k, n, row in zip(ks, ns, out.iter_rows(named=True), strict=True):
        low, high = m.wilson_interval(k, n)
        assert row["r_low"] == pytest.approx(low, abs=1e-12)
        assert row["r_high"] == pytest.approx(high, abs=1e-12)
        assert row["r"] == (k / n if n else None)


@pytest.mark.parametrize(
    "k1,n1,k2,n2",
    [(37, 261, 30, 254), (3, 5, 1, 2), (50, 100, 20, 100), (0, 40, 5, 40), (1, 3, 0, 1000)],
)
def test_two_proportion_test_matches_statsmodels(k1, n1, k2, n2):
    r = m.two_proportion_test(k1, n1, k2, n2)
    z, p = proportions_ztest([k1, k2], [n1, n2])
    assert r.z == pytest.approx(z, rel=1e-9)
    assert r.p_value == pytest.approx(p, rel=1e-9)
    assert r.diff == pytest.approx(k1 / n1 - k2 / n2)
    ci = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert r.ci == pytest.approx(ci, abs=1e-12)
    assert r.significant == (p < 0.05)
    assert r.ci[0] <= r.diff <= r.ci[1]


def test_two_proportion_test_by_hand_and_edges():
    # 50/100 vs 20/100: pooled p = 0.35, se = sqrt(0.35*0.65*(2/100)) = 0.067454,
    # z = 0.30 / 0.067454 = 4.4475 -> p ~ 8.7e-6: significant, direction up
    r = m.two_proportion_test(50, 100, 20, 100)
    assert r.z == pytest.approx(4.4475, abs=1e-4)
    assert r.significant and r.direction == "up"
    # both rates 0 (or 1): no variance, no evidence of change
    for k in (0, 10):
        r = m.two_proportion_test(k, 10, k * 2, 20)
        assert (r.z, r.p_value, r.significant, r.direction) == (0.0, 1.0, False, "flat")
    # an empty side cannot be tested
    r = m.two_proportion_test(3, 10, 0, 0)
    assert not r.testable and not r.significant and r.diff is None and r.ci is None
    assert r.p1 == 0.3 and r.p2 is None
    with pytest.raises(m.MetricsError):
        m.two_proportion_test(5, 4, 1, 2)


# ------------------------------------------------------------------ filters


@pytest.mark.parametrize(
    "filters,ids",
    [
        (m.Filters(), [str(i) for i in range(1, 11)]),
        (m.Filters(start=date(2024, 1, 15), end=date(2024, 1, 21)), ["6", "7", "8", "9", "10"]),
        (m.Filters(end=date(2024, 1, 20)), list("123456789")),  # 20 Jan 09:00 included
        (m.Filters(channels=("chat",)), ["2", "5", "6", "8", "10"]),
        # more than a handful of values takes the is_in path instead of chained equalities
        (m.Filters(channels=("chat", *[f"x{i}" for i in range(10)])), ["2", "5", "6", "8", "10"]),
        (m.Filters(channels=(m.MISSING, *[f"x{i}" for i in range(10)])), []),
        (m.Filters(categories=(m.MISSING,)), ["9"]),
        (m.Filters(categories=("billing", m.MISSING)), ["1", "4", "7", "9"]),
        (m.Filters(agents=["ann"]), ["1", "3", "5", "7", "8"]),
        (m.Filters(groups=["T2"]), ["4"]),
        (m.Filters(priorities=["high"]), ["2", "6", "8"]),
        (m.Filters(tiers=["enterprise"]), ["5", "6", "10"]),
        (m.Filters(escalated_only=True), ["2", "5", "6", "8", "10"]),
        (
            m.Filters(start=date(2024, 1, 10), channels=["chat"], tiers=["enterprise"]),
            ["5", "6", "10"],
        ),
        (m.Filters(channels=["fax"]), []),
    ],
)
def test_apply_filters(tickets, filters, ids):
    out = m.apply_filters(tickets, filters)
    assert out.get_column("ticket_id").to_list() == ids
    assert out.columns == tickets.columns


_VALUES = ["a", "b", "c", None]


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 9), st.sampled_from(_VALUES), st.sampled_from(_VALUES), st.booleans()
        ),
        max_size=30,
    ),
    channels=st.lists(st.sampled_from(["a", "b", "c", "z", m.MISSING]), max_size=11, unique=True),
    categories=st.lists(st.sampled_from(["a", "b", m.MISSING]), max_size=3, unique=True),
    start=st.one_of(st.none(), st.integers(0, 9)),
    length=st.one_of(st.none(), st.integers(0, 9)),
    escalated_only=st.booleans(),
)
def test_apply_filters_against_a_plain_python_reference(
    rows, channels, categories, start, length, escalated_only
):
    t = pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(len(rows))],
            "created_at": [at(1 + d, 12) for d, *_ in rows],
            "channel": [r[1] for r in rows],
            "category": [r[2] for r in rows],
            "escalated": [r[3] for r in rows],
        },
        schema={
            "ticket_id": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "channel": pl.String,
            "category": pl.String,
            "escalated": pl.Boolean,
        },
    )
    first = date(2024, 1, 1 + start) if start is not None else None
    last = first + timedelta(days=length) if first is not None and length is not None else None

    def chosen(value, selection):
        return not selection or (m.MISSING if value is None else value) in selection

    expected = [
        str(i)
        for i, (d, chan, cat, esc) in enumerate(rows)
        if (first is None or date(2024, 1, 1 + d) >= first)
        and (last is None or date(2024, 1, 1 + d) <= last)
        and chosen(chan, channels)
        and chosen(cat, categories)
        and (esc or not escalated_only)
    ]
    f = m.Filters(
        start=first,
        end=last,
        channels=channels,
        categories=categories,
        escalated_only=escalated_only,
    )
    assert m.apply_filters(t, f).get_column("ticket_id").to_list() == expected


def test_filters_normalise_and_describe():
    f = m.Filters(channels="chat", agents=None, tiers=["pro", "free"])
    assert f.channels == ("chat",) and f.agents == () and f.tiers == ("pro", "free")
    assert hash(f) == hash(m.Filters(channels=("chat",), tiers=("pro", "free")))
    assert f.describe() == "channel: chat; customer tier: pro, free"
    assert m.Filters(start=date(2024, 1, 1)).describe() == "2024-01-01 to …"
    assert m.apply_filters(empty_tickets(), f).height == 0
    with pytest.raises(m.MetricsError):
        m.Filters(start=date(2024, 2, 1), end=date(2024, 1, 1))


# ------------------------------------------------------------------ KPIs


def test_kpis_hand_checked(tickets, periods):
    k = m.kpis(tickets, periods, policy_categories=("sso",))
    r, p, b = k.review, k.previous, k.baseline
    # review: tickets 6-10, escalated 6, 8, 10 -> 3/5
    assert (r["tickets"], r["escalations"], r["rate"]) == (5, 3, 0.6)
    assert (r["rate_low"], r["rate_high"]) == pytest.approx(m.wilson_interval(3, 5))
    # hours to escalate: 6 -> 1 h, 8 -> 4 h, 10 -> 8 h: median 4
    assert (r["median_hours_to_escalate"], r["escalations_timed"]) == (4.0, 3)
    # first response: 20, 40, (none), 90, 8 -> median of 8, 20, 40, 90 = 30
    assert (r["median_first_response_minutes"], r["first_responses"]) == (30.0, 4)
    # CSAT: escalated 6 -> 0.5 (8, 10 unrated); not escalated 7 -> 1.0 (9 unrated)
    assert (r["csat_escalated"], r["csat_escalated_n"]) == (0.5, 1)
    assert (r["csat_not_escalated"], r["csat_not_escalated_n"]) == (1.0, 1)
    # reopens 1, 0, (unknown), 0, 0 -> 1 of 4
    assert (r["reopened"], r["reopen_known"], r["reopen_rate"]) == (1, 4, 0.25)
    # all three escalations are SSO, tagged policy
    assert (r["policy_escalations"], r["policy_share"]) == (3, 1.0)
    assert (r["start"], r["end"], r["days"]) == (date(2024, 1, 15), date(2024, 1, 21), 7)

    # previous: tickets 4, 5; escalated 5 (6 h); frm 15, 10 -> 12.5
    assert (p["tickets"], p["escalations"], p["rate"]) == (2, 1, 0.5)
    assert p["median_hours_to_escalate"] == 6.0
    assert p["median_first_response_minutes"] == 12.5
    assert (p["csat_escalated"], p["csat_not_escalated"], p["csat_not_escalated_n"]) == (
        0.0,
        None,
        0,
    )

    # baseline: tickets 1-5; escalated 2 (2 h), 5 (6 h) -> median 4
    assert (b["tickets"], b["escalations"], b["rate"]) == (5, 2, 0.4)
    assert b["median_hours_to_escalate"] == 4.0
    assert b["median_first_response_minutes"] == 15.0  # 30, 5, 60, 15, 10
    assert (b["csat_escalated"], b["csat_not_escalated"]) == (0.0, 1.0)
    assert (b["reopened"], b["reopen_known"]) == (1, 5)
    assert (b["policy_escalations"], b["policy_share"]) == (2, 1.0)

    # changes: 3/5 vs 1/2 and 3/5 vs 2/5, neither significant
    prev = k.change("previous")
    _, pv = proportions_ztest([3, 1], [5, 2])
    assert prev.diff == pytest.approx(0.1) and prev.p_value == pytest.approx(pv)
    assert not prev.significant
    base = k.change("baseline")
    assert base.diff == pytest.approx(0.2) and not base.significant
    ch = k.changes
    assert ch.get_column("comparison").to_list() == ["previous", "baseline"]
    assert ch.get_column("reference_tickets").to_list() == [2, 5]
    assert ch.get_column("change").to_list() == pytest.approx([0.1, 0.2])
    assert k.value("tickets", "baseline") == 5
    with pytest.raises(m.MetricsError):
        k.row("last year")
    with pytest.raises(m.MetricsError):
        k.change("last year")


def test_kpis_policy_share_without_tags_and_on_empty(periods):
    k = m.kpis(empty_tickets(), periods)
    assert k.table.height == 3
    assert k.table.get_column("tickets").to_list() == [0, 0, 0]
    assert k.table.get_column("rate").null_count() == 3
    assert not k.change("previous").testable
    assert k.changes.height == 2
    for col in k.table.select(pl.selectors.float()).columns:
        assert not k.table.get_column(col).is_nan().any()


# ------------------------------------------------------------------ trend


def test_trend_weekly_daily_monthly(tickets):
    w = m.trend(tickets, every="1w")
    # weeks start Monday: 1-7 Jan (1, 2, 3; esc 2), 8-14 (4, 5; esc 5), 15-21 (6-10; esc 6, 8, 10)
    assert w.get_column("period_start").to_list() == [date(2024, 1, d) for d in (1, 8, 15)]
    assert w.get_column("period_end").to_list() == [date(2024, 1, d) for d in (7, 14, 21)]
    assert w.get_column("tickets").to_list() == [3, 2, 5]
    assert w.get_column("escalations").to_list() == [1, 1, 3]
    assert w.get_column("rate").to_list() == pytest.approx([1 / 3, 0.5, 0.6])
    d = m.trend(tickets, every="1d")
    assert d.height == 21  # every day from 1 to 21 Jan, empty days included
    assert d.get_column("tickets").sum() == 10
    assert d.filter(pl.col("tickets") == 0).get_column("rate").null_count() == 11
    mo = m.trend(tickets, every="1mo")
    assert mo.rows() == [
        (date(2024, 1, 1), date(2024, 1, 31), 10, 5, 0.5, *m.wilson_interval(5, 10))
    ]
    q = m.trend(tickets, every="1q")
    assert q.get_column("period_end").to_list() == [date(2024, 3, 31)]


def test_trend_two_weeks_aligned_to_review_end(tickets):
    t = m.trend(tickets, every="2w", align_to=date(2024, 1, 21))
    # buckets end on 21 Jan: 8-21 Jan (4-10: 7 tickets, 4 esc) and 25 Dec-7 Jan (1-3: 3, 1)
    assert t.select("period_start", "period_end", "tickets", "escalations").rows() == [
        (date(2023, 12, 25), date(2024, 1, 7), 3, 1),
        (date(2024, 1, 8), date(2024, 1, 21), 7, 4),
    ]
    # aligned to 14 Jan instead: 1-14 Jan (1-5) and 15-28 Jan (6-10)
    t = m.trend(tickets, every="2w", align_to=date(2024, 1, 14))
    assert t.get_column("period_start").to_list() == [date(2024, 1, 1), date(2024, 1, 15)]
    assert t.get_column("tickets").to_list() == [5, 5]
    # 3-day buckets ending 21 Jan: 19-21 (9, 10), 16-18 (7, 8), 13-15 (6), 10-12 (5), 7-9 (4),
    # 4-6 (none), 1-3 (1, 2, 3)
    t = m.trend(tickets, every="3d", align_to=date(2024, 1, 21))
    assert t.get_column("tickets").to_list() == [3, 0, 1, 1, 1, 2, 2]
    with pytest.raises(m.MetricsError):
        m.trend(tickets, every="weekly")
    with pytest.raises(m.MetricsError):
        m.trend(tickets, every="0d")


def test_quarter_comparison_hand_checked():
    # Q4 2023: 10 tickets, 1 escalated (from 15 Nov); Q1 2024: 20 tickets, 12 escalated
    # (to 10 Feb). 12/20 vs 1/10: pooled 13/30, z = 0.5/sqrt(13/30*17/30*(1/20+1/10)) = 2.6
    created = [at(15, month=11).replace(year=2023)] * 10 + [at(10, month=2)] * 20
    esc = [True] + [False] * 9 + [True] * 12 + [False] * 8
    t = pl.DataFrame({"created_at": created, "escalated": esc})
    q = m.quarter_comparison(t)
    assert q.get_column("quarter").to_list() == ["2023 Q4", "2024 Q1"]
    # 15 Nov..31 Dec = 47 days; 1 Jan..10 Feb = 41 days
    assert q.get_column("days_covered").to_list() == [47, 41]
    assert q.get_column("rate").to_list() == [0.1, 0.6]
    assert q.get_column("previous_rate").to_list() == [None, 0.1]
    assert q.get_column("change").to_list() == [None, pytest.approx(0.5)]
    _, p = proportions_ztest([12, 1], [20, 10])
    assert q.get_column("p_value").to_list() == [None, pytest.approx(p)]
    assert q.get_column("significant").to_list() == [False, True]


# ------------------------------------------------------------------ breakdowns


def test_breakdown_by_channel(tickets, periods):
    b = m.breakdown(tickets, "channel", periods)
    # review: chat 6, 8, 10 (all escalated); email 7; web 9. previous: phone 4; chat 5 (esc)
    assert b.select(
        "channel", "tickets", "escalations", "previous_tickets", "previous_escalations"
    ).rows() == [
        ("chat", 3, 3, 1, 1),
        ("email", 1, 0, 0, 0),
        ("web", 1, 0, 0, 0),
        ("phone", 0, 0, 1, 0),
    ]
    chat = b.row(0, named=True)
    assert chat["rate"] == 1.0 and chat["share_of_escalations"] == 1.0
    assert chat["all_escalations"] == 3
    assert chat["previous_rate"] == 1.0 and chat["change"] == 0.0
    assert chat["p_value"] == 1.0 and not chat["significant"]  # 3/3 vs 1/1: no variance
    assert chat["escalations_change"] == 2
    phone = b.row(3, named=True)
    assert phone["rate"] is None and phone["change"] is None and phone["p_value"] is None
    assert (phone["rate_low"], phone["rate_high"]) == (0.0, 1.0)
    assert b.row(1, named=True)["previous_rate"] is None


def test_breakdown_p_values_match_scalar_test(tickets):
    # whole halves: 1..10 Jan vs ... use a 10-day review: 12..21 Jan (6-10) vs 2..11 Jan (2-5)
    p = review_periods(tickets, review_days=10)
    b = m.breakdown(tickets, "agent", p)
    for row in b.iter_rows(named=True):
        ref = m.two_proportion_test(
            row["escalations"],
            row["tickets"],
            row["previous_escalations"],
            row["previous_tickets"],
        )
        assert row["p_value"] == (pytest.approx(ref.p_value) if ref.testable else None)
        assert row["significant"] == ref.significant


def test_breakdown_missing_values_and_unknown_column(tickets, periods):
    b = m.breakdown(tickets, "category", periods)
    assert b.get_column("category").to_list() == ["sso", "billing", m.MISSING]
    with pytest.raises(m.MetricsError, match="no such column"):
        m.breakdown(tickets, "colour", periods)
    with pytest.raises(m.MetricsError, match="lists"):
        m.rate_by(tickets, "tags")


def test_rate_by_customer_tier(tickets):
    r = m.rate_by(tickets, "customer_tier")
    # enterprise 5, 6, 10 (all esc); pro 2, 3, 8 (2 esc); free 1, 4, 7 (none); (none) 9
    assert r.select("customer_tier", "tickets", "escalations").rows() == [
        ("enterprise", 3, 3),
        ("pro", 3, 2),
        ("free", 3, 0),
        (m.MISSING, 1, 0),
    ]
    assert r.get_column("share_of_escalations").to_list() == pytest.approx([0.6, 0.4, 0, 0])
    assert r.get_column("all_escalations").unique().to_list() == [5]


def test_top_values_and_slice(tickets):
    # bob: 2 (sso, esc), 4 (billing), 6 (sso, esc), 10 (sso, esc)
    top = m.top_values(tickets, "category", "agent", "bob")
    assert top.select("category", "tickets", "escalations").rows() == [
        ("sso", 3, 3),
        ("billing", 1, 0),
    ]
    top_agents = m.top_values(tickets, "agent", "category", "sso")
    # sso: bob 2, 6, 10 -> 3 esc; ann 3, 5, 8 -> 2 esc
    assert top_agents.select("agent", "escalations").rows() == [("bob", 3), ("ann", 2)]
    assert m.top_values(tickets, "agent", "category", "sso", top=1).height == 1
    s = m.slice_tickets(tickets, "channel", "chat")
    assert s.columns == list(m.SLICE_COLUMNS)
    assert s.get_column("ticket_id").to_list() == ["10", "8", "6", "5", "2"]
    assert m.slice_tickets(tickets, "agent", "ann", escalated_only=True).get_column(
        "ticket_id"
    ).to_list() == ["8", "5"]
    assert m.slice_tickets(tickets, "agent", m.MISSING).get_column("ticket_id").to_list() == ["9"]
    assert m.slice_tickets(tickets, "channel", "chat", limit=2).height == 2
    assert m.slice_tickets(tickets, "channel", "fax").height == 0


def test_heatmap(tickets):
    h = m.heatmap(tickets, "category", "channel")
    assert h.select("category", "channel", "tickets", "escalations").rows() == [
        (m.MISSING, "web", 1, 0),
        ("billing", "email", 2, 0),
        ("billing", "phone", 1, 0),
        ("sso", "chat", 5, 5),
        ("sso", "email", 1, 0),
    ]
    assert h.get_column("tickets").sum() == 10
    with pytest.raises(m.MetricsError):
        m.heatmap(tickets, "channel", "channel")


# ------------------------------------------------------------------ drivers


def test_drivers_on_fixture(tickets):
    d = m.drivers(tickets, rank_by="impact_handling")
    assert d.height == 1  # only sso has escalations
    sso = d.row(0, named=True)
    # escalated & solved: 2 (24 h), 5 (48 h), 6 (24 h) -> mean 32 h; other solved: 3 (4 h)
    assert (sso["handling_hours_escalated"], sso["handling_n_escalated"]) == (32.0, 3)
    assert (sso["handling_hours_other"], sso["handling_n_other"]) == (4.0, 1)
    assert sso["extra_handling_hours"] == 28.0
    assert sso["impact_handling"] == 5 * 28.0
    # CSAT escalated 0.0, 0.0, 0.5 -> 1/6; other 1.0 -> gap 5/6, impact 5 * 5/6
    assert sso["csat_escalated"] == pytest.approx(1 / 6)
    assert sso["csat_gap"] == pytest.approx(5 / 6)
    assert sso["impact_csat"] == pytest.approx(25 / 6)
    assert (sso["tickets"], sso["escalations"], sso["share_of_escalations"]) == (6, 5, 1.0)


def test_drivers_rankings_differ():
    c = at(1)
    h = timedelta(hours=1)
    # A: 4 escalations (solved in 2 h) vs others 1 h, CSAT gap 0.1 -> handling 4*1 = 4, csat 0.4
    # B: 2 escalations solved in 30 h vs others 2 h -> handling 2*28 = 56, CSAT gap 0.5 -> 1.0
    # C: 1 escalation, CSAT gap 1.0 -> 1.0 ... ties with B on CSAT, B has more escalations
    # D: 3 escalations, nobody non-escalated -> impacts null (rank last)
    rows = (
        [("A", True, 2, 0.8)] * 4 + [("A", False, 1, 0.9)] * 2
        + [("B", True, 30, 0.5)] * 2 + [("B", False, 2, 1.0)]
        + [("C", True, 3, 0.0), ("C", False, 3, 1.0)]
        + [("D", True, 5, None)] * 3
    )  # fmt: skip
    t = pl.DataFrame(
        {
            "created_at": [c] * len(rows),
            "solved_at": [c + r[2] * h for r in rows],
            "category": [r[0] for r in rows],
            "escalated": [r[1] for r in rows],
            "satisfaction": [r[3] for r in rows],
        }
    )
    freq = m.drivers(t)
    assert freq.get_column("category").to_list() == ["A", "D", "B", "C"]
    assert freq.get_column("rank").to_list() == [1, 2, 3, 4]
    handling = m.drivers(t, rank_by="impact_handling")
    assert handling.get_column("category").to_list() == ["B", "A", "C", "D"]
    assert handling.get_column("impact_handling").to_list() == pytest.approx([56.0, 4.0, 0.0, None])
    csat = m.drivers(t, rank_by="impact_csat", top=3)
    assert csat.get_column("category").to_list() == ["B", "C", "A"]
    assert csat.get_column("impact_csat").to_list() == pytest.approx([1.0, 1.0, 0.4])
    assert set(m.IMPACT_EXPLANATIONS) == {"frequency", "impact_handling", "impact_csat"}
    with pytest.raises(m.MetricsError):
        m.drivers(t, rank_by="cost")


def test_pareto_hand_checked():
    # escalations: x 5, y 3, z 1, w 1 (+ w has a non-escalated ticket, v none at all)
    cats = ["x"] * 5 + ["y"] * 3 + ["z", "w", "w", "v"]
    esc = [True] * 8 + [True, True, False, False]
    p = m.pareto(pl.DataFrame({"category": cats, "escalated": esc}))
    assert p.get_column("category").to_list() == ["x", "y", "w", "z"]
    assert p.get_column("share").to_list() == pytest.approx([0.5, 0.3, 0.1, 0.1])
    assert p.get_column("cumulative_share").to_list() == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert p.get_column("all_escalations").unique().to_list() == [10]


def test_tier1_resolution(tickets):
    t1 = m.tier1_resolution(tickets, target=0.7)
    # solved: 1-7. sso 2, 3, 5, 6 -> only 3 without escalation: 1/4; billing 1, 4, 7 -> 3/3
    assert t1.select("category", "solved", "resolved_tier1", "rate", "meets_target").rows() == [
        ("sso", 4, 1, 0.25, False),
        ("billing", 3, 3, 1.0, True),
    ]
    assert t1.get_column("gap").to_list() == pytest.approx([-0.45, 0.3])
    assert m.tier1_resolution(tickets, target=0.2).get_column("meets_target").to_list() == [
        True,
        True,
    ]
    with pytest.raises(m.MetricsError):
        m.tier1_resolution(tickets, target=70)


# ------------------------------------------------------------------ routing


def test_reassignment_summary(tickets):
    r = m.reassignment_summary(tickets)
    # counts 0 1 0 0 3 2 0 4 (9 unknown) 1: known 9, reassigned 5, zero 4, >=3: 5 and 8
    s = r.summary.row(0, named=True)
    assert (s["tickets"], s["known"], s["reassigned"], s["bounced"]) == (10, 9, 5, 2)
    assert s["first_assignment_correct"] == 4
    assert s["first_assignment_correct_rate"] == pytest.approx(4 / 9)
    assert s["share_reassigned"] == pytest.approx(5 / 9)
    assert s["mean_reassignments"] == pytest.approx(11 / 9)
    assert r.distribution.select("reassignments", "label", "tickets").rows() == [
        (0, "0", 4),
        (1, "1", 2),
        (2, "2", 1),
        (3, "3", 1),
        (4, "4", 1),
    ]
    assert r.distribution.get_column("share").sum() == pytest.approx(1.0)
    assert r.bounced.get_column("ticket_id").to_list() == ["8", "5"]
    capped = m.reassignment_summary(tickets, cap=3, bounced_at=2)
    assert capped.distribution.select("label", "tickets").rows() == [
        ("0", 4),
        ("1", 2),
        ("2", 1),
        ("3+", 2),
    ]
    assert capped.bounced.get_column("ticket_id").to_list() == ["8", "5", "6"]


def test_reassignment_summary_by_channel(tickets):
    r = m.reassignment_summary(tickets, by="channel")
    # chat 2, 5, 6, 8, 10: 1 3 2 4 1 -> all reassigned, 2 bounced; email 1, 3, 7: zeros;
    # phone 4: 0; web 9: unknown
    rows = {row["channel"]: row for row in r.summary.iter_rows(named=True)}
    assert (rows["chat"]["known"], rows["chat"]["reassigned"], rows["chat"]["bounced"]) == (5, 5, 2)
    assert rows["chat"]["first_assignment_correct_rate"] == 0.0
    assert rows["email"]["first_assignment_correct_rate"] == 1.0
    assert rows["web"]["known"] == 0 and rows["web"]["share_reassigned"] is None
    dist = r.distribution.filter(pl.col("channel") == "chat")
    assert dist.select("reassignments", "tickets", "known").rows() == [
        (1, 2, 5),
        (2, 1, 5),
        (3, 1, 5),
        (4, 1, 5),
    ]


def test_first_response_trend_and_by(tickets):
    t = m.first_response_trend(tickets, every="1w")
    # week 1: 30, 5, 60 -> median 30; week 2: 15, 10 -> 12.5; week 3: 20, 40, 90, 8 -> 30
    assert t.select("tickets", "responses", "median").rows() == [
        (3, 3, 30.0),
        (2, 2, 12.5),
        (5, 4, 30.0),
    ]
    # week 3 p90 (linear): sorted 8, 20, 40, 90, position 0.9*3 = 2.7 -> 40 + 0.7*50 = 75
    assert t.get_column("p90").to_list()[2] == pytest.approx(75.0)
    by = m.first_response_by(tickets, "channel")
    # chat 5, 10, 20, 8 (8 unknown) -> median 9; email 30, 60, 40 -> 40; phone 15; web 90
    assert by.select("channel", "responses", "median").rows() == [
        ("web", 1, 90.0),
        ("email", 3, 40.0),
        ("phone", 1, 15.0),
        ("chat", 4, 9.0),
    ]
    assert by.row(3, named=True)["tickets"] == 5


def test_time_to_escalate(tickets):
    t = m.time_to_escalate(tickets, "category")
    # sso: 2 h, 6 h, 1 h, 4 h, 8 h -> 1 2 4 6 8: median 4, p25 2, p75 6, p90 6 + 0.6*2 = 7.2
    assert t.rows(named=True) == [
        {
            "category": "sso",
            "escalations": 5,
            "n": 5,
            "median": 4.0,
            "p25": 2.0,
            "p75": 6.0,
            "p90": pytest.approx(7.2),
            "mean": pytest.approx(4.2),
        }
    ]
    overall = m.time_to_escalate(tickets, by=None)
    assert overall.columns[0] == "escalations" and overall.item(0, "n") == 5
    # an escalation time before creation (bad data) or missing is not counted
    bad = tickets.with_columns(
        pl.when(pl.col("ticket_id") == "2")
        .then(pl.col("created_at") - timedelta(hours=1))
        .when(pl.col("ticket_id") == "5")
        .then(None)
        .otherwise(pl.col("escalated_at"))
        .alias("escalated_at")
    )
    assert m.time_to_escalate(bad, by=None).select("escalations", "n", "median").row(0) == (
        5,
        3,
        4.0,
    )


# ------------------------------------------------------------------ idle tickets


def test_idle_tickets_on_fixture(tickets):
    idle = m.idle_tickets(tickets)
    # now = latest update, 21 Jan 17:00. Open: 8 (updated 18 Jan 09:00 -> 80 h),
    # 9 (never updated, created 20 Jan 09:00 -> 32 h), 10 (0 h). Only 8 is idle > 48 h.
    assert idle.now == at(21, 17)
    assert idle.open_tickets == 3
    assert idle.tickets.select("ticket_id", "idle_hours", "age_bucket").rows() == [
        ("8", 80.0, "3–7 days")
    ]
    assert idle.buckets.get_column("age_bucket").to_list() == [
        "2–3 days",
        "3–7 days",
        "1–2 weeks",
        "2–4 weeks",
        "30+ days",
    ]
    assert idle.buckets.get_column("tickets").to_list() == [0, 1, 0, 0, 0]
    # with a 24 h threshold ticket 9 (32 h) joins, in the 1-2 days bucket
    idle = m.idle_tickets(tickets, hours=24)
    assert idle.tickets.get_column("ticket_id").to_list() == ["8", "9"]
    assert idle.tickets.get_column("age_bucket").to_list() == ["3–7 days", "1–2 days"]


@pytest.mark.parametrize(
    "idle_for,listed",
    [
        (timedelta(hours=48), False),  # exactly 48 h: not "more than" 48 h
        (timedelta(hours=48, seconds=1), True),
        (timedelta(hours=47, minutes=59), False),
        (timedelta(days=40), True),
    ],
)
def test_idle_boundaries(idle_for, listed):
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    t = make(
        [("1", now - timedelta(days=60), "open")],
        ("ticket_id", "created_at", "status"),
        updated_at=[now - idle_for],
        escalated=[False],
    )
    assert (m.idle_tickets(t, hours=48, now=now).tickets.height == 1) == listed
    # a naive "now" is read as UTC
    assert (m.idle_tickets(t, hours=48, now=now.replace(tzinfo=None)).tickets.height == 1) == listed


def test_idle_ignores_solved_and_uses_created_when_never_updated():
    now = datetime(2024, 5, 1, tzinfo=UTC)
    t = make(
        [
            ("1", now - timedelta(days=10), "solved"),
            ("2", now - timedelta(days=10), "closed"),
            ("3", now - timedelta(days=3), "on_hold"),
            ("4", now - timedelta(days=3), "new"),
        ],
        ("ticket_id", "created_at", "status"),
        updated_at=[None, None, None, now - timedelta(hours=1)],
    )
    idle = m.idle_tickets(t, now=now)
    assert idle.tickets.get_column("ticket_id").to_list() == ["3"]
    assert idle.tickets.get_column("idle_hours").to_list() == [72.0]
    assert idle.tickets.get_column("age_bucket").to_list() == ["3–7 days"]
    assert idle.open_tickets == 2
    with pytest.raises(m.MetricsError):
        m.idle_tickets(t, hours=-1)


# ------------------------------------------------------------------ repeat contacts


def test_repeat_contacts_on_fixture(tickets):
    r = m.repeat_contacts(tickets)
    # acme: 1 Jan 09, 2 Jan 10, 9 Jan 08, 16 Jan 09 -> at most 2 within 7 days.
    # gamma: 10, 15, 17, 21 Jan 09:00. 10->17 is exactly 7 days (not within); 15, 17, 21 are.
    assert r.get_column("customer").to_list() == ["gamma"]
    g = r.row(0, named=True)
    assert (g["tickets"], g["max_in_window"], g["escalations"], g["rate"]) == (4, 3, 4, 1.0)
    assert g["customer_tier"] == "enterprise"
    assert g["first_burst_start"] == at(15)
    assert g["last_created"] == at(21)


def _contacts(times: list[timedelta], customer: str = "c") -> pl.DataFrame:
    base = datetime(2024, 3, 1, tzinfo=UTC)
    return pl.DataFrame(
        {
            "customer": [customer] * len(times),
            "created_at": [base + d for d in times],
            "escalated": [False] * len(times),
        }
    )


D = timedelta(days=1)


@pytest.mark.parametrize(
    "times,expected",
    [
        ([0 * D, 3 * D, 7 * D], None),  # exactly 7 days apart: two windows of 2
        ([0 * D, 3 * D, 7 * D - timedelta(seconds=1)], 3),
        ([0 * D, 0 * D, 0 * D], 3),  # same moment
        ([0 * D, 6 * D, 12 * D, 18 * D], None),  # a steady trickle never reaches 3
        ([0 * D, 1 * D, 2 * D, 3 * D, 20 * D], 4),
        ([5 * D, 0 * D, 1 * D], 3),  # unsorted input
        ([0 * D, 1 * D], None),
    ],
)
def test_repeat_contacts_window_edges(times, expected):
    r = m.repeat_contacts(_contacts(times))
    if expected is None:
        assert r.height == 0
    else:
        assert r.get_column("max_in_window").to_list() == [expected]


def test_repeat_contacts_options_and_missing_customers():
    t = pl.concat(
        [
            _contacts([0 * D, 2 * D], "a"),
            _contacts([0 * D, 1 * D, 2 * D], "b"),
            _contacts([0 * D, 1 * D, 2 * D], None),  # unknown customer: ignored
        ]
    )
    assert m.repeat_contacts(t).get_column("customer").to_list() == ["b"]
    two = m.repeat_contacts(t, min_tickets=2, days=2)
    # a: 0 and 2 days apart -> not within 2 days; b: 0,1 and 1,2 -> max 2 in a window
    assert two.select("customer", "max_in_window").rows() == [("b", 2)]
    assert m.repeat_contacts(t, min_tickets=2, days=3).get_column("customer").to_list() == [
        "b",
        "a",
    ]
    with pytest.raises(m.MetricsError):
        m.repeat_contacts(t, min_tickets=1)


def test_repeat_contacts_reports_the_latest_known_tier():
    t = _contacts([0 * D, 1 * D, 2 * D, 3 * D]).with_columns(
        pl.Series("customer_tier", ["free", "pro", "enterprise", None])
    )
    assert m.repeat_contacts(t).item(0, "customer_tier") == "enterprise"


def test_repeat_contacts_second_resolution_fallback(monkeypatch):
    # force the coarse keys used when customers x time span would overflow 64-bit integers
    monkeypatch.setattr(m, "_KEY_LIMIT", 10)
    t = pl.concat(
        [
            _contacts([0 * D, 3 * D, 7 * D], "exactly-7-days"),
            _contacts([0 * D, 3 * D, 7 * D - timedelta(seconds=1)], "one-second-less"),
        ]
    )
    r = m.repeat_contacts(t)
    assert r.select("customer", "max_in_window").rows() == [("one-second-less", 3)]
    assert r.item(0, "first_burst_start") == datetime(2024, 3, 1, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.integers(min_value=0, max_value=30 * 24)),
        max_size=25,
    )
)
def test_repeat_contacts_against_brute_force(events):
    base = datetime(2024, 1, 1, tzinfo=UTC)
    t = pl.DataFrame(
        {
            "customer": [c for c, _ in events],
            "created_at": [base + timedelta(hours=h) for _, h in events],
            "escalated": [False] * len(events),
        },
        schema={
            "customer": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "escalated": pl.Boolean,
        },
    )
    expected = {}
    for cust in "abc":
        hours = sorted(h for c, h in events if c == cust)
        # most tickets in a window (t - 168 h, t] ending at one of the tickets
        best = max((sum(1 for x in hours if e - 168 < x <= e) for e in hours), default=0)
        if best >= 3:
            expected[cust] = best
    got = dict(m.repeat_contacts(t).select("customer", "max_in_window").rows())
    assert got == expected


# ------------------------------------------------------------------ before / after


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
    # before line through (-1.5, 1/3) and (-0.5, 1/2): slope 1/6 per week, 7/12 at the date;
    # after: one week, flat at 0.6 -> jump 0.6 - 7/12 = 1/60
    assert r.weekly.get_column("fitted").to_list() == pytest.approx([1 / 3, 0.5, 0.6])
    assert r.slopes == {"before": pytest.approx(1 / 6), "after": 0.0}
    assert r.level_change == pytest.approx(1 / 60)


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
    assert r.weekly.get_column("week").to_list() == [-3, -2, -1, 0, 1]
    assert r.slopes["before"] == pytest.approx(11 / 52)
    assert r.slopes["after"] == pytest.approx(0.5)
    assert r.level_change == pytest.approx(-0.625)
    fitted = [0.625 + 11 / 52 * x for x in (-2.5, -1.5, -0.5)] + [0.25, 0.75]
    assert r.weekly.get_column("fitted").to_list() == pytest.approx(fitted)


def test_before_after_segmented_line_recovers_a_known_step():
    # 8 weeks at 10% then 8 weeks at 30%, 100 tickets a week, flat in each segment
    start = datetime(2024, 1, 1, tzinfo=UTC)
    created, esc = [], []
    for week in range(16):
        rate = 10 if week < 8 else 30
        for i in range(100):
            created.append(start + timedelta(weeks=week, hours=i))
            esc.append(i < rate)
    t = pl.DataFrame({"created_at": created, "escalated": esc})
    r = m.before_after(t, date=date(2024, 2, 26))  # start of week 8
    assert r.slopes["before"] == pytest.approx(0.0, abs=1e-12)
    assert r.slopes["after"] == pytest.approx(0.0, abs=1e-12)
    assert r.level_change == pytest.approx(0.2)
    assert r.test.significant and r.test.direction == "up"


# ------------------------------------------------------------------ narrative


def test_narrative_not_significant(tickets, periods):
    k = m.kpis(tickets, periods)
    b = m.breakdown(tickets, "category", periods)
    text = m.narrative(k, b)
    p_prev = k.change("previous").p_value
    assert text.startswith("Escalation rate 60.0% this period (3 of 5), 50.0% in the previous")
    assert f"(no significant change, p={p_prev:.2f})" in text
    assert "40.0% in the baseline (no significant change" in text
    # sso: 3 escalations now vs 1 before -> +2
    assert text.endswith("Top driver: sso, +2 escalations vs the previous period.")
    assert "up from" not in text and "down from" not in text


def test_narrative_significant_down_and_drivers_frame():
    p = Periods(
        review=(date(2024, 1, 15), date(2024, 1, 28)),
        previous=(date(2024, 1, 1), date(2024, 1, 14)),
        baseline=(date(2024, 1, 1), date(2024, 1, 14)),
    )
    created = [at(20)] * 100 + [at(5)] * 100
    esc = [True] * 5 + [False] * 95 + [True] * 30 + [False] * 70
    t = pl.DataFrame({"created_at": created, "escalated": esc, "category": ["x"] * 200})
    text = m.narrative(m.kpis(t, p), m.drivers(t))
    assert "Escalation rate 5.0% this period (5 of 100), down from 30.0% in the previous" in text
    assert "(significant, p<0.001)" in text
    assert text.endswith("Top driver: x, 35 escalations.")
    assert m.narrative(m.kpis(t, p)).count("Top driver") == 0


def test_narrative_does_not_compare_an_overlapping_baseline():
    # three days of data: the first 30 days contain the review period itself
    t = pl.DataFrame({"created_at": [at(1), at(2), at(3)], "escalated": [True, False, False]})
    p = review_periods(t, review_days=14)
    assert p.baseline_overlaps_review
    text = m.narrative(m.kpis(t, p))
    assert "the baseline overlaps the review period, so it is not compared." in text
    assert "in the baseline" not in text


def test_narrative_empty_review():
    p = review_periods(None, review_end=date(2024, 1, 14))
    text = m.narrative(m.kpis(empty_tickets(), p), m.drivers(empty_tickets()))
    assert text.startswith("No tickets in the review period (2024-01-01 to 2024-01-14)")


# ------------------------------------------------------------------ empty input


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
