"""The sidebar filters and apply_filters, on the fixture and against a plain Python reference."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import audit as m
from lib.schema import empty_tickets
from tests.audit.fixture_tickets import at


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
