"""The agent comparison: expected escalations per agent from the case-mix model, z-scores widened
for overdispersion, BH q-values and flags, refitted without flagged agents (``agent_outliers``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
from scipy import stats

from lib.outliers.casemix import CASE_MIX, CaseMixModel, _fit_counts
from lib.outliers.cells import Cells, ticket_cells
from lib.outliers.dispersion import _applied, _estimate_dispersion, _sd_total
from lib.outliers.fdr import benjamini_hochberg
from lib.outliers.funnel import (
    FUNNEL_LEVELS,
    _exact_poisson,
    _level_tag,
    _limits,
    _ratio_scale,
    funnel_limits,
)
from lib.outliers.inputs import OutlierError, _check_options, _filter_period, _require
from lib.outliers.loo import CellIndex, _refits
from lib.outliers.owner import OWNERS, owner_sentence
from lib.outliers.shrink import shrink_ratios

#: Overdispersion methods: additive random effects, multiplicative phi, or no allowance.
METHODS: tuple[str, ...] = ("random_effects", "winsorised", "none")


#: Whose tickets set the standard: everyone's, or only those of agents not flagged.
REFERENCES: tuple[str, ...] = ("all", "in_control")
#: With ``reference="in_control"``, the model is refitted at most this many times.
MAX_REFITS = 3
#: An agent is "not comparable" (shown, not judged) when more than this share of their expected
#: escalations comes from cells where they have over half the tickets: the standard for those
#: tickets would rest mostly on their own work, or on the few tickets others had there.
NOT_COMPARABLE_SHARE = 0.9


@dataclass(frozen=True)
class AgentComparison:
    """The agent table and everything the funnel page needs to explain it."""

    #: One row per agent (see :func:`agent_comparison`), sorted by z, highest first.
    table: pl.DataFrame
    #: Winsorised overdispersion estimate (1 = as much variation as chance alone), or None
    #: with fewer than ``MIN_AGENTS_FOR_DISPERSION`` judged agents.
    phi: float | None
    #: One-sided p-value of the chi-square test of phi against 1.
    phi_p_value: float | None
    #: DerSimonian-Laird between-agent variance of true O/E ratios (0 = none).
    tau2: float | None
    #: The overdispersion method applied: "random_effects", "winsorised" or "none".
    method: str
    #: The case-mix columns in the model.
    model_terms: tuple[str, ...]
    #: Tickets in the period (all used in the model, assigned or not).
    n_tickets: int
    #: Funnel control limits along expected (columns expected, level, lower, upper).
    funnel: pl.DataFrame
    #: The fitted case-mix model (the last refit with ``reference="in_control"``).
    model: CaseMixModel
    #: Agents whose tickets were left out of the model (``reference="in_control"``).
    excluded_from_model: tuple[str, ...] = ()
    #: The phi and tau2 actually applied to z-scores and limits.
    phi_applied: float = 1.0
    tau2_applied: float = 0.0
    n_agents: int = 0
    n_judged: int = 0
    n_unassigned: int = 0
    min_expected: float = 5.0
    q_level: float = 0.05
    #: Whom tickets are credited to: the choice asked for and the one used (see
    #: :func:`lib.outliers.owner.responsible_owner`), and a sentence saying so.
    owner: str = "final"
    owner_requested: str = "final"
    owner_sentence: str = ""
    #: Whether expected counts are leave-one-agent-out, and the shrinkage's alpha (None: off).
    leave_one_out: bool = False
    alpha: float | None = None
    #: Each agent's leave-one-out refit (with ``leave_one_out``), for the drill-down.
    agent_models: dict[str, CaseMixModel] = field(default_factory=dict, compare=False, repr=False)

    def model_for(self, agent: str) -> CaseMixModel:
        """The model behind ``agent``'s expected count (their leave-one-out refit, else
        :attr:`model`), so a drill-down adds up to the table's expected."""
        return self.agent_models.get(agent, self.model)

    @property
    def n_flagged(self) -> int:
        """How many agents are flagged."""
        return int(self.table.get_column("flagged").sum()) if self.table.height else 0

    def overdispersion_summary(self) -> str:
        """One plain sentence on the overdispersion estimate, its test and what was done."""
        if self.phi is None:
            return (
                f"Too few judged agents ({self.n_judged}) to estimate how much agents vary "
                "beyond chance; limits allow for chance variation only."
            )
        test = f"phi = {self.phi:.2f}, test p = {self.phi_p_value:.3g}"
        if self.phi_p_value is not None and self.phi_p_value < 0.05:
            seen = f"Agents vary more than chance alone would explain ({test})"
        else:
            seen = f"Agents vary about as much as chance alone would explain ({test})"
        if self.method == "random_effects" and self.tau2_applied > 0:
            done = (
                f"limits widened by a between-agent spread of {math.sqrt(self.tau2_applied):.2f}"
                " in the ratio (additive random effects)"
            )
        elif self.method == "winsorised" and self.phi_applied > 1:
            done = f"limits widened by a factor {math.sqrt(self.phi_applied):.2f}"
        elif self.method == "none":
            done = "no allowance made (overdispersion adjustment switched off)"
        else:
            done = "so the limits are not widened"
        return f"{seen}; {done}."


