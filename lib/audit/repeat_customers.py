"""Customers who contact support repeatedly: many tickets within a short window."""

from __future__ import annotations

import numpy as np
import polars as pl

from lib.audit._common import MetricsError, _safe_ratio


def repeat_contacts(tickets: pl.DataFrame, *, min_tickets: int = 3, days: int = 7) -> pl.DataFrame:
    """Customers with ``min_tickets`` or more tickets within any ``days``-day window.

    The window is ``days × 24`` hours, open at the start: tickets exactly 7 days apart are not
    in the same 7-day window. Tickets without a customer are ignored.

    Vectorised without per-customer loops or string sorts: each ticket gets one integer key
    (customer number × a stride longer than the data + time since the first ticket), the keys
    are sorted once, and a binary search finds for every ticket the first one of the same
    customer inside its window, so the count in the window ending at each ticket is a
    difference of positions. Times are compared to the microsecond (to the second when a very
    large number of customers over many years would overflow 64-bit keys).

    Columns: ``customer``, ``customer_tier`` (latest known), ``tickets`` (all of theirs),
    ``max_in_window`` (most tickets in one window), ``first_burst_start`` (first ticket of the
    first qualifying window), ``last_created``, ``escalations``, ``rate`` (escalations /
    tickets). Busiest first.

    >>> from datetime import UTC, datetime, timedelta
    >>> c = datetime(2024, 1, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "customer": ["acme"] * 3 + ["zeta"] * 3,
    ...     "customer_tier": ["enterprise"] * 3 + [None] * 3,
    ...     "created_at": [c + timedelta(days=d) for d in (0, 3, 6.9, 0, 3, 7)],
    ...     "escalated": [True, False, False] * 2,
    ... })
    >>> repeat_contacts(t).select("customer", "tickets", "max_in_window", "escalations")
    shape: (1, 4)
    ┌──────────┬─────────┬───────────────┬─────────────┐
    │ customer ┆ tickets ┆ max_in_window ┆ escalations │
    │ ---      ┆ ---     ┆ ---           ┆ ---         │
    │ str      ┆ i64     ┆ i64           ┆ i64         │
    ╞══════════╪═════════╪═══════════════╪═════════════╡
    │ acme     ┆ 3       ┆ 3             ┆ 1           │
    └──────────┴─────────┴───────────────┴─────────────┘
    """
    if min_tickets < 2 or days < 1:
        raise MetricsError("repeat contacts need min_tickets >= 2 and days >= 1")
    tier = (
        pl.col("customer_tier") if "customer_tier" in tickets.columns else pl.lit(None, pl.String)
    )
    base = (
        tickets.lazy()
        .filter(pl.col("customer").is_not_null())
        .select("customer", "created_at", "escalated", tier.alias("customer_tier"))
        .collect()
    )
    if base.height == 0:
        return pl.DataFrame(schema=_REPEAT_SCHEMA)
    first = base.get_column("created_at").min()
    micros = (pl.col("created_at") - pl.lit(first)).dt.total_microseconds()
    number = pl.col("customer").cast(pl.Categorical).to_physical().cast(pl.Int64)
    n_customers, span = base.select(number.max() + 1, micros.max()).row(0)
    window = days * 86_400 * 1_000_000
    # microseconds, or seconds when the keys would not fit in 64 bits
    unit = 1 if n_customers * (span + window + 2) < _KEY_LIMIT else 1_000_000
    stride = (span + window) // unit + 2
    base = base.with_columns((number * stride + micros // unit).alias("_key")).sort("_key")
    keys = base.get_column("_key").to_numpy()
    starts = np.searchsorted(keys, keys - window // unit, side="right")
    in_window = np.arange(keys.size) - starts + 1
    base = base.with_columns(
        pl.Series("_in_window", in_window, dtype=pl.Int64),
        pl.when(pl.Series(in_window >= min_tickets))
        .then(base.get_column("created_at").gather(starts))
        .alias("_burst_start"),
    )
    return (
        base.lazy()
        .group_by("customer")
        .agg(
            pl.col("customer_tier").drop_nulls().last().alias("customer_tier"),
            pl.len().cast(pl.Int64).alias("tickets"),
            pl.col("_in_window").max().alias("max_in_window"),
            pl.col("_burst_start").min().alias("first_burst_start"),
            pl.col("created_at").max().alias("last_created"),
            pl.col("escalated").sum().cast(pl.Int64).alias("escalations"),
        )
        .filter(pl.col("max_in_window") >= min_tickets)
        .with_columns(_safe_ratio("escalations", "tickets", "rate"))
        .sort(["max_in_window", "tickets", "customer"], descending=[True, True, False])
        .collect()
    )


_KEY_LIMIT = 2**62  # headroom below the int64 maximum for the combined customer/time keys


_REPEAT_SCHEMA = {
    "customer": pl.String,
    "customer_tier": pl.String,
    "tickets": pl.Int64,
    "max_in_window": pl.Int64,
    "first_burst_start": pl.Datetime("us", "UTC"),
    "last_created": pl.Datetime("us", "UTC"),
    "escalations": pl.Int64,
    "rate": pl.Float64,
}
