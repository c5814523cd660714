"""The escalation rate before and after a change date (a policy, playbook or routing change):
an interrupted time series.

The daily counts are fitted by a segmented binomial regression (a logistic GLM on the days'
escalations out of their tickets, :class:`SegmentedFit`): a level and a slope before the
date, and a change in level and a change in slope at the date. Its standard errors are
cluster-robust with the day as the cluster and the CR3 small-sample adjustment (each day's
score divided by one minus its leverage, close to a leave-one-day-out jackknife), with a t
reference on days - 1 degrees of freedom. So the day-to-day spread beyond chance (an outage
day) widens the intervals instead of passing for a lasting change, and a trend already under
way is not credited to the change. Newey-West (HAC) errors were tried and rejected: on 61 days
of independent data they called 15-21% of null changes significant at 5%; plain
cluster-robust errors (statsmodels ``cov_type="cluster"``, CR1) called 12-22% when outage days
(many tickets, high leverage) came in (BENCHMARKS.md, "Honest comparisons"). Runs of several
bad days in a row (autocorrelation) are not fully allowed for. The pooled two-proportion
test of the two sides is still given (``BeforeAfter.test``), for reference.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy.special import expit
from scipy.stats import t as student_t

from lib.audit._common import MetricsError, _check_column, _counts, _match
from lib.audit.rates import TestResult, two_proportion_test, wilson_exprs
from lib.periods import day_start, local_day

#: Fewest days with tickets each side needs for the segmented regression.
MIN_DAYS = 3
# A fitted rate beyond expit(±12) (0.0006% from 0 or 1) means the fit separated the days.
_MAX_LOGIT = 12.0


@dataclass(frozen=True)
class SegmentedFit:
    """Segmented binomial regression of the daily escalation rate around a change date.

    ``logit(rate on day t) = b0 + b1 t + b2 after + b3 t after`` with ``t`` the days from the
    change date (0 = the date) and ``after`` 1 from the date on. Effects are given on the rate
    scale at the change date: ``level_change`` (after minus before line at the date, 0..1) with
    its interval (delta method) and ``level_p`` (Wald test of ``b2``); ``slope_before`` and
    ``slope_after`` (change in rate per week along each line at the date) and ``slope_change``
    (their difference) with its interval and ``slope_p`` (Wald test of ``b3``). ``params`` are
    ``(b0, b1, b2, b3)``; ``covariance`` names the robust standard errors used.
    """

    days_before: int
    days_after: int
    params: tuple[float, float, float, float]
    level_change: float
    level_low: float
    level_high: float
    level_p: float
    slope_before: float
    slope_after: float
    slope_change: float
    slope_low: float
    slope_high: float
    slope_p: float
    covariance: str
    level: float = 0.95

    @property
    def level_significant(self) -> bool:
        """The level change is significant at ``1 - level``."""
        return self.level_p < 1 - self.level

    @property
    def slope_significant(self) -> bool:
        """The slope change is significant at ``1 - level``."""
        return self.slope_p < 1 - self.level

    def rate(self, day: float | np.ndarray, after: bool) -> np.ndarray:
        """The fitted rate ``day`` days from the change date, on the before or after line."""
        b0, b1, b2, b3 = self.params
        t = np.asarray(day, dtype=float)
        return expit(b0 + b1 * t + (b2 + b3 * t if after else 0.0))


def _cr3_cov(x: np.ndarray, n: np.ndarray, k: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cluster-robust covariance of a binomial GLM with one row per cluster (day), each
    score scaled by ``1 / (1 - leverage)`` (CR3, close to the leave-one-day-out jackknife).

    Plain cluster-robust errors (CR1) are too small when a few days carry many tickets (an
    outage day has high leverage); CR3 is not.
    """
    mu = expit(x @ b)
    w = n * mu * (1 - mu)
    bread = np.linalg.pinv(x.T @ (w[:, None] * x))
    leverage = np.clip(w * np.einsum("ij,jk,ik->i", x, bread, x), 0.0, 0.99)
    u = x * ((k - n * mu) / (1 - leverage))[:, None]
    return bread @ (u.T @ u) @ bread


