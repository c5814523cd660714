"""Constants and helpers every reader shares: file extensions per format, the message naming the
expected formats, the chunk size for streaming, and Polars' read errors.
"""

from __future__ import annotations

import polars as pl

_CHUNK = 1 << 20
#: What Polars raises on input it cannot read (a Rust panic surfaces as a BaseException).
_POLARS_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException)
_EXPECTED_FORMATS = "a CSV, TSV, Excel, JSON, JSON Lines or Parquet file (optionally .gz or .zip)"
_TEXT_EXTS = {".csv", ".tsv", ".tab", ".txt"}
_JSON_EXTS = {".json"}
_JSONL_EXTS = {".jsonl", ".ndjson"}
_SHEET_EXTS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_PARQUET_EXTS = {".parquet", ".pq"}
_ARCHIVE_EXTS = {".gz", ".zip"}
_SUPPORTED_EXTS = (
    _TEXT_EXTS | _JSON_EXTS | _JSONL_EXTS | _SHEET_EXTS | _PARQUET_EXTS | _ARCHIVE_EXTS
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
