"""Tickets as they were at a moment: times in hours, censored at ``as_of``, and window counts.

Everything the risk model knows about a ticket at a moment ``s`` comes from here. A ticket's
times after ``as_of`` are unknown (set to NaN: not solved yet, not escalated yet, not answered
yet) and tickets created after ``as_of`` do not exist, so a model trained or a score computed
"as of" a moment cannot see the future even when the frame holds it.

Escalation time: ``escalated_at`` when known. Without any escalation time in the export
(``timed`` false) an escalated ticket's escalation counts as known ``horizon`` days after its
creation (the horizon is the time within which escalations almost always happen), and the
model scores tickets as of their creation only (see :mod:`lib.risk.model`).

>>> from datetime import UTC, datetime
>>> t = pl.DataFrame({
...     "ticket_id": ["a", "b"],
...     "created_at": [datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 3, tzinfo=UTC)],
...     "solved_at": [datetime(2024, 1, 2, tzinfo=UTC), None],
...     "escalated": [False, True],
...     "escalated_at": [None, datetime(2024, 1, 9, tzinfo=UTC)],
... })
>>> tl = prepare(t, as_of=datetime(2024, 1, 5, tzinfo=UTC), horizon_days=7)
>>> tl.n, tl.timed, bool(np.isnan(tl.escalated[1]))   # the escalation is after as_of
(2, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import polars as pl

from lib.schema import SCHEMA

_US_PER_HOUR = 3_600_000_000
_SHIFT = np.int64(1) << np.int64(32)
#: Closed statuses: a ticket in one of them is not open.
CLOSED_STATUSES = ("solved", "closed")


@dataclass(frozen=True)
class Timeline:
    """Tickets created by ``as_of``, with times as float hours since ``t0`` (NaN: none yet).

    ``escalated``: escalation time when known by ``as_of`` (NaN: not escalated by then, or
    escalated at an unknown time, see ``esc_unknown``); ``esc_known_at``: when the escalation
    is counted in histories (its time, or creation + horizon when unknown).
    ``activity``: optional sorted event keys (ticket index << 32 | seconds) of updates.
    """

    frame: pl.DataFrame
    t0: datetime
    as_of: float
    created: np.ndarray
    solved: np.ndarray
    escalated: np.ndarray
    esc_unknown: np.ndarray
    esc_known_at: np.ndarray
    first_reply: np.ndarray
    timed: bool
    horizon_h: float
    activity: np.ndarray | None = None
    reassign: np.ndarray | None = None
    reopen: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of tickets known at ``as_of``."""
        return self.frame.height

    def hours(self, moment: datetime) -> float:
        """``moment`` as hours since ``t0``."""
        return (_utc(moment) - self.t0).total_seconds() / 3600.0

    def moment(self, hours: float) -> datetime:
        """Hours since ``t0`` back to a UTC datetime."""
        from datetime import timedelta

        return self.t0 + timedelta(hours=float(hours))

    def open_at(self, s: float) -> np.ndarray:
        """Tickets open and not escalated at ``s`` (hours): created, not solved, not escalated."""
        return (
            (self.created <= s)
            & ~(self.solved <= s)
            & ~(self.escalated <= s)
            & ~(self.esc_unknown & (self.created + self.horizon_h <= s))
        )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _col_hours(frame: pl.DataFrame, name: str, t0: datetime) -> np.ndarray:
    if name not in frame.columns:
        return np.full(frame.height, np.nan)
    out = (
        frame.select(
            ((pl.col(name).cast(pl.Datetime("us", "UTC")) - pl.lit(t0)).dt.total_microseconds())
            .cast(pl.Float64)
            .truediv(_US_PER_HOUR)
        )
        .to_series()
        .fill_null(np.nan)
        .to_numpy()
    )
    return np.array(out, dtype=np.float64)


def with_columns(tickets: pl.DataFrame, *names: str) -> pl.DataFrame:
    """``tickets`` with any of ``names`` it lacks added as nulls of their canonical dtype."""
    missing = [
        pl.lit(None, dtype=SCHEMA.get(n, pl.String)).alias(n)
        for n in names
        if n not in tickets.columns
    ]
    return tickets.with_columns(missing) if missing else tickets


def is_timed(tickets: pl.DataFrame) -> bool:
    """True when at least one escalated ticket has an escalation time."""
    if "escalated_at" not in tickets.columns or tickets.height == 0:
        return False
    return bool(
        tickets.select(
            (pl.col("escalated").fill_null(False) & pl.col("escalated_at").is_not_null()).any()
        ).item()
    )


