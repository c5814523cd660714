"""The agent comparison: expected escalations per agent from the case-mix model, z-scores widened
for overdispersion, BH q-values and flags, refitted without flagged agents (``agent_outliers``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from scipy import stats

from lib.outliers.casemix import CASE_MIX, CaseMixModel, _counts, _fit_counts, _usable_terms
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

#: Overdispersion methods: additive random effects, multiplicative phi, or no allowance.
METHODS: tuple[str, ...] = ("random_effects", "winsorised", "none")


#: Whose tickets set the standard: everyone's, or only those of agents not flagged.
REFERENCES: tuple[str, ...] = ("all", "in_control")
#: With ``reference="in_control"``, the model is refitted at most this many times.
MAX_REFITS = 3


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
}


def _score(
    cells: pl.DataFrame,
    model: CaseMixModel,
    min_expected: float,
    q_level: float,
    method: str,
    winsor: float,
) -> tuple[pl.DataFrame, dict]:
    """Expected counts per agent from the model, and the z, p, q and flags that follow."""
    per_agent = (
        cells.with_columns(model.expr())
        .group_by("agent")
        .agg(
            tickets=pl.col("n").sum().cast(pl.Int64),
            escalated=pl.col("o").sum().cast(pl.Int64),
            expected=(pl.col("n") * pl.col("p_escalate")).sum(),
            variance=(pl.col("n") * pl.col("p_escalate") * (1 - pl.col("p_escalate"))).sum(),
        )
        .sort("agent")
    )
    observed = per_agent.get_column("escalated").to_numpy().astype(float)
    expected = per_agent.get_column("expected").to_numpy().astype(float)
    variance = per_agent.get_column("variance").to_numpy().astype(float)
    y, s = _ratio_scale(observed, expected, variance)
    z0 = (y - 1.0) / s
    judged = expected >= min_expected
    disp = _estimate_dispersion(z0[judged], s[judged], winsor)
    sd = _sd_total(s, method, disp.phi, disp.tau2)
    z = (y - 1.0) / sd
    p_value = 2 * stats.norm.sf(np.abs(z))
    q_value = benjamini_hochberg(np.where(judged, p_value, np.nan))
    flagged = judged & (q_value < q_level)
    return per_agent, {
        "observed": observed,
        "expected": expected,
        "variance": variance,
        "judged": judged,
        "disp": disp,
        "sd": sd,
        "z0": z0,
        "z": z,
        "p_value": p_value,
        "q_value": q_value,
        "flagged": flagged,
    }


def agent_comparison(
    tickets: pl.DataFrame,
    *,
    case_mix: Iterable[str] = CASE_MIX,
    min_expected: float = 5.0,
    q_level: float = 0.05,
    period: tuple[date, date] | None = None,
    overdispersion: str = "random_effects",
    winsor: float = 0.10,
    funnel_levels: Sequence[float] = FUNNEL_LEVELS,
    reference: str = "in_control",
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

    Returns
    -------
    AgentComparison
        ``.table`` has one row per agent: agent, tickets, escalated, expected, ratio (O/E),
        ratio_low/ratio_high (exact 95% Poisson interval on O, divided by E), z (adjusted),
        p_value (two-sided), q_value (BH across judged agents), flagged, direction ("high"/"low"
        when flagged, else None), judged, raw_rate, expected_rate, raw_rank (1 = highest raw
        rate), adjusted_rank (1 = highest z), excess (O - E), z_unadjusted, variance
        (sum p(1-p)), in_reference (whether the agent's tickets set the standard; False for
        agents left out by ``reference="in_control"``), and lower_/upper_ limits at the
        agent's own expected for each level (e.g. lower_95, upper_998). Sorted by z, highest
        first.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"agent": ["a"] * 50 + ["b"] * 50,
    ...                   "escalated": [True] * 15 + [False] * 35 + [True] * 5 + [False] * 45})
    >>> c = agent_comparison(t, case_mix=(), min_expected=5, overdispersion="none")
    >>> c.table.select("agent", "expected", "ratio", "judged").rows()
    [('a', 10.0, 1.5, True), ('b', 10.0, 0.5, True)]
    >>> c.phi is None  # two agents are too few to estimate overdispersion
    True
    """
    _require(tickets, ["agent", "escalated"])
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

    tickets = _filter_period(tickets, period)
    terms = _usable_terms(tickets, case_mix)
    counts = _counts(tickets, terms, by=["agent"])
    cells = counts.filter(pl.col("agent").is_not_null())
    n_unassigned = int(tickets.get_column("agent").null_count())
    model = _fit_counts(counts, terms)
    excluded: frozenset[str] = frozenset()
    for attempt in range(MAX_REFITS + 1):
        per_agent, sc = _score(cells, model, min_expected, q_level, overdispersion, winsor)
        if reference == "all" or attempt == MAX_REFITS:
            break
        out = frozenset(per_agent.filter(pl.Series(sc["flagged"])).get_column("agent"))
        if out == excluded or out.issuperset(cells.get_column("agent").unique()):
            break
        excluded = out
        in_control = pl.col("agent").is_null() | ~pl.col("agent").is_in(list(out))
        model = _fit_counts(counts.filter(in_control), terms)
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

    limit_columns = {}
    for level in levels:
        lower, upper = _limits(sd, level)
        tag = _level_tag(level)
        limit_columns[f"lower_{tag}"] = lower
        limit_columns[f"upper_{tag}"] = upper

    table = (
        per_agent.select("agent", "tickets", "escalated", "expected", "variance")
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
        n_tickets=tickets.height,
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
    )


def agent_outliers(tickets: pl.DataFrame, **options) -> pl.DataFrame:
    """One row per agent, case-mix adjusted and flagged (the table of :func:`agent_comparison`).

    Options: ``case_mix``, ``min_expected``, ``q_level``, ``period``, ``overdispersion``,
    ``winsor``, ``funnel_levels``, ``reference`` (see :func:`agent_comparison`).

    >>> import polars as pl
    >>> t = pl.DataFrame({"agent": ["a", "a", "b", None], "escalated": [True, False, False, True]})
    >>> agent_outliers(t).select("agent", "tickets", "escalated", "judged", "flagged").rows()
    [('a', 2, 1, False, False), ('b', 1, 0, False, False)]
    """
    _check_options(options)
    return agent_comparison(tickets, **options).table
