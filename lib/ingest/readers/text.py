"""Text files: decode to UTF-8, then read as JSON / JSON Lines or as delimited text."""

from __future__ import annotations

from lib.errors import IngestError
from lib.ingest.readers._common import _EXPECTED_FORMATS, _JSON_EXTS, _JSONL_EXTS, _TEXT_EXTS
from lib.ingest.readers.blocks import Counts
from lib.ingest.readers.delimited import _read_delimited
from lib.ingest.readers.encoding import (
    SAMPLE_BYTES,
    _detect_encoding,
    _looks_binary,
    _transcode,
    described,
)
from lib.ingest.readers.json_records import _read_json_text
from lib.ingest.readers.limits import Limits
from lib.ingest.readers.table import RawTable


def _read_text(
    data: bytes,
    display: str,
    ext: str,
    limits: Limits | None = None,
    counts: Counts | None = None,
) -> RawTable:
    """Decode ``data`` and read it as JSON or delimited text; ``counts``: its line feeds and
    quotes when already counted (dropped once the text is re-encoded)."""
    limits = limits or Limits.from_env()
    encoding = _detect_encoding(data)
    notes: list[str] = []
    wide = encoding.startswith(("utf-16", "utf-32"))
    if not wide and _looks_binary(data[:SAMPLE_BYTES]):
        raise IngestError(
            "looks like binary data, not a table", file=display, expected=_EXPECTED_FORMATS
        )
    if encoding not in ("utf-8", "utf-8-sig"):
        data, encoding = _transcode(data, encoding)
        counts = None
        why = "" if wide else " (the file is not valid UTF-8)"
        notes.append(f"decoded as {described(encoding)}{why}")
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
        table = _read_json_text(data, display, ext, head, limits)
        if table is not None:
            table.encoding = encoding
            table.notes[:0] = notes
            return table
    table = _read_delimited(data, display, ext, encoding, notes, limits, counts)
    return table
