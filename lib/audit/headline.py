"""Headline numbers (KPIs) of the review, previous and baseline periods, their tests of change,
and the plain-language summary of the review period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lib import plain_words
from lib.audit._common import MetricsError, _counts, _escalation_hours, _safe_ratio, _with_optional
from lib.audit.maturity import Horizon, apply_horizon, maturity_counts
from lib.audit.rates import TestResult, two_proportion_test, wilson_exprs
from lib.periods import Periods, in_dates


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

    With a :class:`~lib.audit.maturity.Horizon` every number counts mature tickets only and
    escalations within the horizon (``tickets`` and ``escalations`` are then the rate's
    denominator and numerator), and two more columns say what was left out: ``maturing``
    (tickets too young at the export date) and ``late_escalations`` (escalated after the
    horizon). ``horizon`` holds the horizon used (``None``: the state at export, as before).

    ``changes`` has one row per comparison of the review period (vs ``previous`` and vs
    ``baseline``): the two rates, ``change`` (difference in rate), its interval, ``z``,
    ``p_value`` and ``significant``. ``tests`` holds the same as :class:`TestResult` objects.
    """

    periods: Periods
    table: pl.DataFrame
    changes: pl.DataFrame
    tests: dict[str, TestResult] = field(default_factory=dict)
    horizon: Horizon | None = None

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
    horizon: Horizon | None = None,
) -> KpiTable:
    """Headline numbers for the review, previous and baseline periods, and the tests of change.

    See :class:`KpiTable` for the columns. ``policy_categories`` are the categories tagged
    policy-based (from the store); the policy share is their escalations over all escalations.

    >>> from datetime import UTC, date, datetime
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

    With a 2-day horizon on 10 Jan, the tickets of 9 and 10 Jan are still maturing:

    >>> from lib.audit.maturity import Horizon
    >>> h = Horizon(days=2, as_of=datetime(2024, 1, 10, 12, tzinfo=UTC))
    >>> p = review_periods(t, review_days=3, baseline=(date(2024, 1, 1), date(2024, 1, 7)))
    >>> kpis(t, p, horizon=h).review
    ... # doctest: +ELLIPSIS
    {'period': 'review', ..., 'tickets': 1, 'escalations': 1, ..., 'maturing': 2, 'late_escalations': 0}
    """  # noqa: E501
    lf = _with_optional(
        tickets, "escalated_at", "first_response_minutes", "satisfaction", "reopens", "category"
    ).lazy()
    aggs = _kpi_aggs(policy_categories)
    columns = list(_KPI_COLUMNS)
    parts = []
    for name, (start, end) in periods.items():
        part = lf.filter(in_dates(start, end))
        counted = (
            part.select(aggs) if horizon is None else apply_horizon(part, horizon).select(aggs)
        )
        if horizon is not None:
            counted = pl.concat([counted, part.select(maturity_counts(horizon))], how="horizontal")
        parts.append(
            counted.with_columns(
                pl.lit(name).alias("period"),
                pl.lit(start).alias("start"),
                pl.lit(end).alias("end"),
                pl.lit((end - start).days + 1, dtype=pl.Int64).alias("days"),
            )
        )
    if horizon is not None:
        columns += ["maturing", "late_escalations"]
    table = (
        pl.concat(pl.collect_all(parts), how="vertical")
        .with_columns(
            *wilson_exprs(level=level),
            _safe_ratio("reopened", "reopen_known", "reopen_rate"),
            _safe_ratio("policy_escalations", "escalations", "policy_share"),
        )
        .select(columns)
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
    return KpiTable(periods=periods, table=table, changes=changes, tests=tests, horizon=horizon)


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


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"


def _comparison(res: TestResult, name: str) -> str:
    if not res.testable:
        return f"no tickets in the {name} to compare with"
    if res.significant:
        word = "up" if res.diff > 0 else "down"
        return f"{word} from {_pct(res.p2)} in the {name}, {plain_words.verdict(res.p_value)}"
    return f"{_pct(res.p2)} in the {name}: {plain_words.change(res.diff, res.p_value)}"


def narrative_figures(kpis: KpiTable) -> str:
    """The exact test figures behind :func:`narrative`, for its tooltip.

    >>> from datetime import date
    >>> from lib.periods import Periods, day_start
    >>> p = Periods(review=(date(2024, 1, 15), date(2024, 1, 28)),
    ...             previous=(date(2024, 1, 1), date(2024, 1, 14)),
    ...             baseline=(date(2023, 12, 1), date(2023, 12, 30)))
    >>> t = pl.DataFrame({"created_at": [day_start(date(2024, 1, 20))] * 4,
    ...                   "escalated": [True, False, False, False]})
    >>> narrative_figures(kpis(t, p))
    'Two-proportion tests: vs the previous period not testable; vs the baseline not testable.'
    """
    parts = []
    for name in ("previous", "baseline"):
        res = kpis.change(name)
        label = "the previous period" if name == "previous" else "the baseline"
        parts.append(f"vs {label} " + (_p(res.p_value) if res.testable else "not testable"))
    return "Two-proportion tests: " + "; ".join(parts) + "."


def narrative(kpis: KpiTable, drivers: pl.DataFrame | None = None) -> str:
    """A short plain-language summary of the review period for the top of the overview.

    ``drivers`` is a frame whose first text column names the driver and that has an
    ``escalations`` column, e.g. :func:`drivers` (top row is used) or :func:`breakdown` by
    category (the value with the largest rise in escalations, ``escalations_change``, is used).
    A change is only called up or down when the two-proportion test is significant; a
    baseline that overlaps the review period (data too short) is not compared.

    >>> from datetime import date
    >>> from lib.periods import Periods, day_start
    >>> p = Periods(review=(date(2024, 1, 15), date(2024, 1, 28)),
    ...             previous=(date(2024, 1, 1), date(2024, 1, 14)),
    ...             baseline=(date(2023, 12, 1), date(2023, 12, 30)))
    >>> t = pl.DataFrame({
    ...     "created_at": [day_start(date(2024, 1, 20))] * 200 + [day_start(date(2024, 1, 5))] * 200,
    ...     "escalated": [True] * 60 + [False] * 140 + [True] * 30 + [False] * 170,
    ... })
    >>> d = pl.DataFrame({"category": ["SSO / SAML"], "escalations": [40], "escalations_change": [38]})
    >>> print(narrative(kpis(t, p), d))
    Escalation rate 30.0% this period (60 of 200), up from 15.0% in the previous period, unlikely to be chance (about 1 in 3,000); no tickets in the baseline to compare with. Top driver: SSO / SAML, +38 escalations vs the previous period.
    """  # noqa: E501
    review = kpis.review
    h = kpis.horizon
    if h is not None and review["tickets"] == 0 and review["maturing"]:
        return (
            f"All {review['maturing']:,} tickets of the review period are still maturing "
            f"(younger than the {h.days}-day horizon on {h.as_of:%Y-%m-%d}): end the review "
            "period earlier or shorten the horizon."
        )
    if review["tickets"] == 0:
        start, end = kpis.periods.review
        return f"No tickets in the review period ({start} to {end}): widen the filters or period."
    within = "" if h is None or not h.timed else f" within {h.days} days"
    young = "" if h is None else f" tickets at least {h.days} days old"
    if h is not None and review["maturing"]:
        young += f"; {review['maturing']} still maturing"
    text = (
        f"Escalation rate{within} {_pct(review['rate'])} this period "
        f"({review['escalations']} of {review['tickets']}{young}), "
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
