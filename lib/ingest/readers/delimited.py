"""Delimited text (CSV, TSV, any delimiter): read by Polars in one go after sniffing, with true
line numbers despite quoted line breaks; a file Polars refuses or may misread goes through a
careful path that finds the unreadable records with the csv module and drops them.
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from lib.errors import IngestError
from lib.ingest.readers._common import _POLARS_ERRORS, _plural
from lib.ingest.readers.blocks import Counts
from lib.ingest.readers.csv_records import _CR_STANDIN, Record, _records, _restore_cr
from lib.ingest.readers.encoding import (
    SAMPLE_BYTES,
    _transcode,
    _utf8_error_position,
    described,
    single_byte_encoding,
)
from lib.ingest.readers.limits import CELL_BYTES, Limits, check_columns, check_rows, reserve
from lib.ingest.readers.line_index import (
    _count_lines_and_quotes,
    _iter_lines,
    _line_offset,
    _Lines,
    _newline_positions,
)
from lib.ingest.readers.names import _generated, _looks_like_names, _unique_names
from lib.ingest.readers.sniff import (
    _choose_delimiter,
    _find_header,
    _is_blank,
    _pads_short_rows,
    _sample_text,
)
from lib.ingest.readers.table import TAIL_ROWS, RawTable, _finish


def _read_delimited(
    data: bytes,
    display: str,
    ext: str,
    encoding: str,
    notes: list[str],
    limits: Limits | None = None,
    counts: Counts | None = None,
) -> RawTable:
    """Sniff delimiter and header on the sample, check the size against ``limits``, read with
    Polars, fall back when needed. ``counts``: the line feeds and quotes of ``data`` when
    already counted."""
    limits = limits or Limits.from_env()
    if b"\n" not in data[:SAMPLE_BYTES] and b"\r" in data[:SAMPLE_BYTES]:
        counts = None
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        notes.append("converted old Mac line endings (CR) to line feeds")
    sample, complete = _sample_text(data)
    delimiter, recs = _choose_delimiter(sample, complete, ext)
    found = _find_header(recs)
    if found is None:
        raise IngestError(
            "contains only blank lines", file=display, expected="a header line and data rows"
        )
    h, width, _ = found
    header_first, header_last, _ = recs[h]
    check_columns(display, max(width, _header_fields(data, header_first, delimiter)), limits)
    counts = counts or _count_lines_and_quotes(data)
    rows = counts[0] - header_last + (0 if data.endswith(b"\n") else 1)
    check_rows(display, rows, limits)
    with reserve(display, rows * width * CELL_BYTES + len(data), limits):
        return _read_sniffed(data, display, encoding, notes, delimiter, recs, found, counts)


def _header_fields(data: bytes, line: int, delimiter: str) -> int:
    """Most fields the header on 1-based ``line`` can have: its delimiters plus one, counted
    on the whole line (the sample may have cut a very long header short).

    >>> _header_fields(b"x\\na,b,c\\n1,2,3\\n", 2, ",")
    3
    """
    start = 0
    for _ in range(line - 1):
        start = data.find(b"\n", start) + 1
    end = data.find(b"\n", start)
    return data.count(delimiter.encode(), start, end if end >= 0 else len(data)) + 1


def _read_sniffed(
    data: bytes,
    display: str,
    encoding: str,
    notes: list[str],
    delimiter: str,
    recs: list[Record],
    found: tuple[int, int, list[str]],
    counts: tuple[int, int],
) -> RawTable:
    """Read the file whose delimiter and header (``found``: record index in the sample
    ``recs``, width, names) are known; ``counts`` are its line feeds and quotes."""
    h, width, raw_names = found
    header_first, header_last, _ = recs[h]
    if not _looks_like_names(raw_names):
        notes.append(f"no line looks like column names; used line {header_first} as the header")
    blank_before = sum(1 for _, _, f in recs[:h] if _is_blank(f))
    if header_first > 1:
        what = "blank line" if blank_before == h else "line"
        notes.append(
            f"skipped {_plural(header_first - 1, what)} before the header on line {header_first}"
        )
    names = _unique_names(raw_names)
    ctx = _DelimitedContext(
        delimiter,
        width,
        header_last,
        pads=_pads_short_rows(recs[h + 1 :], width),
        multiline=sorted(
            {i for _, _, f in recs[h + 1 :] for i, v in enumerate(f[:width]) if "\n" in v}
        ),
    )

    frame, lines, short, odd_quotes = _read_fast(data, ctx, counts)
    if frame is None and encoding in ("utf-8", "utf-8-sig"):
        bad_at = _utf8_error_position(data)
        if bad_at is not None:
            line = data.count(b"\n", 0, bad_at) + 1
            window = data[max(0, bad_at - SAMPLE_BYTES // 2) : bad_at + SAMPLE_BYTES // 2]
            data, encoding = _transcode(data, single_byte_encoding(window, header=data[:4096]))
            notes.append(
                f"decoded as {described(encoding)} (the file is not valid UTF-8 from line {line})"
            )
            frame, lines, short, odd_quotes = _read_fast(data, ctx)
    dropped: list[tuple[int, str]] = []
    if frame is None or lines is None or odd_quotes:
        polars_read = (frame, lines, short) if frame is not None and lines is not None else None
        frame, lines, dropped, short = _read_careful(data, ctx, polars_read)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    table = RawTable(
        name=display,
        frame=frame,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_first,
        line_numbers=lines,
        notes=notes,
    )
    _finish(
        table,
        dropped=dropped,
        short=short,
        width=width,
        generated=_generated(raw_names),
        pads=ctx.pads,
        cut_off=not data.endswith(b"\n"),
    )
    return table


@dataclass
class _DelimitedContext:
    delimiter: str
    width: int
    skip: int  # physical lines up to and including the header
    pads: bool  # the export leaves out empty trailing fields: short rows are normal
    multiline: list[int]  # columns whose values held line breaks in the sample

    @property
    def columns(self) -> list[str]:
        return [f"c{i}" for i in range(self.width)]


_Fast = tuple[pl.DataFrame | None, pl.Series | None, dict[int, int], bool]


def _read_fast(data: bytes, ctx: _DelimitedContext, counts: tuple[int, int] | None = None) -> _Fast:
    """Read with Polars: the frame, line numbers, short rows, and whether the number of quote
    characters after the header is odd (a quote left open, which Polars may read past).

    Returns no frame when Polars refuses the file, and no line numbers when rows with too few
    fields need the careful reader to be found. ``counts``: the line feeds and quotes of
    ``data`` when already counted."""
    schema = dict.fromkeys(ctx.columns, pl.String)
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            skip_lines=ctx.skip,
            schema=schema,
            separator=ctx.delimiter,
            quote_char='"',
            empty_string_is_null=True,
            truncate_ragged_lines=False,
            raise_if_empty=False,
            encoding="utf8",
        )
    except _POLARS_ERRORS:
        return None, None, {}, False
    n = frame.height
    newline_count, quote_count = counts or _count_lines_and_quotes(data)
    header_end = 0
    for _ in range(ctx.skip):
        header_end = data.find(b"\n", header_end) + 1
    odd_quotes = (quote_count - data.count(b'"', 0, header_end)) % 2 == 1
    lines_after = newline_count - ctx.skip + (0 if data.endswith(b"\n") else 1)
    first = ctx.skip + 1
    lines = pl.int_range(first, first + n, dtype=pl.Int64, eager=True).alias("line")
    if n != lines_after and n:  # quoted line breaks push every later row further down
        inside = _breaks_per_row(frame, lines_after - n, ctx.multiline)
        lines = lines + (inside.cum_sum() - inside)
    short = _short_rows(data, newline_count, frame, lines, ctx)
    if short is None:
        return frame, None, {}, odd_quotes
    return frame, lines, short, odd_quotes


def _breaks_per_row(frame: pl.DataFrame, total: int, likely: Sequence[int]) -> pl.Series:
    """Line breaks inside each row's values. Columns that held line breaks in the sample are
    counted first, and counting stops once ``total`` (known from the file) is accounted for."""
    order = [*likely, *(i for i in range(frame.width) if i not in likely)]
    inside = pl.zeros(frame.height, dtype=pl.Int64, eager=True)
    found = 0
    for i in order:
        counts = frame.to_series(i).str.count_matches("\n", literal=True).fill_null(0)
        inside = inside + counts.cast(pl.Int64)
        found += int(counts.sum())
        if found >= total:
            break
    return inside


#: Rows with an empty last value re-parsed to see whether they are short (see _short_rows).
MAX_VERIFY = 2000


def _short_rows(
    data: bytes, newline_count: int, frame: pl.DataFrame, lines: pl.Series, ctx: _DelimitedContext
) -> dict[int, int] | None:
    """Field counts of the rows that have fewer fields than the header.

    Polars fills missing fields with nulls, so a short row is one whose last value is empty;
    those rows (all of them, or an even spread of ``MAX_VERIFY`` plus the last ones) are
    parsed again from their first line with the csv module. Returns None when a spread sample
    finds short rows in the middle: then only reading every row tells which ones.
    """
    n = frame.height
    last = frame.columns[-1] if frame.width else None
    if n == 0 or last is None or not frame.get_column(last).has_nulls():
        return {}
    empty_last = frame.select(pl.arg_where(pl.col(last).is_null())).to_series()
    filled = frame[empty_last].select(~pl.all_horizontal(pl.all().is_null())).to_series()
    rows = empty_last.filter(filled).to_list()
    tail_start = n - TAIL_ROWS
    sampled = len(rows) > MAX_VERIFY
    if sampled and ctx.pads:
        rows = [r for r in rows if r >= tail_start]
    elif sampled:
        step = len(rows) / MAX_VERIFY
        spread = {rows[int(i * step)] for i in range(MAX_VERIFY)}
        rows = sorted(spread | {r for r in rows if r >= tail_start})
    if not rows:
        return {}
    first_line = int(lines[rows[0]])
    base = _line_offset(data, first_line, newline_count)
    newlines = _newline_positions(data, base)  # only from the first row to check on
    short: dict[int, int] = {}
    for row in rows:
        line = int(lines[row])
        offset = base if line == first_line else int(newlines[line - first_line - 1]) + 1
        rec = next(_records(_iter_lines(data, newlines, offset), ctx.delimiter, line), None)
        if rec is not None and 0 < len(rec[2]) < ctx.width:
            short[row] = len(rec[2])
    if sampled and not ctx.pads and any(r < tail_start for r in short):
        return None
    return short


def _read_careful(
    data: bytes,
    ctx: _DelimitedContext,
    polars_read: tuple[pl.DataFrame, pl.Series, dict[int, int]] | None = None,
) -> tuple[pl.DataFrame, pl.Series, list[tuple[int, str]], dict[int, int]]:
    """Read a file Polars refused or may have misread: find the unreadable records with the
    csv module, cut their lines out and let Polars read the rest; build the rows in Python only
    if Polars still refuses (for quoting the two parsers read differently). ``polars_read`` is
    Polars' own result, used when the csv module finds nothing wrong."""
    lines = _Lines(data)
    starts: array[int] = array("q")
    ends: array[int] = array("q")

    def locate(fields: list[str], start: int, end: int) -> None:
        starts.append(start)
        ends.append(end)

    dropped = _scan(lines, ctx, locate)
    if not dropped and polars_read is not None:
        frame, line_numbers, short = polars_read
        return frame, line_numbers, [], short
    if dropped:
        found = _read_without(data, lines, ctx, starts, ends)
        if found is not None:
            return (*found[:2], dropped, found[2])

    short: dict[int, int] = {}
    frames: list[pl.DataFrame] = []
    rows: list[list[str | None]] = []
    row_lines: list[int] = []

    def build(fields: list[str], start: int, end: int) -> None:
        if len(fields) < ctx.width:
            short[len(row_lines)] = len(fields)
            fields = fields + [None] * (ctx.width - len(fields))  # type: ignore[list-item]
        rows.append(fields)  # type: ignore[arg-type]
        row_lines.append(start)
        if len(rows) >= 50_000:
            frames.append(_rows_frame(rows, ctx.columns))
            rows.clear()

    dropped = _scan(lines, ctx, build)
    if rows or not frames:
        frames.append(_rows_frame(rows, ctx.columns))
    frame = pl.concat(frames) if len(frames) > 1 else frames[0]
    return frame, pl.Series("line", row_lines, dtype=pl.Int64), dropped, short


