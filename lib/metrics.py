"""Escalation rates, trends, breakdowns, drivers, routing and idle tickets (pure Polars).

Every function takes a canonical ticket frame (see :mod:`lib.schema`) plus column names and
keyword-only options, and returns a small aggregated frame or a dataclass. Rates always sit next
to their denominator, and rates shown on their own carry a Wilson interval (DESIGN.md section 5).
A change between two periods is only called significant after a two-proportion z-test.

Conventions
-----------
- Counts are ``Int64``; rates are ``Float64`` in 0..1; a rate whose denominator is 0 is null
  (never NaN) and its interval is the whole 0..1 range.
- Missing values of a grouping column show up as :data:`MISSING` (``"(none)"``), and
  :func:`apply_filters`, :func:`slice_tickets` and :func:`top_values` accept that label back, so
  a drill-down into the "(none)" row finds its tickets.
- Empty input returns empty frames (with their usual columns), never an exception.

Example
-------
>>> import polars as pl
>>> from datetime import datetime, UTC
>>> t = pl.DataFrame({
...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 1, 2, 9)],
...     "channel": ["chat", "email", "chat", "chat"],
...     "escalated": [True, False, False, True],
... })
>>> rate_by(t, "channel").select("channel", "tickets", "escalations", "rate")
shape: (2, 4)
┌─────────┬─────────┬─────────────┬──────────┐
│ channel ┆ tickets ┆ escalations ┆ rate     │
│ ---     ┆ ---     ┆ ---         ┆ ---      │
│ str     ┆ i64     ┆ i64         ┆ f64      │
╞═════════╪═════════╪═════════════╪══════════╡
│ chat    ┆ 3       ┆ 2           ┆ 0.666667 │
│ email   ┆ 1       ┆ 0           ┆ 0.0      │
└─────────┴─────────┴─────────────┴──────────┘
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy.special import ndtr, ndtri

from lib.errors import ReviewError
from lib.periods import Periods, date_bounds, day_start, in_dates
from lib.schema import SCHEMA

__all__ = [
    "AGE_BUCKETS",
    "IMPACT_EXPLANATIONS",
    "MISSING",
    "OPEN_STATUSES",
    "SLICE_COLUMNS",
    "BeforeAfter",
    "Filters",
    "IdleTickets",
    "KpiTable",
    "MetricsError",
    "ReassignmentSummary",
    "TestResult",
    "apply_filters",
    "before_after",
    "breakdown",
    "drivers",
    "first_response_by",
    "first_response_trend",
    "heatmap",
    "idle_tickets",
    "kpis",
    "narrative",
    "pareto",
    "quarter_comparison",
    "rate_by",
    "reassignment_summary",
    "repeat_contacts",
    "slice_tickets",
    "tier1_resolution",
    "time_to_escalate",
    "top_values",
    "trend",
    "two_proportion_test",
    "wilson_exprs",
    "wilson_interval",
]

#: Label for a missing value of a grouping column (accepted back by the filters).
MISSING = "(none)"

#: Statuses of tickets still waiting for someone.
OPEN_STATUSES = ("new", "open", "pending", "on_hold")
SOLVED_STATUSES = ("solved", "closed")

#: Plain sentences explaining each driver ranking, for the UI.
IMPACT_EXPLANATIONS: dict[str, str] = {
    "frequency": (
        "Ranked by the number of escalated tickets in the category: where most escalations come "
        "from."
    ),
    "impact_handling": (
        "Ranked by escalations × extra handling hours: how many more hours, on average, an "
        "escalated ticket in this category takes from creation to solved than a non-escalated "
        "one, times the number of escalations. It estimates the total extra hours escalations "
        "cost in the category (solved tickets only)."
    ),
    "impact_csat": (
        "Ranked by escalations × satisfaction gap: how much lower escalated tickets in this "
        "category score on satisfaction (0 to 1) than the category's other tickets, times the "
        "number of escalations. It estimates the satisfaction lost to escalations (rated tickets "
        "only); 10 means the equivalent of ten customers going from fully satisfied to fully "
        "dissatisfied."
    ),
}

RankBy = Literal["frequency", "impact_handling", "impact_csat"]

_US_PER_HOUR = 3_600_000_000
_EVERY_RE = re.compile(r"^(\d+)(d|w|mo|q)$")


# Output columns of the aggregate functions (after the grouping column).
_RATE_COLUMNS = (
    "tickets", "escalations", "rate", "rate_low", "rate_high",
    "share_of_escalations", "all_escalations",
)  # fmt: skip
_BREAKDOWN_COLUMNS = (
    *_RATE_COLUMNS, "previous_tickets", "previous_escalations", "previous_rate",
    "change", "p_value", "significant", "escalations_change",
)  # fmt: skip
_QUARTER_COLUMNS = (
    "quarter", "period_start", "period_end", "days_covered", "tickets", "escalations",
    "rate", "rate_low", "rate_high", "previous_rate", "change", "p_value", "significant",
)  # fmt: skip
_DRIVER_COLUMNS = (
    "tickets", "escalations", "rate", "rate_low", "rate_high", "share_of_escalations",
    "handling_hours_escalated", "handling_n_escalated",
    "handling_hours_other", "handling_n_other", "extra_handling_hours", "impact_handling",
    "csat_escalated", "csat_n_escalated", "csat_other", "csat_n_other",
    "csat_gap", "impact_csat",
)  # fmt: skip
_TIER1_COLUMNS = (
    "solved", "resolved_tier1", "rate", "rate_low", "rate_high", "target", "gap", "meets_target",
)  # fmt: skip
_REASSIGN_COLUMNS = (
    "tickets", "known", "reassigned", "share_reassigned", "share_low", "share_high",
    "first_assignment_correct", "first_assignment_correct_rate", "bounced", "mean_reassignments",
)  # fmt: skip


class MetricsError(ReviewError, ValueError):
    """A metric was asked for with options that cannot work (unknown column, bad interval)."""


# --------------------------------------------------------------------------------------------
# Statistics: Wilson intervals and the two-proportion test
# --------------------------------------------------------------------------------------------


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise MetricsError(f"the confidence level must be between 0 and 1, not {level!r}")
    return float(ndtri(1 - (1 - level) / 2))


def wilson_interval(k: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes out of ``n``.

    With ``n == 0`` nothing is known and the interval is ``(0.0, 1.0)``.

    >>> low, high = wilson_interval(10, 50)
    >>> round(low, 4), round(high, 4)
    (0.1124, 0.3304)
    >>> wilson_interval(0, 0)
    (0.0, 1.0)
    """
    if n < 0 or k < 0 or k > n:
        raise MetricsError(f"need 0 <= k <= n for an interval, got k={k}, n={n}")
    z = _z(level)
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, center - half)
    high = 1.0 if k == n else min(1.0, center + half)
    return (low, high)


def wilson_exprs(
    k_col: str = "escalations",
    n_col: str = "tickets",
    *,
    level: float = 0.95,
    name: str = "rate",
) -> list[pl.Expr]:
    """Expressions for ``name``, ``name_low`` and ``name_high``: ``k/n`` and its Wilson interval.

    A row with ``n == 0`` gets a null rate and the interval 0..1.

    >>> df = pl.DataFrame({"escalations": [10, 0], "tickets": [50, 0]})
    >>> df.with_columns(wilson_exprs()).select(pl.all().round(4))
    shape: (2, 5)
    ┌─────────────┬─────────┬──────┬──────────┬───────────┐
    │ escalations ┆ tickets ┆ rate ┆ rate_low ┆ rate_high │
    │ ---         ┆ ---     ┆ ---  ┆ ---      ┆ ---       │
    │ i64         ┆ i64     ┆ f64  ┆ f64      ┆ f64       │
    ╞═════════════╪═════════╪══════╪══════════╪═══════════╡
    │ 10          ┆ 50      ┆ 0.2  ┆ 0.1124   ┆ 0.3304    │
    │ 0           ┆ 0       ┆ null ┆ 0.0      ┆ 1.0       │
    └─────────────┴─────────┴──────┴──────────┴───────────┘
    """
    z = _z(level)
    z2 = z * z
    n = pl.col(n_col).cast(pl.Float64)
    k = pl.col(k_col).cast(pl.Float64)
    has = n > 0
    p = k / n
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / denom
    low = pl.when(has & (k > 0)).then((center - half).clip(0.0, 1.0)).otherwise(0.0)
    high = pl.when(has & (k < n)).then((center + half).clip(0.0, 1.0)).otherwise(1.0)
    return [
        pl.when(has).then(p).otherwise(None).alias(name),
        low.alias(f"{name}_low"),
        high.alias(f"{name}_high"),
    ]


@dataclass(frozen=True)
class TestResult:
    """Two-proportion z-test of ``p1 = k1/n1`` against ``p2 = k2/n2``.

    ``diff`` is ``p1 - p2``; ``ci`` is the Newcombe (hybrid Wilson score) interval of the
    difference. When either sample is empty nothing can be tested: the numbers are ``None`` and
    ``significant`` is false.
    """

    __test__ = False  # not a pytest test class

    k1: int
    n1: int
    k2: int
    n2: int
    p1: float | None
    p2: float | None
    diff: float | None
    z: float | None
    p_value: float | None
    significant: bool
    ci: tuple[float, float] | None
    level: float = 0.95

    @property
    def testable(self) -> bool:
        """Both samples have tickets."""
        return self.p_value is not None

    @property
    def direction(self) -> str:
        """``"up"``, ``"down"`` or ``"flat"`` (flat unless the change is significant)."""
        if not self.significant or self.diff is None or self.diff == 0:
            return "flat"
        return "up" if self.diff > 0 else "down"