_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "agent": pl.String(),
    "tickets": pl.Int64(),
    "escalated": pl.Int64(),
    "expected": pl.Float64(),
    "ratio": pl.Float64(),
    "ratio_low": pl.Float64(),
    "ratio_high": pl.Float64(),
    "z": pl.Float64(),
    "p_value": pl.Float64(),
    "q_value": pl.Float64(),
    "flagged": pl.Boolean(),
    "direction": pl.String(),
    "judged": pl.Boolean(),
    "raw_rate": pl.Float64(),
    "expected_rate": pl.Float64(),
    "raw_rank": pl.Int64(),
    "adjusted_rank": pl.Int64(),
    "excess": pl.Float64(),
    "z_unadjusted": pl.Float64(),
    "variance": pl.Float64(),
    "in_reference": pl.Boolean(),
    "dominated_share": pl.Float64(),
    "comparable": pl.Boolean(),
    "coefficient_variance": pl.Float64(),
    "shrunk_ratio": pl.Float64(),
    "shrunk_low": pl.Float64(),
    "shrunk_high": pl.Float64(),
}


def _per_agent(
    index: CellIndex,
    model: CaseMixModel,
    excluded: frozenset[str],
    loo: bool,
) -> tuple[pl.DataFrame, dict[str, CaseMixModel]]:
    """Tickets, escalations, expected count, variance and dominated share per agent (and each
    agent's refit with ``loo``): the model's probability once per cell, summed per agent."""
    p_cell = model.probabilities(index.level_codes)
    p = p_cell[index.cell]
    # added up per named agent (in the order of their names) in numpy: a few thousand rows
    agents, code = index.agent_codes
    named = code >= 0

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(code[named], values[named], len(agents))

    per_agent = pl.DataFrame(
        {
            "agent": pl.Series(agents, dtype=pl.String),
            "tickets": total(index.n).astype(np.int64),  # whole numbers below 2**53: exact
            "escalated": total(index.o).astype(np.int64),
            "expected": total(index.n * p),
            "variance": total(index.n * p * (1 - p)),
        }
    )
    out = _refits(index, model, agents, excluded)
    extra = [pl.Series("dominated_share", out.dominated_share)]
    if loo:
        extra += [
            pl.Series("expected", out.expected),
            pl.Series("variance", out.sampling_variance + out.coefficient_variance),
            pl.Series("coefficient_variance", out.coefficient_variance),
        ]
    else:
        extra.append(pl.Series("coefficient_variance", np.zeros(len(agents))))
    return per_agent.with_columns(extra), (out.models if loo else {})


