"""The case-mix model: a logistic regression of escalation on the tickets' case-mix columns (no
agent term), fitted on aggregated cells, with rare levels pooled.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from lib.outliers.inputs import _require
from lib.periods import local_day

#: Case-mix columns used when the data has them (more than one non-null level). ``first_group``
#: is the group at creation (the final ``group`` of an escalated ticket is where it was sent, so
#: it is never used); ``month`` is the calendar month of ``created_at`` (busy months escalate
#: more, and an agent who works only in some months should be compared within them).
CASE_MIX: tuple[str, ...] = (
    "category",
    "channel",
    "priority",
    "customer_tier",
    "first_group",
    "month",
)
#: Case-mix terms computed from another column: name -> the column they come from.
DERIVED_TERMS: dict[str, str] = {"month": "created_at"}
#: The level that stands for a missing value in a case-mix column.
NONE_LEVEL = "(none)"
#: The level that collects rare values of a case-mix column.
OTHER_LEVEL = "(other)"


#: Levels seen on fewer tickets than this are pooled into ``OTHER_LEVEL`` before fitting.
MIN_LEVEL_TICKETS = 20
#: At most this many levels per case-mix column are modelled; the rest go to ``OTHER_LEVEL``.
MAX_LEVELS = 60


def _level_expr(column: str) -> pl.Expr:
    """A case-mix column as text with missing values as their own level."""
    return pl.col(column).cast(pl.String).fill_null(NONE_LEVEL)


class LevelCodes:
    """The case-mix columns of a small frame (a comparison's cells) as their distinct levels
    and each row's index into them, read once per column (as :func:`_level_expr` reads it),
    however many models are then applied to the frame (every refit of every month).

    >>> c = LevelCodes(pl.DataFrame({"c": ["b", None, "b"]}))
    >>> c.of("c")[0], c.of("c")[1].tolist(), c.height
    (['(none)', 'b'], [1, 0, 1], 3)
    """

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        self.height = frame.height

    @staticmethod
    def known(frame: pl.DataFrame, codes: dict[str, tuple[list[str], np.ndarray]]) -> LevelCodes:
        """The codes of ``frame`` worked out already (``codes``: as :meth:`of` gives them)."""
        made = LevelCodes(frame)
        made._codes.update(codes)
        return made

    def of(self, column: str) -> tuple[list[str], np.ndarray]:
        """``column``'s distinct levels (sorted) and each row's index into them."""
        if column not in self._codes:
            values = self._frame.select(_level_expr(column)).to_series()
            index = values.rank("dense").cast(pl.Int64).to_numpy() - 1
            self._codes[column] = (values.unique().sort().to_list(), index)
        return self._codes[column]


def coded(frame: pl.DataFrame | LevelCodes) -> LevelCodes:
    """``frame``'s :class:`LevelCodes` (itself when it is one already)."""
    return frame if isinstance(frame, LevelCodes) else LevelCodes(frame)


def with_derived_terms(tickets: pl.DataFrame, terms: Iterable[str]) -> pl.DataFrame:
    """Add the derived case-mix columns among ``terms`` that the tickets lack (``month``: the
    calendar month of ``created_at`` as ``YYYY-MM``).

    >>> from datetime import datetime
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 3, 31), None]})
    >>> with_derived_terms(t, ["month"]).get_column("month").to_list()
    ['2024-03', None]
    """
    add = [
        t
        for t in terms
        if t in DERIVED_TERMS and t not in tickets.columns and DERIVED_TERMS[t] in tickets.columns
    ]
    if "month" in add:
        tickets = tickets.with_columns(month=local_day("created_at").dt.strftime("%Y-%m"))
    return tickets


def usable_case_mix(tickets: pl.DataFrame, case_mix: Iterable[str] = CASE_MIX) -> tuple[str, ...]:
    """The case-mix columns of ``case_mix`` the tickets can use (more than one level).

    >>> usable_case_mix(pl.DataFrame({"channel": ["a", "b"], "priority": ["x", "x"]}))
    ('channel',)
    """
    return _usable_terms(tickets, case_mix)


def _copies_final_group(tickets: pl.DataFrame) -> bool:
    """Whether ``first_group`` is only a copy of the final ``group`` on escalated tickets (then it
    holds where escalations were sent, not the group at creation, and would explain them away).

    >>> t = pl.DataFrame({"group": ["t1", "t2"], "first_group": ["t1", "t2"],
    ...                   "escalated": [False, True]})
    >>> _copies_final_group(t), _copies_final_group(t.with_columns(first_group=pl.lit("t1")))
    (True, False)
    """
    if not {"first_group", "group", "escalated"} <= set(tickets.columns):
        return False
    # lazily: only the three columns of the escalated tickets are looked at
    esc = tickets.lazy().filter(pl.col("escalated").fill_null(False))
    same = pl.col("first_group").eq_missing(pl.col("group"))
    found = esc.select(pl.len().alias("n"), same.all().alias("same")).collect()
    return bool(found.item(0, "n") > 0 and found.item(0, "same"))


def _usable_terms(tickets: pl.DataFrame, case_mix: Iterable[str]) -> tuple[str, ...]:
    """Case-mix columns that exist and have more than one non-null level (one lazy pass over
    those columns; the month is counted as a date, not formatted for every ticket)."""
    if isinstance(case_mix, str):
        case_mix = (case_mix,)
    case_mix = list(case_mix)
    have = set(tickets.columns)
    levels: dict[str, pl.Expr] = {}
    for column in case_mix:
        if column in have:
            levels[column] = pl.col(column)
        elif column in DERIVED_TERMS and DERIVED_TERMS[column] in have:
            levels[column] = local_day(DERIVED_TERMS[column]).dt.month_start()
    found = (
        tickets.lazy().select(**{c: e.drop_nulls().n_unique() for c, e in levels.items()}).collect()
        if levels
        else None
    )
    terms = []
    for column in case_mix:
        if column == "first_group" and _copies_final_group(tickets):
            continue
        if (
            column in levels
            and column not in terms
            and found is not None
            and found.item(0, column) > 1
        ):
            terms.append(column)
    return tuple(terms)


@dataclass(frozen=True)
class CaseMixModel:
    """A fitted logistic model of escalation on case mix (no agent term).

    ``coefficients[column][level]`` is the log odds ratio of ``level`` against the column's
    reference level (its most common one, coefficient 0). Levels not seen when fitting, and
    levels pooled because they were rare, take the coefficient of ``(other)`` when there is one,
    else the reference's.
    """

    terms: tuple[str, ...]
    intercept: float
    coefficients: dict[str, dict[str, float]]
    reference: dict[str, str]
    n_tickets: int
    n_escalated: int
    n_cells: int
    converged: bool = True
    pooled: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """The overall escalation rate of the tickets the model was fitted on."""
        return self.n_escalated / self.n_tickets if self.n_tickets else math.nan

    def expr(self) -> pl.Expr:
        """A Polars expression for each ticket's predicted escalation probability."""
        eta = pl.lit(self.intercept, dtype=pl.Float64)
        for term in self.terms:
            levels = self.coefficients[term]
            fallback = levels.get(OTHER_LEVEL, 0.0)
            eta = eta + _level_expr(term).replace_strict(
                list(levels), list(levels.values()), default=fallback, return_dtype=pl.Float64
            )
        return (1.0 / (1.0 + (-eta).exp())).alias("p_escalate")

    def probabilities(self, cells: pl.DataFrame | LevelCodes) -> np.ndarray:
        """:meth:`expr` on a small frame (a comparison's cells, or their :class:`LevelCodes`),
        worked out in numpy: the same sum of coefficients, term by term, then the same
        logistic function.

        >>> m = CaseMixModel(("c",), 0.0, {"c": {"a": 0.0, "b": 1.0}}, {"c": "a"}, 4, 2, 2)
        >>> m.probabilities(pl.DataFrame({"c": ["a", "b", "z"]})).round(3).tolist()
        [0.5, 0.731, 0.5]
        """
        codes = coded(cells)
        eta = np.full(codes.height, self.intercept, dtype=float)
        for term in self.terms:
            levels = self.coefficients[term]
            fallback = levels.get(OTHER_LEVEL, 0.0)
            seen, index = codes.of(term)
            per_level = np.array([levels.get(v, fallback) for v in seen], dtype=float)
            eta = eta + per_level[index]
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-eta))

    def predict(self, tickets: pl.DataFrame) -> pl.Series:
        """Predicted escalation probability of each ticket (a Float64 series named p_escalate).

        >>> import polars as pl
        >>> t = pl.DataFrame({"channel": ["phone", "email", "email", "email"],
        ...                   "escalated": [True, False, True, False]})
        >>> fit_case_mix(t, ["channel"]).predict(t).round(3).to_list()
        [1.0, 0.333, 0.333, 0.333]
        """
        tickets = with_derived_terms(tickets, self.terms)
        _require(tickets, self.terms)
        return tickets.select(self.expr()).to_series()

    def coefficient_table(self) -> pl.DataFrame:
        """One row per modelled level: term, level, log odds ratio and odds ratio vs reference."""
        rows = [
            (term, level, coef)
            for term in self.terms
            for level, coef in self.coefficients[term].items()
        ]
        return pl.DataFrame(
            rows,
            schema={"term": pl.String, "level": pl.String, "log_odds": pl.Float64},
            orient="row",
        ).with_columns(odds_ratio=pl.col("log_odds").exp())


