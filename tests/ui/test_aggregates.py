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


def test_lib_audit_never_names_the_columns_its_filtered_copy_leaves_out() -> None:
    sources = " ".join(p.read_text() for p in Path("lib/audit").glob("*.py"))
    for column in aggregates.NOT_READ_BY_AUDIT:
        assert f'"{column}"' not in sources and f"'{column}'" not in sources, column


def test_a_filter_copies_only_the_columns_lib_audit_reads(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.parquet"
    demo_tickets(seed=7, days=60, tickets_per_day=5).write_parquet(path)
    chat = audit.Filters(channels=("chat",))
    narrow = aggregates._filtered(str(path), chat, "UTC", True)
    assert "tags" not in narrow.columns and "escalated" in narrow.columns
    full = aggregates._filtered(str(path), chat)
    assert full.drop(aggregates.NOT_READ_BY_AUDIT).equals(narrow)
    # what a page gets for a lib.audit function: the same figures
    got = aggregates._aggregate.__wrapped__(
        str(path), chat, "lib.audit.trends", "quarter_comparison", {}
    )
    assert got.equals(audit.quarter_comparison(full))
