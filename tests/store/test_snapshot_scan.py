"""Lazy, column-pruned reads of a dataset's snapshot (issue 18, 10 million tickets)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from lib.demo import demo_tickets
from lib.errors import StoreError
from lib.ingest import canonical_only
from lib.schema import COLUMNS
from lib.store import read_snapshot
from lib.store.snapshot_scan import canonical_columns, read_canonical, scan_snapshot


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded snapshot as the import saves one: canonical columns, then raw extras."""
    tickets = demo_tickets(seed=5, days=60, tickets_per_day=20)
    extras = tickets.select(
        "ticket_id",
        pl.lit("export.csv").alias("_file"),
        pl.col("ticket_id").alias("raw:Id"),
        pl.col("group").str.to_uppercase().alias("raw:Group"),
    )
    path = tmp_path_factory.mktemp("scan") / "dataset-1-0a1b2c3d4e.parquet"
    tickets.join(extras, on="ticket_id", how="left").write_parquet(path)
    return path


def test_canonical_read_equals_the_full_read_without_the_extras(snapshot: Path) -> None:
    fast = read_canonical(snapshot)
    assert_frame_equal(fast, canonical_only(read_snapshot(snapshot)))
    assert fast.columns == COLUMNS


def test_a_snapshot_without_some_canonical_columns_is_conformed(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    pl.DataFrame({"raw:Id": ["a"], "ticket_id": ["1"], "escalated": [True]}).write_parquet(path)
    assert canonical_columns(scan_snapshot(path)) == ["ticket_id", "escalated"]
    t = read_canonical(path)
    assert_frame_equal(t, canonical_only(read_snapshot(path)))
    assert t.get_column("tags").to_list() == [[]]


def test_missing_and_damaged_snapshots_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"dataset-9-ab\.parquet is missing"):
        read_canonical(tmp_path / "dataset-9-ab.parquet")
    bad = tmp_path / "dataset-9-cd.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(StoreError, match=r"dataset-9-cd\.parquet cannot be read"):
        read_canonical(bad)


def test_every_read_keeps_the_ids_whole_so_a_new_column_copies_nothing_else(
    tmp_path: Path,
) -> None:
    """A snapshot is read in one chunk per row group. With the ids (the first column) in one
    chunk, adding a column (the rules' ``with_columns``) leaves the other columns' chunks as
    they are; before, Polars copied every column of the frame into one chunk there (10
    million tickets with their raw columns: 9 s and 7 GiB more on Data → Escalation rules)."""
    tickets = demo_tickets(seed=6, days=56, tickets_per_day=10)
    frame = tickets.with_columns(pl.col("group").alias("raw:Group"))
    path = tmp_path / "dataset-1-0a1b2c3d4e.parquet"
    frame.write_parquet(path, row_group_size=100)
    groups = -(-frame.height // 100)
    for read in (read_canonical(path), read_snapshot(path)):
        assert read.to_series(0).n_chunks() == 1
        assert read.get_column("group").n_chunks() == groups
        added = read.with_columns(flag=pl.lit(True))
        assert added.get_column("group").n_chunks() == groups  # not copied into one chunk
        assert_frame_equal(read, pl.read_parquet(path).select(read.columns), check_dtypes=False)