def segmented_fit(daily: pl.DataFrame, *, level: float = 0.95) -> SegmentedFit | str:
    """Fit the segmented binomial regression to daily counts, or say why it cannot be fitted.

    ``daily`` has ``day`` (days from the change date, negative before it), ``tickets`` and
    ``escalations``; days without tickets are left out. Each side needs :data:`MIN_DAYS` days
    with tickets, and some escalated and some not escalated tickets (otherwise its line would
    run to 0% or 100%). The errors are cluster-robust by day (CR3) with a t reference (days - 1
    degrees of freedom).

    >>> days = list(range(-20, 20))
    >>> d = pl.DataFrame({"day": days, "tickets": [20] * 40,
    ...                   "escalations": [2 if x < 0 else 6 for x in days]})
    >>> fit = segmented_fit(d)
    >>> round(fit.level_change, 3), abs(round(fit.slope_change, 6)), fit.level_significant
    (0.2, 0.0, True)
    >>> segmented_fit(d.head(22))
    'the segmented trend needs at least 3 days with tickets on each side of the date'
    """
    d = daily.filter(pl.col("tickets") > 0).sort("day")
    t = d.get_column("day").cast(pl.Float64).to_numpy()
    n = d.get_column("tickets").cast(pl.Float64).to_numpy()
    k = d.get_column("escalations").cast(pl.Float64).to_numpy()
    after = (t >= 0).astype(float)
    nb, na = int((after == 0).sum()), int(after.sum())
    if min(nb, na) < MIN_DAYS:
        return (
            f"the segmented trend needs at least {MIN_DAYS} days with tickets on each side of "
            "the date"
        )
    for side, name in ((after == 0, "before"), (after == 1, "after")):
        if k[side].sum() in (0, n[side].sum()):
            return f"the rate {name} the date is 0% or 100%: there is no trend to fit"
    x = np.column_stack([np.ones_like(t), t, after, t * after])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.GLM(np.column_stack([k, n - k]), x, family=sm.families.Binomial()).fit()
        except (ValueError, np.linalg.LinAlgError) as exc:  # pragma: no cover - defensive
            return f"the segmented trend could not be fitted ({exc})"
    b = np.asarray(res.params, float)
    if not np.all(np.isfinite(b)) or np.abs(x @ b).max() > _MAX_LOGIT:
        return "too few tickets for a trend: the fitted rate runs to 0% or 100% within a side"
    cov = _cr3_cov(x, n, k, b)
    if not (np.all(np.isfinite(b)) and np.all(np.isfinite(cov))):
        return "the segmented trend could not be fitted (the fit did not converge)"
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * student_t.sf(np.abs(b / se), t.size - 1)
    p = np.where(se > 0, p, 1.0)
    pb, pa = float(expit(b[0])), float(expit(b[0] + b[2]))
    vb, va = pb * (1 - pb), pa * (1 - pa)
    z = float(student_t.ppf(1 - (1 - level) / 2, t.size - 1))
    # delta method: gradients of the rate-scale effects in (b0, b1, b2, b3)
    g_level = np.array([va - vb, 0.0, va, 0.0])
    dvb, dva = vb * (1 - 2 * pb), va * (1 - 2 * pa)  # derivatives of p(1-p) in the logit
    s_b, s_a = 7 * vb * b[1], 7 * va * (b[1] + b[3])
    g_slope = 7 * np.array([dva * (b[1] + b[3]) - dvb * b[1], va - vb, dva * (b[1] + b[3]), va])
    se_level = float(np.sqrt(max(g_level @ cov @ g_level, 0.0)))
    se_slope = float(np.sqrt(max(g_slope @ cov @ g_slope, 0.0)))
    return SegmentedFit(
        days_before=nb,
        days_after=na,
        params=(float(b[0]), float(b[1]), float(b[2]), float(b[3])),
        level_change=pa - pb,
        level_low=pa - pb - z * se_level,
        level_high=pa - pb + z * se_level,
        level_p=float(p[2]),
        slope_before=float(s_b),
        slope_after=float(s_a),
        slope_change=float(s_a - s_b),
        slope_low=float(s_a - s_b - z * se_slope),
        slope_high=float(s_a - s_b + z * se_slope),
        slope_p=float(p[3]),
        covariance=f"cluster-robust by day (CR3, {t.size} days), t with {t.size - 1} df",
        level=level,
    )


