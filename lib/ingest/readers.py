"""Read export files into raw tables of strings, without interpreting any value.

This is the first step of ``lib.ingest.load_export``: a path, ``bytes`` or an uploaded file
becomes one :class:`RawTable` per table inside it (a ``.zip`` may hold several). The format is
detected from the content (zip/xlsx, gzip, Parquet, JSON, JSON Lines, else delimited text), the
extension is only a tie-breaker. Delimited text is sniffed on its first 64 KB (encoding, delimiter,
preamble, header) and then read by Polars in one go; only a file Polars refuses (a row with too
many fields, broken quoting) goes through a slower, careful path: the csv module finds the bad
records, their lines are cut out and Polars reads the rest.

Rows that cannot be read are dropped and counted with their line and reason: a row with more
fields than the header, a quote that never closes, a row that ends early (the last row of a cut-off
upload, or half of a row broken by a stray line break). When the sample shows that the export
routinely leaves out empty trailing fields, short rows are kept with empty values instead.

Every problem with the input is raised as :class:`lib.errors.IngestError`, naming the file and,
where it helps, the line.

Example
-------
>>> t = read_source(b"Ticket export\\n\\nId;Subject\\n1; Printer on fire \\n2;\\n", name="t.csv")[0]
>>> (t.format, t.delimiter, t.header_line, t.frame.columns)
('csv', ';', 3, ['Id', 'Subject'])
>>> t.frame.rows(), t.line_numbers.to_list()
([('1', 'Printer on fire'), ('2', None)], [4, 5])
>>> t.notes
['skipped 2 lines before the header on line 3']
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import fastexcel
import numpy as np
import polars as pl

from lib.errors import IngestError

__all__ = ["RawTable", "read_many", "read_source"]

#: Bytes of a delimited file looked at to choose encoding, delimiter and header.
SAMPLE_BYTES = 64 * 1024
#: Delimiters tried, in order of preference when they explain the sample equally well.
DELIMITERS = (",", ";", "\t", "|")
#: How many dropped rows are listed individually (all are counted).
MAX_DROPPED_LISTED = 10
#: Records of the sample searched for the header line.
HEADER_SEARCH = 50
#: Rows at the end of a table checked for a footer or a truncated last row.
TAIL_ROWS = 20
#: Deepest nesting of archives followed (e.g. a .csv.gz inside a .zip).
MAX_DEPTH = 3

_CHUNK = 1 << 20
#: What Polars raises on input it cannot read (a Rust panic surfaces as a BaseException).
_POLARS_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException)
_EXPECTED_FORMATS = "a CSV, TSV, Excel, JSON, JSON Lines or Parquet file (optionally .gz or .zip)"
_TEXT_EXTS = {".csv", ".tsv", ".tab", ".txt"}
_JSON_EXTS = {".json"}
_JSONL_EXTS = {".jsonl", ".ndjson"}
_SHEET_EXTS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_PARQUET_EXTS = {".parquet", ".pq"}
_ARCHIVE_EXTS = {".gz", ".zip"}
_SUPPORTED_EXTS = (
    _TEXT_EXTS | _JSON_EXTS | _JSONL_EXTS | _SHEET_EXTS | _PARQUET_EXTS | _ARCHIVE_EXTS
)
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
#: Magic numbers of files people drop by mistake, so the message can say what they dropped.
_FOREIGN_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_FOOTER_RE = re.compile(
    r"(total|totals|grand total|sum|count|number of|generated|exported|export date|report"
    r"|printed|created (on|by|at)|rows?\b|records?\b|tickets?:|page \d|end of|source:"
    r"|copyright|\(c\)|©)",
    re.IGNORECASE,
)
_NUMERIC_RE = re.compile(r"^[\s\d.,:/+\-%$€£()]+$")
_JSON_WS = re.compile(r"[ \t\n\r]*")
_RECORD_KEYS = (
    "tickets",
    "results",
    "data",
    "items",
    "records",
    "rows",
    "incidents",
    "cases",
    "conversations",
    "issues",
    "requests",
    "value",
    "entries",
    "objects",
)


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


def read_source(
    source: Any,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
    max_members: int = 50,
) -> list[RawTable]:
    """Read one source into its tables.

    Parameters
    ----------
    source : a path (``str`` or ``Path``), ``bytes``, or a binary file-like object such as
        Streamlit's ``UploadedFile`` (``.name`` plus ``.getvalue()`` or ``.read()``).
    name : the file name to show; defaults to the path's or the object's name.
    max_bytes : most bytes the source may hold once decompressed (all archive members together);
        None for no limit. Decompression streams, so a zip bomb stops at the limit.
    max_members : most files a zip archive may hold.

    Returns
    -------
    One :class:`RawTable` per table: one for a plain or ``.gz`` file, one per supported member of
    a ``.zip``.

    Raises
    ------
    IngestError
        For any input that cannot be read; the message names the file and says what was expected.

    Example
    -------
    >>> import gzip
    >>> [t.name for t in read_source(gzip.compress(b"a,b\\n1,2\\n"), name="x.csv.gz")]
    ['x.csv.gz']
    """
    data, display = _load(source, name, max_bytes)
    return _read_blob(data, display, display, _Budget(max_bytes), max_members, depth=0)


def read_many(
    sources: Iterable[Any], *, max_bytes: int | None = None, max_members: int = 50
) -> list[RawTable]:
    """Read several sources (e.g. monthly exports) and return all their tables in order.

    ``max_bytes`` applies to each source separately.

    Example
    -------
    >>> [t.frame.height for t in read_many([b"id\\n1\\n", b"id\\n2\\n3\\n"])]
    [1, 2]
    """
    tables: list[RawTable] = []
    for source in sources:
        tables.extend(read_source(source, max_bytes=max_bytes, max_members=max_members))
    return tables


# --------------------------------------------------------------------------------------------
# Sources, archives and format detection
# --------------------------------------------------------------------------------------------


class _Budget:
    """Counts decompressed bytes of one source against ``max_bytes``."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.used = 0

    def charge(self, n: int, display: str) -> None:
        self.used += n
        if self.limit is not None and self.used > self.limit:
            raise IngestError(
                f"is larger than the limit of {_human_bytes(self.limit)} once decompressed",
                file=display,
                expected=f"at most {_human_bytes(self.limit)} of data per upload",
            )