def _score(
    per_agent: pl.DataFrame,
    min_expected: float,
    q_level: float,
    method: str,
    winsor: float,
    shrink: bool,
) -> dict:
    """The z, p, q, shrunken ratios and flags that follow from the expected counts."""
    observed = per_agent.get_column("escalated").to_numpy().astype(float)
    expected = per_agent.get_column("expected").to_numpy().astype(float)
    variance = per_agent.get_column("variance").to_numpy().astype(float)
    comparable = per_agent.get_column("dominated_share").to_numpy() <= NOT_COMPARABLE_SHARE
    y, s = _ratio_scale(observed, expected, variance)
    z0 = (y - 1.0) / s
    big = expected >= min_expected
    judged = comparable & ((expected > 0) & ~np.isnan(s) if shrink else big)
    # Overdispersion is estimated from the agents above the minimum either way: the normal
    # approximation behind phi is poor for a handful of expected escalations.
    disp = _estimate_dispersion(z0[judged & big], s[judged & big], winsor)
    sd = _sd_total(s, method, disp.phi, disp.tau2)
    z = (y - 1.0) / sd
    p_value = 2 * stats.norm.sf(np.abs(z))
    q_value = benjamini_hochberg(np.where(judged, p_value, np.nan))
    flagged = judged & (q_value < q_level)
    shrunk = shrink_ratios(observed, expected, use=judged) if shrink else None
    if shrunk is not None:
        # Below the minimum, a flag also needs the shrunken interval to leave out 1.
        outside = (shrunk.low > 1.0) | (shrunk.high < 1.0)
        flagged = flagged & (big | outside)
    return {
        "observed": observed,
        "expected": expected,
        "variance": variance,
        "judged": judged,
        "comparable": comparable,
        "disp": disp,
        "sd": sd,
        "z0": z0,
        "z": z,
        "p_value": p_value,
        "q_value": q_value,
        "flagged": flagged,
        "shrunk": shrunk,
    }


