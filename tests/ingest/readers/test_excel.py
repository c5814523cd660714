"""Tests for lib.ingest.readers.excel: workbooks read as text."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.ingest.readers.helpers import one, write_workbook


def test_xlsx_first_sheet_with_data_preamble_footer_and_values_as_text(tmp_path):
    path = tmp_path / "zammad.xlsx"
    write_workbook(path)
    t = one(path)
    assert (t.format, t.encoding, t.delimiter, t.header_line) == ("xlsx", None, None, 4)
    assert t.frame.columns == ["Number", "Title", "Created", "Escalated", "Labels", "Labels (2)"]
    assert t.frame.rows() == [
        ("31001", "Printer on fire", "2024-01-05 10:00:00", "true", "a", "b"),
        ("31002", "VPN", "2024-01-06 11:30:00", "false", None, "c"),
        ("31003", "after a blank row", "n/a", "false", None, None),
    ]
    assert t.line_numbers.to_list() == [5, 6, 8]
    assert "read sheet 'Tickets' (2 sheets in the workbook)" in t.notes
    assert "skipped 3 rows before the header on row 4" in t.notes
    assert "removed a 1-line footer after the data: 'Total: 3'" in t.notes


def test_xlsx_written_by_polars(tmp_path):
    path = tmp_path / "export.xlsx"
    pl.DataFrame(
        {"Id": [1, 2], "Created": [dt.date(2024, 1, 1), None], "Subject": ["a", "b"]}
    ).write_excel(path)
    t = one(path)
    assert t.frame.rows() == [("1", "2024-01-01 00:00:00", "a"), ("2", None, "b")]
    assert t.header_line == 1
    assert t.line_numbers.to_list() == [2, 3]
