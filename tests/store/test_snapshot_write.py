"""The snapshot write of an import: its codec, and a snapshot encoded in memory in the
background (while the user reads the rules) that registering only writes out."""

from __future__ import annotations

import polars as pl
import pyarrow.parquet as pq
import pytest

from lib.store import Store
from lib.store.datasets import SNAPSHOT_COMPRESSION, encode_snapshot


def _frame() -> pl.DataFrame:
    return pl.DataFrame({"ticket_id": ["1", "2", "3"], "raw:State": ["Open", "Done", None]})


def test_snapshots_are_written_with_the_fast_codec_and_read_by_scan_parquet(store: Store) -> None:
    path = store.write_snapshot(_frame(), 1)
    meta = pq.ParquetFile(path).metadata
    codecs = {meta.row_group(0).column(i).compression for i in range(meta.num_columns)}
    assert SNAPSHOT_COMPRESSION == "lz4" and codecs <= {"LZ4", "LZ4_RAW"}
    assert pl.scan_parquet(path).collect().equals(_frame())


def test_an_encoded_snapshot_is_written_as_it_is(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded = encode_snapshot(_frame())
    assert not store.snapshot_dir.exists() or not list(store.snapshot_dir.iterdir())

    def no_second_encoding(*_: object, **__: object) -> None:
        raise AssertionError("the encoded bytes should have been written")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", no_second_encoding)
    ds = store.register_dataset("x", _frame(), prepared=encoded)
    path = store.snapshot_dir / str(ds.snapshot_path)
    assert [p.name for p in store.snapshot_dir.iterdir()] == [ds.snapshot_path]
    assert path.read_bytes() == encoded
    assert store.load_snapshot(ds.id).equals(_frame())
