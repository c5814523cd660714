"""The pages' filtered tickets (issue 18): a date range that keeps every ticket is no copy."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from lib import audit
from lib.demo import demo_tickets
from ui import aggregates, dataset


def test_a_date_range_covering_the_data_is_the_shared_frame(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.parquet"
    demo_tickets(seed=5, days=60, tickets_per_day=5).write_parquet(path)
    shared = dataset._canonical(str(path))
    first, last = aggregates._span(str(path))[:2]
    everything = audit.Filters(start=first, end=last)  # the sidebar's "All"
    assert aggregates._filtered(str(path), everything) is shared
    # a range that drops tickets still filters, and a dimension filter still applies
    later = dataclasses.replace(everything, start=first + (last - first) / 2)
    assert aggregates._filtered(str(path), later).height < shared.height
    chat = dataclasses.replace(everything, channels=("chat",))
    expected = shared.filter(pl.col("channel") == "chat")
    assert aggregates._filtered(str(path), chat).equals(expected)


def test_undated_tickets_are_still_left_out_by_a_date_range(tmp_path: Path) -> None:
    path = tmp_path / "undated.parquet"
    t = demo_tickets(seed=6, days=60, tickets_per_day=5)
    t.with_columns(
        created_at=pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise("created_at")
    ).write_parquet(path)
    first, last, undated = aggregates._span(str(path))
    assert undated == 1
    kept = aggregates._filtered(str(path), audit.Filters(start=first, end=last))
    assert kept.height == t.height - 1