def _human_bytes(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.4g} {unit}"
        n /= 1024
    return f"{n} GB"  # pragma: no cover


def _load(source: Any, name: str | None, max_bytes: int | None) -> tuple[bytes, str]:
    """Return the bytes of a source and the name to show for it."""
    if isinstance(source, str | Path):
        path = Path(source)
        display = name or path.name or str(path)
        try:
            if max_bytes is not None:
                _Budget(max_bytes).charge(path.stat().st_size, display)
            return path.read_bytes(), display
        except FileNotFoundError:
            raise IngestError("file not found", file=display, expected="an existing file") from None
        except IsADirectoryError:
            raise IngestError("is a folder", file=display, expected="a file") from None
        except OSError as exc:
            raise IngestError(
                f"cannot be opened ({exc.strerror or exc})",
                file=display,
                expected="a readable file",
            ) from None
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), name or "upload"
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        raw_name = getattr(source, "name", None)
        display = name or (PurePosixPath(str(raw_name)).name if raw_name else "upload")
        try:
            data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        except (OSError, ValueError) as exc:
            raise IngestError(f"cannot be read ({exc})", file=display) from None
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), display
    raise IngestError(
        f"cannot read a {type(source).__name__}",
        file=name,
        expected="a file path, bytes or an uploaded file",
    )


def _ext(hint: str) -> str:
    return PurePosixPath(hint.lower()).suffix


def _read_blob(
    data: bytes, display: str, hint: str, budget: _Budget, max_members: int, depth: int
) -> list[RawTable]:
    """Detect the format of ``data`` and read it. ``hint`` is the name used for the extension."""
    ext = _ext(hint)
    if not data:
        raise IngestError("is empty", file=display, expected=_EXPECTED_FORMATS)
    head = data[:16]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _read_zip_like(data, display, budget, max_members, depth)
    if head.startswith(b"\x1f\x8b"):
        if depth >= MAX_DEPTH:
            raise IngestError("is nested too deeply in archives", file=display)
        inner = _gunzip(data, display, budget)
        inner_hint = hint[:-3] if hint.lower().endswith(".gz") else hint + ".unpacked"
        return _read_blob(inner, display, inner_hint, budget, max_members, depth + 1)
    if depth == 0:  # archive members were charged while being extracted
        budget.charge(len(data), display)
    if head.startswith(b"PAR1"):
        return [_read_parquet(data, display)]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return [_read_spreadsheet(data, display)]
    for magic, what in _FOREIGN_MAGIC:
        if head.startswith(magic):
            raise IngestError(f"is {what}, not a table", file=display, expected=_EXPECTED_FORMATS)
    # Content that is not what its extension promised.
    if ext == ".zip" or ext in _SHEET_EXTS:
        raise IngestError(
            f"is not a valid {ext[1:]} file (its content is not a zip archive)",
            file=display,
            expected=f"a {ext[1:]} file as saved by the application",
        )
    if ext == ".gz":
        raise IngestError("is not valid gzip data", file=display, expected="a .gz file")
    if ext in _PARQUET_EXTS:
        raise IngestError(
            "is not a valid Parquet file (it lacks the PAR1 marker)",
            file=display,
            expected="a Parquet file",
        )
    return [_read_text(data, display, ext)]


