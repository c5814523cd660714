"""The raw table every reader returns, and the clean-up they all finish with: values stripped,
blank rows, a footer and rows that end early dropped, empty unnamed columns removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from lib.ingest.readers._common import _plural


@dataclass
class RawTable:
    """One table read from a source, every value still a string.

    Attributes
    ----------
    name : file name shown to the user; archive members look like ``"export.zip/tickets.csv"``.
    frame : the table. Delimited text, spreadsheets and JSON: every column ``pl.String``, values
        stripped of surrounding whitespace, empty values null. Parquet keeps its dtypes. Above
        ``EXACT_STRIP_ROWS`` rows only the columns where a spread sample shows padded values are
        stripped (stripping everything would cost half a parse); empty strings are always null.
    format : ``"csv"`` (any delimiter), ``"xlsx"`` (any spreadsheet: xlsx, xlsm, xlsb, xls, ods),
        ``"json"``, ``"jsonl"`` or ``"parquet"``.
    encoding : text encoding used (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"cp1252"``...),
        None for binary formats.
    delimiter : the field delimiter of delimited text, else None.
    header_line : 1-based line (sheet row for spreadsheets) of the header. 0 for JSON arrays and
        Parquet, so that ``row index + header_line + 1`` is a 1-based record number there.
    line_numbers : Int64 series as long as ``frame``: the 1-based physical line where each row
        starts (the sheet row for spreadsheets, the line for JSON Lines and JSON arrays). None for
        Parquet and wrapped JSON (``{"tickets": [...]}``).
    dropped : ``(line, reason)`` of the first rows that could not be read.
    dropped_count : how many rows could not be read in all.
    notes : sentences for the user about what was done ("skipped 3 lines before the header").
    """

    name: str
    frame: pl.DataFrame
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int = 1
    line_numbers: pl.Series | None = None
    dropped: list[tuple[int, str]] = field(default_factory=list)
    dropped_count: int = 0
    notes: list[str] = field(default_factory=list)


#: How many dropped rows are listed individually (all are counted).
MAX_DROPPED_LISTED = 10

#: Rows at the end of a table checked for a footer or a truncated last row.
TAIL_ROWS = 20

_FOOTER_RE = re.compile(
    r"(total|totals|grand total|sum|count|number of|generated|exported|export date|report"
    r"|printed|created (on|by|at)|rows?\b|records?\b|tickets?:|page \d|end of|source:"
    r"|copyright|\(c\)|©)",
    re.IGNORECASE,
)

#: Tables up to this many rows have every String column stripped; larger ones only the columns
#: where a spread sample of ``STRIP_SAMPLE_BLOCKS`` blocks of ``STRIP_SAMPLE_ROWS`` rows shows a
#: value with surrounding whitespace (stripping costs half as much as parsing the file).
EXACT_STRIP_ROWS = 100_000
STRIP_SAMPLE_BLOCKS = 20
STRIP_SAMPLE_ROWS = 1_000


def _clean_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip surrounding whitespace of String columns and turn empty strings into null.

    Example
    -------
    >>> _clean_strings(pl.DataFrame({"a": [" x ", "", "  ", None]}))["a"].to_list()
    ['x', None, None, None]
    """
    cols = [c for c, t in frame.schema.items() if t == pl.String]
    if not cols or frame.height == 0:
        return frame
    n = frame.height
    if n > EXACT_STRIP_ROWS:
        step = (n - STRIP_SAMPLE_ROWS) / (STRIP_SAMPLE_BLOCKS - 1)
        sample = pl.concat(
            [frame.slice(int(i * step), STRIP_SAMPLE_ROWS) for i in range(STRIP_SAMPLE_BLOCKS)]
        ).select(cols)
        padded = sample.select((pl.col(cols).str.strip_chars() != pl.col(cols)).any()).row(0)
        cols_to_strip = [c for c, flag in zip(cols, padded, strict=True) if flag]
    else:
        cols_to_strip = cols
    if cols_to_strip:
        frame = frame.with_columns(pl.col(cols_to_strip).str.strip_chars())
    shortest = frame.select(pl.col(cols).str.len_bytes().min()).row(0)
    emptied = [c for c, k in zip(cols, shortest, strict=True) if k == 0]
    if not emptied:
        return frame
    return frame.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in emptied)


