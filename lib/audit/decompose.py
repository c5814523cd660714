"""Why did the escalation rate move: mix or performance? (DESIGN.md section 5)

The overall rate is a weighted mean of the segments' rates, ``R = sum(w_s * r_s)`` with
``w_s`` the segment's share of the tickets. Between the previous period (0) and the review
period (1) the change splits exactly (Kitagawa 1955, symmetric weights) into

- **mix**: ``sum((w1 - w0) * (r1 + r0) / 2)``, the part due to which tickets came in, and
- **within** (performance): ``sum((r1 - r0) * (w1 + w0) / 2)``, the part due to the rates
  within segments,

and ``mix + within == R1 - R0`` (up to floating point), whatever the data.

Per segment, the mix part is centred on the average overall rate,
``(w1 - w0) * ((r1 + r0) / 2 - (R1 + R0) / 2)``: more tickets of a segment whose rate is above
the overall rate pushes the total up, more tickets of a low-rate segment pushes it down. The
centring adds up to zero over the segments (the shares sum to 1 in both periods), so the
per-segment mix parts still sum to the mix total.

Segments present in only one period (a new category, a channel that went away) have no rate
in the other period. Their rate there is taken to be the one they have, so their rate change
is zero and their whole effect counts as **mix** (they came in, or went away). The identity
still holds exactly because their weight in the missing period is zero. ``status`` says
``"new"`` or ``"gone"`` for them (``"both"`` otherwise).

Example
-------
>>> counts = pl.DataFrame({
...     "tier": ["enterprise", "free"],
...     "previous_tickets": [20, 80], "previous_escalations": [10, 8],
...     "tickets": [50, 50], "escalations": [25, 5],
... })
>>> d = decompose_counts(counts, "tier")
>>> round(100 * d.change, 1), round(100 * d.mix, 1), round(100 * d.within, 1)
(12.0, 12.0, 0.0)
>>> explain_decomposition(d, "tier")
'Of the +12.0 pt rise (from 18.0% to 30.0%), +12.0 pt comes from mix (which tickets came in: \
mostly more enterprise tickets) and +0.0 pt from rates within each tier.'
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lib.audit._common import MetricsError, _check_column, _key
from lib.audit.maturity import Horizon, apply_horizon
from lib.periods import Periods, in_dates

#: Columns of :attr:`Decomposition.segments` after the grouping column.
SEGMENT_COLUMNS = (
    "status", "previous_tickets", "previous_escalations", "previous_share", "previous_rate",
    "tickets", "escalations", "share", "rate", "share_change", "rate_change",
    "mix_part", "within_part", "total_part",
)  # fmt: skip

_COUNTS = ("tickets", "escalations", "previous_tickets", "previous_escalations")


@dataclass(frozen=True)
class Decomposition:
    """A rate change split into mix and within-segment parts (see the module docstring).

    ``previous_rate``, ``rate`` and ``change`` (rate - previous rate) are ``None`` when a
    period has no tickets; ``mix`` and ``within`` are then ``None`` too. ``segments`` has one
    row per segment (columns ``by`` then :data:`SEGMENT_COLUMNS`), largest ``|total_part|``
    first; its ``mix_part`` sum to ``mix`` and its ``within_part`` to ``within``.
    """

    by: str
    previous_tickets: int
    tickets: int
    previous_rate: float | None
    rate: float | None
    change: float | None
    mix: float | None
    within: float | None
    segments: pl.DataFrame


def decompose_counts(counts: pl.DataFrame, by: str) -> Decomposition:
    """Split the overall rate change of ``counts`` into mix and within-segment parts.

    ``counts`` has one row per segment: ``by``, ``tickets``, ``escalations`` (review period),
    ``previous_tickets``, ``previous_escalations`` (e.g. :func:`lib.audit.breakdown`).

    A Simpson's paradox: both tiers improve, yet the total worsens because the mix moved to
    the tier with the higher rate.

    >>> counts = pl.DataFrame({
    ...     "tier": ["enterprise", "free"],
    ...     "previous_tickets": [10, 90], "previous_escalations": [6, 9],
    ...     "tickets": [90, 10], "escalations": [45, 0],
    ... })
    >>> d = decompose_counts(counts, "tier")
    >>> d.segments.select("tier", pl.col("rate_change").round(3)).rows()
    [('enterprise', -0.1), ('free', -0.1)]
    >>> round(d.change, 2), round(d.mix, 2), round(d.within, 2)
    (0.3, 0.4, -0.1)
    """
    _check_column(counts, by)
    missing = [c for c in _COUNTS if c not in counts.columns]
    if missing:
        raise MetricsError(f"cannot decompose: the counts lack {', '.join(missing)}")
    f = counts.select(_key(by), *[pl.col(c).fill_null(0).cast(pl.Int64) for c in _COUNTS])
    f = f.group_by(by).agg(pl.col(_COUNTS).sum())
    f = f.filter((pl.col("tickets") > 0) | (pl.col("previous_tickets") > 0))
    n1, n0 = int(f["tickets"].sum()), int(f["previous_tickets"].sum())
    k1, k0 = int(f["escalations"].sum()), int(f["previous_escalations"].sum())
    big1, big0 = (k1 / n1 if n1 else None), (k0 / n0 if n0 else None)
    defined = big1 is not None and big0 is not None
    mean_rate = (big1 + big0) / 2 if defined else 0.0
    r1 = pl.col("escalations") / pl.col("tickets")
    r0 = pl.col("previous_escalations") / pl.col("previous_tickets")
    f = f.with_columns(
        pl.when(pl.col("previous_tickets") == 0)
        .then(pl.lit("new"))
        .when(pl.col("tickets") == 0)
        .then(pl.lit("gone"))
        .otherwise(pl.lit("both"))
        .alias("status"),
        (pl.col("tickets") / n1 if n1 else pl.lit(None, pl.Float64)).alias("share"),
        (pl.col("previous_tickets") / n0 if n0 else pl.lit(None, pl.Float64)).alias(
            "previous_share"
        ),
        pl.when(pl.col("tickets") > 0).then(r1).alias("rate"),
        pl.when(pl.col("previous_tickets") > 0).then(r0).alias("previous_rate"),
    )
    # a segment missing from one period keeps its rate there: no rate change, all mix
    rr1 = pl.coalesce("rate", "previous_rate")
    rr0 = pl.coalesce("previous_rate", "rate")
    w1, w0 = pl.col("share").fill_null(0.0), pl.col("previous_share").fill_null(0.0)
    f = f.with_columns(
        (pl.col("share") - pl.col("previous_share")).alias("share_change"),
        (pl.col("rate") - pl.col("previous_rate")).alias("rate_change"),
        ((w1 - w0) * ((rr1 + rr0) / 2 - mean_rate)).alias("mix_part"),
        ((rr1 - rr0) * (w1 + w0) / 2).alias("within_part"),
    ).with_columns((pl.col("mix_part") + pl.col("within_part")).alias("total_part"))
    if not defined:
        f = f.with_columns(pl.lit(None, pl.Float64).alias(c) for c in _PARTS)
    f = f.select(by, *SEGMENT_COLUMNS).sort(
        [pl.col("total_part").abs(), pl.col("tickets"), pl.col(by)],
        descending=[True, True, False],
        nulls_last=True,
    )
    return Decomposition(
        by=by,
        previous_tickets=n0,
        tickets=n1,
        previous_rate=big0,
        rate=big1,
        change=big1 - big0 if defined else None,
        mix=float(f["mix_part"].sum()) if defined else None,
        within=float(f["within_part"].sum()) if defined else None,
        segments=f,
    )


_PARTS = ("share_change", "mix_part", "within_part", "total_part")


def rate_change_decomposition(
    tickets: pl.DataFrame, by: str, periods: Periods, *, horizon: Horizon | None = None
) -> Decomposition:
    """Split the change in escalation rate from the previous to the review period by ``by``.

    Counts the tickets of both periods per value of ``by`` (missing values form their own
    segment, :data:`lib.audit.MISSING`) and calls :func:`decompose_counts`. With a
    ``horizon`` only mature tickets count, escalated within the horizon (as the headline
    numbers of :func:`lib.audit.kpis` do), so the change split is the change shown.

    >>> from datetime import UTC, datetime
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 8, 9)],
    ...     "channel": ["chat", "email", "chat", "chat"],
    ...     "escalated": [True, False, True, False],
    ... })
    >>> d = rate_change_decomposition(t, "channel", review_periods(t, review_days=7))
    >>> d.previous_rate, d.rate, d.mix, d.within
    (0.5, 0.5, 0.375, -0.375)
    """
    _check_column(tickets, by)
    lf = tickets.lazy() if horizon is None else apply_horizon(tickets.lazy(), horizon)
    counts = []
    for span, n, k in (
        (periods.review, "tickets", "escalations"),
        (periods.previous, "previous_tickets", "previous_escalations"),
    ):
        counts.append(
            lf.filter(in_dates(*span))
            .group_by(_key(by))
            .agg(
                pl.len().cast(pl.Int64).alias(n),
                pl.col("escalated").sum().cast(pl.Int64).alias(k),
            )
        )
    cur, prev = pl.collect_all(counts)
    both = cur.join(prev, on=by, how="full", coalesce=True)
    return decompose_counts(both, by)


def _pt(x: float) -> str:
    return f"{100 * x:+.1f} pt"


def _top(segments: pl.DataFrame, part: str, sign: float) -> dict | None:
    """The segment whose ``part`` pushes hardest in the direction of ``sign``."""
    rows = segments.filter(pl.col(part) * sign > 0).sort(pl.col(part).abs(), descending=True)
    return rows.row(0, named=True) if rows.height else None


def explain_decomposition(d: Decomposition, label: str | None = None) -> str:
    """The decomposition in one plain sentence (values unescaped: escape before Markdown).

    ``label`` names the dimension in the sentence (default ``d.by``).

    >>> counts = pl.DataFrame({"channel": ["chat", "web"], "previous_tickets": [50, 50],
    ...     "previous_escalations": [5, 5], "tickets": [50, 50], "escalations": [10, 5]})
    >>> explain_decomposition(decompose_counts(counts, "channel"))
    'Of the +5.0 pt rise (from 10.0% to 15.0%), +0.0 pt comes from mix (which tickets came in) \
and +5.0 pt from higher rates within each channel (mostly chat).'
    """
    label = label or d.by
    if d.change is None or d.mix is None or d.within is None:
        return "There is nothing to compare: one of the two periods has no tickets."
    assert d.rate is not None and d.previous_rate is not None
    word = "rise" if d.change > 0 else "fall" if d.change < 0 else "change"
    head = (
        f"Of the {_pt(d.change)} {word} (from {100 * d.previous_rate:.1f}% to {100 * d.rate:.1f}%)"
    )
    mix = f"{_pt(d.mix)} comes from mix (which tickets came in"
    top = _top(d.segments, "mix_part", d.mix) if abs(d.mix) >= 0.0005 else None
    if top is not None:
        more = "more" if (top["share_change"] or 0) > 0 else "fewer"
        name = top[d.by]
        if top["status"] == "new":
            mix += f": mostly the new {name} tickets"
        elif top["status"] == "gone":
            mix += f": mostly no more {name} tickets"
        else:
            mix += f": mostly {more} {name} tickets"
    mix += ")"
    within = f"{_pt(d.within)} from "
    if abs(d.within) < 0.0005:
        within += f"rates within each {label}"
    else:
        within += f"{'higher' if d.within > 0 else 'lower'} rates within each {label}"
        top = _top(d.segments, "within_part", d.within)
        if top is not None:
            within += f" (mostly {top[d.by]})"
    return f"{head}, {mix} and {within}."