def _counts(tickets: pl.DataFrame, terms: Sequence[str], by: Sequence[str] = ()) -> pl.DataFrame:
    """Tickets (n) and escalations (o) per combination of ``by`` columns and case-mix levels."""
    esc = pl.col("escalated").fill_null(False).cast(pl.Int64)
    tickets = with_derived_terms(tickets, terms)
    keys = [pl.col(c).cast(pl.String) for c in by] + [_level_expr(t).alias(t) for t in terms]
    if not keys:
        return tickets.select(n=pl.len().cast(pl.Int64), o=esc.sum())
    return tickets.group_by(keys).agg(n=pl.len().cast(pl.Int64), o=esc.sum())


def _level_sizes(counts: pl.DataFrame, term: str) -> tuple[list, list[int]]:
    """``term``'s levels in ``counts`` and their tickets (``n``), most tickets first, ties in
    the order of the levels' text. Added up in numpy on a column of text with no gap (a few
    hundred cells, once per term of every fit), else grouped in Polars.

    >>> _level_sizes(pl.DataFrame({"c": ["b", "a", "b", "c"], "n": [1, 2, 1, 5]}), "c")
    (['c', 'a', 'b'], [5, 2, 2])
    """
    column = counts.get_column(term)
    if column.dtype == pl.String and column.null_count() == 0:
        seen, index = np.unique(column.to_numpy(), return_inverse=True)
        sums = np.zeros(seen.size, dtype=np.int64)
        np.add.at(sums, index.reshape(-1), counts.get_column("n").to_numpy())
        # Python orders text by code point, as Polars sorts UTF-8 text
        order = sorted(range(seen.size), key=lambda i: (-sums[i], seen[i]))
        return [seen[i] for i in order], [int(sums[i]) for i in order]
    sizes = (
        counts.group_by(pl.col(term).alias("level"))
        .agg(pl.col("n").sum())
        .sort(["n", "level"], descending=[True, False])
    )
    return sizes.get_column("level").to_list(), sizes.get_column("n").to_list()