def agent_comparison(
    tickets: pl.DataFrame | pl.LazyFrame,
    *,
    case_mix: Iterable[str] = CASE_MIX,
    min_expected: float = 5.0,
    q_level: float = 0.05,
    period: tuple[date, date] | None = None,
    overdispersion: str = "random_effects",
    winsor: float = 0.10,
    funnel_levels: Sequence[float] = FUNNEL_LEVELS,
    reference: str = "in_control",
    owner: str = "escalating",
    leave_one_out: bool = True,
    shrink: bool = True,
) -> AgentComparison:
    """Compare agents with what their own case mix predicts (see the module notes).

    Parameters
    ----------
    tickets
        Canonical tickets (needs ``agent`` and ``escalated``; ``created_at`` for ``period``).
        Unassigned tickets inform the model but get no row.
    case_mix
        Columns the model adjusts for, used when present with more than one non-null level.
    min_expected
        Agents with fewer expected escalations are shown but not judged (no q-value, no flag).
    q_level
        Benjamini-Hochberg false discovery rate: flagged when q < ``q_level``.
    period
        ``(start, end)`` dates, both included, on ``created_at`` (UTC); None for all tickets.
    overdispersion
        How to allow for agents varying more than chance (Spiegelhalter 2005). Both estimate
        phi = mean of squared z-scores of the judged agents after 10% winsorising each tail.
        ``"random_effects"`` (default) adds a between-agent variance tau^2 (DerSimonian-Laird
        from phi) to every agent's sampling variance; ``"winsorised"`` multiplies every
        variance by phi (if above 1); ``"none"`` makes no allowance. The additive form is the
        default because agents' volumes differ tenfold: unmeasured differences between
        agents (harder customers within a category, shift patterns) do not shrink with
        volume, so a multiplicative factor tuned to the typical agent flags too many busy
        agents and too few quiet ones, while the additive one gives busy agents limits that
        stop narrowing. This is the form used by the Care Quality Commission and
        recommended by Spiegelhalter et al. (2012). On the benchmark's helpdesks where every
        agent has a small own effect, the multiplicative form flagged 6.3% of the busy
        hard-case agents, the additive one 1.2%.
    winsor
        Fraction winsorised at each tail before estimating phi.
    funnel_levels
        Control-limit levels for the funnel and the per-agent limit columns.
    reference
        Whose tickets set the standard. ``"in_control"`` (default): after a first comparison,
        refit the model without the tickets of flagged agents and compare everyone again,
        until the flagged set stops changing (at most ``MAX_REFITS`` refits), as in phase I of
        a control chart. A few agents escalating at two or three times the odds otherwise
        raise everyone's expected count, hiding part of their own excess and nudging ordinary
        agents towards "low" (on the benchmark: 69% of raised agents found against 65%, same
        false discovery rate). ``"all"``: one fit on every ticket (the textbook form).
        Unassigned tickets always stay in the model.
    owner
        Whom each ticket is credited to (:func:`lib.outliers.owner.responsible_owner`):
        ``"escalating"`` (default: ``escalated_by`` for escalated tickets, else
        ``first_agent``, else ``agent``), ``"first"`` or ``"final"`` (``agent`` as exported).
        The final owner of an escalated ticket is often the person who received it.
    leave_one_out
        Each agent's expected count from the model refitted without their tickets, with a
        variance that includes the refit's coefficient uncertainty (:mod:`lib.outliers.loo`).
        Fitted on everyone (``False``, the textbook form), a specialist's own excess is learnt as
        case mix: an agent with 85% of a category and twice the odds came out near O/E 1.05.
    shrink
        Empirical-Bayes shrunken ratios with 95% intervals (:mod:`lib.outliers.shrink`), and
        agents below ``min_expected`` judged too but flagged only when their shrunken interval
        excludes 1 (``False``: they are shown, not judged, as before).

    Agents for whom more than ``NOT_COMPARABLE_SHARE`` of the expected count comes from cells
    (combinations of the case-mix levels other than the month) where they have over half the
    tickets are "not comparable": shown, never judged (``comparable`` False).

    Returns
    -------
    AgentComparison
        ``.table`` has one row per agent: agent, tickets, escalated, expected, ratio (O/E),
        ratio_low/ratio_high (exact 95% Poisson interval on O, divided by E), z (adjusted),
        p_value (two-sided), q_value (BH across judged agents), flagged, direction ("high"/"low"
        when flagged, else None), judged, raw_rate, expected_rate, raw_rank (1 = highest raw
        rate), adjusted_rank (1 = highest z), excess (O - E), z_unadjusted, variance
        (sum p(1-p), plus coefficient_variance with ``leave_one_out``), in_reference (whether
        the agent's tickets set the standard; False for agents left out by
        ``reference="in_control"``), dominated_share, comparable, shrunk_ratio, shrunk_low and
        shrunk_high (null when ``shrink`` is off), and lower_/upper_ limits at the
        agent's own expected for each level (e.g. lower_95, upper_998). Sorted by z, highest
        first.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"agent": ["a"] * 50 + ["b"] * 50,
    ...                   "escalated": [True] * 15 + [False] * 35 + [True] * 5 + [False] * 45})
    >>> c = agent_comparison(t, case_mix=(), min_expected=5, overdispersion="none")
    >>> c.table.select("agent", pl.col("expected").round(6), pl.col("ratio").round(6)).rows()
    [('a', 5.0, 3.0), ('b', 15.0, 0.333333)]

    Each agent is compared with the others' rate (leave-one-out); in the textbook form
    everyone's tickets set the rate, the agent's own included:

    >>> c = agent_comparison(t, case_mix=(), overdispersion="none", leave_one_out=False)
    >>> c.table.select("agent", "expected", "ratio", "judged").rows()
    [('a', 10.0, 1.5, True), ('b', 10.0, 0.5, True)]
    >>> c.phi is None  # two agents are too few to estimate overdispersion
    True
    """
    _require(tickets, ["agent", "escalated"])
    levels = _checked_options(
        overdispersion, q_level, min_expected, reference, winsor, funnel_levels
    )
    if owner not in OWNERS:
        raise OutlierError(f"owner must be one of {list(OWNERS)}, got {owner!r}")
    cells = ticket_cells(_filter_period(tickets, period), case_mix, owner)
    return comparison_of_cells(
        cells,
        min_expected=min_expected,
        q_level=q_level,
        overdispersion=overdispersion,
        winsor=winsor,
        funnel_levels=levels,
        reference=reference,
        leave_one_out=leave_one_out,
        shrink=shrink,
    )


