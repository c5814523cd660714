"""Parquet: read with its own dtypes, struct columns flattened to dotted names, strings cleaned."""

from __future__ import annotations

import io

import polars as pl

from lib.errors import IngestError
from lib.ingest.readers._common import _POLARS_ERRORS
from lib.ingest.readers.names import _unique_names
from lib.ingest.readers.table import RawTable, _clean_strings


def _read_parquet(data: bytes, display: str) -> RawTable:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (*_POLARS_ERRORS, OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IngestError(
            f"is not a readable Parquet file ({first})", file=display, expected="a Parquet file"
        ) from None
    while structs := [c for c, t in frame.schema.items() if isinstance(t, pl.Struct)]:
        for c in structs:
            fields = [f.name for f in frame.schema[c].fields]  # type: ignore[union-attr]
            frame = frame.with_columns(
                pl.col(c).struct.rename_fields([f"{c}.{f}" for f in fields])
            ).unnest(c)
    names = _unique_names(frame.columns)
    if names != frame.columns:
        frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    table = RawTable(name=display, frame=frame, format="parquet", header_line=0)
    table.frame = _clean_strings(frame)
    if frame.height == 0:
        table.notes.append("the file has columns but no rows")
    return table
