"""Reading a dataset's Parquet snapshot lazily: only the columns a page needs.

A snapshot holds the canonical ticket columns and the export's own columns (``raw:...``
extras, kept for the escalation rules). Pages need only the canonical ones: reading the
whole file keeps every raw column of every ticket in memory (at 10 million tickets, several
GB for text no page shows). :func:`read_canonical` reads the canonical columns alone (a
projection pushed into the Parquet reader, so the other column chunks are never decoded);
:func:`scan_snapshot` gives the lazy frame for a query of one's own (filters are pushed into
the scan too).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from lib.errors import StoreError
from lib.schema import COLUMNS, SCHEMA, conform, first_column_whole


def _damaged(path: Path, exc: Exception) -> StoreError:
    return StoreError(f"Snapshot {path.name} cannot be read ({exc}); load the export again")


def scan_snapshot(path: str | Path) -> pl.LazyFrame:
    """A lazy scan of a snapshot, with a readable error when it is missing or damaged.

    The file's schema is read here (its footer only), so a damaged file fails now, not at
    the first query.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "s.parquet"
    ...     pl.DataFrame({"ticket_id": ["1", "2"], "raw:Id": ["a", "b"]}).write_parquet(p)
    ...     scan_snapshot(p).select("ticket_id").collect().height
    2
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(
            f"Snapshot {path.name} is missing: load the export again or delete the dataset"
        )
    try:
        scan = pl.scan_parquet(path)
        scan.collect_schema()
    except Exception as exc:  # polars raises several types for a damaged file
        raise _damaged(path, exc) from exc
    return scan


def canonical_columns(scan: pl.LazyFrame, wanted: Sequence[str] | None = None) -> list[str]:
    """The canonical columns (or those of ``wanted``) the snapshot holds, in schema order.

    >>> canonical_columns(pl.LazyFrame({"raw:Id": ["a"], "status": ["open"], "ticket_id": ["1"]}))
    ['ticket_id', 'status']
    """
    have = set(scan.collect_schema().names())
    keep = COLUMNS if wanted is None else [c for c in COLUMNS if c in set(wanted)]
    return [c for c in keep if c in have]


def read_canonical(path: str | Path) -> pl.DataFrame:
    """The canonical tickets of a snapshot (every canonical column, conformed), reading no
    extra column: equal to ``canonical_only(read_snapshot(path))`` at a fraction of the memory.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "s.parquet"
    ...     pl.DataFrame({"ticket_id": ["1"], "raw:Id": ["a"]}).write_parquet(p)
    ...     t = read_canonical(p)
    >>> t.width == len(COLUMNS), "raw:Id" in t.columns
    (True, False)
    """
    scan = scan_snapshot(path)
    try:
        frame = scan.select(canonical_columns(scan)).collect()
    except Exception as exc:
        raise _damaged(Path(path), exc) from exc
    # the ids in one chunk (the others keep a chunk per row group): see first_column_whole
    return first_column_whole(conform(frame))


def read_columns(path: str | Path, names: Sequence[str]) -> pl.DataFrame:
    """Only the columns of ``names`` the snapshot has (in the file's row order; none: an empty
    frame), e.g. the ``_description`` the sentiment scorer reads beside the shared tickets.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "s.parquet"
    ...     pl.DataFrame({"ticket_id": ["1"], "_description": ["x"]}).write_parquet(p)
    ...     read_columns(p, ["_description", "raw:Nope"]).columns
    ['_description']
    """
    scan = scan_snapshot(path)
    have = set(scan.collect_schema().names())
    keep = [c for c in names if c in have]
    if not keep:
        return pl.DataFrame()
    try:
        return scan.select(keep).collect()
    except Exception as exc:
        raise _damaged(Path(path), exc) from exc


def extra_columns(path: str | Path) -> list[str] | None:
    """The snapshot's columns after the canonical ones, when it holds exactly the canonical
    columns first, in order and with their dtypes (as every import writes it); else None.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "s.parquet"
    ...     pl.DataFrame({"ticket_id": ["1"], "raw:Id": ["a"]}).write_parquet(p)
    ...     extra_columns(p) is None
    True
    """
    schema = scan_snapshot(path).collect_schema()
    names = schema.names()
    if names[: len(COLUMNS)] != COLUMNS or any(schema[c] != SCHEMA[c] for c in COLUMNS):
        return None
    return names[len(COLUMNS) :]


__all__ = ["canonical_columns", "extra_columns", "read_canonical", "read_columns", "scan_snapshot"]