def _checked_options(
    overdispersion: str,
    q_level: float,
    min_expected: float,
    reference: str,
    winsor: float,
    funnel_levels: Sequence[float],
) -> tuple[float, ...]:
    """Raise :class:`OutlierError` on an option out of range; the funnel levels as floats."""
    if overdispersion not in METHODS:
        raise OutlierError(f"overdispersion must be one of {list(METHODS)}, got {overdispersion!r}")
    if not 0 < q_level < 1:
        raise OutlierError(f"q_level must be between 0 and 1, got {q_level}")
    if not (min_expected >= 0 and math.isfinite(min_expected)):
        raise OutlierError(f"min_expected must be a non-negative number, got {min_expected}")
    if reference not in REFERENCES:
        raise OutlierError(f"reference must be one of {list(REFERENCES)}, got {reference!r}")
    if not 0 <= winsor < 0.5:
        raise OutlierError(f"winsor must be at least 0 and below 0.5, got {winsor}")
    levels = tuple(float(x) for x in funnel_levels)
    for level in levels:
        if not 0 < level < 1:
            raise OutlierError(f"a control limit level must be between 0 and 1, got {level}")
    return levels


def comparison_of_cells(
    cells: Cells,
    *,
    min_expected: float = 5.0,
    q_level: float = 0.05,
    overdispersion: str = "random_effects",
    winsor: float = 0.10,
    funnel_levels: Sequence[float] = FUNNEL_LEVELS,
    reference: str = "in_control",
    leave_one_out: bool = True,
    shrink: bool = True,
    cell_index: CellIndex | None = None,
) -> AgentComparison:
    """:func:`agent_comparison` on tickets already counted (:func:`lib.outliers.cells.ticket_cells`:
    the case mix, period and owner were chosen there); the same options otherwise.
    ``cell_index``: the index of the cells' counts on their usable terms
    (``cells.usable_terms()``), when the caller made it already (the month-by-month history
    makes each month's from numbers it works out once, :class:`lib.outliers.loo.PeriodIndexer`)."""
    levels = _checked_options(
        overdispersion, q_level, min_expected, reference, winsor, funnel_levels
    )
    if cell_index is not None:
        terms, index = cell_index.terms, cell_index
    else:
        terms = cells.usable_terms()
        index = CellIndex.of(cells.counts(terms), terms)
    named = index.agent_codes[0]
    n_unassigned = cells.n_unassigned
    model = _fit_counts(index.totals(), terms)
    excluded: frozenset[str] = frozenset()
    for attempt in range(MAX_REFITS + 1):
        per_agent, agent_models = _per_agent(index, model, excluded, leave_one_out)
        sc = _score(per_agent, min_expected, q_level, overdispersion, winsor, shrink)
        if reference == "all" or attempt == MAX_REFITS:
            break
        out = frozenset(per_agent.filter(pl.Series(sc["flagged"])).get_column("agent"))
        if out == excluded or out.issuperset(named):
            break
        excluded = out
        in_control = ~index.rows_of(out)
        model = _fit_counts(index.totals(in_control), terms)
    observed, expected, variance = sc["observed"], sc["expected"], sc["variance"]
    judged, flagged, sd, disp = sc["judged"], sc["flagged"], sc["sd"], sc["disp"]
    phi_applied, tau2_applied = _applied(overdispersion, disp)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1.0), np.nan)
    ci_low, ci_high = _exact_poisson(observed)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_low = np.where(expected > 0, ci_low / np.where(expected > 0, expected, 1.0), np.nan)
        ratio_high = np.where(expected > 0, ci_high / np.where(expected > 0, expected, 1.0), np.nan)
    z, z0, p_value, q_value = sc["z"], sc["z0"], sc["p_value"], sc["q_value"]
    shrunk = sc["shrunk"]
    nothing = np.full(observed.size, np.nan)

    limit_columns = {}
    for level in levels:
        lower, upper = _limits(sd, level)
        tag = _level_tag(level)
        limit_columns[f"lower_{tag}"] = lower
        limit_columns[f"upper_{tag}"] = upper

    table = (
        per_agent.select(
            "agent",
            "tickets",
            "escalated",
            "expected",
            "variance",
            "dominated_share",
            "coefficient_variance",
        )
        .with_columns(
            pl.Series("ratio", ratio),
            pl.Series("ratio_low", ratio_low),
            pl.Series("ratio_high", ratio_high),
            pl.Series("z", z),
            pl.Series("p_value", p_value),
            pl.Series("q_value", q_value),
            pl.Series("flagged", flagged),
            pl.Series("judged", judged),
            pl.Series("z_unadjusted", z0),
            pl.Series("in_reference", ~per_agent.get_column("agent").is_in(list(excluded))),
            pl.Series("comparable", sc["comparable"]),
            pl.Series("shrunk_ratio", nothing if shrunk is None else shrunk.ratio),
            pl.Series("shrunk_low", nothing if shrunk is None else shrunk.low),
            pl.Series("shrunk_high", nothing if shrunk is None else shrunk.high),
            *[pl.Series(k, v) for k, v in limit_columns.items()],
        )
        .with_columns(pl.col(pl.Float64).fill_nan(None))
        .with_columns(
            direction=pl.when(pl.col("flagged") & (pl.col("z") > 0))
            .then(pl.lit("high"))
            .when(pl.col("flagged") & (pl.col("z") < 0))
            .then(pl.lit("low"))
            .otherwise(pl.lit(None, dtype=pl.String)),
            raw_rate=pl.col("escalated") / pl.col("tickets"),
            expected_rate=pl.col("expected") / pl.col("tickets"),
            excess=pl.col("escalated") - pl.col("expected"),
        )
        .with_columns(
            raw_rank=pl.col("raw_rate").rank(method="min", descending=True).cast(pl.Int64),
            adjusted_rank=pl.col("z").rank(method="min", descending=True).cast(pl.Int64),
        )
    )
    order = [c for c in _TABLE_SCHEMA if c in table.columns] + list(limit_columns)
    table = table.select(order).sort(["z", "agent"], descending=[True, False], nulls_last=True)
    table = table.cast({k: v for k, v in _TABLE_SCHEMA.items()})

    if per_agent.height:
        top = max(float(np.nanmax(expected)) * 1.15, min_expected * 2, 2.0)
        positive = expected[expected > 0]
        bottom = max(min(float(positive.min()) if positive.size else 1.0, min_expected) * 0.8, 0.5)
        grid = np.geomspace(bottom, top, 120)
        var_ratio = float(variance.sum() / expected.sum()) if expected.sum() > 0 else 1.0
        funnel = funnel_limits(
            grid, phi=phi_applied, tau2=tau2_applied, levels=levels, var_ratio=var_ratio
        )
    else:
        funnel = funnel_limits([], levels=levels)

    return AgentComparison(
        table=table,
        phi=disp.phi,
        phi_p_value=disp.phi_p_value,
        tau2=disp.tau2,
        method=overdispersion,
        model_terms=model.terms,
        n_tickets=cells.n_tickets,
        funnel=funnel,
        model=model,
        excluded_from_model=tuple(sorted(excluded)),
        phi_applied=phi_applied,
        tau2_applied=tau2_applied,
        n_agents=per_agent.height,
        n_judged=int(judged.sum()),
        n_unassigned=n_unassigned,
        min_expected=min_expected,
        q_level=q_level,
        owner=cells.used,
        owner_requested=cells.requested,
        owner_sentence=owner_sentence(cells.requested, cells.used),
        leave_one_out=leave_one_out,
        alpha=None if shrunk is None else shrunk.alpha,
        agent_models=agent_models,
    )


def agent_outliers(tickets: pl.DataFrame, **options) -> pl.DataFrame:
    """One row per agent, case-mix adjusted and flagged (the table of :func:`agent_comparison`).

    Options: ``case_mix``, ``min_expected``, ``q_level``, ``period``, ``overdispersion``,
    ``winsor``, ``funnel_levels``, ``reference``, and (added for issue 13) ``owner``,
    ``leave_one_out`` and ``shrink`` (see :func:`agent_comparison`). The contract's columns
    are unchanged; ``dominated_share``, ``comparable`` and ``shrunk_*`` were added.

    >>> import polars as pl
    >>> t = pl.DataFrame({"agent": ["a", "a", "b", None], "escalated": [True, False, False, True]})
    >>> agent_outliers(t).select("agent", "tickets", "escalated", "judged", "flagged").rows()
    [('a', 2, 1, True, False), ('b', 1, 0, True, False)]
    """
    _check_options(options)
    return agent_comparison(tickets, **options).table
