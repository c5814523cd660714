"""XES event logs (the IEEE 1849 XML format process-mining tools write: ProM, pm4py, Disco,
Celonis, Apromore): one row per event, the trace's attributes as ``case:<key>`` columns and the
event's own as ``<key>`` (the names pm4py gives a log turned into a table, so the event-log
path reads ``case:concept:name``, ``concept:name``, ``time:timestamp`` and ``org:resource`` as
it does from a CSV).

Only the attributes directly under a trace or an event are read: the children of a nested
attribute, a ``<list>`` or a ``<container>`` are not columns. The parser is Python's expat,
fed in chunks; a document type declaration is refused before parsing (no entity expansion).
"""

from __future__ import annotations

import re
from xml.parsers import expat

from lib.errors import IngestError
from lib.ingest.readers._common import _CHUNK, _plural
from lib.ingest.readers.json_records import _frame_table
from lib.ingest.readers.limits import CELL_BYTES, Limits, check_columns, check_rows, reserve
from lib.ingest.readers.table import RawTable

#: XES attribute elements whose ``value`` is a cell.
_VALUE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id"})
_EXPECTED = "an XES event log (<log> with <trace> and <event> elements)"
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(\?xml|log[\s>]|!--)", re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s>/]")


def looks_like_xml(data: bytes, ext: str) -> bool:
    """True for an XML document: an ``.xes``/``.xml`` name, or text that opens as XML.

    >>> looks_like_xml(b'<?xml version="1.0"?><log/>', ".csv"), looks_like_xml(b"a,b", ".csv")
    (True, False)
    """
    if ext in (".xes", ".xml"):
        return True
    return bool(_XML_START.match(data[:256]))


def _root_name(data: bytes) -> str | None:
    """The first element's name, after the declaration, comments and processing instructions."""
    head = data[:65536]
    for match in _ROOT.finditer(head):
        start = match.start()
        if head[start + 1 : start + 2] in (b"?", b"!"):
            continue
        return match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()
    return None


def read_xes(data: bytes, display: str, limits: Limits) -> RawTable:
    """Read an XES log into one row per event.

    Example
    -------
    >>> xes = (b'<log xes.version="1.0"><trace><string key="concept:name" value="C1"/>'
    ...        b'<event><string key="concept:name" value="Open"/>'
    ...        b'<date key="time:timestamp" value="2024-01-02T10:00:00+01:00"/></event>'
    ...        b'</trace></log>')
    >>> read_xes(xes, "log.xes", Limits()).frame.rows()
    [('C1', 'Open', '2024-01-02T10:00:00+01:00')]
    """
    if re.search(rb"<!DOCTYPE", data[:65536], re.IGNORECASE):
        raise IngestError(
            "is an XML file with a document type declaration, which is not read "
            "(entities could expand without bound)",
            file=display,
            expected=_EXPECTED,
        )
    root = _root_name(data)
    if root is None or root != "log":
        what = f"its root element is <{root}>" if root else "no XML element was found"
        raise IngestError(
            f"is XML but not an XES event log ({what})", file=display, expected=_EXPECTED
        )
    log = _parse(data, display, limits)
    if not log.n:
        without = f" ({_plural(log.empty_traces, 'trace')} without any)" if log.empty_traces else ""
        raise IngestError(
            "holds no events" + without,
            file=display,
            expected="at least one <event> inside a <trace>",
        )
    with reserve(display, log.n * len(log.cells) * CELL_BYTES, limits):
        table = _frame_table(log.cells, log.n, None, display, "xes", dropped=[], header_line=0)
    table.notes.append(
        f"read {_plural(log.n, 'event')} of an XES log: the trace's attributes as case:... columns"
    )
    if log.empty_traces:
        table.notes.append(f"left out {_plural(log.empty_traces, 'trace')} without events")
    if log.stray:
        table.notes.append(f"left out {_plural(log.stray, 'event')} outside any trace")
    return table


class _Events:
    """Expat's callbacks: the open elements' local names, the trace being read, the columns."""

    def __init__(self, display: str, limits: Limits) -> None:
        self.display, self.limits = display, limits
        self.path: list[str] = []
        self.case: dict[str, str | None] = {}
        self.events: list[dict[str, str | None]] = []
        self.event: dict[str, str | None] | None = None
        #: each column's (row numbers, values), in first-seen order
        self.cells: dict[str, tuple[list[int], list[str | None]]] = {}
        self.n = 0
        self.empty_traces = self.stray = 0
        self._names: dict[str, str] = {}

    def _name(self, tag: str) -> str:
        """The element's local name: ``http://www.xes-standard.org/}trace`` is ``trace``."""
        name = self._names.get(tag)
        if name is None:
            name = self._names[tag] = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
        return name

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = self._name(tag)
        path = self.path
        parent = path[-1] if path else None
        if name in _VALUE_TAGS and (parent == "event" or parent == "trace"):
            key = attrs.get("key")
            if key is not None:
                target = self.event if parent == "event" else self.case
                if target is not None:
                    target[key] = attrs.get("value")
        elif name == "trace" and len(path) == 1:
            self.case, self.events = {}, []
        elif name == "event":
            self.event = {}
        path.append(name)

    def end(self, tag: str) -> None:
        name = self.path.pop()
        if name == "event" and self.event is not None:
            if self.path and self.path[-1] == "trace":
                self.events.append(self.event)
            else:
                self.stray += 1
            self.event = None
        elif name == "trace" and len(self.path) == 1:
            self._add_trace()

    def _add_trace(self) -> None:
        """One row per event of the trace just read, its attributes first."""
        if not self.events:
            self.empty_traces += 1
            return
        cells = self.cells
        trace = [(f"case:{k}", v) for k, v in self.case.items()]
        for event in self.events:
            for key, value in (*trace, *event.items()):
                column = cells.get(key)
                if column is None:
                    column = cells[key] = ([], [])
                    if len(cells) > self.limits.max_columns:
                        check_columns(self.display, len(cells), self.limits)
                column[0].append(self.n)
                column[1].append(value)
            self.n += 1
        check_rows(self.display, self.n, self.limits)


def _parse(data: bytes, display: str, limits: Limits) -> _Events:
    """The log's events as columns (trace attributes first), with what was left out."""
    handler = _Events(display, limits)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.Parse(data[offset : offset + _CHUNK], False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        line, column, reason = exc.lineno, exc.offset, expat.errors.messages[exc.code]
        if line >= data.rstrip().count(b"\n") + 1:
            what = f"ends before its XML is complete, at line {line} (a file cut short?)"
        else:
            what = f"is not well-formed XML at line {line}, column {column + 1} ({reason})"
        raise IngestError(
            what, file=display, expected="a complete XES file as written by the process-mining tool"
        ) from None
    return handler
