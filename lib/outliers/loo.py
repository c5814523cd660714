"""Leave-one-agent-out expected escalations, their variance with the coefficients' uncertainty,
and the overlap diagnostic (issue 13 point 3).

Fitted on every ticket, the case-mix model learns part of an agent's own behaviour as "case
mix": a specialist who handles 85% of a category and escalates at twice the odds teaches the
model that the category escalates a lot, and ends up with O/E near 1.05. Here each agent's
expected count comes from the model fitted *without that agent's tickets* (and without those of
agents left out of the reference), predicted on their tickets.

The variance of O - E then has two parts: sum p(1 - p) over the agent's tickets (chance, as
before) and g' Cov(beta) g, with g = sum n p (1 - p) x over the agent's cells, the delta-method
variance of E from the leave-one-out coefficients (large when the others give little evidence
on the agent's cells).

Why this and not a mixed model with an agent random intercept (statsmodels
``BinomialBayesMixedGLM``): the refits run on aggregated cells (a few thousand rows, not one row
per ticket), warm-started from the full fit with Newton steps in numpy, so 50 agents cost 50
small solves (0.05 s for 100,000 tickets and 50 agents, against several seconds for one
variational mixed-model fit on the ticket rows; figures in BENCHMARKS.md). The leave-one-out
form also keeps the funnel's O/E reading and the existing tests of overdispersion and FDR,
where a random intercept would replace them with posterior modes.

A weak ridge (prior SD about 30 on each log odds ratio, none on the intercept) keeps a level
seen only on the agent's own tickets from breaking the fit: its coefficient stays near the
reference with a huge variance, so the agent cannot be flagged on it (and the overlap
diagnostic says "not comparable").

>>> import polars as pl
>>> from lib.outliers.casemix import _counts, _fit_counts
>>> t = pl.DataFrame({"agent": ["a"] * 40 + ["b"] * 40 + ["c"] * 40,
...                   "category": (["x"] * 20 + ["y"] * 20) * 3,
...                   "escalated": ([True] * 10 + [False] * 10 + [True] * 2 + [False] * 18) * 3})
>>> counts = _counts(t, ("category",), by=["agent"])
>>> r = leave_one_out(counts, _fit_counts(counts, ("category",)), ["a", "b", "c"])
>>> [round(float(e), 6) for e in r.expected], [float(s) for s in r.dominated_share]
([12.0, 12.0, 12.0], [0.0, 0.0, 0.0])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import polars as pl

from lib.outliers.casemix import OTHER_LEVEL, CaseMixModel, LevelCodes, coded

#: Ridge precision on every log odds ratio (not the intercept) in the leave-one-out refits.
RIDGE = 1e-3
#: A cell is dominated by an agent who has more than this share of its tickets.
DOMINANT_CELL_SHARE = 0.5
#: Terms that describe *when* a ticket came, left out of the cells of the overlap diagnostic
#: (working in the same months as colleagues is not a speciality).
TIME_TERMS: tuple[str, ...] = ("month",)
_MAX_STEPS = 30
#: Agents refitted together (memory: cells x this many columns per array).
_BLOCK = 64


@dataclass(frozen=True)
class LeaveOneOut:
    """Per agent (in the order asked): expected count, its variances, dominated share."""

    expected: np.ndarray
    #: sum p(1 - p) over the agent's tickets (chance alone).
    sampling_variance: np.ndarray
    #: g' Cov(beta) g: the uncertainty of the expected count from the refit's coefficients.
    coefficient_variance: np.ndarray
    #: Share of the expected count from cells where the agent has over half the tickets.
    dominated_share: np.ndarray
    #: Each agent's refit as a case-mix model (for the drill-down), by agent.
    models: Mapping[str, CaseMixModel] = field(default_factory=dict)


class Refitted(Mapping[str, CaseMixModel]):
    """Each agent's refit as a case-mix model, made when asked for (the drill-down asks for
    one agent; the month-by-month history for none): a coefficient vector per agent until then.

    >>> m = CaseMixModel((), 0.0, {}, {}, 1, 0, 1)
    >>> dict(Refitted(m, {"a": np.array([1.5])}))["a"].intercept
    1.5
    """

    def __init__(self, model: CaseMixModel, betas: dict[str, np.ndarray]) -> None:
        self._model, self._betas = model, betas

    def __getitem__(self, agent: str) -> CaseMixModel:
        return _as_model(self._model, self._betas[agent])

    def __iter__(self) -> Iterator[str]:
        return iter(self._betas)

    def __len__(self) -> int:
        return len(self._betas)


def _design(cells: pl.DataFrame | LevelCodes, model: CaseMixModel) -> np.ndarray:
    """Dummy-coded design matrix of ``cells`` (or their :class:`LevelCodes`) in the model's
    parameter order (a value the model does not know counts as its pooled level, else as its
    reference level; a missing one as ``(none)``, as :meth:`CaseMixModel.expr` reads them).

    Built from each column's distinct levels in numpy: a few hundred to a few thousand cells,
    where a Polars replace per term cost more than the rest (it ran for every refit of every
    month of the history).
    """
    codes = coded(cells)
    columns = [np.ones(codes.height)]
    for term in model.terms:
        levels = list(model.coefficients[term])
        fallback = OTHER_LEVEL if OTHER_LEVEL in levels else levels[0]
        seen, index = codes.of(term)
        read_as = [v if v in model.coefficients[term] else fallback for v in seen]
        for level in levels[1:]:
            columns.append(np.array([v == level for v in read_as], dtype=float)[index])
    return np.column_stack(columns)


def _params(model: CaseMixModel) -> np.ndarray:
    values = [model.intercept]
    for term in model.terms:
        values += list(model.coefficients[term].values())[1:]
    return np.nan_to_num(np.asarray(values, dtype=float), posinf=30.0, neginf=-30.0)


def _as_model(model: CaseMixModel, beta: np.ndarray) -> CaseMixModel:
    """The model with the coefficients of a refit (same terms and levels)."""
    coefficients: dict[str, dict[str, float]] = {}
    i = 1
    for term in model.terms:
        levels = list(model.coefficients[term])
        coefficients[term] = {levels[0]: 0.0}
        for level in levels[1:]:
            coefficients[term][level] = float(beta[i])
            i += 1
    return dataclasses.replace(model, intercept=float(beta[0]), coefficients=coefficients)


def _expit(eta: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(eta, -30.0, 30.0)))


def _newton(
    x: np.ndarray, n: np.ndarray, o: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Ridge-penalised logistic fit on cell counts by Newton steps; (beta, covariance).

    The reference form of :func:`_newton_many` (one fit), kept for the tests."""
    penalty = np.full(x.shape[1], RIDGE)
    penalty[0] = 0.0
    hessian = np.eye(x.shape[1])
    for _ in range(_MAX_STEPS):
        p = _expit(x @ beta)
        w = n * p * (1.0 - p)
        gradient = x.T @ (o - n * p) - penalty * beta
        hessian = (x * w[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        beta = beta + step
        if np.max(np.abs(step)) < 1e-8:
            break
    p = _expit(x @ beta)
    hessian = (x * (n * p * (1.0 - p))[:, None]).T @ x + np.diag(penalty)
    return beta, np.linalg.pinv(hessian)


class _Gram:
    """``X' diag(w) X`` for many weight vectors at once, for a 0/1 design ``X``.

    Each row of a dummy-coded design has a handful of ones, so the cross-products are sums of
    weights over pairs of columns set in the same row: one sparse product for every agent's
    weights, instead of a dense ``cells x params x params`` product per agent.
    """

    def __init__(self, x: np.ndarray) -> None:
        import scipy.sparse as sp

        m, p = x.shape
        self.p = p
        rows, cols = np.nonzero(x)
        per_row = np.bincount(rows, minlength=m)
        width = int(per_row.max()) if m else 0
        pos = np.arange(rows.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        padded = np.full((m, width), -1, dtype=np.int64)
        padded[rows, pos] = cols
        pair_rows, pair_flat = [], []
        for a in range(width):
            for b in range(a, width):
                r = np.nonzero((padded[:, a] >= 0) & (padded[:, b] >= 0))[0]
                pair_rows.append(r)
                pair_flat.append(padded[r, a] * p + padded[r, b])
        flat = np.concatenate(pair_flat) if pair_flat else np.zeros(0, dtype=np.int64)
        at = np.concatenate(pair_rows) if pair_rows else np.zeros(0, dtype=np.int64)
        self.pairs = sp.csr_matrix((np.ones(flat.size), (flat, at)), shape=(p * p, m))

    def __call__(self, w: np.ndarray) -> np.ndarray:
        """``X' diag(w[:, j]) X`` for each column j of ``w`` (cells x k): a (k, p, p) array."""
        upper = np.asarray(self.pairs @ w).T.reshape(-1, self.p, self.p)
        diagonal = np.einsum("kii->ki", upper)
        full = upper + upper.transpose(0, 2, 1)
        full[:, np.arange(self.p), np.arange(self.p)] = diagonal
        return full


def _is_dummies(x: np.ndarray) -> bool:
    return bool(np.all((x == 0.0) | (x == 1.0)))


def _solve(hessians: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    """Newton steps for a stack of systems: one batched solve (the ridge makes each Hessian
    positive definite); least squares, as :func:`_newton`, for any that is singular."""
    try:
        return np.linalg.solve(hessians, gradients[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack(
            [np.linalg.lstsq(h, g, rcond=None)[0] for h, g in zip(hessians, gradients, strict=True)]
        )


def _newton_many(
    x: np.ndarray, n: np.ndarray, o: np.ndarray, beta: np.ndarray, gram: _Gram | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_newton` for many fits at once: column j of ``n`` and ``o`` (cells x k) are the
    counts of fit j, each started at ``beta``; (betas k x p, covariances k x p x p).

    Each fit takes the same Newton steps as :func:`_newton` and stops as it would; the
    cross-products are summed in another order, so results agree to rounding."""
    p = x.shape[1]
    k = n.shape[1]
    if gram is None and _is_dummies(x):
        gram = _Gram(x)
    penalty = np.full(p, RIDGE)
    penalty[0] = 0.0
    ridge = np.diag(penalty)

    def hessians(w: np.ndarray) -> np.ndarray:
        if gram is not None:
            return gram(w) + ridge
        return np.einsum("ci,ck,cj->kij", x, w, x) + ridge

    betas = np.tile(beta, (k, 1))
    active = np.arange(k)
    for _ in range(_MAX_STEPS):
        if active.size == 0:
            break
        b = betas[active]
        pr = _expit(x @ b.T)
        na, oa = n[:, active], o[:, active]
        gradient = (x.T @ (oa - na * pr)).T - penalty * b
        hess = hessians(na * pr * (1.0 - pr))
        step = _solve(hess, gradient)
        betas[active] = b + step
        active = active[np.max(np.abs(step), axis=1) >= 1e-8]
    pr = _expit(x @ betas.T)
    covs = np.linalg.pinv(hessians(n * pr * (1.0 - pr)), hermitian=True)  # symmetric: eigh
    return betas, covs


def leave_one_out(
    counts: pl.DataFrame,
    model: CaseMixModel,
    agents: Sequence[str],
    excluded: Collection[str] = (),
) -> LeaveOneOut:
    """Expected escalations of each agent from the case-mix model refitted without them.

    ``counts`` has ``agent`` (null for unassigned), the model's term columns, ``n`` and ``o``
    (tickets and escalations per agent and combination of levels), as made by
    ``casemix._counts(tickets, terms, by=["agent"])``. ``model`` gives the terms, the levels
    kept and the starting point. Tickets of ``excluded`` agents never inform the refits (the
    in-control reference); each agent's own tickets never inform their own.
    """
    terms = list(model.terms)
    k = len(agents)
    if not terms and not np.isfinite(model.intercept):
        rate = model.rate if model.n_tickets else 0.0
        per = counts.filter(pl.col("agent").is_in(list(agents)))
        n_by = dict(per.group_by("agent").agg(pl.col("n").sum()).iter_rows())
        e = np.array([n_by.get(a, 0) * rate for a in agents], dtype=float)
        zero = np.zeros(k)
        return LeaveOneOut(e, e * (1 - rate), zero, zero.copy())
    return _refits(CellIndex.of(counts, terms), model, agents, excluded)


@dataclass(frozen=True)
class CellIndex:
    """A counts frame as arrays: each row's cell (combination of the terms' levels), agent,
    tickets and escalations, and the cells themselves; made once per comparison and reused
    by every refit (the in-control reference refits several times on the same counts)."""

    #: One row per cell, in cell order: the terms' levels.
    cells: pl.DataFrame
    terms: tuple[str, ...]
    cell: np.ndarray
    agent: pl.Series
    n: np.ndarray
    o: np.ndarray

    @staticmethod
    def of(counts: pl.DataFrame, terms: Sequence[str]) -> CellIndex:
        terms = list(terms)
        if terms:
            # the combinations in order (as a dense rank of the terms would number them),
            # numbered and joined back: no sort of every row
            cells = (
                counts.select(terms)
                .unique()
                .sort(terms)
                .with_row_index("_cell")
                .with_columns(pl.col("_cell").cast(pl.Int64))
            )
            keyed = counts.join(
                cells, on=terms, how="left", nulls_equal=True, maintain_order="left"
            )
        else:
            keyed = counts.with_columns(pl.lit(0, dtype=pl.Int64).alias("_cell"))
            cells = keyed.group_by("_cell").agg().sort("_cell")
        return CellIndex(
            cells=cells,
            terms=tuple(terms),
            cell=keyed.get_column("_cell").to_numpy(),
            agent=keyed.get_column("agent"),
            n=keyed.get_column("n").to_numpy().astype(float),
            o=keyed.get_column("o").to_numpy().astype(float),
        )

    @cached_property
    def agent_codes(self) -> tuple[list[str], np.ndarray]:
        """The named agents (sorted, as Polars sorts text: by code point) and each row's index
        into them (-1: unassigned), worked out once for every refit."""
        # ranked in Polars: hundreds of thousands of rows in a whole period's comparison
        agents = self.agent.drop_nulls().unique().sort().to_list()
        code = self.agent.rank("dense").fill_null(0).cast(pl.Int64).to_numpy() - 1
        return agents, code

    def codes_of(self, agents: Sequence[str]) -> np.ndarray:
        """Each row's position in ``agents`` (-1: unassigned or not among them)."""
        named, code = self.agent_codes
        where = {a: i for i, a in enumerate(agents)}
        lookup = np.array([where.get(a, -1) for a in named] + [-1], dtype=np.int64)
        return lookup[code]  # -1 picks the last entry: -1

    def rows_of(self, agents: Collection[str]) -> np.ndarray:
        """Whether each row is credited to one of ``agents``."""
        named, code = self.agent_codes
        chosen = set(agents)
        return np.array([a in chosen for a in named] + [False], dtype=bool)[code]

    def design(self, model: CaseMixModel) -> tuple[np.ndarray, _Gram | None]:
        """The cells' design matrix for ``model`` and its cross-product helper (None when
        it is not made of dummies), made once per set of levels: the in-control refits of
        a comparison mostly keep the levels of the first fit."""
        made = self.__dict__.setdefault("_designs", {})
        key = tuple((t, tuple(model.coefficients[t])) for t in model.terms)
        if key not in made:
            x = _design(self.level_codes, model)
            made[key] = (x, _Gram(x) if _is_dummies(x) else None)
        return made[key]

    @cached_property
    def level_codes(self) -> LevelCodes:
        """The cells' levels, read once for every model applied to them."""
        return LevelCodes(self.cells)

    def totals(self, rows: np.ndarray | None = None) -> pl.DataFrame:
        """Tickets (n) and escalations (o) per cell over ``rows`` (a mask; None: all), the
        cells with none left out: what ``_fit_counts`` needs, many times smaller."""
        cell, n, o = self.cell, self.n, self.o
        if rows is not None:
            cell, n, o = cell[rows], n[rows], o[rows]
        size = self.cells.height
        out = self.cells.with_columns(
            n=pl.Series(np.bincount(cell, n, size)).cast(pl.Int64),
            o=pl.Series(np.bincount(cell, o, size)).cast(pl.Int64),
        )
        return out.filter(pl.col("n") > 0)


@dataclass(frozen=True)
class PeriodIndexer:
    """The :class:`CellIndex` of each period of cells counted per period (the month-by-month
    history), from numbers worked out once over every period instead of once per period: each
    row's combination of the terms' levels and its agent, ranked over the whole frame.

    A period's rows keep their numbers' order: its combinations are the ones it has, in the
    order of the whole frame's (which is their sorted order), and so are its agents and each
    term's levels. ``frame``: the cells of every period, one row per agent and combination of
    levels in each period (filled with ``(none)`` as :meth:`Cells.counts` fills them), with
    ``agent``, the ``terms``, ``n`` and ``o``.
    """

    terms: tuple[str, ...]
    #: every combination of the terms' levels, sorted: the whole frame's cells
    combos: pl.DataFrame
    combo: np.ndarray
    agents: list[str]
    agent_code: np.ndarray
    #: per term: its levels over the combinations (sorted) and each combination's
    levels: dict[str, tuple[list[str], np.ndarray]]
    agent: pl.Series
    n: np.ndarray
    o: np.ndarray

    @staticmethod
    def of(frame: pl.DataFrame, terms: Sequence[str]) -> PeriodIndexer:
        whole = CellIndex.of(frame, terms)
        combos = whole.cells.drop("_cell")
        agents, agent_code = whole.agent_codes
        return PeriodIndexer(
            terms=tuple(terms),
            combos=combos,
            combo=whole.cell,
            agents=agents,
            agent_code=agent_code,
            levels={t: whole.level_codes.of(t) for t in terms},
            agent=whole.agent,
            n=whole.n,
            o=whole.o,
        )

    def index(self, start: int, size: int) -> CellIndex:
        """The :class:`CellIndex` of the ``size`` rows from ``start`` (one period), as
        ``CellIndex.of`` would make it from those rows alone."""
        rows = slice(start, start + size)
        present, cell = _renumber(self.combo[rows])
        cells = (
            self.combos[present]
            .with_row_index("_cell")
            .with_columns(pl.col("_cell").cast(pl.Int64))
        )
        index = CellIndex(
            cells=cells,
            terms=self.terms,
            cell=cell,
            agent=self.agent.slice(start, size),
            n=self.n[rows],
            o=self.o[rows],
        )
        code = self.agent_code[rows]
        named, local = _renumber(code[code >= 0])
        agent_code = np.full(size, -1, dtype=np.int64)
        agent_code[code >= 0] = local
        codes: dict[str, tuple[list[str], np.ndarray]] = {}
        for term in self.terms:
            names, per_combo = self.levels[term]
            seen, local_level = _renumber(per_combo[present])
            codes[term] = ([names[i] for i in seen], local_level)
        # what the index would work out when first asked, worked out from the whole frame's
        index.__dict__["agent_codes"] = ([self.agents[i] for i in named], agent_code)
        index.__dict__["level_codes"] = LevelCodes.known(cells, codes)
        return index


def _renumber(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``numbers`` (sorted) and each one's position among them.

    >>> [a.tolist() for a in _renumber(np.array([7, 2, 7, 9]))]
    [[2, 7, 9], [1, 0, 1, 2]]
    """
    seen = np.unique(numbers)
    return seen, np.searchsorted(seen, numbers).astype(np.int64)


def _refits(
    index: CellIndex,
    model: CaseMixModel,
    agents: Sequence[str],
    excluded: Collection[str] = (),
) -> LeaveOneOut:
    """:func:`leave_one_out` on a :class:`CellIndex` of the counts."""
    terms = list(model.terms)
    k = len(agents)
    if not terms and not np.isfinite(model.intercept):
        rate = model.rate if model.n_tickets else 0.0
        mine = index.agent.is_in(list(agents)).fill_null(False).to_numpy()
        n_by = pl.DataFrame({"agent": index.agent.filter(mine), "n": index.n[mine]})
        n_by = dict(n_by.group_by("agent").agg(pl.col("n").sum()).iter_rows())
        e = np.array([n_by.get(a, 0) * rate for a in agents], dtype=float)
        zero = np.zeros(k)
        return LeaveOneOut(e, e * (1 - rate), zero, zero.copy())
    cells = index.cells
    x, gram = index.design(model) if terms else (np.ones((cells.height, 1)), None)
    n_cells = cells.height
    cell_idx, n_row, o_row = index.cell, index.n, index.o
    reference = ~index.rows_of(excluded)
    n_ref = np.bincount(cell_idx[reference], n_row[reference], n_cells)
    o_ref = np.bincount(cell_idx[reference], o_row[reference], n_cells)
    n_all = np.bincount(cell_idx, n_row, n_cells)

    # Cells for the overlap diagnostic: the same combinations without the time terms.
    place = [t for t in terms if t not in TIME_TERMS]
    if place:
        dom_idx = cells.select(pl.struct(place).rank("dense").cast(pl.Int64) - 1).to_series()
        dom_idx = dom_idx.to_numpy()
    else:
        dom_idx = np.zeros(n_cells, dtype=np.int64)
    n_dom_all = np.bincount(dom_idx, n_all, int(dom_idx.max()) + 1 if n_cells else 0)

    start = _params(model) if terms else np.array([model.intercept])
    expected = np.zeros(k)
    v_samp, v_coef, share = np.zeros(k), np.zeros(k), np.zeros(k)
    excluded_set = set(excluded)
    refitted: dict[str, np.ndarray] = {}
    # each asked agent's tickets and escalations per cell (cells x agents)
    code = index.codes_of(agents)
    has_rows = np.bincount(code[code >= 0], minlength=k) > 0
    left_out = np.array([a in excluded_set for a in agents], dtype=bool)
    for block in range(0, k, _BLOCK):  # a block of agents' refits at once (bounded memory)
        cols = np.arange(block, min(block + _BLOCK, k))
        rows = (code >= cols[0]) & (code <= cols[-1])
        flat = cell_idx[rows] * cols.size + (code[rows] - cols[0])
        size = n_cells * cols.size
        n_b = np.bincount(flat, n_row[rows], size).reshape(n_cells, cols.size)
        o_b = np.bincount(flat, o_row[rows], size).reshape(n_cells, cols.size)
        out = left_out[cols][None, :]
        n_fit = np.where(out, n_ref[:, None], n_ref[:, None] - n_b)
        o_fit = np.where(out, o_ref[:, None], o_ref[:, None] - o_b)
        refit = has_rows[cols] & (n_fit.sum(axis=0) > 0)
        # nobody else (not refitted): the full fit is kept (the overlap diagnostic marks them)
        betas = np.tile(start, (cols.size, 1))
        covs = np.zeros((cols.size, start.size, start.size))
        if refit.any():
            betas[refit], covs[refit] = _newton_many(
                x, n_fit[:, refit], o_fit[:, refit], start, gram=gram
            )
        # the block's agents at once (cells x agents): their refit's probability on each
        # cell, expected count, chance variance, and g' Cov g with g = X' n p (1 - p)
        p = _expit(x @ betas.T)
        e_cell = n_b * p
        weight = e_cell * (1.0 - p)
        g = x.T @ weight
        v_coef_b = np.einsum("ia,aij,ja->a", g, covs, g)
        # each agent's tickets per cell of the overlap diagnostic, against everyone's
        n_dom_b = np.zeros((n_dom_all.size, cols.size))
        np.add.at(n_dom_b, dom_idx, n_b)
        dominated = (n_dom_b > DOMINANT_CELL_SHARE * n_dom_all[:, None])[dom_idx]
        e_dominated = np.where(dominated, e_cell, 0.0).sum(axis=0)
        for i, j in enumerate(cols):
            if not has_rows[j]:
                continue
            if terms:
                refitted[agents[j]] = betas[i]
            expected[j] = float(e_cell[:, i].sum())
            v_samp[j] = float(weight[:, i].sum())
            v_coef[j] = float(max(v_coef_b[i], 0.0))
            if expected[j] > 0:
                share[j] = float(e_dominated[i] / expected[j])
    return LeaveOneOut(expected, v_samp, v_coef, share, Refitted(model, refitted))