def _gunzip(data: bytes, display: str, budget: _Budget) -> bytes:
    """Decompress gzip data in chunks, charging the budget as it grows."""
    chunks: list[bytes] = []
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while chunk := gz.read(_CHUNK):
                budget.charge(len(chunk), display)
                chunks.append(chunk)
    except EOFError:
        raise IngestError(
            "is a truncated gzip file (the compressed data ends early)",
            file=display,
            expected="a complete .gz file",
        ) from None
    except (OSError, zlib.error) as exc:
        raise IngestError(
            f"is not valid gzip data ({exc})", file=display, expected="a complete .gz file"
        ) from None
    return b"".join(chunks)


def _is_junk_member(filename: str) -> bool:
    path = PurePosixPath(filename)
    return (
        filename.startswith("__MACOSX/")
        or path.name.startswith(".")
        or path.name.lower() in _JUNK_NAMES
    )


def _read_zip_like(
    data: bytes, display: str, budget: _Budget, max_members: int, depth: int
) -> list[RawTable]:
    """A zip container: an Excel/ODS workbook or an archive of exports."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise IngestError(
            f"is not a valid zip archive ({exc})",
            file=display,
            expected="a complete .zip, .xlsx or .ods file",
        ) from None
    with zf:
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            kind = "a Word document" if "word/document.xml" in names else "a PowerPoint file"
            raise IngestError(f"is {kind}, not a table", file=display, expected=_EXPECTED_FORMATS)
        if "[Content_Types].xml" in names or _is_ods(zf, names):  # an Excel or ODS workbook
            if depth == 0:
                budget.charge(len(data), display)
            return [_read_spreadsheet(data, display)]
        if depth >= MAX_DEPTH:
            raise IngestError("is nested too deeply in archives", file=display)
        return _read_archive(zf, display, budget, max_members, depth)


def _is_ods(zf: zipfile.ZipFile, names: list[str]) -> bool:
    if "mimetype" not in names:
        return False
    try:
        mimetype = zf.read("mimetype")[:80]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return False
    return mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet")


def _read_archive(
    zf: zipfile.ZipFile, display: str, budget: _Budget, max_members: int, depth: int
) -> list[RawTable]:
    members = [i for i in zf.infolist() if not i.is_dir() and not _is_junk_member(i.filename)]
    if len(members) > max_members:
        raise IngestError(
            f"holds {len(members)} files, more than the limit of {max_members}",
            file=display,
            expected=f"at most {max_members} files in one archive",
        )
    wanted = [i for i in members if _ext(i.filename) in _SUPPORTED_EXTS or not _ext(i.filename)]
    skipped = [i.filename for i in members if i not in wanted]
    if not wanted:
        found = ", ".join(skipped[:5]) + (", ..." if len(skipped) > 5 else "") or "nothing"
        raise IngestError(
            f"holds no supported file (found: {found})",
            file=display,
            expected="a .csv, .tsv, .txt, .xlsx, .json, .jsonl or .parquet file inside the zip",
        )
    tables: list[RawTable] = []
    for info in wanted:
        member_display = f"{display}/{info.filename}"
        blob = _extract(zf, info, member_display, budget)
        tables.extend(
            _read_blob(blob, member_display, info.filename, budget, max_members, depth + 1)
        )
    if skipped and tables:
        tables[0].notes.append(
            f"skipped {_plural(len(skipped), 'other file')} in {display}: "
            + ", ".join(skipped[:5])
            + (", ..." if len(skipped) > 5 else "")
        )
    return tables


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, budget: _Budget) -> bytes:
    """Extract one member in chunks, so a bomb stops at the budget, not at the end."""
    if info.flag_bits & 0x1:
        raise IngestError(
            "is encrypted (password-protected)", file=display, expected="an unencrypted zip"
        )
    chunks: list[bytes] = []
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                budget.charge(len(chunk), display)
                chunks.append(chunk)
    except IngestError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        raise IngestError(
            f"could not be extracted ({exc})", file=display, expected="an undamaged zip archive"
        ) from None
    return b"".join(chunks)


# --------------------------------------------------------------------------------------------
# Text: encoding, then JSON / JSON Lines / delimited
# --------------------------------------------------------------------------------------------


def _detect_encoding(data: bytes) -> str:
    """Guess the encoding from a BOM, a UTF-16 zero-byte pattern, or UTF-8 validity."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    half = len(head) // 2
    if half >= 2:
        even_zero, odd_zero = head[0::2].count(0), head[1::2].count(0)
        if odd_zero > 0.3 * half and even_zero < 0.05 * half:
            return "utf-16-le"
        if even_zero > 0.3 * half and odd_zero < 0.05 * half:
            return "utf-16-be"
    sample = data[:SAMPLE_BYTES]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(data) <= SAMPLE_BYTES)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _transcode(data: bytes, encoding: str) -> tuple[bytes, str]:
    """Re-encode non-UTF-8 text as UTF-8; returns the bytes and the encoding really used."""
    if encoding == "cp1252":
        try:
            return data.decode("cp1252").encode("utf-8"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1").encode("utf-8"), "latin-1"
    text = data.decode(encoding, errors="replace")
    return text.lstrip("\ufeff").encode("utf-8"), encoding


def _looks_binary(sample: bytes) -> bool:
    """True when a text sample holds control bytes that no export contains."""
    if not sample:
        return False
    controls = sum(sample.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)) if b != 27)
    return controls > max(2, 0.01 * len(sample))


