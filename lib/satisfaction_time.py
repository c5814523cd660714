"""Satisfaction over time, dated by when each rating was given.

A rating arrives after the ticket is solved, often days after it was opened; a week's
satisfaction is the ratings given that week. The canonical ``satisfaction_at`` holds the time
of the rating when the export has it (Zendesk's ``satisfaction_rating.updated_at``, a survey
date column); a rating without one is dated by its ticket's ``created_at``, and
:func:`dated_share` says how many had their own date.

Example
-------
>>> from datetime import datetime, timezone
>>> t = pl.DataFrame({
...     "created_at": [datetime(2025, 1, 1, tzinfo=timezone.utc)] * 2,
...     "satisfaction_at": [datetime(2025, 1, 9, tzinfo=timezone.utc), None],
...     "satisfaction": [0.0, 1.0]})
>>> satisfaction_by_day(t).rows()
[(datetime.date(2025, 1, 1), 1, 0, 1.0), (datetime.date(2025, 1, 9), 1, 1, 0.0)]
"""

from __future__ import annotations

import polars as pl

from lib.sentiment_check import BAD_BELOW


def _given_at() -> pl.Expr:
    return pl.coalesce(pl.col("satisfaction_at"), pl.col("created_at")).alias("given_at")


def dated_share(tickets: pl.DataFrame) -> tuple[int, int]:
    """(ratings with their own ``satisfaction_at``, ratings).

    >>> dated_share(pl.DataFrame({"satisfaction": [1.0, None], "satisfaction_at": [None, None]}))
    (0, 1)
    """
    if "satisfaction" not in tickets.columns:
        return 0, 0
    rated = tickets.filter(pl.col("satisfaction").is_not_null())
    if "satisfaction_at" not in rated.columns:
        return 0, rated.height
    return rated.height - rated.get_column("satisfaction_at").null_count(), rated.height


def satisfaction_by_day(tickets: pl.DataFrame) -> pl.DataFrame:
    """Ratings per day they were given: day, rated, bad (below 0.5), mean (0..1).

    Days are UTC calendar days of ``satisfaction_at`` (else ``created_at``); ticket without a
    rating are left out.
    """
    frame = tickets
    if "satisfaction_at" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias("satisfaction_at"))
    return (
        frame.filter(pl.col("satisfaction").is_not_null())
        .select(_given_at().dt.date().alias("day"), "satisfaction")
        .group_by("day")
        .agg(
            pl.len().cast(pl.Int64).alias("rated"),
            (pl.col("satisfaction") < BAD_BELOW).sum().cast(pl.Int64).alias("bad"),
            pl.col("satisfaction").mean().alias("mean"),
        )
        .sort("day")
    )