def _pool_levels(
    counts: pl.DataFrame, terms: tuple[str, ...]
) -> tuple[dict[str, list[str]], dict[str, tuple[str, ...]]]:
    """Levels kept per term (most common first) and the rare ones pooled into (other)."""
    kept: dict[str, list[str]] = {}
    pooled: dict[str, tuple[str, ...]] = {}
    for term in terms:
        levels, ns = _level_sizes(counts, term)
        keep = [
            lv
            for i, (lv, n) in enumerate(zip(levels, ns, strict=True))
            if i == 0 or (n >= MIN_LEVEL_TICKETS and i < MAX_LEVELS)
        ]
        rare = tuple(lv for lv in levels if lv not in set(keep))
        if rare:
            pooled[term] = rare
            keep.append(OTHER_LEVEL)
        kept[term] = keep
    return kept, pooled


def fit_case_mix(tickets: pl.DataFrame, case_mix: Iterable[str] = CASE_MIX) -> CaseMixModel:
    """Fit the logistic case-mix model (main effects, no agent term) on aggregated cells.

    Tickets are grouped by their combination of case-mix levels, and the binomial GLM is fitted
    to (escalated, not escalated) counts per cell, so a million tickets cost one group-by.
    Columns are used when present with more than one non-null level; missing values form their
    own level ``"(none)"``; levels on fewer than ``MIN_LEVEL_TICKETS`` tickets are pooled.

    >>> import polars as pl
    >>> t = pl.DataFrame({"category": ["a", "a", "b", "b", None],
    ...                   "escalated": [True, False, True, True, False]})
    >>> m = fit_case_mix(t, ["category", "channel"])
    >>> m.terms, m.n_tickets, round(m.rate, 2)
    (('category',), 5, 0.6)
    """
    _require(tickets, ["escalated"])
    terms = _usable_terms(tickets, case_mix)
    return _fit_counts(_counts(tickets, terms), terms)


