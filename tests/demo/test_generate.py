"""The demo generator: determinism, parameters, readable errors, and scale."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lib.demo import demo_export, demo_tickets, demo_truth
from lib.schema import validate


def test_same_seed_gives_identical_frames_and_different_seeds_differ() -> None:
    a = demo_tickets(seed=3, days=60, tickets_per_day=20)
    b = demo_tickets(seed=3, days=60, tickets_per_day=20)
    c = demo_tickets(seed=4, days=60, tickets_per_day=20)
    assert a.equals(b)
    assert not a.equals(c)
    assert demo_truth(seed=3, days=60) != demo_truth(seed=4, days=60)
    assert demo_export(seed=3, days=60, tickets_per_day=20).equals(
        demo_export(seed=3, days=60, tickets_per_day=20)
    )


def test_parameters_are_respected() -> None:
    end = date(2025, 6, 30)
    t = demo_tickets(seed=1, days=70, tickets_per_day=15, end=end, n_agents=8)
    created = t.get_column("created_at").dt.date()
    assert created.max() == end
    assert created.min() == end - timedelta(days=69)
    assert t.get_column("agent").drop_nulls().n_unique() == 8
    assert 0.8 * 70 * 15 < t.height < 1.3 * 70 * 15
    validate(t)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 10}, "days must be"),
        ({"n_agents": 3}, "n_agents must be"),
        ({"n_agents": 41}, "n_agents must be"),
        ({"tickets_per_day": 0}, "tickets_per_day must be"),
        ({"tickets_per_day": "many"}, "tickets_per_day must be"),
        ({"seed": -1}, "seed must be"),
        ({"end": datetime(2025, 1, 1)}, "end must be a datetime.date"),
    ],
)
def test_bad_parameters_raise_a_readable_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        demo_tickets(**kwargs)


def test_a_fractional_daily_volume_gives_the_asked_size() -> None:
    """The size a benchmark asks for (1M a year is 2,739.7 a day) comes out; its time is
    measured by ``scripts/bench_metrics.py``, not here."""
    big = demo_tickets(days=365, tickets_per_day=100_000 / 365)
    assert 95_000 < big.height < 108_000
    validate(big)
