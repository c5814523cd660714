"""Constants and helpers every reader shares: file extensions per format, the message naming the
expected formats, the chunk size for streaming, Polars' read errors and byte sizes for messages.
"""

from __future__ import annotations

import polars as pl

_CHUNK = 1 << 20
#: What Polars raises on input it cannot read (a Rust panic surfaces as a BaseException).
_POLARS_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException)
_EXPECTED_FORMATS = (
    "a CSV, TSV, Excel, JSON, JSON Lines, Parquet or XES file (optionally .gz or .zip)"
)
_TEXT_EXTS = {".csv", ".tsv", ".tab", ".txt"}
_JSON_EXTS = {".json"}
_JSONL_EXTS = {".jsonl", ".ndjson"}
_SHEET_EXTS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_PARQUET_EXTS = {".parquet", ".pq"}
_ARCHIVE_EXTS = {".gz", ".zip"}
_XML_EXTS = {".xes", ".xml"}
#: Files whose line feeds and quotes are not counted while they are read (not delimited text).
_UNCOUNTED_EXTS = _JSON_EXTS | _JSONL_EXTS | _SHEET_EXTS | _PARQUET_EXTS | _ARCHIVE_EXTS | _XML_EXTS
_SUPPORTED_EXTS = (
    _TEXT_EXTS | _JSON_EXTS | _JSONL_EXTS | _SHEET_EXTS | _PARQUET_EXTS | _ARCHIVE_EXTS | _XML_EXTS
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _human_bytes(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.4g} {unit}"
        n /= 1024
    return f"{n} GB"  # pragma: no cover
