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

_EXPECTED = "an XES event log (<log> with <trace> and <event> elements) or Jira's XML export"
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(\?xml|log[\s>]|rss[\s>]|!--)", re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s>/]")


def looks_like_xml(data: bytes, ext: str) -> bool:
    """True for an XML document: an ``.xes``/``.xml`` name, or text that opens as XML.

    >>> looks_like_xml(b'<?xml version="1.0"?><log/>', ".csv"), looks_like_xml(b"a,b", ".csv")
    (True, False)
    """
    if ext in (".xes", ".xml"):
        return True
    return bool(_XML_START.match(data[:256]))


def root_name(data: bytes) -> str | None:
    """The first element's name, after the declaration, comments and processing instructions.

    >>> root_name(b'<?xml version="1.0"?><!-- x --><rss version="0.92">')
    'rss'
    >>> root_name('\ufeff<?xml version="1.0" encoding="UTF-16"?><log>'.encode("utf-16-le"))
    'log'
    """
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (PowerShell writes it)
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    for match in _ROOT.finditer(head):
        start = match.start()
        if head[start + 1 : start + 2] in (b"?", b"!"):
            continue
        return match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()
    return None


def read_xml(data: bytes, display: str, limits: Limits) -> RawTable:
    """Read an XES log or a Jira XML export (see the modules ``xes`` and ``jira_xml``)."""
    if re.search(rb"<!DOCTYPE|<\x00!\x00D\x00O\x00C", data[:65536], re.IGNORECASE):
        raise IngestError(
            "is an XML file with a document type declaration, which is not read "
            "(entities could expand without bound)",
            file=display,
            expected=_EXPECTED,
        )
    root = root_name(data)
    if root == "log":
        return read_xes(data, display, limits)
    if root == "rss":
        return read_jira_xml(data, display, limits)
    what = f"its root element is <{root}>" if root else "no XML element was found"
    raise IngestError(
        f"is XML but not an XES event log or a Jira XML export ({what})",
        file=display,
        expected=_EXPECTED,
    )