def _fit_counts(counts: pl.DataFrame, terms: tuple[str, ...]) -> CaseMixModel:
    """Fit the model to a frame of case-mix levels with ticket (n) and escalation (o) counts."""
    n_tickets = int(counts.get_column("n").sum() or 0)
    n_escalated = int(counts.get_column("o").sum() or 0)
    if n_tickets == 0 or n_escalated in (0, n_tickets) or not terms:
        # Nothing to explain, or intercept only: every ticket gets the overall rate, exactly.
        if n_tickets == 0:
            intercept = math.nan
        elif n_escalated in (0, n_tickets):
            intercept = -math.inf if n_escalated == 0 else math.inf
        else:
            intercept = math.log(n_escalated / (n_tickets - n_escalated))
        return CaseMixModel(
            terms=(),
            intercept=intercept,
            coefficients={},
            reference={},
            n_tickets=n_tickets,
            n_escalated=n_escalated,
            n_cells=1 if n_tickets else 0,
        )
    kept, pooled = _pool_levels(counts, terms)
    cells = (
        counts.group_by([_pooled_expr(t, kept[t]) for t in terms])
        .agg(pl.col("n").sum(), pl.col("o").sum())
        .sort(list(terms))
    )
    n = cells.get_column("n").to_numpy().astype(float)
    o = cells.get_column("o").to_numpy().astype(float)
    columns = [np.ones(cells.height)]
    names: list[tuple[str, str]] = []
    for term in terms:
        values = cells.get_column(term)
        for level in kept[term][1:]:
            columns.append((values == level).to_numpy().astype(float))
            names.append((term, level))
    params, converged = _fit_binomial(np.column_stack([o, n - o]), np.column_stack(columns))
    coefficients: dict[str, dict[str, float]] = {t: {kept[t][0]: 0.0} for t in terms}
    for (term, level), coef in zip(names, params[1:], strict=True):
        coefficients[term][level] = float(coef)
    return CaseMixModel(
        terms=terms,
        intercept=float(params[0]),
        coefficients=coefficients,
        reference={t: kept[t][0] for t in terms},
        n_tickets=n_tickets,
        n_escalated=n_escalated,
        n_cells=cells.height,
        converged=converged,
        pooled=pooled,
    )


def _pooled_expr(term: str, keep: list[str]) -> pl.Expr:
    level = pl.col(term)
    return pl.when(level.is_in(keep)).then(level).otherwise(pl.lit(OTHER_LEVEL)).alias(term)


#: The smallest probability the logit link works with (statsmodels' ``FLOAT_EPS``).
_EPS = float(np.finfo(float).eps)
#: IRLS stops when the deviance changes by at most this (``tol`` of statsmodels' GLM fit).
IRLS_TOL = 1e-10
IRLS_MAX_STEPS = 100


