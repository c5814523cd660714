"""Tests for lib.ingest.readers.parquet."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.ingest.readers.helpers import one


def test_parquet_keeps_dtypes_strips_strings_and_flattens_structs(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame(
        {
            "id": [1, 2],
            "subject": [" a ", ""],
            "created": [dt.datetime(2024, 1, 1), None],
            "via": [{"channel": "email"}, {"channel": "web"}],
        }
    ).write_parquet(path)
    t = one(path)
    assert t.format == "parquet"
    assert t.frame.schema == {
        "id": pl.Int64,
        "subject": pl.String,
        "created": pl.Datetime("us"),
        "via.channel": pl.String,
    }
    assert t.frame["subject"].to_list() == ["a", None]
    assert t.line_numbers is None and t.header_line == 0