def two_proportion_test(k1: int, n1: int, k2: int, n2: int, *, level: float = 0.95) -> TestResult:
    """Test whether ``k1/n1`` differs from ``k2/n2`` (two-sided, pooled z-test).

    The z statistic and p-value match ``statsmodels.stats.proportion.proportions_ztest``; the
    interval of the difference is Newcombe's hybrid score interval (method 10), built from the
    two Wilson intervals. ``significant`` is ``p_value < 1 - level``.

    >>> r = two_proportion_test(37, 261, 30, 254)
    >>> round(r.diff, 4), round(r.z, 3), round(r.p_value, 3), r.significant
    (0.0237, 0.798, 0.425, False)
    >>> two_proportion_test(0, 0, 3, 10).testable
    False
    """
    for k, n in ((k1, n1), (k2, n2)):
        if n < 0 or k < 0 or k > n:
            raise MetricsError(f"need 0 <= k <= n for a test, got k={k}, n={n}")
    _z(level)
    if n1 == 0 or n2 == 0:
        return TestResult(
            k1,
            n1,
            k2,
            n2,
            k1 / n1 if n1 else None,
            k2 / n2 if n2 else None,
            None,
            None,
            None,
            False,
            None,
            level,
        )
    p1, p2 = k1 / n1, k2 / n2
    diff = p1 - p2
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        z, p_value = 0.0, 1.0
    else:
        z = diff / se
        p_value = float(2 * ndtr(-abs(z)))
    l1, u1 = wilson_interval(k1, n1, level=level)
    l2, u2 = wilson_interval(k2, n2, level=level)
    ci = (
        diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )
    return TestResult(k1, n1, k2, n2, p1, p2, diff, z, p_value, p_value < 1 - level, ci, level)


def _with_tests(
    frame: pl.DataFrame, k1: str, n1: str, k2: str, n2: str, *, level: float
) -> pl.DataFrame:
    """Add ``change`` (p1 - p2), ``p_value`` and ``significant`` for each row (pooled z-test)."""
    alpha = 1 - level
    _z(level)
    a = frame.select(
        pl.col(k1).fill_null(0).cast(pl.Float64),
        pl.col(n1).fill_null(0).cast(pl.Float64),
        pl.col(k2).fill_null(0).cast(pl.Float64),
        pl.col(n2).fill_null(0).cast(pl.Float64),
    ).to_numpy()
    if a.size == 0:
        a = np.zeros((0, 4))
    kk1, nn1, kk2, nn2 = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    ok = (nn1 > 0) & (nn2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = kk1 / nn1
        p2 = kk2 / nn2
        pooled = (kk1 + kk2) / (nn1 + nn2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / nn1 + 1 / nn2))
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    p_value = np.where(se > 0, 2 * ndtr(-np.abs(z)), 1.0)
    change = pl.Series("change", np.where(ok, p1 - p2, np.nan)).fill_nan(None)
    p_series = pl.Series("p_value", np.where(ok, p_value, np.nan)).fill_nan(None)
    return frame.with_columns(
        change,
        p_series,
        pl.Series("significant", ok & (np.nan_to_num(p_value, nan=1.0) < alpha)),
    )


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------

_FILTER_COLUMNS = {
    "channels": "channel",
    "categories": "category",
    "agents": "agent",
    "groups": "group",
    "priorities": "priority",
    "tiers": "customer_tier",
}


@dataclass(frozen=True)
class Filters:
    """The sidebar filters. ``None`` or an empty selection means "no filter" for that field.

    ``start`` and ``end`` are UTC dates (inclusive) of ``created_at``. Selections are stored as
    tuples so that a ``Filters`` is hashable (usable as a cache key); :data:`MISSING` in a
    selection matches missing values.

    >>> f = Filters(channels=["chat"], escalated_only=True)
    >>> f.channels, f.active
    (('chat',), True)
    >>> f.describe()
    'channel: chat; escalated only'
    >>> Filters().active
    False
    """

    start: date | None = None
    end: date | None = None
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    escalated_only: bool = False

    def __post_init__(self) -> None:
        for name in _FILTER_COLUMNS:
            value = getattr(self, name)
            if value is None:
                value = ()
            elif isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(value))
        if self.start is not None and self.end is not None and self.start > self.end:
            raise MetricsError(f"the date range starts ({self.start}) after it ends ({self.end})")

    @property
    def active(self) -> bool:
        """True when any filter is set."""
        return (
            self.start is not None
            or self.end is not None
            or self.escalated_only
            or any(getattr(self, name) for name in _FILTER_COLUMNS)
        )

    def describe(self) -> str:
        """One line naming the active filters (for captions), ``"no filters"`` when none."""
        parts = []
        if self.start is not None or self.end is not None:
            parts.append(f"{self.start or '…'} to {self.end or '…'}")
        for name, column in _FILTER_COLUMNS.items():
            values = getattr(self, name)
            if values:
                parts.append(f"{column.replace('_', ' ')}: {', '.join(values)}")
        if self.escalated_only:
            parts.append("escalated only")
        return "; ".join(parts) if parts else "no filters"


_EQ_CHAIN_MAX = 8


def _match(column: str, values: Sequence[Any]) -> pl.Expr:
    """``column`` is one of ``values``; :data:`MISSING` among them matches nulls."""
    present = [v for v in values if v != MISSING]
    if not present:
        expr = pl.lit(False)
    elif len(present) <= _EQ_CHAIN_MAX:
        # a few equality tests are several times faster than is_in on a million strings
        expr = pl.any_horizontal(*[pl.col(column) == v for v in present])
    else:
        expr = pl.col(column).is_in(present)
    if MISSING in values:
        expr = expr.fill_null(False) | pl.col(column).is_null()
    return expr


def apply_filters(tickets: pl.DataFrame, filters: Filters | None) -> pl.DataFrame:
    """Tickets passing every active filter (the same frame back when none is active).

    The date range is applied first (timestamp comparisons, no per-row date conversion), then
    one filter with the selections; tens of milliseconds on a million tickets (see
    ``scripts/bench_metrics.py``).

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, 12, tzinfo=UTC) for d in (1, 2, 3)],
    ...     "channel": ["chat", None, "chat"],
    ...     "escalated": [True, False, False],
    ... })
    >>> apply_filters(t, Filters(channels=["chat"], start=date(2024, 1, 2))).height
    1
    >>> apply_filters(t, Filters(channels=[MISSING])).height
    1
    """
    if filters is None or not filters.active:
        return tickets
    if filters.start is not None or filters.end is not None:
        # the date range first, on its own: a cheap slice when created_at is sorted, and it
        # shrinks the frame the string predicates have to scan
        tickets = tickets.filter(in_dates(filters.start, filters.end))
    predicates = [
        _match(column, getattr(filters, name))
        for name, column in _FILTER_COLUMNS.items()
        if getattr(filters, name)
    ]
    if filters.escalated_only:
        predicates.append(pl.col("escalated"))
    return tickets.filter(pl.all_horizontal(predicates)) if predicates else tickets


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _check_column(tickets: pl.DataFrame, by: str) -> None:
    if by not in tickets.columns:
        raise MetricsError(
            f"cannot group by {by!r}: there is no such column "
            f"(available: {', '.join(tickets.columns)})"
        )
    if isinstance(tickets.schema[by], pl.List | pl.Struct | pl.Array):
        raise MetricsError(f"cannot group by {by!r}: it holds lists, not single values")


def _key(by: str) -> pl.Expr:
    """The grouping column as text, with missing values labelled :data:`MISSING`."""
    return pl.col(by).cast(pl.String).fill_null(MISSING).alias(by)


def _counts() -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Int64).alias("tickets"),
        pl.col("escalated").sum().cast(pl.Int64).alias("escalations"),
    ]


def _hours(end: str, start: str = "created_at") -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / _US_PER_HOUR


def _escalation_hours() -> tuple[pl.Expr, pl.Expr]:
    """(hours from created to escalated, mask of escalated tickets with a usable time)."""
    valid = (
        pl.col("escalated")
        & pl.col("escalated_at").is_not_null()
        & (pl.col("escalated_at") >= pl.col("created_at"))
    )
    return _hours("escalated_at"), valid


def _safe_ratio(num: str, den: str, name: str) -> pl.Expr:
    return (
        pl.when(pl.col(den) > 0)
        .then(pl.col(num).cast(pl.Float64) / pl.col(den).cast(pl.Float64))
        .otherwise(None)
        .alias(name)
    )


