"""Jira's XML export (Issue navigator → Export → XML: an RSS document, one ``<item>`` per
issue), read into the columns Jira's CSV export has (``Issue key``, ``Status``,
``Custom field (Tier)``, ``Labels`` repeated as ``Labels (2)``...), so the Jira preset reads
it as it reads a CSV. Dates stay as written (RFC 2822: ``Mon, 9 Jan 2006 20:00:00 +0000``).

Comments, attachments, links and sub-tasks are not read.
"""

from __future__ import annotations

from lib.errors import IngestError
from lib.ingest.readers._common import _plural
from lib.ingest.readers.limits import Limits
from lib.ingest.readers.table import RawTable
from lib.ingest.readers.xml_base import Columns, cut_short, expat_parse, local_name, refuse_cut

#: An item's elements and the CSV export's column for their text.
_TEXT = {
    "key": "Issue key",
    "summary": "Summary",
    "type": "Issue Type",
    "priority": "Priority",
    "status": "Status",
    "resolution": "Resolution",
    "assignee": "Assignee",
    "reporter": "Reporter",
    "creator": "Creator",
    "created": "Created",
    "updated": "Updated",
    "resolved": "Resolved",
    "due": "Due Date",
    "project": "Project name",
    "environment": "Environment",
    "component": "Component/s",
    "version": "Affects Version/s",
    "fixversion": "Fix Version/s",
    "votes": "Votes",
    "watches": "Watchers",
    "parent": "Parent",
}
#: (element, attribute) of an item's elements and the CSV export's column for the value.
_ATTRS = {
    ("key", "id"): "Issue id",
    ("project", "key"): "Project key",
    ("statuscategory", "key"): "Status Category",
    ("timeoriginalestimate", "seconds"): "Original Estimate",
    ("timespent", "seconds"): "Time Spent",
}
#: Jira's status category keys as its CSV export names them.
_CATEGORIES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
_EXPECTED = "Jira's XML export (an <rss> document with an <item> per issue)"


def read_jira_xml(data: bytes, display: str, limits: Limits) -> RawTable:
    """Read the issues of a Jira XML export, one row each.

    Example
    -------
    >>> xml = (b'<rss version="0.92"><channel><title>Jira</title><item>'
    ...        b'<key id="101">OPS-1</key><status>Open</status><labels><label>vpn</label>'
    ...        b'<label>vip</label></labels><customfields><customfield id="c1">'
    ...        b'<customfieldname>Tier</customfieldname><customfieldvalues>'
    ...        b'<customfieldvalue>L2</customfieldvalue></customfieldvalues></customfield>'
    ...        b'</customfields></item></channel></rss>')
    >>> t = read_jira_xml(xml, "jira.xml", Limits())
    >>> t.frame.columns, t.frame.row(0)
    (['Issue id', 'Issue key', 'Status', 'Labels', 'Labels (2)', 'Custom field (Tier)'], \
('101', 'OPS-1', 'Open', 'vpn', 'vip', 'L2'))
    """
    items = _Items(Columns(display, limits))
    expected = "a complete XML export as Jira wrote it"
    cut = expat_parse(data, display, items, expected, text=items.text)
    if not items.columns.n:
        refuse_cut(display, cut, expected)
        raise IngestError("holds no issues (no <item> element)", file=display, expected=_EXPECTED)
    table = items.columns.table("xml")
    cut_short(table, cut, "issues")
    table.notes.append(
        f"read {_plural(items.columns.n, 'issue')} of Jira's XML export into the columns of "
        "its CSV export"
    )
    return table


class _Items:
    """Expat's callbacks: the open elements, the issue being read and its element's text."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.path: list[str] = []
        self.row: dict[str, list[str]] = {}
        self.buffer: list[str] = []
        self.field_name: str | None = None
        self.field_values: list[str] = []
        self._names: dict[str, str] = {}

    def text(self, chunk: str) -> None:
        if len(self.path) >= 4:
            self.buffer.append(chunk)

    def _add(self, column: str, value: str | None) -> None:
        if value is not None and (value := value.strip()):
            self.row.setdefault(column, []).append(value)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = local_name(tag, self._names)
        self.path.append(name)
        self.buffer = []
        depth = len(self.path)
        if depth == 3 and name == "item":
            self.row = {}
        elif depth == 4 and self.path[2] == "item":
            for attr, value in attrs.items():
                column = _ATTRS.get((name, attr))
                if column == "Status Category":
                    value = _CATEGORIES.get(value, value)
                if column is not None:
                    self._add(column, value)
        elif name == "customfield":
            self.field_name, self.field_values = None, []

    def end(self, tag: str) -> None:
        path = self.path
        name = path.pop()
        text = "".join(self.buffer)
        self.buffer = []
        if len(path) < 2 or path[1] != "channel":
            return
        depth = len(path) + 1
        if depth == 3 and name == "item":
            self._row_done()
        elif depth == 4 and path[2] == "item" and name in _TEXT:
            if not (name == "assignee" and text.strip() == "Unassigned"):
                self._add(_TEXT[name], text)
        elif depth == 5 and name == "label" and path[-1] == "labels":
            self._add("Labels", text)
        elif name == "customfieldname":
            self.field_name = text.strip()
        elif name == "customfieldvalue" and text.strip():
            self.field_values.append(text.strip())
        elif name == "customfield" and self.field_name and self.field_values:
            self._add(f"Custom field ({self.field_name})", ", ".join(self.field_values))

    def _row_done(self) -> None:
        items: list[tuple[str, str | None]] = []
        for column, values in self.row.items():
            for k, value in enumerate(values, 1):
                items.append((column if k == 1 else f"{column} ({k})", value))
        if items:
            self.columns.add_row(items)