def _scan(
    lines: _Lines, ctx: _DelimitedContext, keep: Callable[[list[str], int, int], None]
) -> list[tuple[int, str]]:
    """Walk every record after the header with the csv module; call ``keep(fields, first line,
    last line)`` for each readable one and return ``(line, reason)`` for the others.

    A record that spans several lines and has the wrong number of fields, or an odd number of
    quote characters, is most likely an unbalanced quote: it is dropped from its first line and
    parsing restarts on the next line, so rows after the broken one are kept. Pieces of the
    broken record that still do not parse are counted with it, not as separate rows.
    """
    width = ctx.width
    dropped: list[tuple[int, str]] = []
    suspect_end = -1  # last line (1-based) of the latest broken record
    broken_at = -1  # index in ``dropped`` of the latest broken record
    pos = ctx.skip  # 0-based index of the next line to parse
    while pos < lines.count:
        restart: int | None = None
        reader = csv.reader(lines.iter_from(pos), delimiter=ctx.delimiter, strict=False)
        consumed = 0
        try:
            for fields in reader:
                start, end = pos + consumed + 1, pos + reader.line_num
                consumed = reader.line_num
                if lines.bare_cr and any(_CR_STANDIN in f for f in fields):
                    fields = _restore_cr(fields)
                if not fields:
                    fields = [""]  # a blank line: kept so the clean-up counts it like Polars'
                k = len(fields)
                whole = k == width and not (end > start and lines.odd_quotes(start, end))
                if whole or (k < width and end == start):
                    if start <= suspect_end and whole and broken_at >= 0:
                        line, _ = dropped[broken_at]
                        dropped[broken_at] = (line, _BROKEN_QUOTE)
                    if start <= suspect_end and not whole:
                        continue  # a piece of the broken record
                    keep(fields, start, end)
                    continue
                if start <= suspect_end:
                    if end > suspect_end:
                        suspect_end = end
                        if end > start:
                            restart = start  # 0-based index of the line after ``start``
                            break
                    continue
                if end > start:  # wrong count or odd quotes over several lines
                    if k == width:
                        reason = _BROKEN_QUOTE
                    elif k < width:
                        reason = f"row ends early: {k} of {width} fields"
                    else:
                        reason = f"too many fields: {k} of {width}"
                    dropped.append((start, reason))
                    broken_at = len(dropped) - 1
                    suspect_end = end
                    restart = start
                    break
                dropped.append((start, f"too many fields: {k} of {width}"))
        except csv.Error as exc:
            start = pos + consumed + 1
            reason = _BROKEN_QUOTE if "field limit" in str(exc) else f"cannot be parsed ({exc})"
            dropped.append((start, reason))
            restart = start
        if restart is None:
            break
        pos = restart
    return dropped


