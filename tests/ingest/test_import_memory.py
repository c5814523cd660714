"""An import holds each value as few times as it can (issue 18: the 10M import's peak).

Two copies used to double it: a Parquet export's columns, one chunk per row group, were
copied whole by the first ``with_columns`` that met a single-chunk parsed column, while the
reader's table still held them; and a text column whose values were already canonical was
rebuilt value by value instead of kept.
"""

from __future__ import annotations

import io

import polars as pl

from lib.ingest import load_export
from lib.ingest.readers.parquet import _read_parquet
from lib.ingest.table_parse import _via_unique


def _parquet_in_row_groups(rows: int = 3_000, group: int = 500) -> bytes:
    buf = io.BytesIO()
    pl.DataFrame(
        {
            "Id": [str(i) for i in range(rows)],
            "Created at": ["2024-03-01 10:00:00"] * rows,
            "Group": ["Tier 1", "Tier 2", "Tier 3"] * (rows // 3),
        }
    ).write_parquet(buf, row_group_size=group)
    return buf.getvalue()


def test_parquet_columns_come_back_in_one_chunk() -> None:
    table = _read_parquet(_parquet_in_row_groups(), "t.parquet")
    assert table.frame.n_chunks("all") == [1] * table.frame.width
    assert table.frame.height == 3_000


def test_parquet_in_row_groups_loads_the_same_tickets() -> None:
    res = load_export(_parquet_in_row_groups(), max_bytes=None)
    assert res.tickets.height == 3_000
    assert res.tickets.get_column("group").value_counts().height == 3


def test_canonical_values_keep_their_column() -> None:
    s = pl.Series("Group", ["Tier 1", "Tier 2", None] * 20_000)
    out, report = _via_unique(s, lambda u: (u, None))
    assert out is s and report is None


def test_changed_values_are_mapped_back_row_by_row() -> None:
    s = pl.Series("Group", [" Tier 1", "Tier 2", None] * 20_000)
    out, _ = _via_unique(s, lambda u: (u.str.strip_chars(), None))
    assert out.to_list()[:3] == ["Tier 1", "Tier 2", None]
    assert out.len() == s.len() and out.name == "Group"
