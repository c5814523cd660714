"""Reading a source: detect its format from the content and dispatch to the format's reader;
gzip and zip containers are unpacked in chunks against the size budget, archive members
read in turn.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from lib.errors import IngestError
from lib.ingest.readers._common import (
    _CHUNK,
    _EXPECTED_FORMATS,
    _PARQUET_EXTS,
    _SHEET_EXTS,
    _SUPPORTED_EXTS,
    _plural,
)
from lib.ingest.readers.blocks import Counts
from lib.ingest.readers.encoding import _detect_encoding
from lib.ingest.readers.excel import _read_spreadsheet
from lib.ingest.readers.html_table import html_table_csv, looks_like_html
from lib.ingest.readers.limits import Limits
from lib.ingest.readers.parquet import _read_parquet
from lib.ingest.readers.sources import _Budget, _load
from lib.ingest.readers.table import RawTable
from lib.ingest.readers.text import _read_text
from lib.ingest.readers.xml_docs import read_xml, xml_kind

#: Deepest nesting of archives followed (e.g. a .csv.gz inside a .zip).
MAX_DEPTH = 3

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


def read_source(
    source: Any,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
    max_members: int = 50,
    limits: Limits | None = None,
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
    limits : most rows, columns and estimated memory per table, checked before a table is
        materialised (default: :meth:`Limits.from_env`).

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
    data, display, counts = _load(source, name, max_bytes)
    budget = _Budget(max_bytes, limits or Limits.from_env())
    # The columns keep the chunks Polars' reader made (one per thread and block): copying
    # them into one chunk each cost a fifth of the import (see ``lib.schema.
    # first_column_whole`` for why later operations do not copy them either).
    return _read_blob(data, display, display, budget, max_members, depth=0, counts=counts)


def read_many(
    sources: Iterable[Any],
    *,
    max_bytes: int | None = None,
    max_members: int = 50,
    limits: Limits | None = None,
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
        tables.extend(
            read_source(source, max_bytes=max_bytes, max_members=max_members, limits=limits)
        )
    return tables


def _ext(hint: str) -> str:
    return PurePosixPath(hint.lower()).suffix


def _read_blob(
    data: bytes,
    display: str,
    hint: str,
    budget: _Budget,
    max_members: int,
    depth: int,
    counts: Counts | None = None,
) -> list[RawTable]:
    """Detect the format of ``data`` and read it. ``hint`` is the name used for the extension;
    ``counts``: the line feeds and quotes of ``data`` when counted while it was read."""
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
        return [_read_parquet(data, display, budget.limits)]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return [_read_spreadsheet(data, display, budget.limits)]
    for magic, what in _FOREIGN_MAGIC:
        if head.startswith(magic):
            raise IngestError(f"is {what}, not a table", file=display, expected=_EXPECTED_FORMATS)
    if ext in _SHEET_EXTS and looks_like_html(data):
        # Jira Server's "Export > Excel": an HTML page named .xls
        found = html_table_csv(data, _detect_encoding(data))
        if found is not None:
            table_csv, jira = found
            table = _read_text(table_csv, display, ".csv", budget.limits)
            whose = " (Jira's Export > Excel)" if jira else ""
            table.notes.insert(0, f"read the table of an HTML page saved as {ext}{whose}")
            return [table]
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
    kind = xml_kind(data, ext)
    if kind is not None:
        return [read_xml(data, display, budget.limits, kind)]
    return [_read_text(data, display, ext, budget.limits, counts)]


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
            return [_read_spreadsheet(data, display, budget.limits)]
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
            expected="a .csv, .tsv, .txt, .xlsx, .json, .jsonl, .parquet or .xes file in the zip",
        )
    tables: list[RawTable] = []
    for info in wanted:
        member_display = f"{display}/{info.filename}"
        blob = _extract(zf, info, member_display, budget)
        if _ext(info.filename) == ".xml" and xml_kind(blob, ".xml") == "other":
            skipped.append(info.filename)  # a manifest or settings file beside the export
            continue
        tables.extend(
            _read_blob(blob, member_display, info.filename, budget, max_members, depth + 1)
        )
    if not tables:
        raise IngestError(
            f"holds no supported file (found: {', '.join(skipped[:5])})",
            file=display,
            expected="a .csv, .tsv, .txt, .xlsx, .json, .jsonl, .parquet or .xes file in the zip",
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
