"""Sessions share one parsed copy of a dataset (cached per process, keyed by its snapshot)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.demo import demo_tickets
from ui import dataset


def test_dataset_is_parsed_once_per_process(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.parquet"
    demo_tickets(seed=3, days=60, tickets_per_day=10).write_parquet(path)
    first = dataset._canonical(str(path))
    second = dataset._canonical(str(path))  # another session asking for the same dataset
    assert first is second
    other = tmp_path / "other.parquet"
    demo_tickets(seed=4, days=60, tickets_per_day=10).write_parquet(other)
    assert dataset._canonical(str(other)) is not first  # a new snapshot is a new entry


def test_opening_a_dataset_reads_only_the_canonical_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages' copy never holds the export's raw columns (several GB at 10M tickets)."""
    path = tmp_path / "with-extras.parquet"
    t = demo_tickets(seed=6, days=60, tickets_per_day=10)
    t.with_columns(pl.col("ticket_id").alias("raw:Id")).write_parquet(path)

    def whole_file(_: str) -> pl.DataFrame:
        raise AssertionError("the whole snapshot was read to open the dataset")

    monkeypatch.setattr(dataset, "_snapshot_frame", whole_file)
    opened = dataset._canonical(str(path))
    assert "raw:Id" not in opened.columns
    assert opened.equals(t)


def test_snapshot_frame_puts_the_extras_beside_the_tickets_without_a_join(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same frame as the join; in the tickets' row order no join (or copy) is made."""
    from lib.ingest.load_report import LoadResult, QualityReport

    def result(extras: pl.DataFrame) -> LoadResult:
        return LoadResult(t, "generic", {}, QualityReport(), extras=extras)

    t = demo_tickets(seed=7, days=60, tickets_per_day=10)
    extras = t.select(
        "ticket_id", pl.col("group").alias("raw:Group"), pl.lit("a.csv").alias("_file")
    )
    joined = t.join(extras, on="ticket_id", how="left")
    shuffled = result(extras.sample(fraction=1.0, shuffle=True, seed=1))
    assert dataset.save_frame(shuffled).equals(joined)  # another order: joined, same result

    def no_join(*_: object, **__: object) -> pl.DataFrame:
        raise AssertionError("joined although the extras were in the tickets' order")

    monkeypatch.setattr(pl.DataFrame, "join", no_join)
    assert dataset.save_frame(result(extras)).equals(joined)
