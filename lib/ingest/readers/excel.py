"""Spreadsheets (xlsx, xlsm, xlsb, xls, ods): the first sheet with data, every cell as text,
preamble rows before the header skipped like in delimited text.

Before anything is loaded, the rows and cells of every sheet are counted on the workbook's XML
(streamed, nothing kept) and checked against the limits: the reader would otherwise hold every
cell of a sheet in memory, about ``SHEET_CELL_BYTES`` each.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

import polars as pl

from lib.errors import IngestError
from lib.ingest.readers._common import _CHUNK, _plural
from lib.ingest.readers.limits import XLSX_MAX_ROWS, Limits, check_shape, reserve
from lib.ingest.readers.names import HEADER_SEARCH, _generated, _looks_like_names, _unique_names
from lib.ingest.readers.table import RawTable, _finish

#: Estimated bytes in memory per cell while a sheet is loaded (the reader's cell, its text and
#: the frame of strings made from it).
SHEET_CELL_BYTES = 128
#: Bytes in memory per byte of a binary workbook (.xls, .xlsb) whose cells are not counted.
BINARY_FACTOR = 20


def _read_spreadsheet(data: bytes, display: str, limits: Limits | None = None) -> RawTable:
    """First sheet with data, every cell as text, preamble rows skipped like in CSV."""
    limits = limits or Limits.from_env()
    with reserve(display, _check_sheets(data, display, limits), limits):
        grid, used, sheet_names = _load_first_sheet(data, display)
    return _sheet_table(grid, used, sheet_names, display)


#: Tags counted per workbook kind: (sheet members, row tags, cell tags).
_XLSX_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_XLSX_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ODS_ROW = re.compile(rb"<table:table-row[\s>/]")
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell[\s>/]")


def _check_sheets(data: bytes, display: str, limits: Limits) -> int:
    """Count rows and cells of each sheet (the largest counts) and check them against
    ``limits`` before the workbook is loaded; return the estimated bytes in memory."""
    if not data.startswith(b"PK"):  # .xls: at most 65,536 rows by format, bounded by its size
        memory = len(data) * BINARY_FACTOR
        check_shape(display, rows=0, columns=0, memory=memory, limits=limits)
        return memory
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
        if "content.xml" in names:
            members, row_re, cell_re = ["content.xml"], _ODS_ROW, _ODS_CELL
        else:
            members = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            row_re, cell_re = _XLSX_ROW, _XLSX_CELL
        binary = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".bin")]
        rows = cells = 0
        for member in members:
            r, c = _count_tags(zf, member, row_re, cell_re)
            rows, cells = max(rows, r), max(cells, c)
        binary_size = sum(zf.getinfo(n).file_size for n in binary)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, KeyError):
        return len(data) * BINARY_FACTOR  # the reader says what is wrong with the file
    if rows > XLSX_MAX_ROWS and "content.xml" not in names:
        raise IngestError(
            f"has a sheet with {rows:,} rows, more than a worksheet can hold ({XLSX_MAX_ROWS:,})",
            file=display,
            expected="a workbook saved by Excel, or the data as CSV split into smaller files",
        )
    columns = -(-cells // rows) if rows else 0
    memory = cells * SHEET_CELL_BYTES + binary_size * BINARY_FACTOR
    check_shape(display, rows=rows, columns=columns, memory=memory, limits=limits)
    return memory


def _count_tags(
    zf: zipfile.ZipFile, member: str, row_re: re.Pattern[bytes], cell_re: re.Pattern[bytes]
) -> tuple[int, int]:
    """Rows and cells of one sheet's XML, streamed in chunks (a tag cut by a chunk boundary
    is counted once: the tail kept from the previous chunk is subtracted)."""
    rows = cells = 0
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            buf = tail + chunk
            rows += len(row_re.findall(buf)) - len(row_re.findall(tail))
            cells += len(cell_re.findall(buf)) - len(cell_re.findall(tail))
            tail = buf[-64:]
    return rows, cells


def _load_first_sheet(data: bytes, display: str) -> tuple[pl.DataFrame, str, list[str]]:
    """The first sheet with a value, every cell as text."""
    import fastexcel  # here: its import costs every CSV import 9 ms

    try:
        reader = fastexcel.read_excel(data)
        sheet_names = reader.sheet_names
        grid = None
        for index, sheet_name in enumerate(sheet_names):
            candidate = reader.load_sheet(
                index, header_row=None, skip_rows=0, dtypes="string"
            ).to_polars()
            if candidate.height and candidate.width and _has_values(candidate):
                grid, used = candidate, sheet_name
                break
    except BaseException as exc:  # a Rust panic (PanicException) is a BaseException
        if not isinstance(exc, fastexcel.FastExcelError) and type(exc).__name__ != "PanicException":
            raise
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IngestError(
            f"is not a readable spreadsheet ({first})",
            file=display,
            expected="an .xlsx, .xls or .ods workbook",
        ) from None
    if grid is None:
        raise IngestError("has no sheet with data", file=display, expected="a sheet with a table")
    return grid, used, sheet_names


def _sheet_table(grid: pl.DataFrame, used: str, sheet_names: list[str], display: str) -> RawTable:
    """The header found after any preamble rows; the rows below it."""
    probe = [[_cell(v) for v in row] for row in grid.head(HEADER_SEARCH + 10).rows()]
    widths = [max((j + 1 for j, v in enumerate(r) if v.strip()), default=0) for r in probe]
    most = max(widths)
    h = next(
        (
            i
            for i, r in enumerate(probe[:HEADER_SEARCH])
            if sum(1 for v in r if v.strip()) >= most / 2 and _looks_like_names(r[: widths[i]])
        ),
        next((i for i, w in enumerate(widths) if w), 0),
    )
    notes = []
    if len(sheet_names) > 1:
        notes.append(f"read sheet {used!r} ({len(sheet_names)} sheets in the workbook)")
    if h > 0:
        notes.append(f"skipped {_plural(h, 'row')} before the header on row {h + 1}")
    raw_names = probe[h]
    frame = grid.slice(h + 1)
    frame = frame.rename(dict(zip(frame.columns, _unique_names(raw_names), strict=True)))
    table = RawTable(
        name=display,
        frame=frame,
        format="xlsx",
        header_line=h + 1,
        line_numbers=pl.int_range(h + 2, h + 2 + frame.height, dtype=pl.Int64, eager=True).alias(
            "line"
        ),
        notes=notes,
    )
    _finish(table, dropped=[], short={}, width=len(raw_names), generated=_generated(raw_names))
    return table


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _has_values(frame: pl.DataFrame) -> bool:
    return frame.null_count().sum_horizontal().item() < frame.height * frame.width
