"""Spreadsheets (xlsx, xlsm, xlsb, xls, ods): the first sheet with data, every cell as text,
preamble rows before the header skipped like in delimited text.
"""

from __future__ import annotations

from typing import Any

import fastexcel
import polars as pl

from lib.errors import IngestError
from lib.ingest.readers._common import _plural
from lib.ingest.readers.names import HEADER_SEARCH, _generated, _looks_like_names, _unique_names
from lib.ingest.readers.table import RawTable, _finish


def _read_spreadsheet(data: bytes, display: str) -> RawTable:
    """First sheet with data, every cell as text, preamble rows skipped like in CSV."""
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
