"""Open tickets without activity for longer than a threshold, bucketed by idle age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from lib.audit._common import _US_PER_HOUR, MetricsError

#: Statuses of tickets still waiting for someone.
OPEN_STATUSES = ("new", "open", "pending", "on_hold")


#: Idle-age buckets: (label, lower bound in hours, upper bound in hours or None).
AGE_BUCKETS: tuple[tuple[str, float, float | None], ...] = (
    ("under 1 day", 0, 24),
    ("1–2 days", 24, 48),
    ("2–3 days", 48, 72),
    ("3–7 days", 72, 168),
    ("1–2 weeks", 168, 336),
    ("2–4 weeks", 336, 720),
    ("30+ days", 720, None),
)


@dataclass(frozen=True)
class IdleTickets:
    """Open tickets without activity for more than ``hours`` (see :func:`idle_tickets`).

    ``tickets``: the list, longest idle first. ``buckets``: ``age_bucket``, ``tickets``, one row
    per age bucket that can hold idle tickets (zeros included, youngest first). ``open_tickets``:
    how many tickets are open at all (the denominator). ``now``: the time idle age is measured
    from (``None`` when there are no tickets).
    """

    tickets: pl.DataFrame
    buckets: pl.DataFrame
    open_tickets: int
    now: datetime | None
    hours: float


_IDLE_COLUMNS = (
    "ticket_id",
    "created_at",
    "updated_at",
    "status",
    "priority",
    "category",
    "channel",
    "agent",
    "group",
    "customer",
    "subject",
    "escalated",
)


def idle_tickets(
    tickets: pl.DataFrame, *, hours: float = 48, now: datetime | None = None
) -> IdleTickets:
    """Open tickets (new, open, pending, on hold) with no update for more than ``hours`` hours.

    Last activity is ``updated_at``, or ``created_at`` when the export has no update time. A
    ticket idle for exactly ``hours`` is not listed; one second more is. ``now`` defaults to
    the latest ``updated_at`` or ``created_at`` in the data (the moment of the export), not the
    wall clock; a naive ``now`` is taken as UTC.

    >>> from datetime import timedelta
    >>> n = datetime(2024, 1, 10, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "ticket_id": ["1", "2", "3"],
    ...     "created_at": [n - timedelta(days=9)] * 3,
    ...     "updated_at": [n - timedelta(hours=49), n - timedelta(hours=48), n - timedelta(hours=80)],
    ...     "status": ["open", "pending", "solved"],
    ...     "escalated": [False, False, False],
    ... })
    >>> idle = idle_tickets(t, now=n)
    >>> idle.tickets.select("ticket_id", "idle_hours", "age_bucket").rows()
    [('1', 49.0, '2–3 days')]
    >>> idle.open_tickets
    2
    """  # noqa: E501
    if hours < 0:
        raise MetricsError(f"the idle threshold must be 0 hours or more, not {hours!r}")
    if now is None:
        if tickets.height:
            now = tickets.select(
                pl.max_horizontal(pl.col("updated_at").max(), pl.col("created_at").max())
            ).item()
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    cols = [c for c in _IDLE_COLUMNS if c in tickets.columns]
    bucket_rows = [b for b in AGE_BUCKETS if b[2] is None or b[2] > hours]
    labels = [b[0] for b in bucket_rows]
    is_open = pl.col("status").is_in(OPEN_STATUSES).fill_null(False)
    last = pl.coalesce(pl.col("updated_at"), pl.col("created_at"))
    if now is None:
        listed = (
            tickets.select(cols)
            .head(0)
            .with_columns(
                pl.lit(None, pl.Datetime("us", "UTC")).alias("last_activity"),
                pl.lit(None, pl.Float64).alias("idle_hours"),
                pl.lit(None, pl.String).alias("age_bucket"),
            )
        )
        open_count = 0
    else:
        idle_h = ((pl.lit(now) - last).dt.total_microseconds() / _US_PER_HOUR).alias("idle_hours")
        bucket = pl.lit(labels[-1])
        for label, _lo, hi in reversed(bucket_rows[:-1]):
            bucket = pl.when(pl.col("idle_hours") < hi).then(pl.lit(label)).otherwise(bucket)
        lf = tickets.lazy().filter(is_open)
        listed_q = (
            lf.with_columns(last.alias("last_activity"), idle_h)
            .filter(pl.col("idle_hours") > hours)
            .with_columns(bucket.alias("age_bucket"))
            .select(*cols, "last_activity", "idle_hours", "age_bucket")
            .sort("idle_hours", descending=True)
        )
        listed, count = pl.collect_all([listed_q, lf.select(pl.len())])
        open_count = int(count.item())
    buckets = (
        pl.DataFrame({"age_bucket": labels, "order": list(range(len(labels)))})
        .join(
            listed.group_by("age_bucket").agg(pl.len().cast(pl.Int64).alias("tickets")),
            on="age_bucket",
            how="left",
        )
        .with_columns(pl.col("tickets").fill_null(0))
        .sort("order")
        .select("age_bucket", "tickets")
    )
    return IdleTickets(
        tickets=listed, buckets=buckets, open_tickets=open_count, now=now, hours=hours
    )