def rechunk_table(table: RawTable, *, one_at_a_time: bool = True) -> None:
    """Give ``table.frame`` one chunk per column (in place), one column at a time.

    A multi-chunk frame (Parquet row groups, Polars' reader blocks) combined with
    single-chunk parsed columns is rechunked whole by the next ``with_columns``, which copies
    every string view (16 bytes a value: 3.7 GB for 23 columns of 10M rows) while the
    reader's table still holds the old ones. Done here, column by column, only one column is
    ever held twice, as long as the caller holds no other reference to the frame. With
    ``one_at_a_time=False`` all columns are copied at once, on Polars' threads (twice as fast
    on two cores, the whole frame held twice meanwhile).

    >>> f = pl.concat([pl.DataFrame({"a": ["x"]}), pl.DataFrame({"a": ["y"]})], rechunk=False)
    >>> t = RawTable(name="t.parquet", frame=f, format="parquet")
    >>> rechunk_table(t)
    >>> t.frame.n_chunks("all")
    [1]
    """
    if table.frame.width == 0 or table.frame.n_chunks("all") == [1] * table.frame.width:
        return
    if not one_at_a_time:
        table.frame = table.frame.rechunk()
        return
    columns = table.frame.get_columns()
    table.frame = pl.DataFrame()
    out: list[pl.Series] = []
    while columns:
        column = columns.pop(0)
        out.append(column.rechunk() if column.n_chunks() > 1 else column)
        del column
    table.frame = pl.DataFrame(out)


def _is_footer(values: Sequence[str | None]) -> bool:
    """A trailing row such as "Total: 123" or "Generated by Zammad": short text, no data.

    In tables of up to three columns, where every row is short, only the keywords count.
    """
    filled = [v for v in values if v]
    if not filled or len(filled) > 2 or (len(values) <= 3 and len(filled) > 1):
        return False
    first = filled[0]
    if not first[:1].isalpha() and not first.startswith(("(", "©")):
        return False
    if _FOOTER_RE.match(first):
        return True
    return len(values) > 3 and bool(re.match(r"^[^\d:]{2,40}:\s*\S", first))


def _finish(
    table: RawTable,
    *,
    dropped: list[tuple[int, str]],
    short: dict[int, int],
    width: int,
    generated: Sequence[bool],
    pads: bool = False,
    cut_off: bool = False,
) -> None:
    """Clean values, then drop blank rows, a footer and rows that end early (in place).

    ``short`` maps row index to field count for rows with fewer than ``width`` fields. They are
    dropped, unless ``pads`` says the export leaves out empty trailing fields; then they are
    kept, except a short last row when the file is ``cut_off`` (does not end with a line break).
    """
    frame = _clean_strings(table.frame)
    n = frame.height
    lines = table.line_numbers
    line_of = (lambda i: int(lines[i])) if lines is not None else (lambda i: i + 1)
    remove = np.zeros(n, dtype=bool)
    blank = np.zeros(n, dtype=bool)
    if n and frame.width:
        blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series().to_numpy()
        remove |= blank

    # Footer and truncated last row: look at the last non-blank rows.
    tail = [i for i in range(max(0, n - TAIL_ROWS), n) if not blank[i]]
    tail_rows = frame[tail].rows() if tail else []
    footer: list[int] = []
    for i, values in zip(reversed(tail), reversed(tail_rows), strict=True):
        if not _is_footer(values):
            break
        footer.append(i)
    footer.reverse()
    body_tail = [i for i in tail if i not in footer]
    if footer:
        remove[footer] = True
        text = " / ".join(" ".join(v for v in frame.row(i) if v) for i in footer)
        table.notes.append(f"removed a {len(footer)}-line footer after the data: {text!r}")
    last = body_tail[-1] if body_tail else -1
    padded = []
    dropped = list(dropped)
    for i in sorted(i for i in short if not remove[i]):
        if pads and not (i == last and cut_off):
            padded.append(i)
        else:
            remove[i] = True
            dropped.append((line_of(i), f"row ends early: {short[i]} of {width} fields"))
    if padded:
        table.notes.append(
            f"{_plural(len(padded), 'row')} had fewer fields than the header (first on line "
            f"{line_of(padded[0])}); their missing values were left empty"
        )
    inner_blank = int(blank.sum()) - int(blank[last + 1 :].sum()) if body_tail else 0
    if inner_blank > 0:
        table.notes.append(f"skipped {_plural(inner_blank, 'blank line')} between rows")
    if remove.any():
        keep = pl.Series(~remove)
        frame = frame.filter(keep)
        if lines is not None:
            lines = lines.filter(keep)

    # Columns without a header name that hold nothing at all.
    empty = [
        c
        for c, gen in zip(frame.columns, generated, strict=False)
        if gen and frame[c].null_count() == frame.height
    ]
    if empty:
        frame = frame.drop(empty)
        table.notes.append(f"dropped {_plural(len(empty), 'empty column')} without a header name")

    dropped = sorted(dropped)
    # Still a chunk per thread and block of Polars' reader: ``read_source`` rechunks the
    # table once the source's bytes are freed (see ``rechunk_table``).
    table.frame = frame
    table.line_numbers = lines
    table.dropped = dropped[:MAX_DROPPED_LISTED]
    table.dropped_count = len(dropped)
    if dropped:
        table.notes.append(f"dropped {_plural(len(dropped), 'row')} that could not be read")
    if n == 0:
        table.notes.append("the file has a header but no data rows")
    elif frame.height == 0:
        table.notes.append("no rows are left once the unreadable ones are dropped")
