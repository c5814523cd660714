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
from lib.schema import first_column_whole


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


def test_parquet_row_groups_are_not_copied() -> None:
    table = _read_parquet(_parquet_in_row_groups(), "t.parquet")
    assert table.frame.n_chunks("all") == [6] * table.frame.width
    assert table.frame.height == 3_000


def test_polars_realigns_a_frame_only_when_its_first_column_is_in_pieces() -> None:
    # The behaviour first_column_whole relies on (Polars 2.1). If an upgrade changes it, an
    # import copies every raw column again: see BENCHMARKS.md, issue 18.
    raw = pl.concat([pl.DataFrame({"raw:a": ["x"] * 100, "raw:b": ["y"] * 100})] * 5, rechunk=False)
    parsed = pl.DataFrame({"id": [str(i) for i in range(500)]})
    whole_first = pl.concat([parsed, raw], how="horizontal").with_columns(n=pl.lit(1))
    assert whole_first.n_chunks("all") == [1, 5, 5, 1]
    pieces_first = pl.concat([raw, parsed], how="horizontal").with_columns(n=pl.lit(1))
    assert pieces_first.n_chunks("all") == [1, 1, 1, 1]
    assert first_column_whole(pieces_first).n_chunks("all") == [1, 1, 1, 1]
    assert first_column_whole(pl.concat([raw, parsed], how="horizontal")).n_chunks("all") == [
        1,
        5,
        1,
    ]


def _csv(rows: int, start: int = 0) -> bytes:
    body = "".join(
        f"{i},2024-03-{1 + i % 28:02d} 10:00,Tier {1 + i % 3},subject {i}\n"
        for i in range(start, start + rows)
    )
    return ("Id,Created at,Group,Subject\n" + body).encode()


def test_an_import_keeps_the_raw_columns_as_read() -> None:
    res = load_export(_csv(300_000), max_bytes=None)
    assert res.tickets.height == 300_000
    assert res.tickets.get_column("ticket_id").n_chunks() == 1
    raw = res.extras.select(pl.selectors.starts_with("raw:") - pl.selectors.by_name("raw:Id"))
    assert min(raw.n_chunks("all")) > 1  # not copied into one chunk on the way
    # the ids are copied into one chunk once, and their raw column is that copy
    assert res.extras.get_column("raw:Id").n_chunks() == 1
    assert res.extras.get_column("raw:Id").equals(
        res.tickets.get_column("ticket_id"), check_names=False
    )
    assert res.extras.get_column("raw:Subject")[-1] == "subject 299999"
    assert res.tickets.get_column("subject")[-1] == "subject 299999"
    assert res.snapshot_frame().height == 300_000


def test_two_files_keep_their_raw_columns_as_read_too(tmp_path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(_csv(200_000))
    b.write_bytes(_csv(200_000, 200_000))
    res = load_export([a, b], max_bytes=None)
    assert res.tickets.height == 400_000
    assert res.tickets.get_column("ticket_id").n_chunks() == 1
    raw = res.extras.select(pl.selectors.starts_with("raw:") - pl.selectors.by_name("raw:Id"))
    assert min(raw.n_chunks("all")) > 2
    assert res.tickets.get_column("ticket_id").to_list()[199_999:200_001] == ["199999", "200000"]


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