def _utf8_error_position(data: bytes) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence, checked in chunks (no big str)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for off in range(0, len(data), _CHUNK * 8):
        chunk = data[off : off + _CHUNK * 8]
        try:
            decoder.decode(chunk, final=off + len(chunk) >= len(data))
        except UnicodeDecodeError as exc:
            return off + exc.start
    return None


def _read_text(data: bytes, display: str, ext: str) -> RawTable:
    encoding = _detect_encoding(data)
    notes: list[str] = []
    wide = encoding.startswith(("utf-16", "utf-32"))
    if not wide and _looks_binary(data[:SAMPLE_BYTES]):
        raise IngestError(
            "looks like binary data, not a table", file=display, expected=_EXPECTED_FORMATS
        )
    if encoding not in ("utf-8", "utf-8-sig"):
        data, encoding = _transcode(data, encoding)
        why = "" if wide else " (the file is not valid UTF-8)"
        notes.append(f"decoded as {encoding}{why}")
        if not data:
            raise IngestError("is empty", file=display, expected=_EXPECTED_FORMATS)
        if wide and _looks_binary(data[:SAMPLE_BYTES]):
            raise IngestError(
                "looks like binary data, not a table", file=display, expected=_EXPECTED_FORMATS
            )
    head = data[:SAMPLE_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not head and not data.strip(b" \t\r\n\x0b\x0c\xef\xbb\xbf"):
        raise IngestError(
            "contains only blank space", file=display, expected="a header line and data rows"
        )
    if ext in _JSONL_EXTS or ext in _JSON_EXTS or (ext not in _TEXT_EXTS and head[:1] in "[{"):
        table = _read_json_text(data, display, ext, head)
        if table is not None:
            table.encoding = encoding
            table.notes[:0] = notes
            return table
    table = _read_delimited(data, display, ext, encoding, notes)
    return table


# --------------------------------------------------------------------------------------------
# Delimited text
# --------------------------------------------------------------------------------------------

Record = tuple[int, int, list[str]]  # (first line, last line, fields), lines 1-based


def _split_lines(text: str) -> Iterator[str]:
    """Physical lines ending at ``\\n`` (the ending kept), as the csv module wants them."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            if start < len(text):
                yield _protect_cr(text[start:])
            return
        yield _protect_cr(text[start : end + 1])
        start = end + 1


_CR_STANDIN = "\ue000"  # a private-use character the csv module treats as text
_BARE_CR = re.compile(r"\r(?!\n)")


def _protect_cr(line: str) -> str:
    """Hide a carriage return that does not end the line: Polars reads it as text, while the
    csv module refuses it outside quotes. :func:`_restore_cr` puts it back in the fields."""
    return _BARE_CR.sub(_CR_STANDIN, line) if "\r" in line else line


def _restore_cr(fields: list[str]) -> list[str]:
    return [f.replace(_CR_STANDIN, "\r") for f in fields]


def _records(lines: Iterable[str], delimiter: str, first_line: int = 1) -> Iterator[Record]:
    """Quote-aware records with their physical line span. Stops at a csv error."""
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False)
    consumed = 0
    try:
        for fields in reader:
            if any(_CR_STANDIN in f for f in fields):
                fields = _restore_cr(fields)
            yield first_line + consumed, first_line + reader.line_num - 1, fields
            consumed = reader.line_num
    except csv.Error:
        return


def _is_blank(fields: Sequence[str | None]) -> bool:
    return all(not (f or "").strip() for f in fields)


def _mode(counts: Sequence[int]) -> tuple[int, int]:
    """Most common count (ties go to the larger count) and how often it occurs."""
    value, n = max(Counter(counts).items(), key=lambda kv: (kv[1], kv[0]))
    return value, n


def _choose_delimiter(sample: str, complete: bool, ext: str) -> tuple[str, list[Record]]:
    """Pick the delimiter whose field counts are the most consistent over the sample."""
    preference = ("\t", ",", ";", "|") if ext in (".tsv", ".tab") else DELIMITERS
    best: tuple[tuple[bool, float, int, int], str, list[Record]] | None = None
    for rank, delimiter in enumerate(preference):
        recs = list(_records(_split_lines(sample), delimiter))
        if not complete and len(recs) > 1:
            recs.pop()  # may be cut by the end of the sample
        counts = [len(f) for _, _, f in recs if not _is_blank(f)]
        if not counts:
            continue
        width, n_width = _mode(counts)
        score = (width > 1, n_width / len(counts), width, -rank)
        if best is None or score > best[0]:
            best = (score, delimiter, recs)
    if best is None:
        return preference[0], []
    return best[1], best[2]


def _looks_like_names(fields: Sequence[str]) -> bool:
    values = [f.strip() for f in fields if f.strip()]
    if not values or len(values) < len(fields) / 2:
        return False
    numeric = sum(bool(_NUMERIC_RE.match(v)) for v in values)
    return numeric <= len(values) / 3 and len(set(values)) >= len(values) / 2


def _find_header(recs: list[Record]) -> tuple[int, int, list[str]] | None:
    """Index of the header record, the data width and the header fields (padded/trimmed)."""
    counts = [len(f) for _, _, f in recs if not _is_blank(f)]
    if not counts:
        return None
    width, _ = _mode(counts)
    data_last_empty = all(
        not f[-1].strip() for _, _, f in recs if len(f) == width and not _is_blank(f)
    )
    fallback: tuple[int, int, list[str]] | None = None
    for i, (_, _, fields) in enumerate(recs[:HEADER_SEARCH]):
        if _is_blank(fields):
            continue
        n = len(fields)
        if n == width:
            names = list(fields)
        elif n == width + 1 and not fields[-1].strip():
            names = list(fields[:-1])  # the header line ends with a stray delimiter
        elif n == width - 1 and width > 2 and data_last_empty:
            names = [*fields, ""]  # the data lines end with a stray delimiter
        else:
            continue
        if _looks_like_names(names):
            return i, width, names
        if fallback is None:
            fallback = (i, width, names)
    if fallback is None:  # no record of the dominant width near the top: take the first one
        i = next(i for i, (_, _, f) in enumerate(recs) if not _is_blank(f))
        fallback = (i, len(recs[i][2]), list(recs[i][2]))
    return fallback


def _unique_names(raw: Sequence[str]) -> list[str]:
    """Strip names, name blanks ``column_N`` and number repeats: ``Labels``, ``Labels (2)``."""
    cleaned = [
        (str(n).replace("\ufeff", "").strip() or f"column_{i}") for i, n in enumerate(raw, 1)
    ]
    taken = set(cleaned)
    seen: set[str] = set()
    out: list[str] = []
    for n in cleaned:
        if n not in seen:
            seen.add(n)
            out.append(n)
            continue
        k = 2
        while f"{n} ({k})" in taken:
            k += 1
        new = f"{n} ({k})"
        taken.add(new)
        out.append(new)
    return out


def _sample_text(data: bytes) -> tuple[str, bool]:
    """The first ~64 KB cut at a line end (longer if the first line is longer)."""
    if len(data) <= SAMPLE_BYTES:
        return data.decode("utf-8", errors="replace"), True
    cut = data.rfind(b"\n", 0, SAMPLE_BYTES)
    if cut < 0:
        cut = data.find(b"\n", SAMPLE_BYTES, 16 * SAMPLE_BYTES)
        if cut < 0:
            cut = min(len(data), 16 * SAMPLE_BYTES)
    return data[: cut + 1].decode("utf-8", errors="replace"), cut + 1 >= len(data)


def _read_delimited(
    data: bytes, display: str, ext: str, encoding: str, notes: list[str]
) -> RawTable:
    """Sniff delimiter and header on the sample, read with Polars, fall back when needed."""
    if b"\n" not in data[:SAMPLE_BYTES] and b"\r" in data[:SAMPLE_BYTES]:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        notes.append("converted old Mac line endings (CR) to line feeds")
    sample, complete = _sample_text(data)
    delimiter, recs = _choose_delimiter(sample, complete, ext)
    found = _find_header(recs)
    if found is None:
        raise IngestError(
            "contains only blank lines", file=display, expected="a header line and data rows"
        )
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

    frame, lines, short, odd_quotes = _read_fast(data, ctx)
    if frame is None and encoding in ("utf-8", "utf-8-sig"):
        bad_at = _utf8_error_position(data)
        if bad_at is not None:
            line = data.count(b"\n", 0, bad_at) + 1
            data, encoding = _transcode(data, "cp1252")
            notes.append(f"decoded as {encoding} (the file is not valid UTF-8 from line {line})")
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


def _pads_short_rows(data_recs: list[Record], width: int) -> bool:
    """True when the sample shows many rows with fewer fields than the header: some exporters
    leave out empty trailing fields, and then a short row is not damage."""
    counts = [len(f) for _, _, f in data_recs[:-1] if not _is_blank(f) and not _is_footer(f)]
    short = sum(1 for k in counts if k < width)
    return short >= 5 and short >= 0.1 * len(counts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _generated(raw_names: Sequence[str]) -> list[bool]:
    return [not str(n).replace("\ufeff", "").strip() for n in raw_names]


def _count_lines_and_quotes(data: bytes) -> tuple[int, int]:
    """Line feeds and double quotes in ``data``, counted over cache-sized chunks (faster than
    ``bytes.count``, and without a temporary the size of the file)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = quotes = 0
    for o in range(0, len(buf), 1 << 18):
        chunk = buf[o : o + (1 << 18)]
        newlines += int(np.count_nonzero(chunk == 10))
        quotes += int(np.count_nonzero(chunk == 34))
    return newlines, quotes


def _newline_positions(data: bytes, start: int = 0) -> np.ndarray:
    """Byte offsets of the line feeds from ``start`` on, found in chunks (no big temporaries)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 24
    parts = [np.flatnonzero(buf[o : o + step] == 10) + o for o in range(start, len(buf), step)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _line_offset(data: bytes, line: int, newline_count: int) -> int:
    """Byte offset where 1-based ``line`` starts, counting line feeds back from the end, so a
    line near the end of a big file is found without scanning all of it."""
    after = newline_count - (line - 1)  # line feeds at or after the start of ``line``
    buf = np.frombuffer(data, dtype=np.uint8)
    end, step = len(buf), 1 << 20
    while end > 0 and line > 1:
        start = max(0, end - step)
        found = np.flatnonzero(buf[start:end] == 10)
        if len(found) >= after + 1:
            return start + int(found[len(found) - after - 1]) + 1
        after -= len(found)
        end = start
    return 0


_Fast = tuple[pl.DataFrame | None, pl.Series | None, dict[int, int], bool]


def _read_fast(data: bytes, ctx: _DelimitedContext) -> _Fast:
    """Read with Polars: the frame, line numbers, short rows, and whether the number of quote
    characters after the header is odd (a quote left open, which Polars may read past).

    Returns no frame when Polars refuses the file, and no line numbers when rows with too few
    fields need the careful reader to be found."""
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
    newline_count, quote_count = _count_lines_and_quotes(data)
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


def _iter_lines(data: bytes, newlines: np.ndarray, offset: int) -> Iterator[str]:
    """Decoded physical lines from byte ``offset`` on, found with the line feed index."""
    j = int(np.searchsorted(newlines, offset))
    while offset < len(data):
        end = int(newlines[j]) + 1 if j < len(newlines) else len(data)
        yield _protect_cr(data[offset:end].decode("utf-8", errors="replace"))
        offset, j = end, j + 1


class _Lines:
    """Random access to the physical lines of UTF-8 bytes (0-based)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.bounds: list[int] = [0, *(_newline_positions(data) + 1).tolist()]
        if self.bounds[-1] < len(data):
            self.bounds.append(len(data))
        self.count = len(self.bounds) - 1
        self.bare_cr = b"\r" in data  # only then can a field hold the stand-in character

    def odd_quotes(self, first: int, last: int) -> bool:
        """True when 1-based lines ``first`` to ``last`` hold an odd number of quotes."""
        return self.data.count(b'"', self.bounds[first - 1], self.bounds[last]) % 2 == 1

    def iter_from(self, i: int) -> Iterator[str]:
        data, bounds = self.data, self.bounds
        for j in range(i, self.count):
            line = data[bounds[j] : bounds[j + 1]].decode("utf-8", errors="replace")
            yield _protect_cr(line) if self.bare_cr else line


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


# --------------------------------------------------------------------------------------------
# Shared clean-up: strip values, blank rows, footer, truncated last row, empty columns
# --------------------------------------------------------------------------------------------


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
    # One chunk per column: Polars' reader returns a chunk per thread and block, and a frame
    # whose columns are chunked differently (parsed columns are not) is rechunked again by
    # every later operation on it.
    table.frame = frame.rechunk() if frame.n_chunks("all") != [1] * frame.width else frame
    table.line_numbers = lines
    table.dropped = dropped[:MAX_DROPPED_LISTED]
    table.dropped_count = len(dropped)
    if dropped:
        table.notes.append(f"dropped {_plural(len(dropped), 'row')} that could not be read")
    if n == 0:
        table.notes.append("the file has a header but no data rows")
    elif frame.height == 0:
        table.notes.append("no rows are left once the unreadable ones are dropped")


# --------------------------------------------------------------------------------------------
# JSON and JSON Lines
# --------------------------------------------------------------------------------------------


def _read_json_text(data: bytes, display: str, ext: str, head: str) -> RawTable | None:
    """Read JSON or JSON Lines; None when the content is not JSON but may be delimited text."""
    try:
        return _parse_json_text(data, display, ext, head)
    except RecursionError:
        raise IngestError(
            "holds JSON nested too deeply to read",
            file=display,
            expected="ticket records nested at most a few hundred levels",
        ) from None


def _parse_json_text(data: bytes, display: str, ext: str, head: str) -> RawTable | None:
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if ext in _JSONL_EXTS:
        return _read_jsonl(text, display)
    if not head.startswith("["):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and exc.lineno > 1:
                return _read_jsonl(text, display)
            if ext in _JSON_EXTS:
                raise _json_error(exc, display) from None
            return None
        return _json_records_table(obj, display)
    try:
        return _read_json_array(text, display)
    except IngestError:
        if ext in _JSON_EXTS:
            raise
        return None


def _json_error(exc: json.JSONDecodeError, display: str) -> IngestError:
    return IngestError(
        f"is not valid JSON: {exc.msg} (column {exc.colno})",
        file=display,
        row=exc.lineno,
        expected="a JSON array of objects, an object holding one, or JSON Lines",
    )


def _read_json_array(text: str, display: str) -> RawTable:
    """A top-level array read element by element, so each record knows its line and a file
    cut off in the middle keeps its complete records."""
    decoder = json.JSONDecoder()
    i = _JSON_WS.match(text).end() + 1  # past "["
    line, line_pos = 1, 0
    records: list[Any] = []
    lines: list[int] = []
    dropped: list[tuple[int, str]] = []
    cut_off = not text.rstrip().endswith("]")
    while True:
        i = _JSON_WS.match(text, i).end()
        line += text.count("\n", line_pos, i)
        line_pos = i
        if i >= len(text):
            break  # the array is never closed: the file is cut off
        if text[i] == "]":
            rest = text[i + 1 :].strip()
            if rest:
                raise _json_error(json.JSONDecodeError("Extra data", text, i + 1), display)
            break
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            if cut_off:
                dropped.append((line, "record is cut off: the file ends before it is complete"))
                break
            raise _json_error(exc, display) from None
        records.append(obj)
        lines.append(line)
        i = _JSON_WS.match(text, end).end()
        if i < len(text) and text[i] == ",":
            i += 1
        elif i < len(text) and text[i] != "]":
            raise _json_error(json.JSONDecodeError("Expecting ',' delimiter", text, i), display)
    return _records_table(records, lines, display, "json", dropped=dropped, header_line=0)


def _json_records_table(obj: Any, display: str) -> RawTable:
    """A JSON document that is not a top-level array: find its list of records."""
    notes: list[str] = []
    records = obj
    if isinstance(obj, dict):
        candidates = {k: v for k, v in obj.items() if _is_record_list(v)}
        if not candidates:  # one level deeper, e.g. {"data": {"tickets": [...]}}
            for k, v in obj.items():
                if isinstance(v, dict):
                    for k2, v2 in v.items():
                        if _is_record_list(v2):
                            candidates[f"{k}.{k2}"] = v2
        if not candidates:
            raise IngestError(
                "holds a JSON object without a list of records",
                file=display,
                expected='an array of objects, or an object such as {"tickets": [...]}',
            )
        preferred = [k for k in candidates if k.rsplit(".", 1)[-1].lower() in _RECORD_KEYS]
        key = max(preferred or candidates, key=lambda k: len(candidates[k]))
        records = candidates[key]
        if len(obj) > 1 or "." in key:
            notes.append(f"read the list of records under {key!r}")
    elif not isinstance(obj, list):
        raise IngestError(
            "holds a single JSON value, not records",
            file=display,
            expected="an array of objects",
        )
    table = _records_table(records, None, display, "json", dropped=[], header_line=0)
    table.notes[:0] = notes
    return table


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _read_jsonl(text: str, display: str) -> RawTable:
    records: list[Any] = []
    lines: list[int] = []
    dropped: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            records.append(json.loads(raw))
            lines.append(number)
        except json.JSONDecodeError as exc:
            dropped.append((number, f"not valid JSON: {exc.msg} (column {exc.colno})"))
    if not records and dropped:
        line, reason = dropped[0]
        raise IngestError(
            f"is not valid JSON Lines: {reason}",
            file=display,
            row=line,
            expected="one JSON object per line",
        )
    return _records_table(records, lines, display, "jsonl", dropped=dropped, header_line=0)


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _flatten(record: dict[str, Any], prefix: str, out: dict[str, str | None]) -> None:
    """Nested objects become dotted names; lists of scalars are joined with ", "."""
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if value:
                _flatten(value, name + ".", out)
            else:
                out[name] = None
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                joined = ", ".join(t for v in value if (t := _scalar_text(v)) is not None)
                out[name] = joined or None
            else:
                out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = _scalar_text(value)


def _records_table(
    records: Sequence[Any],
    lines: list[int] | None,
    display: str,
    fmt: str,
    *,
    dropped: list[tuple[int, str]],
    header_line: int,
) -> RawTable:
    columns: dict[str, list[str | None]] = {}
    kept_lines: list[int] = []
    dropped = list(dropped)
    n = 0
    for index, record in enumerate(records):
        line = lines[index] if lines is not None else index + 1
        if not isinstance(record, dict):
            kind = "an array" if isinstance(record, list) else f"a {type(record).__name__}"
            dropped.append((line, f"record is {kind}, not an object"))
            continue
        flat: dict[str, str | None] = {}
        _flatten(record, "", flat)
        for key, value in flat.items():
            col = columns.get(key)
            if col is None:
                col = columns[key] = [None] * n
            col.append(value)
        n += 1
        for col in columns.values():
            if len(col) < n:
                col.append(None)
        kept_lines.append(line)
    if n == 0 and not columns:
        raise IngestError(
            "holds no records" if not dropped else "holds no JSON objects",
            file=display,
            expected="at least one JSON object with the ticket's fields",
        )
    names = _unique_names(list(columns))
    frame = pl.DataFrame(
        dict(zip(names, columns.values(), strict=True)),
        schema=dict.fromkeys(names, pl.String),
    )
    table = RawTable(
        name=display,
        frame=frame,
        format=fmt,
        encoding="utf-8",
        header_line=header_line,
        line_numbers=pl.Series("line", kept_lines, dtype=pl.Int64) if lines is not None else None,
    )
    _finish(table, dropped=dropped, short={}, width=len(names), generated=[False] * len(names))
    return table


# --------------------------------------------------------------------------------------------
# Spreadsheets and Parquet
# --------------------------------------------------------------------------------------------


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


def _read_parquet(data: bytes, display: str) -> RawTable:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (*_POLARS_ERRORS, OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IngestError(
            f"is not a readable Parquet file ({first})", file=display, expected="a Parquet file"
        ) from None
    while structs := [c for c, t in frame.schema.items() if isinstance(t, pl.Struct)]:
        for c in structs:
            fields = [f.name for f in frame.schema[c].fields]  # type: ignore[union-attr]
            frame = frame.with_columns(
                pl.col(c).struct.rename_fields([f"{c}.{f}" for f in fields])
            ).unnest(c)
    names = _unique_names(frame.columns)
    if names != frame.columns:
        frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    table = RawTable(name=display, frame=frame, format="parquet", header_line=0)
    table.frame = _clean_strings(frame)
    if frame.height == 0:
        table.notes.append("the file has columns but no rows")
    return table
