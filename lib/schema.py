"""The canonical ticket schema (a contract: see DESIGN.md section 3) and its validator.

Every import path ends in one Polars frame with exactly these columns and dtypes.

Example
-------
>>> import polars as pl
>>> from lib.schema import empty_tickets, validate
>>> validate(empty_tickets()).columns[:3]
['ticket_id', 'created_at', 'solved_at']
"""

from __future__ import annotations

import polars as pl

UTC_DT = pl.Datetime("us", "UTC")

SCHEMA: dict[str, pl.DataType] = {
    "ticket_id": pl.String(),
    "created_at": UTC_DT,
    "solved_at": UTC_DT,
    "updated_at": UTC_DT,
    "status": pl.String(),
    "priority": pl.String(),
    "channel": pl.String(),
    "category": pl.String(),
    "agent": pl.String(),
    "first_agent": pl.String(),
    "first_group": pl.String(),
    "escalated_by": pl.String(),
    "group": pl.String(),
    "customer": pl.String(),
    "customer_tier": pl.String(),
    "subject": pl.String(),
    "tags": pl.List(pl.String()),
    "escalated": pl.Boolean(),
    "escalated_at": UTC_DT,
    "escalation_reason": pl.String(),
    "reassignments": pl.Int32(),
    "reopens": pl.Int32(),
    "first_response_minutes": pl.Float64(),
    "satisfaction": pl.Float64(),
    "satisfaction_at": UTC_DT,
    "sentiment": pl.Float64(),
    "source": pl.String(),
}

COLUMNS: list[str] = list(SCHEMA)

#: Allowed values of the vocabulary columns.
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("email", "chat", "phone", "web", "messaging", "social", "api", "other")

#: Columns that may never be null. ``status`` may: a status the export has but that could not
#: be read stays missing (only an empty one is derived, see ``lib.ingest.derived``).
REQUIRED = ("ticket_id", "created_at", "tags", "escalated", "source")

#: Columns a user can map from an export (everything but the derived ones).
MAPPABLE = (
    *(c for c in COLUMNS if c not in ("escalated", "escalation_reason", "source", "sentiment")),
    "sentiment",
    "escalated",
    "description",
)

#: Human-readable label per canonical column (mapping screen, tables).
LABELS: dict[str, str] = {
    "ticket_id": "Ticket id",
    "created_at": "Created",
    "solved_at": "Solved",
    "updated_at": "Updated",
    "status": "Status",
    "priority": "Priority",
    "channel": "Channel",
    "category": "Category",
    "agent": "Agent",
    "first_agent": "First agent",
    "first_group": "First group",
    "escalated_by": "Escalated by",
    "group": "Group",
    "customer": "Customer",
    "customer_tier": "Customer tier",
    "subject": "Subject",
    "tags": "Tags",
    "escalated": "Escalated",
    "escalated_at": "Escalated at",
    "escalation_reason": "Escalation reason",
    "reassignments": "Reassignments",
    "reopens": "Reopens",
    "first_response_minutes": "First response (min)",
    "satisfaction": "Satisfaction",
    "satisfaction_at": "Satisfaction given",
    "sentiment": "Sentiment",
    "source": "Source",
    "description": "Description",
}


class SchemaError(ValueError):
    """A frame does not follow the canonical ticket schema."""


def empty_tickets() -> pl.DataFrame:
    """Return a canonical frame with no rows.

    >>> empty_tickets().height
    0
    """
    return pl.DataFrame(schema=SCHEMA)


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Add missing canonical columns as nulls, cast, and order them; drop extras.

    >>> conform(pl.DataFrame({"ticket_id": ["1"]})).width == len(COLUMNS)
    True
    """
    exprs = []
    for name, dtype in SCHEMA.items():
        if name == "tags" and name in df.columns:  # no tags (a file without the column): none
            exprs.append(pl.col(name).cast(dtype, strict=False).fill_null(pl.lit([], dtype=dtype)))
        elif name in df.columns:
            exprs.append(pl.col(name).cast(dtype, strict=False))
        elif name == "tags":
            exprs.append(pl.lit([], dtype=dtype).alias(name))
        elif name == "escalated":
            exprs.append(pl.lit(False).alias(name))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(exprs)


def validate(df: pl.DataFrame, *, ids_unique: bool = False) -> pl.DataFrame:
    """Check names, dtypes, vocabularies and required values; return the frame unchanged.

    Raises :class:`SchemaError` naming the first problem found. ``ids_unique``: the caller
    has made ``ticket_id`` unique itself (the loader keeps one row per id), so the costly
    count of distinct ids is skipped.

    >>> validate(empty_tickets()).height
    0
    """
    if df.columns != COLUMNS:
        missing = [c for c in COLUMNS if c not in df.columns]
        extra = [c for c in df.columns if c not in SCHEMA]
        raise SchemaError(f"columns differ from the schema: missing {missing}, extra {extra}")
    for name, dtype in SCHEMA.items():
        if df.schema[name] != dtype:
            raise SchemaError(f"column {name!r} has dtype {df.schema[name]}, expected {dtype}")
    for name in REQUIRED:
        nulls = df.get_column(name).null_count()
        if nulls:
            raise SchemaError(f"column {name!r} has {nulls} null values")
    vocabularies = (("status", STATUSES), ("priority", PRIORITIES), ("channel", CHANNELS))
    # The distinct values of the three columns at once (Polars spreads them over its threads).
    fits = df.select(
        pl.col(name).unique().drop_nulls().is_in(list(allowed)).all()
        for name, allowed in vocabularies
    ).row(0)
    for (name, allowed), ok in zip(vocabularies, fits, strict=True):
        if ok:
            continue
        col = df.get_column(name)  # the column only: filtering the frame copies every column
        bad = col.filter(col.is_not_null() & ~col.is_in(list(allowed)))
        if bad.len():
            raise SchemaError(
                f"column {name!r} has values outside {list(allowed)}: "
                f"{bad.unique().head(5).to_list()}"
            )
    if not ids_unique and df.get_column("ticket_id").n_unique() != df.height:
        raise SchemaError("ticket_id is not unique")
    return df


def first_column_whole(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its first column in one chunk (the others as they are).

    A frame read by Polars keeps the chunks of its reader (one per thread and block, or per
    Parquet row group); columns computed from it are mostly in one chunk. Polars 2.1 copies
    every column of such a frame into one chunk at the next ``with_columns`` when its first
    column is in several chunks (a million tickets: 0.12 s, and each string view held twice
    meanwhile; a 10-million-ticket snapshot with its raw columns: 9 s and 7 GiB more), but
    leaves them as they are when the first column is in one chunk
    (``tests/ingest/test_import_memory.py`` checks both). Only the first column is copied.
    The import makes its frames so, and so does every read of a snapshot
    (:mod:`lib.store.snapshot_scan`).

    >>> f = pl.concat([pl.DataFrame({"id": ["1", "2"], "x": ["a", "b"]})] * 2, rechunk=False)
    >>> first_column_whole(f).n_chunks("all")
    [1, 2]
    """
    if frame.width == 0 or frame.to_series(0).n_chunks() == 1:
        return frame
    return pl.DataFrame([frame.to_series(0).rechunk(), *frame.get_columns()[1:]])