def prepare(
    tickets: pl.DataFrame,
    *,
    as_of: datetime,
    horizon_days: float,
    events: pl.DataFrame | None = None,
    timed: bool | None = None,
) -> Timeline:
    """The tickets as known at ``as_of`` (see the module notes); ``events`` is an optional
    activity log (``ticket_id``, ``at``, optional ``kind``: ``reassign``, ``reopen`` or
    anything else for an update) whose rows after ``as_of`` are ignored.
    """
    as_of = _utc(as_of)
    t = with_columns(
        tickets, "escalated_at", "solved_at", "first_response_minutes", "status", "updated_at"
    )
    t = t.filter(pl.col("created_at").is_not_null() & (pl.col("created_at") <= as_of))
    if timed is None:
        timed = is_timed(tickets)
    created_min = t.get_column("created_at").min() if t.height else as_of
    from datetime import timedelta

    t0 = _utc(created_min) - timedelta(days=62)  # type: ignore[arg-type]
    a = (as_of - t0).total_seconds() / 3600.0
    horizon_h = float(horizon_days) * 24.0
    created = _col_hours(t, "created_at", t0)
    esc_flag = t.get_column("escalated").fill_null(False).to_numpy().astype(bool)
    esc_at = _col_hours(t, "escalated_at", t0) if timed else np.full(t.height, np.nan)
    esc_at[~esc_flag] = np.nan
    esc_unknown = esc_flag & np.isnan(esc_at)
    esc_at = np.where(esc_at < created, created, esc_at)
    frt = t.get_column("first_response_minutes").cast(pl.Float64).fill_null(np.nan).to_numpy()
    first_reply = created + np.asarray(frt, dtype=np.float64) / 60.0
    tl = _known_by(
        t,
        t0,
        a,
        created=created,
        solved=_col_hours(t, "solved_at", t0),
        esc_flag=esc_flag,
        esc_at=esc_at,
        esc_unknown=esc_unknown,
        first_reply=first_reply,
        timed=bool(timed),
        horizon_h=horizon_h,
    )
    if events is not None and events.height:
        activity, reassign, reopen = _event_keys(t, events, t0, a)
        tl = replace(tl, activity=activity, reassign=reassign, reopen=reopen)
    return tl


def _known_by(
    frame: pl.DataFrame,
    t0: datetime,
    a: float,
    *,
    created: np.ndarray,
    solved: np.ndarray,
    esc_flag: np.ndarray,
    esc_at: np.ndarray,
    esc_unknown: np.ndarray,
    first_reply: np.ndarray,
    timed: bool,
    horizon_h: float,
) -> Timeline:
    """The timeline of ``frame``'s tickets as known at ``a`` hours: each time after it becomes
    unknown (NaN), and without escalation times an escalation is judged once its horizon has
    passed. ``esc_at``: escalation times no earlier than creation. Changes ``solved``,
    ``esc_at`` and ``first_reply`` in place."""
    solved[solved > a] = np.nan
    esc_at[esc_at > a] = np.nan
    if not timed:
        # no escalation times: the state at the export is all there is (see the module notes)
        esc_unknown = esc_flag & (created + horizon_h <= a)
    known_at = np.where(esc_unknown, created + horizon_h, esc_at)
    known_at[known_at > a] = np.nan
    first_reply[first_reply > a] = np.nan
    return Timeline(
        frame=frame,
        t0=t0,
        as_of=a,
        created=created,
        solved=solved,
        escalated=esc_at,
        esc_unknown=esc_unknown,
        esc_known_at=known_at,
        first_reply=first_reply,
        timed=timed,
        horizon_h=horizon_h,
    )


def restrict(full: Timeline, as_of: datetime) -> tuple[Timeline, np.ndarray] | None:
    """What :func:`prepare` gives at the earlier moment ``as_of``, cut from ``full`` (prepared
    from the same tickets, without an activity log) instead of read again from every ticket;
    with the mask of ``full``'s rows it keeps. None when it cannot be cut (an activity log, or
    no ticket by then): call :func:`prepare`.

    The same rows in the same order, the same ``t0`` (the oldest ticket is kept) and the same
    hours: each time known after ``as_of`` becomes unknown, as :func:`prepare` makes it.
    """
    as_of = _utc(as_of)
    if full.activity is not None or full.reassign is not None or full.reopen is not None:
        return None
    mask = (full.frame.get_column("created_at") <= as_of).fill_null(False).to_numpy()
    if not mask.any():
        return None
    a = (as_of - full.t0).total_seconds() / 3600.0
    cut = _known_by(  # (indexing by the mask copies: full's arrays are not changed)
        full.frame.filter(pl.Series(mask)),
        full.t0,
        a,
        created=full.created[mask],
        solved=full.solved[mask],
        esc_flag=full.frame.get_column("escalated").fill_null(False).to_numpy().astype(bool)[mask],
        esc_at=full.escalated[mask],
        esc_unknown=full.esc_unknown[mask],
        first_reply=full.first_reply[mask],
        timed=full.timed,
        horizon_h=full.horizon_h,
    )
    return cut, mask


