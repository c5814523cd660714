"""Counting distinct ticket ids without hashing them (issue 18, the `parsefast` branch).

Ids written as whole numbers in increasing or decreasing order are all distinct; any other
column is counted as before. The count decides the duplicate report and event-log detection.
"""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest import load_export
from lib.ingest.table_parse import distinct_ids

COLUMNS = {
    "increasing": ["1", "2", "10", "11", "200"],
    "decreasing": ["900", "90", "9"],
    "a repeat in order": ["1", "2", "2", "3"],
    "increasing, then back": ["1", "5", "3"],
    "leading zeros, same number": ["007", "7", "8"],
    "a plus sign, same number": ["+7", "7"],
    "one id": ["42"],
    "with a null": ["1", None, "3"],
    "letters": ["INC-1", "INC-2", "INC-1"],
    "numbers and letters": ["1", "2", "A3"],
    "spaces": ["1", " 2", "3"],
    "larger than 64 bits": ["18446744073709551616", "18446744073709551617"],
}


@pytest.mark.parametrize("case", list(COLUMNS))
def test_distinct_ids_counts_as_n_unique(case: str) -> None:
    s = pl.Series("ticket_id", COLUMNS[case])
    assert distinct_ids(s) == s.n_unique()


@pytest.mark.parametrize(
    ("ids", "duplicates"),
    [("1 2 3", 0), ("3 2 1", 0), ("1 2 2 3", 1), ("+1 1 2", 0), ("1 01 2", 0), ("5 1 5 2", 1)],
)
def test_duplicate_report_of_numeric_ids(ids: str, duplicates: int) -> None:
    rows = "".join(f"{i},2024-03-0{n % 9 + 1} 10:00\n" for n, i in enumerate(ids.split()))
    res = load_export(("Id,Created at\n" + rows).encode())
    assert res.report.duplicates == duplicates
    assert res.tickets.height == len(ids.split()) - duplicates
    assert res.tickets.get_column("ticket_id").n_unique() == res.tickets.height
