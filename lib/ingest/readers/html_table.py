"""HTML tables saved as a spreadsheet: Jira Server's "Export > Excel" writes an HTML page
named ``.xls`` whose ``issuetable`` holds the issues (a header row of ``th`` cells, one row of
``td`` cells per issue). The table is turned into CSV text for the delimited reader.

Example
-------
>>> page = b"<html><body><table id='issuetable'><tr><th>Key</th><th>Status</th></tr>"
>>> page += b"<tr><td>A-1</td><td>Open &amp; new</td></tr></table></body></html>"
>>> html_table_csv(page)
(b'Key,Status\\r\\nA-1,Open & new\\r\\n', True)
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from lib.ingest.header_names import norm_header
from lib.ingest.readers.encoding import _header_names


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` starts like an HTML page and holds a table.

    >>> looks_like_html(b"\\n<html><table>"), looks_like_html(b"Key,Status")
    (True, False)
    """
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    starts = (b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta", b"<!--", b"<head")
    return head.startswith(starts) and (b"<table" in data[: 1 << 20].lower())


class _Table:
    """One table being read: its id, finished rows, the open row and cell, and the cells
    a ``rowspan`` carries down (column -> rows left, text)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = 1  # the open cell's colspan
        self.rowspan = 1  # and rowspan
        self.down: dict[int, tuple[int, str]] = {}

    def carry(self) -> None:
        """Put the cells a rowspan carries into the open row where they stand."""
        while self.row is not None and len(self.row) in self.down:
            left, text = self.down.pop(len(self.row))
            self.row.append(text)
            if left > 1:
                self.down[len(self.row) - 1] = (left - 1, text)

    def end_cell(self) -> None:
        if self.cell is None or self.row is None:
            return
        lines = "".join(self.cell).split("\n")
        text = "\n".join(" ".join(x.split()) for x in lines if x.strip())
        self.carry()
        for _ in range(self.span):
            if self.rowspan > 1:
                self.down[len(self.row)] = (self.rowspan - 1, text)
            self.row.append(text)
        self.cell = None
        self.carry()

    def end_row(self) -> None:
        self.end_cell()
        if self.row is not None:
            self.carry()
            if any(self.row):
                self.rows.append(self.row)
        self.row = None


class _Tables(HTMLParser):
    """Rows of every table of a page (cells' text, whitespace collapsed); a cell or row
    left open (HTML allows it) ends at the next one; nested tables are read on their own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self._open: list[_Table] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = dict(attrs)
        if tag == "table":
            self._open.append(_Table(at.get("id") or ""))
            return
        if not self._open:
            return
        t = self._open[-1]
        if tag == "tr":
            t.end_row()
            t.row = []
        elif tag in ("td", "th"):
            t.end_cell()
            if t.row is None:
                t.row = []
            t.cell, t.span, t.rowspan = [], _number(at.get("colspan")), _number(at.get("rowspan"))
        elif tag == "br" and t.cell is not None:
            t.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        t = self._open[-1]
        if tag in ("td", "th"):
            t.end_cell()
        elif tag == "tr":
            t.end_row()
        elif tag == "table":
            t.end_row()
            self.tables.append(self._open.pop())

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1].cell is not None:
            self._open[-1].cell.append(data)

    def close(self) -> None:
        super().close()
        while self._open:  # a table never closed
            t = self._open.pop()
            t.end_row()
            self.tables.append(t)


def _number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def html_table_csv(data: bytes, encoding: str = "utf-8") -> tuple[bytes, bool] | None:
    """The page's data table as UTF-8 CSV, and whether it is Jira's ``issuetable``; None when
    the page holds no table of a header and a row in two columns or more. Without Jira's
    table, the tables that share a header row are read one after the other (a report with a
    table per group), the set whose header names the most ticket fields winning, then the one
    with the most cells (not a legend beside it)."""
    parser = _Tables()
    parser.feed(data.decode(encoding, errors="replace"))
    parser.close()
    tables = [t for t in parser.tables if len(t.rows) >= 2 and len(t.rows[0]) >= 2]
    if not tables:
        return None
    jira = next((t for t in tables if t.name == "issuetable"), None)
    if jira is not None:
        rows = jira.rows
    else:
        groups: dict[tuple[str, ...], list[list[str]]] = {}
        for t in tables:
            head = tuple(t.rows[0])
            body = [r for r in t.rows[1:] if tuple(r) != head]
            groups.setdefault(head, [list(head)]).extend(body)
        names = _header_names()

        def rank(rows: list[list[str]]) -> tuple[int, int]:
            known = sum(norm_header(c) in names for c in rows[0])
            return known, len(rows) * len(rows[0])

        rows = max(groups.values(), key=rank)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8"), jira is not None
