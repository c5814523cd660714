"""Spreadsheet-safe CSV downloads.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and Google Sheets ("CSV injection"). Ticket subjects and agent names come
from customers and helpdesks, so every text cell of a download is checked and such cells get a
leading apostrophe, which spreadsheets show as plain text. Only text columns are touched: a
negative number in a numeric column stays a number.

Lists are joined with ``", "``; datetimes (``2024-03-01T10:00:00+00:00``) and durations
(``PT1H30M``) are written in ISO 8601; the bytes start with a UTF-8 byte-order mark so that Excel
reads accents correctly, and rows end in CRLF (RFC 4180).

Example
-------
>>> import polars as pl
>>> df = pl.DataFrame({"subject": ["=HYPERLINK(1)", "ok"], "change": [-0.5, 1.0]})
>>> to_csv_bytes(df).decode("utf-8-sig")
"subject,change\\r\\n'=HYPERLINK(1),-0.5\\r\\nok,1.0\\r\\n"
"""

from __future__ import annotations

import polars as pl

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

BOM = b"\xef\xbb\xbf"

_FORMULA_RE = r"^[=+\-@\t\r]"


def safe_text(expr: pl.Expr) -> pl.Expr:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula.

    >>> pl.select(safe_text(pl.lit(pl.Series(["-1", "@me", "a=b", None])))).to_series().to_list()
    ["'-1", "'@me", 'a=b', None]
    """
    return pl.when(expr.str.contains(_FORMULA_RE)).then(pl.lit("'") + expr).otherwise(expr)


def _prepare(name: str, dtype: pl.DataType) -> pl.Expr:
    """The export form of one column."""
    col = pl.col(name)
    if isinstance(dtype, pl.String | pl.Categorical | pl.Enum):
        return safe_text(col.cast(pl.String)).alias(name)
    if isinstance(dtype, pl.List | pl.Array):
        inner = col if isinstance(dtype, pl.List) else col.arr.to_list()
        joined = inner.list.eval(pl.element().cast(pl.String)).list.join(", ", ignore_nulls=True)
        return safe_text(joined).alias(name)
    if isinstance(dtype, pl.Datetime):
        fmt = "%Y-%m-%dT%H:%M:%S" + ("%:z" if dtype.time_zone else "")
        return col.dt.to_string(fmt).alias(name)
    if isinstance(dtype, pl.Struct):
        return safe_text(col.struct.json_encode()).alias(name)
    if isinstance(dtype, pl.Duration):
        return col.dt.to_string("iso").alias(name)
    if isinstance(dtype, pl.Object | pl.Binary):
        return safe_text(col.map_elements(str, return_dtype=pl.String)).alias(name)
    return col


def to_csv_bytes(frame: pl.DataFrame, *, bom: bool = True) -> bytes:
    """Write ``frame`` as spreadsheet-safe CSV (UTF-8, CRLF line ends, header row).

    Text cells (and column names) starting with ``= + - @``, tab or CR get a leading
    apostrophe; numbers, booleans and dates are written as they are; nulls are empty cells.

    >>> df = pl.DataFrame({"tags": [["vip", "sso"], []], "n": [-3, 4]})
    >>> to_csv_bytes(df, bom=False)
    b'tags,n\\r\\n"vip, sso",-3\\r\\n"",4\\r\\n'
    """
    if frame.width == 0:
        return BOM if bom else b""
    header = {c: "'" + c for c in frame.columns if c.startswith(FORMULA_PREFIXES)}
    prepared = frame.select(_prepare(name, dtype) for name, dtype in frame.schema.items())
    if header:
        prepared = prepared.rename(header)
    text = prepared.write_csv(line_terminator="\r\n")
    return (BOM if bom else b"") + text.encode("utf-8")