def _event_keys(
    t: pl.DataFrame, events: pl.DataFrame, t0: datetime, a: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted keys (ticket index << 32 | seconds since t0) of updates, reassignments, reopens."""
    idx = t.select(pl.col("ticket_id").cast(pl.String), pl.int_range(pl.len()).alias("_i"))
    ev = events.select(
        pl.col("ticket_id").cast(pl.String),
        pl.col("at").cast(pl.Datetime("us", "UTC")),
        (pl.col("kind").cast(pl.String) if "kind" in events.columns else pl.lit("update")).alias(
            "kind"
        ),
    ).join(idx, on="ticket_id", how="inner")
    hours = (
        ev.select(
            (pl.col("at") - pl.lit(t0)).dt.total_microseconds().cast(pl.Float64) / _US_PER_HOUR
        )
        .to_series()
        .to_numpy()
    )
    keep = np.isfinite(hours) & (hours <= a) & (hours >= 0)
    code = ev.get_column("_i").to_numpy().astype(np.int64)
    kind = ev.get_column("kind").fill_null("update").to_numpy()
    key = code * _SHIFT + np.round(np.nan_to_num(hours) * 3600).astype(np.int64)
    return (
        np.sort(key[keep]),
        np.sort(key[keep & (kind == "reassign")]),
        np.sort(key[keep & (kind == "reopen")]),
    )


def keys(codes: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Sorted event keys of (code, time) pairs, without negative codes and NaN times."""
    ok = (codes >= 0) & np.isfinite(hours)
    k = codes[ok].astype(np.int64) * _SHIFT + np.round(hours[ok] * 3600).astype(np.int64)
    return np.sort(k)


def count_in(
    sorted_keys: np.ndarray, codes: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """How many events of each query's code fall in ``(lo, hi]`` (hours); 0 for code < 0."""
    c = codes.astype(np.int64) * _SHIFT
    lo_s = np.round(np.maximum(lo, 0.0) * 3600).astype(np.int64)
    hi_s = np.round(np.maximum(hi, 0.0) * 3600).astype(np.int64)
    return np.where(codes >= 0, _rank(sorted_keys, c + hi_s) - _rank(sorted_keys, c + lo_s), 0)


def _rank(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``searchsorted(..., "right")`` with the queries sorted first (far fewer cache misses)."""
    order = np.argsort(queries, kind="stable")
    out = np.empty(queries.size, dtype=np.int64)
    out[order] = np.searchsorted(sorted_keys, queries[order], "right")
    return out


def last_before(sorted_keys: np.ndarray, codes: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Time (hours) of each code's last event at or before ``s``; NaN when none."""
    c = codes.astype(np.int64) * _SHIFT
    q = c + np.round(s * 3600).astype(np.int64)
    pos = np.searchsorted(sorted_keys, q, "right") - 1
    found = sorted_keys[np.clip(pos, 0, None)] if sorted_keys.size else np.zeros_like(q)
    ok = (pos >= 0) & (found >= c) & (found <= q) if sorted_keys.size else np.zeros(len(q), bool)
    return np.where(ok, (found - c) / 3600.0, np.nan)


def codes(frame: pl.DataFrame, *columns: str | pl.Expr) -> list[np.ndarray]:
    """Integer codes per row of one or more columns, numbered together (the same value gets
    the same code in every column); -1 for null or a missing column.

    >>> f = pl.DataFrame({"a": ["x", None, "y"], "b": ["y", "y", None]})
    >>> a, b = codes(f, "a", "b")
    >>> sorted({*a.tolist(), *b.tolist()}), bool(a[2] == b[0] == b[1] != a[0]), bool(a[1] == -1)
    ([-1, 0, 1], True, True)
    """
    parts = []
    for column in columns:
        if isinstance(column, str) and column not in frame.columns:
            parts.append(pl.Series(column, [None] * frame.height, pl.String))
        else:
            expr = pl.col(column) if isinstance(column, str) else column
            parts.append(frame.select(expr.cast(pl.String)).to_series())
    if not parts:
        return []
    # a categorical numbers the values in one pass; a dense rank of those numbers makes them
    # 0..k-1 even under a global string cache (whose numbers can be large)
    physical = pl.concat(parts).cast(pl.Categorical).to_physical()
    dense = physical.rank("dense").cast(pl.Int64) - 1
    flat = dense.fill_null(-1).to_numpy().astype(np.int64)
    return [flat[k * frame.height : (k + 1) * frame.height] for k in range(len(parts))]
