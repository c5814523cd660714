"""Time the filters and every aggregate behind the overview and breakdown pages on 1M tickets.

Usage::

    .venv/bin/python scripts/bench_metrics.py [--tickets-per-day 2740] [--days 365] [--repeat 5]

Builds about a million canonical tickets with :func:`lib.demo.demo_tickets` (or a simple random
frame when that module is missing), then times each step several times and reports the best
(least disturbed by other processes) and the median. The target (issue 3) is under 0.5 s in
total for the page aggregates after load, and under 0.5 s for a filter change.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import audit as m
from lib.periods import date_bounds, review_periods
from lib.schema import conform

BREAKDOWN_DIMENSIONS = ("agent", "channel", "category", "group", "priority", "customer_tier")


def random_tickets(n: int, *, days: int = 365, seed: int = 1) -> pl.DataFrame:
    """A plain random canonical frame (used when lib/demo/ is not available)."""
    rng = np.random.default_rng(seed)
    end = datetime(2025, 1, 1, tzinfo=UTC)
    created = end - timedelta(days=days) + _as_microseconds(rng.uniform(0, days * 86400, n))

    def pick(values: list[str]) -> np.ndarray:
        return np.asarray(values)[rng.integers(0, len(values), n)]

    escalated = rng.random(n) < 0.12
    frame = pl.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(n)],
            "created_at": created,
            "status": pick(["solved", "closed", "open", "pending"]),
            "priority": pick(["low", "normal", "high", "urgent"]),
            "channel": pick(["email", "chat", "phone", "web"]),
            "category": pick([f"cat{i}" for i in range(12)]),
            "agent": pick([f"agent{i}" for i in range(30)]),
            "group": pick(["Tier 1", "Tier 2", "Billing"]),
            "customer": pick([f"org{i}" for i in range(500)]),
            "customer_tier": pick(["free", "pro", "enterprise"]),
            "escalated": escalated,
            "reassignments": rng.poisson(0.6, n).astype(np.int32),
            "reopens": rng.poisson(0.1, n).astype(np.int32),
            "first_response_minutes": rng.exponential(60, n),
            "satisfaction": rng.random(n),
            "source": ["generic"] * n,
        }
    ).with_columns(
        pl.col("created_at").dt.replace_time_zone("UTC"),
        (pl.col("created_at") + pl.duration(hours=24)).alias("solved_at"),
        pl.when(pl.col("escalated"))
        .then(pl.col("created_at") + pl.duration(hours=3))
        .alias("escalated_at"),
    )
    return conform(frame)


def _as_microseconds(seconds: np.ndarray) -> np.ndarray:
    return (seconds * 1e6).astype("timedelta64[us]")


def load(days: int, per_day: float, seed: int) -> tuple[pl.DataFrame, str]:
    try:
        from lib.demo import demo_tickets
    except ImportError:
        return random_tickets(int(days * per_day), days=days, seed=seed), "random"
    return demo_tickets(seed=seed, days=days, tickets_per_day=per_day), "lib.demo"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return min(runs), statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--tickets-per-day", type=float, default=2740)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    tickets, origin = load(args.days, args.tickets_per_day, args.seed)
    load_s = time.perf_counter() - t0
    print(f"{tickets.height:,} tickets from {origin} built in {load_s:.1f} s")

    periods = review_periods(tickets)
    first, last = date_bounds(tickets) or (periods.review[0], periods.review[1])
    categories = tickets.get_column("category").drop_nulls().unique().sort().to_list()
    channels = tickets.get_column("channel").drop_nulls().unique().sort().to_list()
    filters = m.Filters(
        start=last - timedelta(days=89),
        end=last,
        channels=channels[:2],
        categories=categories[: max(1, len(categories) // 2)],
        tiers=("pro", "enterprise"),
    )
    policy = tuple(categories[:2])

    filter_steps: list[tuple[str, Callable[[], Any]]] = [
        ("apply_filters (90 days, 2 channels, half the categories, 2 tiers)",
         lambda: m.apply_filters(tickets, filters)),
        ("apply_filters (date range only)",
         lambda: m.apply_filters(tickets, m.Filters(start=last - timedelta(days=29), end=last))),
        ("apply_filters (escalated only)",
         lambda: m.apply_filters(tickets, m.Filters(escalated_only=True))),
    ]  # fmt: skip
    page_steps: list[tuple[str, Callable[[], Any]]] = [
        ("review_periods", lambda: review_periods(tickets)),
        ("kpis (3 periods, 2 tests)", lambda: m.kpis(tickets, periods, policy_categories=policy)),
        ("trend weekly", lambda: m.trend(tickets, every="1w")),
        ("quarter_comparison", lambda: m.quarter_comparison(tickets)),
        *[
            (f"breakdown by {dim}", lambda dim=dim: m.breakdown(tickets, dim, periods))
            for dim in BREAKDOWN_DIMENSIONS
        ],
        ("heatmap category x channel", lambda: m.heatmap(tickets, "category", "channel")),
        ("heatmap category x agent", lambda: m.heatmap(tickets, "category", "agent")),
        ("drivers (frequency)", lambda: m.drivers(tickets)),
        ("pareto", lambda: m.pareto(tickets)),
    ]

    mid = periods.review[0]
    other_steps: list[tuple[str, Callable[[], Any]]] = [
        ("tier1_resolution", lambda: m.tier1_resolution(tickets)),
        ("drivers (impact_handling)", lambda: m.drivers(tickets, rank_by="impact_handling")),
        ("reassignment_summary by category", lambda: m.reassignment_summary(tickets, "category")),
        ("first_response_trend weekly", lambda: m.first_response_trend(tickets)),
        ("first_response_by channel", lambda: m.first_response_by(tickets)),
        ("time_to_escalate by category", lambda: m.time_to_escalate(tickets)),
        ("idle_tickets", lambda: m.idle_tickets(tickets)),
        ("repeat_contacts", lambda: m.repeat_contacts(tickets)),
        ("rate_by customer_tier", lambda: m.rate_by(tickets, "customer_tier")),
        ("before_after (all categories)", lambda: m.before_after(tickets, date=mid)),
        ("slice_tickets (one category)", lambda: m.slice_tickets(tickets, "category", policy[0])),
    ]

    width = 66
    print(f"\n{'step':<{width}} {'best ms':>8} {'median ms':>10}")
    results: dict[str, tuple[float, float]] = {}
    for name, fn in filter_steps + page_steps:
        fn()  # warm up
        results[name] = timed(fn, args.repeat)
        best, med = results[name]
        print(f"{name:<{width}} {best * 1000:8.1f} {med * 1000:10.1f}")
    total_best = sum(results[name][0] for name, _ in page_steps)
    total_med = sum(results[name][1] for name, _ in page_steps)
    print(f"{'TOTAL overview + breakdown aggregates':<{width}} "
          f"{total_best * 1000:8.1f} {total_med * 1000:10.1f}")  # fmt: skip

    def all_pages() -> None:
        for _, fn in page_steps:
            fn()

    best, med = timed(all_pages, args.repeat)
    print(f"{'same, run back to back':<{width}} {best * 1000:8.1f} {med * 1000:10.1f}")

    print("\nother pages (drivers, routing; not part of the 0.5 s target)")
    for name, fn in other_steps:
        fn()
        best_o, med_o = timed(fn, args.repeat)
        print(f"{name:<{width}} {best_o * 1000:8.1f} {med_o * 1000:10.1f}")
    print(f"\ndata: {first} to {last}; review period {periods.review[0]} to {periods.review[1]}")
    print(f"target: page aggregates < 500 ms -> {'met' if med < 0.5 else 'NOT met'} (median)")


if __name__ == "__main__":
    main()
