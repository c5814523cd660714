"""Time buckets for series over ``created_at``: parsing ``every`` (``"1w"``, ``"1mo"``...), the
bucket of each ticket and the per-bucket aggregation with empty buckets filled in.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import polars as pl

from lib.audit._common import MetricsError
from lib.periods import date_bounds, local_day

_EVERY_RE = re.compile(r"^(\d+)(d|w|mo|q)$")


def _parse_every(every: str) -> tuple[int, str]:
    m = _EVERY_RE.match(every) if isinstance(every, str) else None
    if not m or int(m.group(1)) < 1:
        raise MetricsError(f"unknown interval {every!r} (use e.g. '1d', '1w', '2w', '1mo' or '1q')")
    return int(m.group(1)), m.group(2)


def _bucket_expr(every: str, align_to: date | None, day: pl.Expr | None = None) -> pl.Expr:
    """Date of the start of each ticket's bucket; ``day``: the ticket's day (default:
    ``created_at`` already holding days)."""
    n, unit = _parse_every(every)
    day = pl.col("created_at").cast(pl.Date) if day is None else day
    if unit in ("d", "w") and align_to is not None:
        length = n * (7 if unit == "w" else 1)
        anchor = (align_to - date(1970, 1, 1)).days + 1  # day after the aligned bucket's end
        offset = day.cast(pl.Int32) - anchor
        return ((offset // length) * length + anchor).cast(pl.Date)
    return day.dt.truncate(every)


def _bucket_grid(first: date, last: date, every: str, align_to: date | None) -> pl.Series:
    """Every bucket start from the bucket holding ``first`` to the one holding ``last``."""
    grid = pl.DataFrame({"created_at": [first, last]}, schema={"created_at": pl.Date})
    lo, hi = grid.select(_bucket_expr(every, align_to)).to_series().to_list()
    n, unit = _parse_every(every)
    interval = f"{n * 7}d" if unit == "w" else every
    return pl.date_range(lo, hi, interval, eager=True).alias("period_start")


def _bucketed(
    tickets: pl.DataFrame,
    every: str,
    align_to: date | None,
    aggs: list[pl.Expr],
    fill: dict[str, Any],
    schema: dict[str, pl.DataType],
) -> pl.DataFrame:
    """Aggregate per bucket, with empty buckets between the first and last ticket filled in."""
    _parse_every(every)
    bounds = date_bounds(tickets)
    if bounds is None:
        return pl.DataFrame(schema={"period_start": pl.Date, "period_end": pl.Date, **schema})
    # timestamps: the business zone's days (lib.periods); dates are days already
    timed = isinstance(tickets.schema["created_at"], pl.Datetime)
    day = local_day("created_at") if timed else pl.col("created_at").cast(pl.Date)
    agg = (
        tickets.lazy()
        .group_by(_bucket_expr(every, align_to, day).alias("period_start"))
        .agg(aggs)
        .collect()
    )
    grid = _bucket_grid(bounds[0], bounds[1], every, align_to).to_frame()
    n, unit = _parse_every(every)
    span = f"{n * 7}d" if unit == "w" else every
    out = (
        grid.join(agg, on="period_start", how="left")
        .with_columns(
            (pl.col("period_start").dt.offset_by(span) - timedelta(days=1)).alias("period_end"),
            *[pl.col(c).fill_null(v) for c, v in fill.items()],
        )
        .select("period_start", "period_end", *schema)
    )
    return out.cast(schema)  # type: ignore[arg-type]
