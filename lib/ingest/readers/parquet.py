"""Parquet: the size is checked on the file's metadata first (rows, leaf columns, uncompressed
bytes); then read with its own dtypes, struct columns flattened to dotted names (kept unique),
lists and binary values turned into text, strings cleaned.
"""

from __future__ import annotations

import io
import json

import polars as pl

from lib.errors import IngestError
from lib.ingest.readers._common import _POLARS_ERRORS
from lib.ingest.readers.limits import CELL_BYTES, Limits, check_shape, reserve
from lib.ingest.readers.names import _unique_names
from lib.ingest.readers.table import RawTable, _clean_strings


def _read_parquet(data: bytes, display: str, limits: Limits | None = None) -> RawTable:
    """Check the metadata against ``limits``, then read the file.

    >>> buf = io.BytesIO()
    >>> pl.DataFrame({"id": [1, 2], "who": [{"name": "Ann"}, {"name": "Bo"}]}).write_parquet(buf)
    >>> _read_parquet(buf.getvalue(), "t.parquet").frame.columns
    ['id', 'who.name']
    """
    limits = limits or Limits.from_env()
    memory = _metadata_estimate(data, display, limits)
    with reserve(display, memory, limits):
        try:
            frame = pl.read_parquet(io.BytesIO(data))
        except (*_POLARS_ERRORS, OSError, ValueError) as exc:
            raise _unreadable(exc, display) from None
        frame = _as_text_where_nested(_flatten_structs(frame))
    names = _unique_names(frame.columns)
    if names != frame.columns:
        frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    # One chunk per row group is kept: see ``lib.schema.first_column_whole``.
    table = RawTable(name=display, frame=_clean_strings(frame), format="parquet", header_line=0)
    if table.frame.height == 0:
        table.notes.append("the file has columns but no rows")
    return table


def _unreadable(exc: BaseException, display: str) -> IngestError:
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return IngestError(
        f"is not a readable Parquet file ({first})", file=display, expected="a Parquet file"
    )


def _metadata_estimate(data: bytes, display: str, limits: Limits) -> int:
    """Rows, leaf columns and uncompressed bytes from the footer, checked against ``limits``;
    returns the estimated bytes in memory. Nothing of the data is decoded."""
    # pyarrow only here: importing it costs every other import 0.1-0.2 s of start-up
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        raw = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable(exc, display) from None
    rows, columns = int(meta.num_rows), int(meta.num_columns)
    memory = int(raw) + rows * max(columns, 1) * CELL_BYTES
    check_shape(display, rows=rows, columns=columns, memory=memory, limits=limits)
    return memory


def _flatten_structs(frame: pl.DataFrame) -> pl.DataFrame:
    """Struct columns become dotted columns; a name already taken gets a number."""
    while structs := [c for c, t in frame.schema.items() if isinstance(t, pl.Struct)]:
        for c in structs:
            fields = [f.name for f in frame.schema[c].fields]  # type: ignore[union-attr]
            others = [x for x in frame.columns if x != c]
            wanted = _unique_names([*others, *(f"{c}.{f}" for f in fields)])[len(others) :]
            frame = frame.with_columns(pl.col(c).struct.rename_fields(wanted)).unnest(c)
    return frame


def _as_text_where_nested(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists become ``", "``-joined text (like JSON), binary becomes text (bad UTF-8
    replaced), anything else not a plain value its JSON text, so no later step meets a type it
    cannot cast to a string.

    >>> f = pl.DataFrame({"id": [[1, 2], [3]], "b": [b"ok", b"\\xff"]})
    >>> _as_text_where_nested(f).rows()
    [('1, 2', 'ok'), ('3', '�')]
    """
    plain = (pl.String, pl.Boolean, pl.Date, pl.Datetime, pl.Duration, pl.Time, pl.Null)
    fixed: list[pl.Expr] = []
    for c, t in frame.schema.items():
        if t.is_numeric() or isinstance(t, plain) or t == pl.Categorical or t == pl.Enum:
            continue
        if t == pl.Binary:
            expr = pl.col(c).map_elements(
                lambda b: b.decode("utf-8", errors="replace"), return_dtype=pl.String
            )
        elif isinstance(t, pl.List | pl.Array) and not t.inner.is_nested():  # type: ignore[union-attr]
            expr = pl.col(c).cast(pl.List(pl.String)).list.join(", ")
            expr = pl.when(expr != "").then(expr)
        else:
            expr = pl.col(c).map_elements(_json_text, return_dtype=pl.String)
        fixed.append(expr.alias(c))
    return frame.with_columns(fixed) if fixed else frame


def _json_text(value: object) -> str | None:
    if isinstance(value, pl.Series):
        value = value.to_list()
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
