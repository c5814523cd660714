"""HTML tables saved as a spreadsheet: Jira Server's "Export > Excel" writes an HTML page
named ``.xls`` whose ``issuetable`` holds the issues (a header row of ``th`` cells, one row of
``td`` cells per issue). The table is turned into CSV text for the delimited reader.

Example
-------
>>> page = b"<html><body><table id='issuetable'><tr><th>Key</th><th>Status</th></tr>"
>>> page += b"<tr><td>A-1</td><td>Open &amp; new</td></tr></table></body></html>"
>>> html_table_csv(page).decode()
'Key,Status\\r\\nA-1,Open & new\\r\\n'
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` starts like an HTML page and holds a table.

    >>> looks_like_html(b"\\n<html><table>"), looks_like_html(b"Key,Status")
    (True, False)
    """
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")) and (
        b"<table" in data[: 1 << 20].lower()
    )


class _Tables(HTMLParser):
    """Rows of every table of a page (cells' text, whitespace collapsed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._open: list[tuple[str, list[list[str]]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._open.append((dict(attrs).get("id") or "", []))
        elif tag == "tr" and self._open:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            lines = "".join(self._cell).split("\n")
            self._row.append("\n".join(" ".join(x.split()) for x in lines if x.strip()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._open:
            if any(self._row):
                self._open[-1][1].append(self._row)
            self._row = None
        elif tag == "table" and self._open:
            self.tables.append(self._open.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_table_csv(data: bytes, encoding: str = "utf-8") -> bytes | None:
    """The page's issue table (Jira's ``issuetable``, else the table with the most rows) as
    UTF-8 CSV; None when the page holds no table of at least a header and a row."""
    parser = _Tables()
    parser.feed(data.decode(encoding, errors="replace"))
    parser.close()
    tables = [t for t in parser.tables if len(t[1]) >= 2]
    if not tables:
        return None
    rows = next((r for name, r in tables if name == "issuetable"), None)
    rows = rows or max((r for _, r in tables), key=len)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")