def _read_without(
    data: bytes, lines: _Lines, ctx: _DelimitedContext, starts: array[int], ends: array[int]
) -> tuple[pl.DataFrame, pl.Series, dict[int, int]] | None:
    """Polars on the file without the lines of unreadable records; line numbers mapped back."""
    import numpy as np  # on first use: see lib/ingest/readers/blocks.py

    first = np.frombuffer(starts, dtype=np.int64) - 1  # 0-based first line of each kept record
    last = np.frombuffer(ends, dtype=np.int64)  # 0-based line after each kept record
    marks = np.zeros(lines.count + 1, dtype=np.int64)
    np.add.at(marks, first, 1)
    np.add.at(marks, last, -1)
    keep = np.cumsum(marks[:-1]) > 0
    keep[: ctx.skip] = True
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.view(np.int8), [0]))))
    bounds = lines.bounds
    cleaned = b"".join(
        data[bounds[a] : bounds[b]] for a, b in zip(edges[0::2], edges[1::2], strict=True)
    )
    frame, cleaned_lines, short, _ = _read_fast(cleaned, ctx)
    if frame is None or cleaned_lines is None:
        return None
    original = np.flatnonzero(keep) + 1  # 1-based line in the file of each kept line
    mapped = original[cleaned_lines.to_numpy() - 1]
    return frame, pl.Series("line", mapped, dtype=pl.Int64), short


_BROKEN_QUOTE = "unbalanced quote: a quoted value that opens on this line is never closed properly"


def _rows_frame(rows: list[list[str | None]], columns: list[str]) -> pl.DataFrame:
    values = zip(*rows, strict=True) if rows else ([] for _ in columns)
    return pl.DataFrame(
        {c: list(v) for c, v in zip(columns, values, strict=True)},
        schema=dict.fromkeys(columns, pl.String),
    )
