"""XES event logs (the IEEE 1849 XML format process-mining tools write: ProM, pm4py, Disco,
Celonis, Apromore): one row per event, the trace's attributes as ``case:<key>`` columns and the
event's own as ``<key>`` (the names pm4py gives a log turned into a table, so the event-log
path reads ``case:concept:name``, ``concept:name``, ``time:timestamp`` and ``org:resource`` as
it does from a CSV).

Only the attributes directly under a trace or an event are read: the children of a nested
attribute, a ``<list>`` or a ``<container>`` are not columns. The parser is Python's expat,
fed in chunks (``xml_docs`` refuses a document type declaration before).
"""

from __future__ import annotations

from lib.errors import IngestError
from lib.ingest.readers._common import _plural
from lib.ingest.readers.limits import Limits
from lib.ingest.readers.table import RawTable
from lib.ingest.readers.xml_base import Columns, cut_short, expat_parse, local_name, refuse_cut

#: XES attribute elements whose ``value`` is a cell.
_VALUE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id"})


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
    log = _Events(Columns(display, limits))
    expected = "a complete XES file as written by the process-mining tool"
    cut = expat_parse(data, display, log, expected)
    if not log.columns.n:
        refuse_cut(display, cut, expected)
        without = f" ({_plural(log.empty_traces, 'trace')} without any)" if log.empty_traces else ""
        raise IngestError(
            "holds no events" + without,
            file=display,
            expected="at least one <event> inside a <trace>",
        )
    table = log.columns.table("xes")
    cut_short(table, cut, "traces' events")
    _sub_status_lifecycle(table)
    table.notes.append(
        f"read {_plural(log.columns.n, 'event')} of an XES log: the trace's attributes as "
        "case:... columns"
    )
    if log.empty_traces:
        table.notes.append(f"left out {_plural(log.empty_traces, 'trace')} without events")
    if log.stray:
        table.notes.append(f"left out {_plural(log.stray, 'event')} outside any trace")
    return table


#: The transitions of XES's lifecycle model (its standard extension).
_TRANSITIONS = frozenset(
    {"schedule", "assign", "withdraw", "reassign", "start", "suspend", "resume", "pi_abort",
     "ate_abort", "complete", "autoskip", "manualskip", "unknown"}
)  # fmt: skip
_LIFECYCLE = "lifecycle:transition"
#: Transitions some tools write as past participles.
_PARTICIPLES = {
    "completed": "complete",
    "started": "start",
    "scheduled": "schedule",
    "suspended": "suspend",
    "resumed": "resume",
    "withdrawn": "withdraw",
    "aborted": "ate_abort",
}


def _sub_status_lifecycle(table: RawTable) -> None:
    """A ``lifecycle:transition`` that holds no lifecycle transitions is a sub-status: the BPI
    Challenge 2013 logs write "In Progress", "Wait - User", "Resolved", "Closed" there, under
    the statuses "Accepted", "Queued", "Completed". Named "Sub Status", it is read as one.

    >>> import polars as pl
    >>> t = RawTable("x.xes", pl.DataFrame({_LIFECYCLE: ["In Progress", "Closed"]}), "xes")
    >>> _sub_status_lifecycle(t); t.frame.columns
    ['Sub Status']

    Transitions written as past participles ("Started", "Completed") are the transitions:

    >>> t = RawTable("x.xes", pl.DataFrame({_LIFECYCLE: ["Started", "Completed"]}), "xes")
    >>> _sub_status_lifecycle(t); t.frame[_LIFECYCLE].to_list()
    ['start', 'complete']
    """
    if _LIFECYCLE not in table.frame.columns or "Sub Status" in table.frame.columns:
        return
    column = table.frame.get_column(_LIFECYCLE)
    values = column.drop_nulls().str.to_lowercase().unique()
    if values.len() == 0 or values.is_in(list(_TRANSITIONS)).mean() >= 0.5:  # type: ignore[operator]
        return
    said = column.str.to_lowercase().replace(_PARTICIPLES)
    if said.drop_nulls().unique().is_in(list(_TRANSITIONS)).all():
        table.frame = table.frame.with_columns(said.alias(_LIFECYCLE))
        return
    table.frame = table.frame.rename({_LIFECYCLE: "Sub Status"})
    table.notes.append(
        f"read column {_LIFECYCLE!r} as the sub-status (its values are no lifecycle "
        f"transitions: {', '.join(sorted(values.to_list())[:4])}...)"
    )


class _Events:
    """Expat's callbacks: the open elements' local names, the trace being read."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.path: list[str] = []
        self.case: dict[str, str | None] = {}
        self.events: list[dict[str, str | None]] = []
        self.event: dict[str, str | None] | None = None
        self.empty_traces = self.stray = 0
        self._names: dict[str, str] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = local_name(tag, self._names)
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
            if not self.events:
                self.empty_traces += 1
            trace = [(f"case:{k}", v) for k, v in self.case.items()]
            for event in self.events:
                self.columns.add_row([*trace, *event.items()])
