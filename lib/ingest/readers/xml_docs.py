"""XML documents: an XES event log or Jira's XML export, told by the root element; any other
XML, or one with a document type declaration (entities could expand without bound), is
refused with a message naming the file.
"""

from __future__ import annotations

import re

from lib.errors import IngestError
from lib.ingest.readers.jira_xml import read_jira_xml
from lib.ingest.readers.limits import Limits
from lib.ingest.readers.table import RawTable
from lib.ingest.readers.xes import read_xes
from lib.ingest.readers.xml_base import DOCTYPE_REFUSED

_EXPECTED = "an XES event log (<log> with <trace> and <event> elements) or Jira's XML export"
#: Text that opens as an XML document: a declaration, or an XES log's or Jira's root element
#: with its attributes (a CSV whose first header is "<log>" is no XML).
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:\?xml[\s?]|log\s|rss\s)", re.IGNORECASE)
_TRACE = re.compile(rb"<(?:[\w.-]+:)?trace[\s>/]")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s>/]")
#: How far the root element is looked for, past the declaration and comments.
HEAD_BYTES = 1 << 20


def xml_kind(data: bytes, ext: str) -> str | None:
    """What XML document ``data`` is: ``"xes"``, ``"jira"`` or ``"other"``; None when it is no
    XML document (text named ``.xml``, a CSV opening with an HTML comment), to be read as text.

    >>> xml_kind(b'<?xml version="1.0"?><log><trace/></log>', ".csv")
    'xes'
    >>> xml_kind(b"<!-- exported -->\\nid,created\\n1,2024-01-02\\n", ".csv") is None
    True
    >>> xml_kind(b"id\\tcreated\\n1\\t2024-01-02\\n", ".xml") is None
    True
    >>> xml_kind(b'<?xml version="1.0"?><manifest rows="3"/>', ".xml")
    'other'
    """
    if ext not in (".xes", ".xml") and not _XML_START.match(data[:256]):
        return None
    root = root_name(data)
    if root is None:
        return None
    if root == "!doctype":
        return "doctype"
    if root == "log" and (ext == ".xes" or _TRACE.search(data)):
        return "xes"
    if root == "rss":
        return "jira"
    return "other"


def root_name(data: bytes) -> str | None:
    """The first element's name, after the declaration, comments and processing instructions
    (within the first :data:`HEAD_BYTES`); ``"!doctype"`` for a document type declaration.

    >>> root_name(b'<?xml version="1.0"?><!-- <log> --><rss version="0.92">')
    'rss'
    >>> root_name('\ufeff<?xml version="1.0" encoding="UTF-16"?><log>'.encode("utf-16-le"))
    'log'
    >>> root_name(b'<?xml version="1.0"?><!DOCTYPE log [<!ENTITY a "a">]><log/>')
    '!doctype'
    >>> root_name(b"id,created") is None
    True
    """
    head = data[:HEAD_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (PowerShell writes it)
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos : pos + 1].isspace():
            pos += 1
        for opening, closing in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if head.startswith(opening, pos):
                end = head.find(closing, pos + len(opening))
                if end < 0:
                    return None
                pos = end + len(closing)
                break
        else:
            if head[pos : pos + 9].upper() == b"<!DOCTYPE":
                return "!doctype"
            match = _ROOT.match(head, pos)
            if match is None:
                return None
            return match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()


def read_xml(data: bytes, display: str, limits: Limits, kind: str) -> RawTable:
    """Read an XES log or a Jira XML export (see the modules ``xes`` and ``jira_xml``);
    ``kind`` as :func:`xml_kind` told it."""
    if kind == "doctype":
        raise IngestError(DOCTYPE_REFUSED, file=display, expected=_EXPECTED)
    if kind == "xes":
        return read_xes(data, display, limits)
    if kind == "jira":
        return read_jira_xml(data, display, limits)
    root = root_name(data)
    what = f"its root element is <{root}>" if root != "log" else "a <log> without any <trace>"
    raise IngestError(
        f"is XML but not an XES event log or a Jira XML export ({what})",
        file=display,
        expected=_EXPECTED,
    )