def _sort_by_escalations(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Most escalations first, then most tickets, then by name with :data:`MISSING` last."""
    return frame.sort(
        [pl.col("escalations"), pl.col("tickets"), pl.col(by) == MISSING, pl.col(by)],
        descending=[True, True, False, False],
    )


# --------------------------------------------------------------------------------------------
# KPIs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiTable:
    """Headline numbers for the review, previous and baseline periods.

    ``table`` has one row per period (``period`` = review / previous / baseline) and these
    columns, each rate next to its denominator:

    ``start, end, days, tickets, escalations, rate, rate_low, rate_high``
    (rate = escalations / tickets, Wilson interval);
    ``median_hours_to_escalate`` over ``escalations_timed`` (escalated tickets with a usable
    escalation time); ``median_first_response_minutes`` over ``first_responses``;
    ``csat_escalated`` (mean satisfaction, 0..1) over ``csat_escalated_n`` and
    ``csat_not_escalated`` over ``csat_not_escalated_n``;
    ``reopen_rate`` = ``reopened`` / ``reopen_known`` (tickets whose reopen count is known);
    ``policy_share`` = ``policy_escalations`` / ``escalations`` (escalations in categories tagged
    policy-based).

    ``changes`` has one row per comparison of the review period (vs ``previous`` and vs
    ``baseline``): the two rates, ``change`` (difference in rate), its interval, ``z``,
    ``p_value`` and ``significant``. ``tests`` holds the same as :class:`TestResult` objects.
    """

    periods: Periods
    table: pl.DataFrame
    changes: pl.DataFrame
    tests: dict[str, TestResult] = field(default_factory=dict)

    def row(self, period: str = "review") -> dict[str, Any]:
        """All numbers of one period as a dict."""
        rows = self.table.filter(pl.col("period") == period)
        if rows.height == 0:
            raise MetricsError(f"unknown period {period!r} (review, previous or baseline)")
        return rows.row(0, named=True)

    def value(self, column: str, period: str = "review") -> Any:
        """One number, e.g. ``kpi.value("rate", "baseline")``."""
        return self.row(period)[column]

    def change(self, vs: str = "previous") -> TestResult:
        """The test of the review period's rate against ``"previous"`` or ``"baseline"``."""
        if vs not in self.tests:
            raise MetricsError(f"unknown comparison {vs!r} (previous or baseline)")
        return self.tests[vs]

    @property
    def review(self) -> dict[str, Any]:
        return self.row("review")

    @property
    def previous(self) -> dict[str, Any]:
        return self.row("previous")

    @property
    def baseline(self) -> dict[str, Any]:
        return self.row("baseline")


_KPI_COLUMNS = (
    "period", "start", "end", "days", "tickets", "escalations", "rate", "rate_low", "rate_high",
    "median_hours_to_escalate", "escalations_timed",
    "median_first_response_minutes", "first_responses",
    "csat_escalated", "csat_escalated_n", "csat_not_escalated", "csat_not_escalated_n",
    "reopen_rate", "reopened", "reopen_known", "policy_share", "policy_escalations",
)  # fmt: skip


def _kpi_aggs(policy_categories: Sequence[str]) -> list[pl.Expr]:
    esc = pl.col("escalated")
    hours, timed = _escalation_hours()
    sat = pl.col("satisfaction")
    policy = list(policy_categories)
    return [
        *_counts(),
        hours.filter(timed).median().alias("median_hours_to_escalate"),
        timed.sum().cast(pl.Int64).alias("escalations_timed"),
        pl.col("first_response_minutes").median().alias("median_first_response_minutes"),
        pl.col("first_response_minutes").count().cast(pl.Int64).alias("first_responses"),
        sat.filter(esc).mean().alias("csat_escalated"),
        sat.filter(esc).count().cast(pl.Int64).alias("csat_escalated_n"),
        sat.filter(~esc).mean().alias("csat_not_escalated"),
        sat.filter(~esc).count().cast(pl.Int64).alias("csat_not_escalated_n"),
        (pl.col("reopens") > 0).sum().cast(pl.Int64).alias("reopened"),
        pl.col("reopens").count().cast(pl.Int64).alias("reopen_known"),
        (esc & pl.col("category").is_in(policy).fill_null(False))
        .sum()
        .cast(pl.Int64)
        .alias("policy_escalations"),
    ]


def kpis(
    tickets: pl.DataFrame,
    periods: Periods,
    *,
    policy_categories: Sequence[str] = (),
    level: float = 0.95,
) -> KpiTable:
    """Headline numbers for the review, previous and baseline periods, and the tests of change.

    See :class:`KpiTable` for the columns. ``policy_categories`` are the categories tagged
    policy-based (from the store); the policy share is their escalations over all escalations.

    >>> from datetime import UTC, datetime
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 8, 9, 10)],
    ...     "escalated": [False, True, True, True, False],
    ... })
    >>> k = kpis(t, review_periods(t, review_days=3, baseline=(date(2024, 1, 1), date(2024, 1, 7))))
    >>> k.table.select("period", "tickets", "escalations", "rate")
    shape: (3, 4)
    ┌──────────┬─────────┬─────────────┬──────────┐
    │ period   ┆ tickets ┆ escalations ┆ rate     │
    │ ---      ┆ ---     ┆ ---         ┆ ---      │
    │ str      ┆ i64     ┆ i64         ┆ f64      │
    ╞══════════╪═════════╪═════════════╪══════════╡
    │ review   ┆ 3       ┆ 2           ┆ 0.666667 │
    │ previous ┆ 0       ┆ 0           ┆ null     │
    │ baseline ┆ 2       ┆ 1           ┆ 0.5      │
    └──────────┴─────────┴─────────────┴──────────┘
    >>> k.change("previous").testable, k.change("baseline").significant
    (False, False)
    """
    lf = _with_optional(
        tickets, "escalated_at", "first_response_minutes", "satisfaction", "reopens", "category"
    ).lazy()
    aggs = _kpi_aggs(policy_categories)
    parts = [
        lf.filter(in_dates(start, end))
        .select(aggs)
        .with_columns(
            pl.lit(name).alias("period"),
            pl.lit(start).alias("start"),
            pl.lit(end).alias("end"),
            pl.lit((end - start).days + 1, dtype=pl.Int64).alias("days"),
        )
        for name, (start, end) in periods.items()
    ]
    table = (
        pl.concat(pl.collect_all(parts), how="vertical")
        .with_columns(
            *wilson_exprs(level=level),
            _safe_ratio("reopened", "reopen_known", "reopen_rate"),
            _safe_ratio("policy_escalations", "escalations", "policy_share"),
        )
        .select(_KPI_COLUMNS)
    )
    rows = {r["period"]: r for r in table.iter_rows(named=True)}
    review = rows["review"]
    tests: dict[str, TestResult] = {}
    change_rows = []
    for vs in ("previous", "baseline"):
        ref = rows[vs]
        res = two_proportion_test(
            review["escalations"],
            review["tickets"],
            ref["escalations"],
            ref["tickets"],
            level=level,
        )
        tests[vs] = res
        change_rows.append(
            {
                "comparison": vs,
                "rate": res.p1,
                "escalations": res.k1,
                "tickets": res.n1,
                "reference_rate": res.p2,
                "reference_escalations": res.k2,
                "reference_tickets": res.n2,
                "change": res.diff,
                "change_low": res.ci[0] if res.ci else None,
                "change_high": res.ci[1] if res.ci else None,
                "z": res.z,
                "p_value": res.p_value,
                "significant": res.significant,
            }
        )
    changes = pl.DataFrame(change_rows, schema=_CHANGES_SCHEMA)
    return KpiTable(periods=periods, table=table, changes=changes, tests=tests)


_CHANGES_SCHEMA = {
    "comparison": pl.String,
    "rate": pl.Float64,
    "escalations": pl.Int64,
    "tickets": pl.Int64,
    "reference_rate": pl.Float64,
    "reference_escalations": pl.Int64,
    "reference_tickets": pl.Int64,
    "change": pl.Float64,
    "change_low": pl.Float64,
    "change_high": pl.Float64,
    "z": pl.Float64,
    "p_value": pl.Float64,
    "significant": pl.Boolean,
}


def _with_optional(tickets: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Add canonical columns that a partial frame lacks, as nulls (their schema dtype)."""
    missing = [
        pl.lit(None, dtype=SCHEMA[name]).alias(name)
        for name in names
        if name not in tickets.columns
    ]
    return tickets.with_columns(missing) if missing else tickets


# --------------------------------------------------------------------------------------------
# Trend
# --------------------------------------------------------------------------------------------


def _parse_every(every: str) -> tuple[int, str]:
    m = _EVERY_RE.match(every) if isinstance(every, str) else None
    if not m or int(m.group(1)) < 1:
        raise MetricsError(f"unknown interval {every!r} (use e.g. '1d', '1w', '2w', '1mo' or '1q')")
    return int(m.group(1)), m.group(2)


def _bucket_expr(every: str, align_to: date | None) -> pl.Expr:
    """Date of the start of each ticket's bucket."""
    n, unit = _parse_every(every)
    day = pl.col("created_at").cast(pl.Date)
    if unit in ("d", "w") and align_to is not None:
        length = n * (7 if unit == "w" else 1)
        anchor = (align_to - date(1970, 1, 1)).days + 1  # day after the aligned bucket's end
        offset = day.cast(pl.Int32) - anchor
        return ((offset // length) * length + anchor).cast(pl.Date)
    return day.dt.truncate(every)


def _bucket_grid(first: date, last: date, every: str, align_to: date | None) -> pl.Series:
    """Every bucket start from the bucket holding ``first`` to the one holding ``last``."""
    grid = pl.DataFrame({"created_at": [day_start(first), day_start(last)]})
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
    agg = (
        tickets.lazy()
        .group_by(_bucket_expr(every, align_to).alias("period_start"))
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


def trend(
    tickets: pl.DataFrame,
    *,
    every: str = "1w",
    align_to: date | None = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """Tickets, escalations and escalation rate (with Wilson interval) per period.

    ``every`` is ``"1d"``, ``"1w"``, ``"2w"``, ``"1mo"``, ``"1q"`` (or another count of days,
    weeks, months or quarters). Weeks start on Monday unless ``align_to`` is given: then day
    and week buckets are laid so that one bucket ends on ``align_to`` (pass the review
    period's end to make two-week buckets coincide with review periods). Buckets without
    tickets between the first and last ticket are present with 0 tickets and a null rate.

    Columns: ``period_start``, ``period_end`` (inclusive), ``tickets``, ``escalations``,
    ``rate``, ``rate_low``, ``rate_high``.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3, 17)],
    ...     "escalated": [True, False, False, True],
    ... })
    >>> trend(t, every="1w").select("period_start", "tickets", "escalations", "rate")
    shape: (3, 4)
    ┌──────────────┬─────────┬─────────────┬──────────┐
    │ period_start ┆ tickets ┆ escalations ┆ rate     │
    │ ---          ┆ ---     ┆ ---         ┆ ---      │
    │ date         ┆ i64     ┆ i64         ┆ f64      │
    ╞══════════════╪═════════╪═════════════╪══════════╡
    │ 2024-01-01   ┆ 3       ┆ 1           ┆ 0.333333 │
    │ 2024-01-08   ┆ 0       ┆ 0           ┆ null     │
    │ 2024-01-15   ┆ 1       ┆ 1           ┆ 1.0      │
    └──────────────┴─────────┴─────────────┴──────────┘
    """
    _parse_every(every)
    # Count per day first (a few hundred rows), then sum the days into buckets: truncating
    # a million timestamps to months or quarters is much slower than grouping by day.
    daily = (
        tickets.lazy()
        .group_by(pl.col("created_at").cast(pl.Date).alias("created_at"))
        .agg(_counts())
        .collect()
    )
    out = _bucketed(
        daily,
        every,
        align_to,
        [pl.col("tickets").sum(), pl.col("escalations").sum()],
        {"tickets": 0, "escalations": 0},
        {"tickets": pl.Int64, "escalations": pl.Int64},
    )
    return out.with_columns(wilson_exprs(level=level))


def quarter_comparison(tickets: pl.DataFrame, *, level: float = 0.95) -> pl.DataFrame:
    """One row per calendar quarter, tested against the quarter before.

    Columns: ``quarter`` (``"2024 Q1"``), ``period_start``, ``period_end``, ``days_covered``
    (days of the quarter inside the data; the first and last quarters may be partial),
    ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high``, ``previous_rate``,
    ``change``, ``p_value``, ``significant``.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 4, 5)],
    ...     "escalated": [True, True, False, False],
    ... })
    >>> quarter_comparison(t).select("quarter", "days_covered", "tickets", "rate", "change")
    shape: (2, 5)
    ┌─────────┬──────────────┬─────────┬──────┬────────┐
    │ quarter ┆ days_covered ┆ tickets ┆ rate ┆ change │
    │ ---     ┆ ---          ┆ ---     ┆ ---  ┆ ---    │
    │ str     ┆ i64          ┆ i64     ┆ f64  ┆ f64    │
    ╞═════════╪══════════════╪═════════╪══════╪════════╡
    │ 2024 Q1 ┆ 91           ┆ 2       ┆ 1.0  ┆ null   │
    │ 2024 Q2 ┆ 31           ┆ 2       ┆ 0.0  ┆ -1.0   │
    └─────────┴──────────────┴─────────┴──────┴────────┘
    """
    q = trend(tickets, every="1q", level=level)
    bounds = date_bounds(tickets)
    first, last = bounds if bounds else (date(1970, 1, 1), date(1970, 1, 1))
    q = q.with_columns(
        (
            pl.col("period_start").dt.year().cast(pl.String)
            + " Q"
            + pl.col("period_start").dt.quarter().cast(pl.String)
        ).alias("quarter"),
        (
            (
                pl.min_horizontal(pl.col("period_end"), pl.lit(last))
                - pl.max_horizontal(pl.col("period_start"), pl.lit(first))
            ).dt.total_days()
            + 1
        )
        .cast(pl.Int64)
        .alias("days_covered"),
        pl.col("tickets").shift(1).alias("_n2"),
        pl.col("escalations").shift(1).alias("_k2"),
        pl.col("rate").shift(1).alias("previous_rate"),
    )
    q = _with_tests(q, "escalations", "tickets", "_k2", "_n2", level=level)
    return q.select(_QUARTER_COLUMNS)


# --------------------------------------------------------------------------------------------
# Breakdowns
# --------------------------------------------------------------------------------------------


def rate_by(tickets: pl.DataFrame, by: str, *, level: float = 0.95) -> pl.DataFrame:
    """Escalation rate per value of ``by`` over all the tickets given.

    Columns: ``by``, ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high``,
    ``share_of_escalations`` (this value's escalations / ``all_escalations``),
    ``all_escalations``. Sorted by escalations, most first.

    >>> t = pl.DataFrame({"customer_tier": ["gold", "gold", None], "escalated": [True, False, True]})
    >>> rate_by(t, "customer_tier").select("customer_tier", "tickets", "rate", "share_of_escalations")
    shape: (2, 4)
    ┌───────────────┬─────────┬──────┬──────────────────────┐
    │ customer_tier ┆ tickets ┆ rate ┆ share_of_escalations │
    │ ---           ┆ ---     ┆ ---  ┆ ---                  │
    │ str           ┆ i64     ┆ f64  ┆ f64                  │
    ╞═══════════════╪═════════╪══════╪══════════════════════╡
    │ gold          ┆ 2       ┆ 0.5  ┆ 0.5                  │
    │ (none)        ┆ 1       ┆ 1.0  ┆ 0.5                  │
    └───────────────┴─────────┴──────┴──────────────────────┘
    """  # noqa: E501
    _check_column(tickets, by)
    out = tickets.lazy().group_by(_key(by)).agg(_counts()).collect()
    out = out.with_columns(
        *wilson_exprs(level=level),
        pl.col("escalations").sum().cast(pl.Int64).alias("all_escalations"),
    ).with_columns(_safe_ratio("escalations", "all_escalations", "share_of_escalations"))
    out = out.select(by, *_RATE_COLUMNS)
    return _sort_by_escalations(out, by)


def breakdown(
    tickets: pl.DataFrame, by: str, periods: Periods, *, level: float = 0.95
) -> pl.DataFrame:
    """Per value of ``by``: the review period's rate, share and change vs the previous period.

    Columns: ``by``, ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high``,
    ``share_of_escalations`` (of ``all_escalations`` in the review period),
    ``all_escalations``, ``previous_tickets``, ``previous_escalations``, ``previous_rate``,
    ``change`` (rate - previous rate), ``p_value``, ``significant`` (two-proportion test),
    ``escalations_change`` (escalations - previous escalations). Values seen only in the
    previous period are kept with 0 tickets. Sorted by escalations, most first.

    >>> from datetime import UTC, datetime
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 8, 9, 10)],
    ...     "agent": ["ann", "bob", "ann", "ann", "bob"],
    ...     "escalated": [False, True, True, True, False],
    ... })
    >>> p = review_periods(t, review_days=7)
    >>> breakdown(t, "agent", p).select(
    ...     "agent", "tickets", "escalations", "previous_tickets", "change", "escalations_change")
    shape: (2, 6)
    ┌───────┬─────────┬─────────────┬──────────────────┬────────┬────────────────────┐
    │ agent ┆ tickets ┆ escalations ┆ previous_tickets ┆ change ┆ escalations_change │
    │ ---   ┆ ---     ┆ ---         ┆ ---              ┆ ---    ┆ ---                │
    │ str   ┆ i64     ┆ i64         ┆ i64              ┆ f64    ┆ i64                │
    ╞═══════╪═════════╪═════════════╪══════════════════╪════════╪════════════════════╡
    │ ann   ┆ 2       ┆ 2           ┆ 1                ┆ 1.0    ┆ 2                  │
    │ bob   ┆ 1       ┆ 0           ┆ 1                ┆ -1.0   ┆ -1                 │
    └───────┴─────────┴─────────────┴──────────────────┴────────┴────────────────────┘
    """
    _check_column(tickets, by)
    lf = tickets.lazy()
    cur_q = lf.filter(in_dates(*periods.review)).group_by(_key(by)).agg(_counts())
    prev_q = (
        lf.filter(in_dates(*periods.previous))
        .group_by(_key(by))
        .agg(
            pl.len().cast(pl.Int64).alias("previous_tickets"),
            pl.col("escalated").sum().cast(pl.Int64).alias("previous_escalations"),
        )
    )
    cur, prev = pl.collect_all([cur_q, prev_q])
    out = cur.join(prev, on=by, how="full", coalesce=True).with_columns(
        pl.col("tickets", "escalations", "previous_tickets", "previous_escalations").fill_null(0)
    )
    out = out.with_columns(
        *wilson_exprs(level=level),
        pl.col("escalations").sum().cast(pl.Int64).alias("all_escalations"),
        _safe_ratio("previous_escalations", "previous_tickets", "previous_rate"),
        (pl.col("escalations") - pl.col("previous_escalations")).alias("escalations_change"),
    ).with_columns(_safe_ratio("escalations", "all_escalations", "share_of_escalations"))
    out = _with_tests(
        out, "escalations", "tickets", "previous_escalations", "previous_tickets", level=level
    )
    out = out.select(by, *_BREAKDOWN_COLUMNS)
    return _sort_by_escalations(out, by)


def top_values(
    tickets: pl.DataFrame,
    by: str,
    within: str,
    value: str,
    *,
    top: int = 5,
    level: float = 0.95,
) -> pl.DataFrame:
    """The values of ``by`` with most escalations among tickets where ``within == value``.

    For a drill-down: the top categories of one agent (``by="category", within="agent"``) or
    the top agents of one category. Same columns as :func:`rate_by`; shares are of the slice's
    escalations.

    >>> t = pl.DataFrame({
    ...     "agent": ["ann", "ann", "ann", "bob"],
    ...     "category": ["sso", "sso", "billing", "sso"],
    ...     "escalated": [True, True, False, True],
    ... })
    >>> top_values(t, "category", "agent", "ann").select("category", "tickets", "escalations")
    shape: (2, 3)
    ┌──────────┬─────────┬─────────────┐
    │ category ┆ tickets ┆ escalations │
    │ ---      ┆ ---     ┆ ---         │
    │ str      ┆ i64     ┆ i64         │
    ╞══════════╪═════════╪═════════════╡
    │ sso      ┆ 2       ┆ 2           │
    │ billing  ┆ 1       ┆ 0           │
    └──────────┴─────────┴─────────────┘
    """
    _check_column(tickets, by)
    _check_column(tickets, within)
    part = tickets.lazy().filter(_match(within, [value])).collect()
    return rate_by(part, by, level=level).head(top)


#: Columns shown when drilling into a slice.
SLICE_COLUMNS = ("ticket_id", "created_at", "subject", "agent", "escalated", "escalation_reason")


def slice_tickets(
    tickets: pl.DataFrame,
    by: str,
    value: str,
    *,
    escalated_only: bool = False,
    limit: int | None = None,
) -> pl.DataFrame:
    """The tickets of one slice (``by == value``), newest first, for the drill-down table.

    Columns: ``ticket_id``, ``created_at``, ``subject``, ``agent``, ``escalated``,
    ``escalation_reason`` (the rule that marked it escalated). :data:`MISSING` selects tickets
    with no value.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({
    ...     "ticket_id": ["1", "2", "3"],
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3)],
    ...     "subject": ["a", "b", "c"], "agent": ["ann", "bob", "ann"],
    ...     "category": ["sso", "sso", None],
    ...     "escalated": [True, False, True], "escalation_reason": ["tag", None, "group"],
    ... })
    >>> slice_tickets(t, "category", "sso").get_column("ticket_id").to_list()
    ['2', '1']
    >>> slice_tickets(t, "category", MISSING).get_column("ticket_id").to_list()
    ['3']
    """
    _check_column(tickets, by)
    expr = _match(by, [value])
    if escalated_only:
        expr = expr & pl.col("escalated")
    out = (
        tickets.lazy()
        .filter(expr)
        .select(SLICE_COLUMNS)
        .sort(["created_at", "ticket_id"], descending=True)
    )
    if limit is not None:
        out = out.head(limit)
    return out.collect()


def heatmap(
    tickets: pl.DataFrame,
    rows: str = "category",
    cols: str = "channel",
    *,
    level: float = 0.95,
) -> pl.DataFrame:
    """Escalation rate per combination of two columns, in long format (one row per cell).

    Columns: ``rows``, ``cols``, ``tickets``, ``escalations``, ``rate``, ``rate_low``,
    ``rate_high``. Only combinations that occur are listed.

    >>> t = pl.DataFrame({
    ...     "category": ["sso", "sso", "sso", "billing"],
    ...     "channel": ["chat", "chat", "email", "chat"],
    ...     "escalated": [True, False, True, False],
    ... })
    >>> heatmap(t).select("category", "channel", "tickets", "rate")
    shape: (3, 4)
    ┌──────────┬─────────┬─────────┬──────┐
    │ category ┆ channel ┆ tickets ┆ rate │
    │ ---      ┆ ---     ┆ ---     ┆ ---  │
    │ str      ┆ str     ┆ i64     ┆ f64  │
    ╞══════════╪═════════╪═════════╪══════╡
    │ billing  ┆ chat    ┆ 1       ┆ 0.0  │
    │ sso      ┆ chat    ┆ 2       ┆ 0.5  │
    │ sso      ┆ email   ┆ 1       ┆ 1.0  │
    └──────────┴─────────┴─────────┴──────┘
    """
    _check_column(tickets, rows)
    _check_column(tickets, cols)
    if rows == cols:
        raise MetricsError(f"a heatmap needs two different columns, got {rows!r} twice")
    out = tickets.lazy().group_by(_key(rows), _key(cols)).agg(_counts()).sort(rows, cols).collect()
    return out.with_columns(wilson_exprs(level=level))


# --------------------------------------------------------------------------------------------
# Drivers
# --------------------------------------------------------------------------------------------


def drivers(
    tickets: pl.DataFrame,
    *,
    by: str = "category",
    rank_by: RankBy = "frequency",
    top: int | None = 10,
    level: float = 0.95,
) -> pl.DataFrame:
    """The categories that drive escalations, ranked by frequency or by impact.

    Rankings (plain-language versions for the UI in :data:`IMPACT_EXPLANATIONS`):

    - ``"frequency"``: number of escalations.
    - ``"impact_handling"``: ``escalations × extra_handling_hours``, where
      ``extra_handling_hours`` = mean hours from created to solved of escalated tickets minus
      that of non-escalated tickets in the same category (solved tickets only). An estimate of
      the total extra hours the category's escalations cost; negative when escalated tickets
      close faster.
    - ``"impact_csat"``: ``escalations × csat_gap``, where ``csat_gap`` = mean satisfaction
      (0..1) of non-escalated tickets minus that of escalated tickets in the category (rated
      tickets only).

    An impact is null when one side has no solved (or rated) tickets; nulls rank last. Only
    values with at least one escalation are listed. Columns: ``rank``, ``by``, ``tickets``,
    ``escalations``, ``rate``, ``rate_low``, ``rate_high``, ``share_of_escalations``,
    ``handling_hours_escalated`` (n = ``handling_n_escalated``), ``handling_hours_other``
    (n = ``handling_n_other``), ``extra_handling_hours``, ``impact_handling``,
    ``csat_escalated`` (n = ``csat_n_escalated``), ``csat_other`` (n = ``csat_n_other``),
    ``csat_gap``, ``impact_csat``.

    >>> from datetime import UTC, datetime
    >>> c = datetime(2024, 1, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [c] * 4,
    ...     "solved_at": [c + timedelta(hours=h) for h in (10, 2, 3, 3)],
    ...     "category": ["sso", "sso", "billing", "billing"],
    ...     "escalated": [True, False, True, True],
    ...     "satisfaction": [0.0, 1.0, None, 1.0],
    ... })
    >>> drivers(t, rank_by="impact_handling").select(
    ...     "rank", "category", "escalations", "extra_handling_hours", "impact_handling")
    shape: (2, 5)
    ┌──────┬──────────┬─────────────┬──────────────────────┬─────────────────┐
    │ rank ┆ category ┆ escalations ┆ extra_handling_hours ┆ impact_handling │
    │ ---  ┆ ---      ┆ ---         ┆ ---                  ┆ ---             │
    │ u32  ┆ str      ┆ i64         ┆ f64                  ┆ f64             │
    ╞══════╪══════════╪═════════════╪══════════════════════╪═════════════════╡
    │ 1    ┆ sso      ┆ 1           ┆ 8.0                  ┆ 8.0             │
    │ 2    ┆ billing  ┆ 2           ┆ null                 ┆ null            │
    └──────┴──────────┴─────────────┴──────────────────────┴─────────────────┘
    """
    if rank_by not in IMPACT_EXPLANATIONS:
        raise MetricsError(
            f"unknown ranking {rank_by!r} (use {', '.join(map(repr, IMPACT_EXPLANATIONS))})"
        )
    _check_column(tickets, by)
    # One cheap group-by on (value, escalated) with sums and counts; the means and gaps are
    # then combined on the small result (much faster than filtered aggregations on 1M rows).
    solved = pl.col("solved_at").is_not_null() & (pl.col("solved_at") >= pl.col("created_at"))
    parts = (
        _with_optional(tickets, "solved_at", "satisfaction")
        .lazy()
        .with_columns(pl.when(solved).then(_hours("solved_at")).alias("_h"))
        .group_by(_key(by), "escalated")
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col("_h").sum().alias("h_sum"),
            pl.col("_h").count().cast(pl.Int64).alias("h_n"),
            pl.col("satisfaction").sum().alias("s_sum"),
            pl.col("satisfaction").count().cast(pl.Int64).alias("s_n"),
        )
        .collect()
    )

    def side(escalated: bool, suffix: str) -> pl.DataFrame:
        return parts.filter(pl.col("escalated") == escalated).select(
            by,
            pl.col("n").alias(f"n_{suffix}"),
            _safe_ratio("h_sum", "h_n", f"handling_hours_{suffix}"),
            pl.col("h_n").alias(f"handling_n_{suffix}"),
            _safe_ratio("s_sum", "s_n", f"csat_{suffix}"),
            pl.col("s_n").alias(f"csat_n_{suffix}"),
        )

    out = (
        side(True, "escalated")
        .join(side(False, "other"), on=by, how="full", coalesce=True)
        .with_columns(
            pl.col("n_escalated", "handling_n_escalated", "csat_n_escalated").fill_null(0),
            pl.col("n_other", "handling_n_other", "csat_n_other").fill_null(0),
        )
        .with_columns(
            pl.col("n_escalated").alias("escalations"),
            (pl.col("n_escalated") + pl.col("n_other")).alias("tickets"),
        )
    )
    out = (
        out.with_columns(
            *wilson_exprs(level=level),
            pl.col("escalations").sum().cast(pl.Int64).alias("_all"),
            (pl.col("handling_hours_escalated") - pl.col("handling_hours_other")).alias(
                "extra_handling_hours"
            ),
            (pl.col("csat_other") - pl.col("csat_escalated")).alias("csat_gap"),
        )
        .with_columns(
            _safe_ratio("escalations", "_all", "share_of_escalations"),
            (pl.col("escalations") * pl.col("extra_handling_hours")).alias("impact_handling"),
            (pl.col("escalations") * pl.col("csat_gap")).alias("impact_csat"),
        )
        .filter(pl.col("escalations") > 0)
    )
    key = "escalations" if rank_by == "frequency" else rank_by
    out = out.sort(
        [key, "escalations", by], descending=[True, True, False], nulls_last=True
    ).with_row_index("rank", offset=1)
    out = out.select("rank", by, *_DRIVER_COLUMNS)
    return out if top is None else out.head(top)


def pareto(tickets: pl.DataFrame, by: str = "category") -> pl.DataFrame:
    """Escalations per value, most first, with the cumulative share (for a Pareto chart).

    Columns: ``rank``, ``by``, ``escalations``, ``share`` (of ``all_escalations``),
    ``cumulative_share``, ``all_escalations``. Values without escalations are left out.

    >>> t = pl.DataFrame({"category": ["a", "b", "a", "c", "a"], "escalated": [True] * 4 + [False]})
    >>> pareto(t).select("category", "escalations", "share", "cumulative_share")
    shape: (3, 4)
    ┌──────────┬─────────────┬───────┬──────────────────┐
    │ category ┆ escalations ┆ share ┆ cumulative_share │
    │ ---      ┆ ---         ┆ ---   ┆ ---              │
    │ str      ┆ i64         ┆ f64   ┆ f64              │
    ╞══════════╪═════════════╪═══════╪══════════════════╡
    │ a        ┆ 2           ┆ 0.5   ┆ 0.5              │
    │ b        ┆ 1           ┆ 0.25  ┆ 0.75             │
    │ c        ┆ 1           ┆ 0.25  ┆ 1.0              │
    └──────────┴─────────────┴───────┴──────────────────┘
    """
    _check_column(tickets, by)
    out = (
        tickets.lazy()
        .filter(pl.col("escalated"))
        .group_by(_key(by))
        .agg(pl.len().cast(pl.Int64).alias("escalations"))
        .sort(["escalations", by], descending=[True, False])
        .collect()
    )
    total = int(out.get_column("escalations").sum()) if out.height else 0
    return (
        out.with_row_index("rank", offset=1)
        .with_columns(
            (pl.col("escalations") / total).alias("share")
            if total
            else pl.lit(None, pl.Float64).alias("share"),
            (pl.col("escalations").cum_sum() / total).alias("cumulative_share")
            if total
            else pl.lit(None, pl.Float64).alias("cumulative_share"),
            pl.lit(total, dtype=pl.Int64).alias("all_escalations"),
        )
        .select("rank", by, "escalations", "share", "cumulative_share", "all_escalations")
    )


def tier1_resolution(
    tickets: pl.DataFrame,
    *,
    target: float = 0.70,
    by: str = "category",
    level: float = 0.95,
) -> pl.DataFrame:
    """Tier 1 resolution rate per category against a target.

    A ticket is solved when its status is solved or closed, or it has a ``solved_at``; it is
    resolved at Tier 1 when solved and not escalated. Columns: ``by``, ``solved``,
    ``resolved_tier1``, ``rate`` (= resolved_tier1 / solved), ``rate_low``, ``rate_high``,
    ``target``, ``gap`` (rate - target), ``meets_target``. Worst rate first.

    >>> t = pl.DataFrame({
    ...     "category": ["sso"] * 4 + ["billing"],
    ...     "status": ["solved", "closed", "solved", "open", "solved"],
    ...     "solved_at": [None] * 5,
    ...     "escalated": [True, False, False, True, False],
    ... })
    >>> tier1_resolution(t).select("category", "solved", "resolved_tier1", "rate", "meets_target")
    shape: (2, 5)
    ┌──────────┬────────┬────────────────┬──────────┬──────────────┐
    │ category ┆ solved ┆ resolved_tier1 ┆ rate     ┆ meets_target │
    │ ---      ┆ ---    ┆ ---            ┆ ---      ┆ ---          │
    │ str      ┆ i64    ┆ i64            ┆ f64      ┆ bool         │
    ╞══════════╪════════╪════════════════╪══════════╪══════════════╡
    │ sso      ┆ 3      ┆ 2              ┆ 0.666667 ┆ false        │
    │ billing  ┆ 1      ┆ 1              ┆ 1.0      ┆ true         │
    └──────────┴────────┴────────────────┴──────────┴──────────────┘
    """
    if not 0 <= target <= 1:
        raise MetricsError(f"the Tier 1 target must be between 0 and 1 (e.g. 0.7), not {target!r}")
    _check_column(tickets, by)
    solved = (
        pl.col("status").is_in(SOLVED_STATUSES).fill_null(False) | pl.col("solved_at").is_not_null()
    )
    out = (
        tickets.lazy()
        .filter(solved)
        .group_by(_key(by))
        .agg(
            pl.len().cast(pl.Int64).alias("solved"),
            (~pl.col("escalated")).sum().cast(pl.Int64).alias("resolved_tier1"),
        )
        .collect()
    )
    return (
        out.with_columns(wilson_exprs("resolved_tier1", "solved", level=level))
        .with_columns(
            pl.lit(float(target)).alias("target"),
            (pl.col("rate") - target).alias("gap"),
            (pl.col("rate") >= target).alias("meets_target"),
        )
        .sort(["rate", "solved", by], descending=[False, True, False])
        .select(by, *_TIER1_COLUMNS)
    )


# --------------------------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReassignmentSummary:
    """Reassignment figures (see :func:`reassignment_summary`)."""

    summary: pl.DataFrame
    distribution: pl.DataFrame
    bounced: pl.DataFrame


def reassignment_summary(
    tickets: pl.DataFrame,
    by: str | None = None,
    *,
    bounced_at: int = 3,
    cap: int = 5,
    level: float = 0.95,
) -> ReassignmentSummary:
    """How often tickets are passed around, overall or per value of ``by``.

    ``summary`` columns: [``by``], ``tickets``, ``known`` (tickets whose reassignment count is
    known: the denominator of every share), ``reassigned`` (count > 0), ``share_reassigned``
    with ``share_low``/``share_high`` (Wilson), ``first_assignment_correct`` (count == 0) and
    ``first_assignment_correct_rate`` (= 1 - share_reassigned), ``bounced`` (count >=
    ``bounced_at``), ``mean_reassignments``.

    ``distribution``: [``by``], ``reassignments`` (capped at ``cap``), ``label`` ("0", "1",
    ..., "5+"), ``tickets``, ``share`` (of ``known``), ``known``.

    ``bounced``: the tickets reassigned ``bounced_at`` times or more, most first.

    >>> t = pl.DataFrame({
    ...     "ticket_id": ["1", "2", "3", "4"],
    ...     "created_at": [datetime(2024, 1, 1, tzinfo=UTC)] * 4,
    ...     "reassignments": [0, 1, 4, None],
    ...     "escalated": [False, False, True, False],
    ... })
    >>> r = reassignment_summary(t)
    >>> r.summary.select("tickets", "known", "reassigned", "first_assignment_correct_rate", "bounced")
    shape: (1, 5)
    ┌─────────┬───────┬────────────┬───────────────────────────────┬─────────┐
    │ tickets ┆ known ┆ reassigned ┆ first_assignment_correct_rate ┆ bounced │
    │ ---     ┆ ---   ┆ ---        ┆ ---                           ┆ ---     │
    │ i64     ┆ i64   ┆ i64        ┆ f64                           ┆ i64     │
    ╞═════════╪═══════╪════════════╪═══════════════════════════════╪═════════╡
    │ 4       ┆ 3     ┆ 2          ┆ 0.333333                      ┆ 1       │
    └─────────┴───────┴────────────┴───────────────────────────────┴─────────┘
    >>> r.bounced.get_column("ticket_id").to_list()
    ['3']
    """  # noqa: E501
    if bounced_at < 1 or cap < 1:
        raise MetricsError("bounced_at and cap must be at least 1")
    keys: list[pl.Expr] = []
    names: list[str] = []
    if by is not None:
        _check_column(tickets, by)
        keys, names = [_key(by)], [by]
    r = pl.col("reassignments")
    aggs = [
        pl.len().cast(pl.Int64).alias("tickets"),
        r.count().cast(pl.Int64).alias("known"),
        (r > 0).sum().cast(pl.Int64).alias("reassigned"),
        (r == 0).sum().cast(pl.Int64).alias("first_assignment_correct"),
        (r >= bounced_at).sum().cast(pl.Int64).alias("bounced"),
        r.cast(pl.Float64).mean().alias("mean_reassignments"),
    ]
    lf = tickets.lazy()
    summary_q = lf.group_by(keys).agg(aggs) if keys else lf.select(aggs)
    capped = pl.min_horizontal(r, pl.lit(cap)).cast(pl.Int64).alias("reassignments")
    dist_q = (
        lf.filter(r.is_not_null())
        .group_by([*keys, capped])
        .agg(pl.len().cast(pl.Int64).alias("tickets"))
    )
    bounced_cols = [
        c
        for c in (
            "ticket_id", "created_at", "subject", "category", "channel", "agent", "group",
            "reassignments", "escalated",
        )
        if c in tickets.columns
    ]  # fmt: skip
    bounced_q = (
        lf.filter(r >= bounced_at)
        .select(bounced_cols)
        .sort(["reassignments", "created_at"], descending=True)
    )
    summary, dist, bounced = pl.collect_all([summary_q, dist_q, bounced_q])
    summary = (
        summary.with_columns(
            wilson_exprs("reassigned", "known", level=level, name="share_reassigned")
        )
        .rename({"share_reassigned_low": "share_low", "share_reassigned_high": "share_high"})
        .with_columns(
            _safe_ratio("first_assignment_correct", "known", "first_assignment_correct_rate")
        )
        .select(*names, *_REASSIGN_COLUMNS)
    )
    if names:
        summary = summary.sort(["tickets", by], descending=[True, False])
    known = pl.col("tickets").sum().over(names) if names else pl.col("tickets").sum()
    dist = (
        dist.with_columns(known.cast(pl.Int64).alias("known"))
        .with_columns(
            _safe_ratio("tickets", "known", "share"),
            pl.when(pl.col("reassignments") >= cap)
            .then(pl.lit(f"{cap}+"))
            .otherwise(pl.col("reassignments").cast(pl.String))
            .alias("label"),
        )
        .sort([*names, "reassignments"])
        .select(*names, "reassignments", "label", "tickets", "share", "known")
    )
    return ReassignmentSummary(summary=summary, distribution=dist, bounced=bounced)


def _quantile_aggs(value: pl.Expr, prefix: str) -> list[pl.Expr]:
    return [
        value.median().alias(f"{prefix}median"),
        value.quantile(0.25, "linear").alias(f"{prefix}p25"),
        value.quantile(0.75, "linear").alias(f"{prefix}p75"),
        value.quantile(0.90, "linear").alias(f"{prefix}p90"),
    ]


def first_response_trend(
    tickets: pl.DataFrame, *, every: str = "1w", align_to: date | None = None
) -> pl.DataFrame:
    """Median and 90th percentile of first response minutes per period.

    Columns: ``period_start``, ``period_end``, ``tickets``, ``responses`` (tickets with a first
    response time: the denominator), ``median``, ``p25``, ``p75``, ``p90`` (minutes).

    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 9)],
    ...     "first_response_minutes": [10.0, 30.0, None],
    ... })
    >>> first_response_trend(t).select("period_start", "tickets", "responses", "median")
    shape: (2, 4)
    ┌──────────────┬─────────┬───────────┬────────┐
    │ period_start ┆ tickets ┆ responses ┆ median │
    │ ---          ┆ ---     ┆ ---       ┆ ---    │
    │ date         ┆ i64     ┆ i64       ┆ f64    │
    ╞══════════════╪═════════╪═══════════╪════════╡
    │ 2024-01-01   ┆ 2       ┆ 2         ┆ 20.0   │
    │ 2024-01-08   ┆ 1       ┆ 0         ┆ null   │
    └──────────────┴─────────┴───────────┴────────┘
    """
    frm = pl.col("first_response_minutes")
    return _bucketed(
        tickets,
        every,
        align_to,
        [
            pl.len().cast(pl.Int64).alias("tickets"),
            frm.count().cast(pl.Int64).alias("responses"),
            *_quantile_aggs(frm, ""),
        ],
        {"tickets": 0, "responses": 0},
        {
            "tickets": pl.Int64,
            "responses": pl.Int64,
            "median": pl.Float64,
            "p25": pl.Float64,
            "p75": pl.Float64,
            "p90": pl.Float64,
        },
    )


def first_response_by(tickets: pl.DataFrame, by: str = "channel") -> pl.DataFrame:
    """First response minutes per value of ``by``.

    Columns: ``by``, ``tickets``, ``responses`` (with a time), ``median``, ``p25``, ``p75``,
    ``p90``, ``mean`` (minutes). Slowest median first.

    >>> t = pl.DataFrame({"channel": ["chat", "chat", "email"], "first_response_minutes": [1.0, 3.0, 60.0]})
    >>> first_response_by(t).select("channel", "responses", "median")
    shape: (2, 3)
    ┌─────────┬───────────┬────────┐
    │ channel ┆ responses ┆ median │
    │ ---     ┆ ---       ┆ ---    │
    │ str     ┆ i64       ┆ f64    │
    ╞═════════╪═══════════╪════════╡
    │ email   ┆ 1         ┆ 60.0   │
    │ chat    ┆ 2         ┆ 2.0    │
    └─────────┴───────────┴────────┘
    """  # noqa: E501
    _check_column(tickets, by)
    frm = pl.col("first_response_minutes")
    return (
        tickets.lazy()
        .group_by(_key(by))
        .agg(
            pl.len().cast(pl.Int64).alias("tickets"),
            frm.count().cast(pl.Int64).alias("responses"),
            *_quantile_aggs(frm, ""),
            frm.mean().alias("mean"),
        )
        .sort(["median", by], descending=[True, False], nulls_last=True)
        .collect()
    )


def time_to_escalate(tickets: pl.DataFrame, by: str | None = "category") -> pl.DataFrame:
    """Hours from creation to escalation, per value of ``by`` (or overall with ``by=None``).

    Only escalated tickets with an ``escalated_at`` no earlier than ``created_at`` count.
    Columns: [``by``], ``escalations``, ``n`` (escalations with a usable time: the
    denominator), ``median``, ``p25``, ``p75``, ``p90``, ``mean`` (hours). Most escalations
    first.

    >>> c = datetime(2024, 1, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [c] * 3,
    ...     "escalated_at": [c + timedelta(hours=2), c + timedelta(hours=4), None],
    ...     "category": ["sso"] * 3,
    ...     "escalated": [True, True, True],
    ... })
    >>> time_to_escalate(t).select("category", "escalations", "n", "median", "p90")
    shape: (1, 5)
    ┌──────────┬─────────────┬─────┬────────┬─────┐
    │ category ┆ escalations ┆ n   ┆ median ┆ p90 │
    │ ---      ┆ ---         ┆ --- ┆ ---    ┆ --- │
    │ str      ┆ i64         ┆ i64 ┆ f64    ┆ f64 │
    ╞══════════╪═════════════╪═════╪════════╪═════╡
    │ sso      ┆ 3           ┆ 2   ┆ 3.0    ┆ 3.8 │
    └──────────┴─────────────┴─────┴────────┴─────┘
    """
    hours, timed = _escalation_hours()
    h = hours.filter(timed)
    aggs = [
        pl.col("escalated").sum().cast(pl.Int64).alias("escalations"),
        timed.sum().cast(pl.Int64).alias("n"),
        *_quantile_aggs(h, ""),
        h.mean().alias("mean"),
    ]
    lf = tickets.lazy().filter(pl.col("escalated"))
    if by is None:
        return lf.select(aggs).collect()
    _check_column(tickets, by)
    return (
        lf.group_by(_key(by))
        .agg(aggs)
        .sort(["escalations", by], descending=[True, False])
        .collect()
    )


# --------------------------------------------------------------------------------------------
# Idle tickets and repeat contacts
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Before / after
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BeforeAfter:
    """Escalation rate before and after a change date (see :func:`before_after`).

    ``summary``: two rows (``segment`` = before / after) with ``start``, ``end``, ``tickets``,
    ``escalations``, ``rate``, ``rate_low``, ``rate_high``. ``test``: after vs before
    (``test.diff`` = after rate - before rate). ``weekly``: one row per week counted from the
    change date (``week`` = whole weeks from the date, negative before it), with ``week_start``,
    ``segment``, ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high`` and
    ``fitted`` (the segmented trend line: a separate weighted straight line per segment).
    ``slopes``: change in rate per week of each line; ``level_change``: the jump between the
    two lines at the change date (``None`` when a side has no weeks).
    """

    date: date
    category: str | None
    summary: pl.DataFrame
    test: TestResult
    weekly: pl.DataFrame
    slopes: dict[str, float | None]
    level_change: float | None


def _fit_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float] | None:
    """Weighted least squares ``y = a + b x`` (weights ``w`` on squared residuals)."""
    keep = (w > 0) & np.isfinite(y)
    x, y, w = x[keep], y[keep], w[keep]
    if x.size == 0:
        return None
    if x.size == 1:
        return float(y[0]), 0.0
    b, a = np.polyfit(x, y, 1, w=np.sqrt(w))
    return float(a), float(b)


def before_after(
    tickets: pl.DataFrame,
    *,
    date: date,
    category: str | None = None,
    window_days: int | None = None,
    level: float = 0.95,
) -> BeforeAfter:
    """Compare the escalation rate before and after ``date`` (a policy, playbook or routing
    change), for one ``category`` or all tickets.

    Before is every ticket created before ``date`` (UTC), after is ``date`` onwards; with
    ``window_days`` each side is limited to that many days. The weekly series counts weeks
    from ``date`` so no week straddles the change; each segment gets a straight line fitted by
    least squares weighted by the week's tickets (x = the middle of the week), and the lines
    are evaluated at every week (``fitted``).

    >>> d0 = datetime(2024, 3, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [d0 + timedelta(days=d) for d in (-10, -3, -2, 1, 2, 9)],
    ...     "category": ["sso"] * 6,
    ...     "escalated": [True, True, False, False, False, True],
    ... })
    >>> r = before_after(t, date=d0.date())
    >>> r.summary.select("segment", "tickets", "escalations", "rate")
    shape: (2, 4)
    ┌─────────┬─────────┬─────────────┬──────────┐
    │ segment ┆ tickets ┆ escalations ┆ rate     │
    │ ---     ┆ ---     ┆ ---         ┆ ---      │
    │ str     ┆ i64     ┆ i64         ┆ f64      │
    ╞═════════╪═════════╪═════════════╪══════════╡
    │ before  ┆ 3       ┆ 2           ┆ 0.666667 │
    │ after   ┆ 3       ┆ 1           ┆ 0.333333 │
    └─────────┴─────────┴─────────────┴──────────┘
    >>> r.weekly.select("week", "tickets", "rate", pl.col("fitted").round(6)).rows()
    [(-2, 1, 1.0, 1.0), (-1, 2, 0.5, 0.5), (0, 2, 0.0, 0.0), (1, 1, 1.0, 1.0)]
    """
    change = day_start(date)
    lf = tickets.lazy()
    if category is not None:
        _check_column(tickets, "category")
        lf = lf.filter(_match("category", [category]))
    before = pl.col("created_at") < change
    after = pl.col("created_at") >= change
    if window_days is not None:
        if window_days < 1:
            raise MetricsError(f"the window must be at least 1 day, not {window_days!r}")
        span = timedelta(days=window_days)
        before = before & (pl.col("created_at") >= change - span)
        after = after & (pl.col("created_at") < change + span)
    week_us = 7 * 24 * _US_PER_HOUR
    week = ((pl.col("created_at") - pl.lit(change)).dt.total_microseconds() // week_us).cast(
        pl.Int64
    )
    sides = lf.filter(before | after).with_columns(
        pl.when(before).then(pl.lit("before")).otherwise(pl.lit("after")).alias("segment"),
        week.alias("week"),
    )
    summary_q = sides.group_by("segment").agg(
        *_counts(),
        pl.col("created_at").min().alias("_first"),
        pl.col("created_at").max().alias("_last"),
    )
    weekly_q = sides.group_by("week", "segment").agg(_counts()).sort("week")
    summary, weekly = pl.collect_all([summary_q, weekly_q])
    seg = pl.DataFrame({"segment": ["before", "after"]})
    summary = (
        seg.join(summary, on="segment", how="left")
        .with_columns(pl.col("tickets", "escalations").fill_null(0))
        .with_columns(
            *wilson_exprs(level=level),
            pl.col("_first").cast(pl.Date).alias("start"),
            pl.col("_last").cast(pl.Date).alias("end"),
        )
        .select(
            "segment", "start", "end", "tickets", "escalations", "rate", "rate_low", "rate_high"
        )
    )
    (kb, nb), (ka, na) = summary.select("escalations", "tickets").rows()
    test = two_proportion_test(ka, na, kb, nb, level=level)

    weekly = weekly.with_columns(
        *wilson_exprs(level=level),
        (pl.lit(date) + pl.duration(days=pl.col("week") * 7)).cast(pl.Date).alias("week_start"),
    )
    fitted = np.full(weekly.height, np.nan)
    slopes: dict[str, float | None] = {}
    levels: dict[str, float] = {}
    x_all = weekly.get_column("week").to_numpy().astype(float) + 0.5
    for name in ("before", "after"):
        mask = (weekly.get_column("segment") == name).to_numpy()
        fit = _fit_line(
            x_all[mask],
            weekly.get_column("rate").to_numpy().astype(float)[mask],
            weekly.get_column("tickets").to_numpy().astype(float)[mask],
        )
        if fit is None:
            slopes[name] = None
            continue
        a, b = fit
        slopes[name] = b
        levels[name] = a  # the line's value at x = 0, the change date
        fitted[mask] = a + b * x_all[mask]
    weekly = weekly.with_columns(pl.Series("fitted", fitted).fill_nan(None).clip(0.0, 1.0)).select(
        "week",
        "week_start",
        "segment",
        "tickets",
        "escalations",
        "rate",
        "rate_low",
        "rate_high",
        "fitted",
    )
    level_change = levels["after"] - levels["before"] if len(levels) == 2 else None
    return BeforeAfter(
        date=date,
        category=category,
        summary=summary,
        test=test,
        weekly=weekly,
        slopes=slopes,
        level_change=level_change,
    )


# --------------------------------------------------------------------------------------------
# Narrative
# --------------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"


def _comparison(res: TestResult, name: str) -> str:
    if not res.testable:
        return f"no tickets in the {name} to compare with"
    if res.significant:
        word = "up" if res.diff > 0 else "down"
        return f"{word} from {_pct(res.p2)} in the {name} (significant, {_p(res.p_value)})"
    return f"{_pct(res.p2)} in the {name} (no significant change, {_p(res.p_value)})"


def narrative(kpis: KpiTable, drivers: pl.DataFrame | None = None) -> str:
    """A short plain-language summary of the review period for the top of the overview.

    ``drivers`` is a frame whose first text column names the driver and that has an
    ``escalations`` column, e.g. :func:`drivers` (top row is used) or :func:`breakdown` by
    category (the value with the largest rise in escalations, ``escalations_change``, is used).
    A change is only called up or down when the two-proportion test is significant; a
    baseline that overlaps the review period (data too short) is not compared.

    >>> from lib.periods import Periods
    >>> p = Periods(review=(date(2024, 1, 15), date(2024, 1, 28)),
    ...             previous=(date(2024, 1, 1), date(2024, 1, 14)),
    ...             baseline=(date(2023, 12, 1), date(2023, 12, 30)))
    >>> t = pl.DataFrame({
    ...     "created_at": [day_start(date(2024, 1, 20))] * 200 + [day_start(date(2024, 1, 5))] * 200,
    ...     "escalated": [True] * 60 + [False] * 140 + [True] * 30 + [False] * 170,
    ... })
    >>> d = pl.DataFrame({"category": ["SSO / SAML"], "escalations": [40], "escalations_change": [38]})
    >>> print(narrative(kpis(t, p), d))
    Escalation rate 30.0% this period (60 of 200), up from 15.0% in the previous period (significant, p<0.001); no tickets in the baseline to compare with. Top driver: SSO / SAML, +38 escalations vs the previous period.
    """  # noqa: E501
    review = kpis.review
    if review["tickets"] == 0:
        start, end = kpis.periods.review
        return f"No tickets in the review period ({start} to {end}): widen the filters or period."
    text = (
        f"Escalation rate {_pct(review['rate'])} this period "
        f"({review['escalations']} of {review['tickets']}), "
        f"{_comparison(kpis.change('previous'), 'previous period')}; "
    )
    if kpis.periods.baseline_overlaps_review:
        text += "the baseline overlaps the review period, so it is not compared."
    else:
        text += f"{_comparison(kpis.change('baseline'), 'baseline')}."
    if drivers is not None and drivers.height:
        label_col = next(
            (c for c in drivers.columns if drivers.schema[c] == pl.String), drivers.columns[0]
        )
        if "escalations_change" in drivers.columns:
            top = drivers.sort("escalations_change", descending=True, nulls_last=True).row(
                0, named=True
            )
            change = top["escalations_change"]
            if change is not None and change > 0:
                text += (
                    f" Top driver: {top[label_col]}, +{change} escalations vs the previous period."
                )
            else:
                text += " No category rose in escalations since the previous period."
        elif "escalations" in drivers.columns:
            top = drivers.row(0, named=True)
            text += f" Top driver: {top[label_col]}, {top['escalations']} escalations."
    return text
