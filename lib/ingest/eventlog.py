"""Event logs: exports with one row per state change, collapsed to one row per ticket.

Two shapes are common. Audit trails (ServiceNow's incident event log: number,
sys_updated_at, incident_state, assigned_to, assignment_group ...) repeat the ticket with its
state after each change. Process-mining logs (``case:concept:name``, ``time:timestamp``,
``concept:name`` as the activity, ``org:resource`` as the person) name the step taken on
each row and often have no created or status column: the created time is then the case's
first event, and the closing step (see :mod:`lib.ingest.activities`) gives ``solved_at``.

:func:`collapse_events` keeps per ticket:

- the final state, owner (``agent``) and group; the first non-empty owner and group
  (``first_agent``, ``first_group``); group changes counted as reassignments;
- the support tier (from ``_level``, else the group name: L1/L2, Tier 2, 2nd line ...):
  ``_first_tier`` (where it started), ``_tier_move_at`` (first event at a higher tier than
  where it started: the ``level_move`` rule), ``_tier_high_at`` (first event at tier 2 or
  above: the ``level_ever`` rule) and ``_moved_by`` (the owner on the last event before the
  first move up; it becomes ``escalated_by``);
- the tag ``opened_above_tier1`` on tickets whose first known tier is 2 or above, so pages
  can tell them apart (the load report counts them).

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

from lib.ingest.activities import closing_kind
from lib.ingest.normalise.vocabularies import has_value
from lib.ingest.rules import STEP_UPGRADE, STEP_UPGRADE_DENIED, says_escalated, tier_level

_SOLVED = ("solved", "closed")

#: Tag on tickets whose first known support tier is 2 or above (opened above the first line).
OPENED_ABOVE_TIER1 = "opened_above_tier1"


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


def _first(name: str) -> pl.Expr:
    return pl.col(name).drop_nulls().first().alias(name)


def _tier_columns(ev: pl.DataFrame, when_col: str | None) -> pl.DataFrame:
    """Per-event helpers over ``__tier``: the time of events above the start tier and at
    tier 2 or above, and the owner on events before the first move up.

    "Before the first move" uses a running count of moves over the whole frame (sorted by
    ticket), compared with the count at the ticket's start: no per-group cumulative sum.
    """
    moved = (pl.col("__tier") > pl.col("__first_tier")).fill_null(False)
    ev = ev.with_columns(moved.alias("__moved"))
    hits = pl.col("__moved").cast(pl.Int32)
    ev = ev.with_columns((hits.cum_sum() - hits).alias("__moves_before"))
    cols: list[pl.Expr] = []
    if when_col is not None:
        cols.append(pl.when("__moved").then(pl.col(when_col)).alias("__move_time"))
        cols.append(pl.when(pl.col("__tier") >= 2).then(pl.col(when_col)).alias("__high_time"))
    if "agent" in ev.columns:
        start = pl.col("__moves_before").min().over("ticket_id")
        before = (pl.col("__moves_before") == start) & ~pl.col("__moved")
        cols.append(pl.when(before).then(pl.col("agent")).alias("__agent_before"))
    return ev.with_columns(cols) if cols else ev


def _tier_aggs(ev: pl.DataFrame) -> list[pl.Expr]:
    """Where the ticket started, when it first moved up and who owned it just before, when
    it first reached tier 2 or above."""
    no_time = pl.lit(None, pl.Datetime("us", "UTC"))
    aggs = [
        pl.col("__first_tier").first().alias("_first_tier"),
        pl.col("__move_time").min().alias("_tier_move_at")
        if "__move_time" in ev.columns
        else no_time.alias("_tier_move_at"),
        pl.col("__high_time").min().alias("_tier_high_at")
        if "__high_time" in ev.columns
        else no_time.alias("_tier_high_at"),
        # whether, even when the log has no time to say when (file order decides)
        pl.col("__moved").any().alias("_tier_moved"),
        (pl.col("__tier") >= 2).any().alias("_tier_high"),
    ]
    if "__agent_before" in ev.columns:
        aggs.append(pl.col("__agent_before").drop_nulls().last().alias("_moved_by"))
    return aggs


def _closing_time(ev: pl.DataFrame, when_col: str) -> pl.DataFrame:
    """Add ``__close_time``: an event's time when it belongs to the ticket's final run of
    closing steps (a closing step followed by other work was reopened, so it does not count;
    a step at the closing step's very time is no work); else null. A running count of other
    steps over the whole frame (sorted by ticket) is at its ticket's maximum from the last
    other step on. ``__close_kind``: that step's kind ("closed", "solved")."""
    # a step logged at the very time of the closing step before it is the close's own
    # bookkeeping (a BPI Challenge log's "Caused By CI" at the second of "Closed"), not work
    closed_at = pl.when(pl.col("__closing")).then(pl.col(when_col)).forward_fill().over("ticket_id")
    work = ~pl.col("__closing") & pl.col(when_col).ne_missing(closed_at)
    ev = ev.with_columns(work.cast(pl.Int32).cum_sum().alias("__open_steps"))
    final_run = pl.col("__closing") & (
        pl.col("__open_steps") == pl.col("__open_steps").max().over("ticket_id")
    )
    return ev.with_columns(
        pl.when(final_run).then(pl.col(when_col)).alias("__close_time"),
        pl.when(final_run).then(closing_kind(pl.col("_activity"))).alias("__close_kind"),
    )


def _status_solved_at(when_col: str) -> pl.Expr:
    """Per ticket (an aggregation): the time of the first event of the final run of solved or
    closed statuses, null when the last status is not one.

    >>> ev = pl.DataFrame({"ticket_id": ["a"] * 4, "status": ["open", "solved", "open", "closed"],
    ...                    "t": [1, 2, 3, 4]})
    >>> ev.group_by("ticket_id").agg(_status_solved_at("t")).item(0, 1)
    4
    """
    solved = pl.col("status").is_in(_SOLVED).fill_null(False)
    index = pl.int_range(pl.len())
    last_open = index.filter(~solved).max().fill_null(-1)  # solved at its first event: that one
    return pl.col(when_col).filter(solved & (index > last_open)).min().alias("__status_solved_at")


def _status_changes(ev: pl.DataFrame) -> bool:
    """Whether any ticket of a (sorted) log changes status from one event to the next.

    >>> _status_changes(pl.DataFrame({"ticket_id": ["a", "a", "b"], "status": ["open"] * 3}))
    False
    """
    changed = (pl.col("status") != pl.col("status").shift(1)).over("ticket_id")
    return bool(ev.select(changed.fill_null(False).any()).item())


def _step_tier_aggs(ev: pl.DataFrame, when_col: str | None) -> list[pl.Expr]:
    """``_step_tier``: the ticket went through a step that escalates (``says_escalated``:
    "Escalate to 2nd Level", "Forward to Level 2"; or asks for an upgrade, ``STEP_UPGRADE``:
    "Require upgrade"); ``_step_tier_at``: when it first did. Steps repeat: each distinct one
    is read once."""
    steps = ev.get_column("_activity").cast(pl.String).unique().drop_nulls()
    asked = pl.lit(steps).str.contains(STEP_UPGRADE) & ~pl.lit(steps).str.contains(
        STEP_UPGRADE_DENIED
    )
    up = says_escalated(pl.lit(steps)) | asked
    higher = steps.filter(pl.select(up).to_series())
    hit = pl.col("_activity").cast(pl.String).is_in(higher.implode()).fill_null(False)
    aggs = [hit.any().alias("_step_tier")]
    if when_col is not None:
        aggs.append(pl.col(when_col).filter(hit).min().alias("_step_tier_at"))
    return aggs


def _created_is_event_time(events: pl.DataFrame) -> bool:
    """Whether the only time column, mapped as created, is each event's own time: it differs
    between the events of at least half of the tickets with several (a BPI Challenge log's
    "DateStamp"). An audit trail repeats the ticket's creation on every row.

    >>> t = pl.Series([1, 2, 3], dtype=pl.Datetime("us"))
    >>> _created_is_event_time(pl.DataFrame({"ticket_id": ["a", "a", "b"], "created_at": t}))
    True
    >>> same = t.gather([0, 0, 2])
    >>> _created_is_event_time(pl.DataFrame({"ticket_id": ["a", "a", "b"], "created_at": same}))
    False
    """
    if "created_at" not in events.columns or {"_event_time", "updated_at"} & set(events.columns):
        return False
    per = (
        events.group_by("ticket_id")
        .agg(n=pl.len(), times=pl.col("created_at").drop_nulls().n_unique())
        .filter(pl.col("n") > 1)
    )
    return per.height > 0 and (per.get_column("times") > 1).mean() >= 0.5


#: ServiceNow's count of updates to a record, kept as the export's own column.
_UPDATE_COUNT = "raw:sys_mod_count"
#: XES' lifecycle of an event (start, complete), kept as the export's own column.
_LIFECYCLE = "raw:lifecycle:transition"


def collapse_events(events: pl.DataFrame, status_source: str | None = None) -> pl.DataFrame:
    """Collapse an event log (one row per change) to one row per ticket.

    Expects canonical columns where the export has them, plus optional ``_event_time``
    (when the change happened; falls back to ``updated_at`` and then file order),
    ``_level`` (support level), ``_activity`` (the step taken, process-mining logs) and
    ``raw:*`` columns (last non-null value kept); with ``_activity``, ``_steps`` lists every
    step a ticket went through, in order. Sorting and grouping are done by Polars
    (no per-ticket Python loop). See the module docstring for what is kept.

    ``status_source`` names the export's status column: an event whose own cell is empty (a
    log that writes the status only when it changes, ServiceNow's ``?``) keeps the status of
    the event before it, not the "open" the loader derived for it.
    """
    if events.height == 0:
        return events
    raw_status = f"raw:{status_source}" if status_source else None
    if raw_status in events.columns and "status" in events.columns:
        events = events.with_columns(__no_status=~has_value(events.get_column(raw_status)))
    if _created_is_event_time(events):
        events = events.with_columns(pl.col("created_at").alias("_event_time"))
    order: list[str | pl.Expr] = [c for c in ("_event_time", "updated_at") if c in events.columns]
    if _UPDATE_COUNT in events.columns:
        # ServiceNow logs by the minute: its update count orders a minute's events (a file
        # sorted by something else, or re-saved, keeps the right last state)
        order.append(pl.col(_UPDATE_COUNT).cast(pl.Int64, strict=False))
    order += ["_line"] if "_line" in events.columns else []
    ev = events.with_row_index("__pos")
    ev = ev.sort(["ticket_id", *order, "__pos"], nulls_last=False)

    if "__no_status" in ev.columns:
        kept = pl.when(~pl.col("__no_status")).then(pl.col("status"))
        ev = ev.with_columns(
            status=pl.coalesce(kept.forward_fill().over("ticket_id"), pl.col("status"))
        )
    tier_sources = [c for c in ("_level", "group") if c in ev.columns]
    if tier_sources:
        levels = [tier_level(pl.col(c)) for c in tier_sources]
        ev = ev.with_columns(__tier=pl.coalesce(levels))
        if "group" in tier_sources and not (ev.get_column("__tier") == 1).any():
            # No group names the first line: a named group that names no level is it
            # ("Service Desk" before "Level 2": a move up, not a ticket opened at tier 2).
            # A log that names its L1 group leaves the others (specialist teams) unknown; an
            # empty group says nothing.
            named = pl.col("group").cast(pl.String).str.strip_chars().str.len_chars() > 0
            ev = ev.with_columns(
                __tier=pl.coalesce("__tier", pl.when(named).then(pl.lit(1, pl.Int32)))
            )
        ev = ev.with_columns(
            __first_tier=pl.col("__tier").drop_nulls().first().over("ticket_id"),
        )
    when_col = next((c for c in ("_event_time", "updated_at") if c in ev.columns), None)
    if tier_sources:
        ev = _tier_columns(ev, when_col)
    if "_activity" in ev.columns and when_col is not None:
        closing = closing_kind(pl.col("_activity")).is_not_null()
        if _LIFECYCLE in ev.columns:
            # XES: a step's "start" event is not its end ("Resolve ticket" ends at "complete")
            done = pl.col(_LIFECYCLE).cast(pl.String).str.strip_chars().str.to_lowercase()
            closing = closing & (done.is_null() | (done == "complete"))
        ev = ev.with_columns(__closing=closing)
        ev = _closing_time(ev, when_col)
    if "__close_time" in ev.columns and "agent" in ev.columns:
        # The owner of a solved ticket is who resolved it: "Closed" is often an account that
        # closes solved tickets in bulk days later (the 4TU helpdesk log's "Value 5"); a
        # ticket without a resolve step in its final run keeps its last event's resource
        resolve = closing_kind(pl.col("_activity")) == "solved"
        final = (resolve & pl.col("__close_time").is_not_null()).fill_null(False)
        ev = ev.with_columns(__worker=pl.when(final).then("agent"))

    aggs: list[pl.Expr] = []
    for name in ev.columns:
        if name == "ticket_id" or name.startswith("__"):
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
        elif name in ("_line", "first_agent", "first_group"):
            aggs.append(_first(name))
        elif name == "agent" and "__worker" in ev.columns:
            worked = pl.col("__worker").drop_nulls().last()
            aggs.append(pl.coalesce(worked, pl.col(name).drop_nulls().last()).alias(name))
        else:
            aggs.append(_last(name))
    aggs.append(pl.len().alias("_events"))
    # First non-empty owner and group: who had the ticket at creation or first assignment.
    for key, src in (("first_agent", "agent"), ("first_group", "group")):
        if src in ev.columns:
            aggs.append(pl.col(src).drop_nulls().first().alias(f"__{key}"))
    if "group" in ev.columns:
        changed = (pl.col("group") != pl.col("group").shift(1)).fill_null(False)
        aggs.append(changed.filter(pl.col("group").is_not_null()).sum().alias("__group_changes"))
    if "status" in ev.columns:
        reopened = pl.col("status").shift(1).is_in(_SOLVED) & ~pl.col("status").is_in(_SOLVED)
        aggs.append(reopened.fill_null(False).sum().alias("__reopen_events"))
        if when_col is not None and _status_changes(ev):
            # when the status last became solved (BPI's "Completed"); a log whose tickets never
            # change status carries a ticket table's status on every event: it says nothing
            aggs.append(_status_solved_at(when_col))
    if tier_sources:
        aggs.extend(_tier_aggs(ev))
    if "__close_time" in ev.columns:
        aggs.append(pl.col("__close_time").min().alias("__closed_at"))
        # closed by its final run, though a step at the close's time came last
        aggs.append(
            pl.when(pl.col("__closing").last().not_())
            .then(pl.col("__close_kind").drop_nulls().last())
            .alias("__closed_as")
        )
    if "priority" in ev.columns:  # the priority at creation: raised later is a signal
        aggs.append(pl.col("priority").drop_nulls().first().alias("_first_priority"))
    if "_activity" in ev.columns:
        # every step the ticket went through ("Require upgrade" mid-way is a signal)
        aggs.append(pl.col("_activity").drop_nulls().unique(maintain_order=True).alias("_steps"))
        aggs.extend(_step_tier_aggs(ev, when_col))

    out = ev.group_by("ticket_id", maintain_order=True).agg(aggs)
    return _finish(out)


def _finish(out: pl.DataFrame) -> pl.DataFrame:
    """Fold the helper aggregates of :func:`collapse_events` into the ticket columns."""
    for key in ("first_agent", "first_group"):
        if f"__{key}" in out.columns:
            given = [pl.col(key)] if key in out.columns else []
            out = out.with_columns(pl.coalesce([*given, pl.col(f"__{key}")]).alias(key))
            out = out.drop(f"__{key}")
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
    if "_tier_moved" in out.columns:
        if "_moved_by" in out.columns:  # only a move up has an owner "just before" it
            out = out.with_columns(
                _moved_by=pl.when(pl.col("_tier_moved")).then(pl.col("_moved_by"))
            )
        above = (pl.col("_first_tier") >= 2).fill_null(False)
        tags = pl.col("tags") if "tags" in out.columns else pl.lit([], pl.List(pl.String))
        out = out.with_columns(
            tags=pl.when(above)
            .then(tags.list.concat(pl.lit([OPENED_ABOVE_TIER1], pl.List(pl.String))))
            .otherwise(tags)
        )
    if "__closed_as" in out.columns:
        if "status" in out.columns:  # the last step is the close's bookkeeping, not work
            out = out.with_columns(status=pl.coalesce("__closed_as", "status"))
        out = out.drop("__closed_as")
    closes = [c for c in ("__closed_at", "__status_solved_at") if c in out.columns]
    if closes:
        given = [pl.col("solved_at")] if "solved_at" in out.columns else []
        out = out.with_columns(
            # The export's own solve dates win; the closing step, then the status, fill the rest.
            solved_at=pl.coalesce([*given, *map(pl.col, closes)]).cast(pl.Datetime("us", "UTC"))
        ).drop(closes)
    if "status" in out.columns and "solved_at" in out.columns:
        # A ticket reopened after its last solve is not solved.
        out = out.with_columns(
            solved_at=pl.when(pl.col("status").is_in(_SOLVED) | pl.col("status").is_null())
            .then(pl.col("solved_at"))
            .otherwise(None)
        )
    return out