def _fit_binomial(endog: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, bool]:
    """Binomial GLM (logit link) by IRLS; separated levels get a large negative/positive
    coefficient, which is their maximum-likelihood fit (predicted probability ~0 or ~1).

    ``endog``: escalations and the other tickets per cell (two columns). The steps are those
    of statsmodels' ``GLM(endog, design, family=Binomial()).fit(tol=1e-10, wls_method="pinv")``
    (its start, weights, working response, clipping, deviance and stopping rule), without the
    model and result objects it makes at every step; each weighted least-squares step takes
    the same minimum-norm solution (collinear dummies, such as a level seen only with one level
    of another column, get their share), through a QR decomposition instead of an SVD of the
    whole design: half the time on the 15,000 cells of two years of months, where the fit was
    a third of the agent comparison. ``tests/outliers/test_casemix.py`` holds it to statsmodels.

    >>> x = np.column_stack([np.ones(3), [0.0, 1.0, 1.0]])
    >>> params, ok = _fit_binomial(np.array([[1.0, 3.0], [3.0, 1.0], [6.0, 2.0]]), x)
    >>> [round(float(v), 4) for v in params], ok
    ([-1.0986, 2.1972], True)
    """
    with np.errstate(all="ignore"):  # separated levels overflow exp and the logs, as intended
        return _irls(endog, design)


def _irls(endog: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, bool]:
    successes = endog[:, 0]
    trials = endog.sum(1)
    y = successes * 1.0 / trials
    mu = (y + 0.5) / 2
    clipped = np.clip(mu, _EPS, 1.0 - _EPS)
    eta = np.log(clipped / (1.0 - clipped))
    deviance = _binomial_deviance(y, mu, trials)
    if np.isnan(deviance):
        raise ValueError("The first guess on the deviance function returned a nan.")
    params = np.zeros(design.shape[1])
    converged = False
    for _ in range(IRLS_MAX_STEPS):
        p = np.clip(mu, _EPS, 1.0 - _EPS)
        slope = 1.0 / (p * (1 - p))  # the logit's derivative
        weights = trials * (1.0 / (slope**2 * (p * (1 - p))))
        working = eta + slope * (y - mu)
        half = np.sqrt(weights)
        if not (np.all(np.isfinite(half)) and np.all(np.isfinite(working))):
            raise ValueError("The weights or the working response are not finite.")
        params = _min_norm(half[:, None] * design, half * working)
        eta = np.dot(design, params)
        mu = 1.0 / (1.0 + np.exp(-eta))
        previous, deviance = deviance, _binomial_deviance(y, mu, trials)
        if np.allclose(previous, deviance, atol=IRLS_TOL, rtol=0.0):
            converged = True
            break
    return np.asarray(params, dtype=float), converged


def _binomial_deviance(y: np.ndarray, mu: np.ndarray, trials: np.ndarray) -> float:
    """The binomial deviance of proportions ``y`` of ``trials`` against ``mu`` (as
    statsmodels' Binomial family works it out, clipping included)."""
    ratio = np.clip(y / (mu + 1e-20), _EPS, np.inf)
    other = np.clip((1.0 - y) / (1.0 - mu + 1e-20), _EPS, np.inf)
    return float(np.sum(2 * trials * (y * np.log(ratio) + (1 - y) * np.log(other))))


def _min_norm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The minimum-norm least-squares solution of ``a x = b`` (``pinv(a) @ b``) through the R
    of the QR decomposition of ``[a b]``: ``pinv(R) Q'b``, the same solution (``Q`` has
    orthonormal columns, so ``pinv(QR) = pinv(R) Q'``; ``R`` has ``a``'s singular values, cut
    at the same relative level), without ``a``'s SVD.

    >>> _min_norm(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([2.0, 2.0])).round(6).tolist()
    [1.0, 1.0]
    """
    k = a.shape[1]
    if a.shape[0] <= k:  # no fewer rows than columns for the R below: the SVD of a itself
        return np.linalg.pinv(a) @ b
    r = np.linalg.qr(np.column_stack([a, b]), mode="r")
    return np.linalg.pinv(r[:k, :k]) @ r[:k, k]
