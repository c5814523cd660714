"""Sessions share one parsed copy of a dataset (cached per process, keyed by its snapshot)."""

from __future__ import annotations

from pathlib import Path

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