@dataclass(frozen=True)
class BeforeAfter:
    """Escalation rate before and after a change date (see :func:`before_after`).

    ``summary``: two rows (``segment`` = before / after) with ``start``, ``end``, ``tickets``,
    ``escalations``, ``rate``, ``rate_low``, ``rate_high``. ``test``: after vs before
    (``test.diff`` = after rate - before rate). ``weekly``: one row per week counted from the
    change date (``week`` = whole weeks from the date, negative before it), with ``week_start``,
    ``segment``, ``tickets``, ``escalations``, ``rate``, ``rate_low``, ``rate_high`` and
    ``fitted`` (the segmented trend at the middle of the week). ``model``: the segmented
    binomial regression on daily counts (:class:`SegmentedFit`), or ``None`` with the reason
    in ``model_note``. ``slopes``: change in rate per week of each line at the change date;
    ``level_change``: the jump between the two lines at the change date (``None`` when a side
    has no weeks). With a model they come from it; without one (too few days) they come from
    a straight line per side fitted to the weekly rates, weighted by tickets, with no test.
    """

    date: date
    category: str | None
    summary: pl.DataFrame
    test: TestResult
    weekly: pl.DataFrame
    slopes: dict[str, float | None]
    level_change: float | None
    model: SegmentedFit | None = None
    model_note: str | None = None


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

    Before is every ticket created before ``date`` (business zone), after is ``date`` onwards; with
    ``window_days`` each side is limited to that many days. The daily counts are fitted by
    :func:`segmented_fit` (level and slope change, robust errors). The weekly series counts
    weeks from ``date`` so no week straddles the change; ``fitted`` is the model's rate at the
    middle of each week (without a model: a straight line per side fitted to the weekly
    rates, weighted by the week's tickets).

    >>> from datetime import UTC, datetime
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
        # calendar days of the business zone (a day across a clock change is 23 or 25 hours)
        span = timedelta(days=window_days)
        before = before & (pl.col("created_at") >= day_start(date - span))
        after = after & (pl.col("created_at") < day_start(date + span))
    # whole weeks of business-zone days from the change (not of 168 hours: across a clock
    # change a week's first or last hour would fall into the next or previous week)
    day = (local_day("created_at") - pl.lit(date)).dt.total_days().cast(pl.Int64)
    sides = lf.filter(before | after).with_columns(
        pl.when(before).then(pl.lit("before")).otherwise(pl.lit("after")).alias("segment"),
        day.alias("day"),
        (day // 7).alias("week"),
    )
    summary_q = sides.group_by("segment").agg(
        *_counts(),
        pl.col("day").min().alias("_first"),
        pl.col("day").max().alias("_last"),
    )
    weekly_q = sides.group_by("week", "segment").agg(_counts()).sort("week")
    daily_q = sides.group_by("day").agg(_counts())
    summary, weekly, daily = pl.collect_all([summary_q, weekly_q, daily_q])
    seg = pl.DataFrame({"segment": ["before", "after"]})
    summary = (
        seg.join(summary, on="segment", how="left")
        .with_columns(pl.col("tickets", "escalations").fill_null(0))
        .with_columns(
            *wilson_exprs(level=level),
            # the first and last business-zone days with a ticket on each side
            (pl.lit(date) + pl.duration(days=pl.col("_first"))).cast(pl.Date).alias("start"),
            (pl.lit(date) + pl.duration(days=pl.col("_last"))).cast(pl.Date).alias("end"),
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
    model = segmented_fit(daily, level=level)
    note = None
    if isinstance(model, str):
        model, note = None, model
    else:
        mid = weekly.get_column("week").to_numpy().astype(float) * 7 + 3.0
        after_rows = (weekly.get_column("segment") == "after").to_numpy()
        curve = np.where(after_rows, model.rate(mid, True), model.rate(mid, False))
        weekly = weekly.with_columns(pl.Series("fitted", curve))
        slopes = {"before": model.slope_before, "after": model.slope_after}
        level_change = model.level_change
    return BeforeAfter(
        date=date,
        category=category,
        summary=summary,
        test=test,
        weekly=weekly,
        slopes=slopes,
        level_change=level_change,
        model=model,
        model_note=note,
    )
