"""The snapshot write of an import: its codec, and a snapshot prepared in the background
(written while the user reads the rules) that registering only renames."""

from __future__ import annotations

import polars as pl
import pyarrow.parquet as pq
import pytest

from lib.store import Store
from lib.store.datasets import SNAPSHOT_COMPRESSION


def _frame() -> pl.DataFrame:
    return pl.DataFrame({"ticket_id": ["1", "2", "3"], "raw:State": ["Open", "Done", None]})


def test_snapshots_are_written_with_the_fast_codec_and_read_by_scan_parquet(store: Store) -> None:
    path = store.write_snapshot(_frame(), 1)
    meta = pq.ParquetFile(path).metadata
    codecs = {meta.row_group(0).column(i).compression for i in range(meta.num_columns)}
    assert SNAPSHOT_COMPRESSION == "lz4" and codecs <= {"LZ4", "LZ4_RAW"}
    assert pl.scan_parquet(path).collect().equals(_frame())


def test_a_prepared_snapshot_is_adopted_not_written_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = store.prepare_snapshot(_frame())
    assert tmp.name.startswith(".tmp-") and tmp.parent == store.snapshot_dir

    def no_second_write(*_: object) -> None:
        raise AssertionError("the prepared file should have been renamed")

    monkeypatch.setattr(Store, "write_snapshot", no_second_write)
    ds = store.register_dataset("x", _frame(), prepared=tmp)
    assert not tmp.exists()
    assert [p.name for p in store.snapshot_dir.iterdir()] == [ds.snapshot_path]
    assert store.load_snapshot(ds.id).equals(_frame())


def test_a_prepared_file_gone_is_written_again_and_a_discarded_one_deleted(store: Store) -> None:
    gone = store.prepare_snapshot(_frame())
    gone.unlink()
    ds = store.register_dataset("x", _frame(), prepared=gone)
    assert store.load_snapshot(ds.id).equals(_frame())
    extra = store.prepare_snapshot(_frame())
    store.discard_prepared(extra)
    assert not extra.exists()
    assert [p.name for p in store.snapshot_dir.iterdir()] == [ds.snapshot_path]
    # only a prepared file in the snapshots folder is ever deleted this way
    store.discard_prepared(store.snapshot_dir / str(ds.snapshot_path))
    assert store.load_snapshot(ds.id).height == 3
