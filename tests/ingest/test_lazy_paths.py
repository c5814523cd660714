"""The `lazy` branch's shortcuts in ``load_export`` give exactly what the longer way gave."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest import load_export
from lib.schema import SchemaError, conform, validate


def test_validation_skips_the_id_count_only_when_told_ids_are_unique() -> None:
    twice = conform(pl.DataFrame({"ticket_id": ["1", "1"]})).with_columns(
        created_at=pl.lit("2024-03-01").str.to_datetime().dt.replace_time_zone("UTC"),
        source=pl.lit("csv"),
    )
    with pytest.raises(SchemaError, match="ticket_id is not unique"):
        validate(twice)
    assert validate(twice, ids_unique=True) is twice


def test_duplicate_ids_still_leave_one_row_each() -> None:
    csv = (
        b"Id,Created at,Updated at,Status\n"
        b"1,2024-03-01 10:00,2024-03-02 10:00,open\n"
        b"1,2024-03-01 10:00,2024-03-05 10:00,solved\n"
        b"2,2024-03-02 11:00,2024-03-02 12:00,open\n"
        b"3,2024-03-03 11:00,2024-03-03 12:00,open\n"
    )
    res = load_export(csv)
    assert res.tickets.select("ticket_id", "status").rows() == [
        ("1", "solved"),
        ("2", "open"),
        ("3", "open"),
    ]
    assert res.report.duplicates == 1
