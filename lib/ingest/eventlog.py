"""Event logs: exports with one row per state change, collapsed to one row per ticket.

ServiceNow's incident event log and process-mining logs (with a support-level column such
as L1/L2/L3) repeat the ticket id on every change. :func:`collapse_events` keeps the final
state, the first open and last solve time, the owner and group at the end, counts group
changes as reassignments, and records the first move to a higher tier as ``_tier_move_at``
(the ``level_move`` escalation rule reads it).

Example
-------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> t = [datetime(2024, 1, 1, h, tzinfo=timezone.utc) for h in (9, 10, 11)]
>>> ev = pl.DataFrame({"ticket_id": ["A", "A", "A"], "_event_time": t,
...     "created_at": t[:1] * 3, "status": ["new", "open", "solved"],
...     "group": ["Service desk", "Service desk", "Network"], "_level": ["L1", "L2", "L2"]})
>>> out = collapse_events(ev)
>>> out.select("ticket_id", "status", "group", "reassignments").rows()
[('A', 'solved', 'Network', 1)]
>>> out.get_column("_tier_move_at").dt.hour().to_list()
[10]
"""

from __future__ import annotations

import polars as pl

from lib.ingest.rules import tier_level

_SOLVED = ("solved", "closed")


def looks_like_event_log(
    frame: pl.DataFrame, *, min_rows_per_ticket: float = 1.5, n_unique: int | None = None
) -> bool:
    """True when ticket ids repeat on average at least ``min_rows_per_ticket`` times.

    Several monthly exports also repeat ids, but rarely more than once per file; an event
    log repeats them on every state change. ``n_unique``: the number of distinct non-null ids,
    when already known.

    >>> looks_like_event_log(pl.DataFrame({"ticket_id": ["a", "a", "a", "b", "b"]}))
    True
    >>> looks_like_event_log(pl.DataFrame({"ticket_id": ["a", "b", "c", "c"]}))
    False
    """
    if "ticket_id" not in frame.columns or frame.height == 0:
        return False
    ids = frame.get_column("ticket_id").drop_nulls()
    if n_unique is None:  # distinct ids, when the caller has not counted them already
        n_unique = ids.n_unique()
    return n_unique > 0 and ids.len() / n_unique >= min_rows_per_ticket


def _last(name: str) -> pl.Expr:
    return pl.col(name).drop_nulls().last().alias(name)


def collapse_events(events: pl.DataFrame) -> pl.DataFrame:
    """Collapse an event log (one row per change) to one row per ticket.

    Expects canonical columns where the export has them, plus optional ``_event_time``
    (when the change happened; falls back to ``updated_at`` and then file order),
    ``_level`` (support level) and ``raw:*`` columns (last non-null value kept).
    """
    if events.height == 0:
        return events
    order = [c for c in ("_event_time", "updated_at", "_line") if c in events.columns]
    ev = events.with_row_index("__pos")
    ev = ev.sort(["ticket_id", *order, "__pos"], nulls_last=False)

    tier_sources = [c for c in ("_level", "group") if c in ev.columns]
    if tier_sources:
        ev = ev.with_columns(
            __tier=pl.coalesce([tier_level(pl.col(c)) for c in tier_sources]),
        )
        ev = ev.with_columns(
            __first_tier=pl.col("__tier").drop_nulls().first().over("ticket_id"),
        )
    when_col = next((c for c in ("_event_time", "updated_at") if c in ev.columns), None)

    aggs: list[pl.Expr] = []
    for name in ev.columns:
        if name in ("ticket_id", "__pos", "__tier", "__first_tier"):
            continue
        if name == "created_at":
            aggs.append(pl.col(name).min())
        elif name in ("solved_at", "updated_at", "_event_time"):
            aggs.append(pl.col(name).max())
        elif name == "escalated_at":
            aggs.append(pl.col(name).min())
        elif name == "tags":
            aggs.append(pl.col(name).explode().drop_nulls().unique(maintain_order=True))
        elif name in ("reassignments", "reopens", "first_response_minutes"):
            aggs.append(pl.col(name).max())
        elif name == "_line":
            aggs.append(pl.col(name).first())
        else:
            aggs.append(_last(name))
    aggs.append(pl.len().alias("_events"))
    if "group" in ev.columns:
        changed = (pl.col("group") != pl.col("group").shift(1)).fill_null(False)
        aggs.append(changed.filter(pl.col("group").is_not_null()).sum().alias("__group_changes"))
    if "status" in ev.columns:
        reopened = pl.col("status").shift(1).is_in(_SOLVED) & ~pl.col("status").is_in(_SOLVED)
        aggs.append(reopened.fill_null(False).sum().alias("__reopen_events"))
    if tier_sources and when_col is not None:
        moved = pl.col("__tier") > pl.col("__first_tier")
        aggs.append(pl.col(when_col).filter(moved).min().alias("_tier_move_at"))
    elif tier_sources:
        aggs.append(pl.lit(None, pl.Datetime("us", "UTC")).alias("_tier_move_at"))

    out = ev.group_by("ticket_id", maintain_order=True).agg(aggs)
    if "__group_changes" in out.columns:
        counted = pl.col("__group_changes").cast(pl.Int32)
        out = out.with_columns(
            reassignments=pl.max_horizontal(pl.col("reassignments").cast(pl.Int32), counted)
            if "reassignments" in out.columns
            else counted
        ).drop("__group_changes")
    if "__reopen_events" in out.columns:
        counted = pl.col("__reopen_events").cast(pl.Int32)
        out = out.with_columns(
            reopens=pl.max_horizontal(pl.col("reopens").cast(pl.Int32), counted)
            if "reopens" in out.columns
            else counted
        ).drop("__reopen_events")
    if "status" in out.columns and "solved_at" in out.columns:
        # A ticket reopened after its last solve is not solved.
        out = out.with_columns(
            solved_at=pl.when(pl.col("status").is_in(_SOLVED) | pl.col("status").is_null())
            .then(pl.col("solved_at"))
            .otherwise(None)
        )
    return out
