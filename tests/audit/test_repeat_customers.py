"""Repeat contacts: window edges, options, tiers and a brute-force cross-check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.audit import repeat_customers as m
from tests.audit.fixture_tickets import at


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
