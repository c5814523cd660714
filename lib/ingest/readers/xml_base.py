"""What the XML readers share: expat fed in chunks with a message naming the line where the
document breaks, element names without their namespace, and columns built row by row.
"""

from __future__ import annotations

from typing import Protocol
from xml.parsers import expat

from lib.errors import IngestError
from lib.ingest.readers._common import _CHUNK
from lib.ingest.readers.json_records import _frame_table
from lib.ingest.readers.limits import CELL_BYTES, Limits, check_columns, check_rows, reserve
from lib.ingest.readers.table import RawTable

#: Why a document type declaration is refused (its entities could expand without bound).
DOCTYPE_REFUSED = (
    "is an XML file with a document type declaration, which is not read "
    "(entities could expand without bound)"
)


class _Doctype(Exception):
    """Raised from expat's callback when the document declares a document type."""


def _refuse_doctype(*_: object) -> None:
    raise _Doctype


class Handler(Protocol):
    """Expat's element callbacks."""

    def start(self, tag: str, attrs: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...


def local_name(tag: str, cache: dict[str, str]) -> str:
    """An element's name without its namespace, lower case, remembered in ``cache``.

    >>> local_name("http://www.xes-standard.org/}Trace", {})
    'trace'
    """
    name = cache.get(tag)
    if name is None:
        name = cache[tag] = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
    return name


class Columns:
    """Cells added one row at a time; each column keeps only the rows that have it.

    >>> c = Columns("x.xml", Limits())
    >>> c.add_row([("a", "1")]); c.add_row([("b", "2")])
    >>> c.table("xml").frame.rows()
    [('1', None), (None, '2')]
    """

    def __init__(self, display: str, limits: Limits) -> None:
        self.display, self.limits = display, limits
        self.cells: dict[str, tuple[list[int], list[str | None]]] = {}
        self.n = 0

    def add_row(self, items: list[tuple[str, str | None]]) -> None:
        cells = self.cells
        for key, value in items:
            column = cells.get(key)
            if column is None:
                column = cells[key] = ([], [])
                if len(cells) > self.limits.max_columns:
                    check_columns(self.display, len(cells), self.limits)
            column[0].append(self.n)
            column[1].append(value)
        self.n += 1
        if self.n % 10_000 == 0:
            check_rows(self.display, self.n, self.limits)

    def table(self, fmt: str) -> RawTable:
        check_rows(self.display, self.n, self.limits)
        with reserve(self.display, self.n * len(self.cells) * CELL_BYTES, self.limits):
            return _frame_table(
                self.cells, self.n, None, self.display, fmt, dropped=[], header_line=0
            )


def expat_parse(
    data: bytes, display: str, handler: Handler, expected: str, *, text: object = None
) -> int | None:
    """Run expat over ``data`` with ``handler``'s callbacks (and ``text`` as the character
    data callback, when given). A document cut short (an upload or copy that stopped) returns
    the line where it ends, the records before it read; any other break is an IngestError
    naming the line."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_doctype  # anywhere, not only near the top
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    if text is not None:
        parser.buffer_text = True
        parser.CharacterDataHandler = text
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.Parse(data[offset : offset + _CHUNK], False)
        parser.Parse(b"", True)
    except _Doctype:
        raise IngestError(DOCTYPE_REFUSED, file=display, expected=expected) from None
    except expat.ExpatError as exc:
        line, column, reason = exc.lineno, exc.offset, expat.errors.messages[exc.code]
        if line >= data.rstrip().count(b"\n") + 1:
            return line
        what = f"is not well-formed XML at line {line}, column {column + 1} ({reason})"
        raise IngestError(what, file=display, expected=expected) from None
    return None


def cut_short(table: RawTable, line: int | None, what: str) -> None:
    """Tell the user that the document ended early and the record it cut was left out."""
    if line is None:
        return
    table.notes.append(
        f"the file ends before its XML is complete, at line {line} (cut short?): the "
        f"{table.frame.height:,} complete {what} before it were read, the one it cut was left out"
    )
    table.dropped.append((line, "cut off by the end of the file"))
    table.dropped_count += 1


def refuse_cut(display: str, line: int | None, expected: str) -> None:
    """A document cut short before its first complete record holds nothing to read."""
    if line is not None:
        raise IngestError(
            f"ends before its XML is complete, at line {line} (a file cut short?)",
            file=display,
            expected=expected,
        )
