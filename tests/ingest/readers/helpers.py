"""Helpers shared by the reader tests: reading a one-table source, the csv module's view of a
file's records, and a small workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import xlsxwriter

from lib.ingest.readers import RawTable, read_source


def one(source, **kwargs) -> RawTable:
    tables = read_source(source, **kwargs)
    assert len(tables) == 1
    return tables[0]


def reference_lines(data: bytes, delimiter: str, skip: int) -> list[tuple[int, list[str]]]:
    """(first physical line, fields) of every record after ``skip`` lines, by the csv module."""
    text = data.decode("utf-8")
    lines = [ln + "\n" for ln in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    reader = csv.reader(lines[skip:], delimiter=delimiter)
    out, consumed = [], 0
    for fields in reader:
        out.append((skip + consumed + 1, fields))
        consumed = reader.line_num
    return [(line, f) for line, f in out if f]


def write_workbook(path: Path) -> None:
    wb = xlsxwriter.Workbook(path, {"default_date_format": "yyyy-mm-dd hh:mm:ss"})
    wb.add_worksheet("Cover")  # empty first sheet
    ws = wb.add_worksheet("Tickets")
    ws.write(0, 0, "Tickets report")
    ws.write(1, 0, "Period: January")
    ws.write_row(3, 0, ["Number", "Title", "Created", "Escalated", "Labels", "Labels", ""])
    ws.write_row(
        4, 0, [31001, "  Printer on fire ", dt.datetime(2024, 1, 5, 10, 0, 0), True, "a", "b"]
    )
    ws.write_row(5, 0, [31002.0, "VPN", dt.datetime(2024, 1, 6, 11, 30, 0), False, None, "c"])
    ws.write_row(7, 0, [31003, "after a blank row", "n/a", False])
    ws.write_row(9, 0, ["Total: 3"])
    wb.close()
