"""Shrunken agent effects: an empirical-Bayes gamma-Poisson model on O/E (issue 13 point 3).

Each agent's true ratio theta is drawn from a gamma distribution with mean 1 and variance
1 / alpha (the spread between agents), and their escalations are Poisson with mean E * theta.
alpha is estimated by maximum likelihood from all judged agents (the marginal counts are
negative binomial). An agent's posterior is gamma with shape alpha + O and rate alpha + E: the
shrunken ratio (alpha + O) / (alpha + E) sits between 1 and O/E, near O/E for busy agents and
near 1 for quiet ones, with an equal-tailed interval. This replaces the hard cut-off on expected
escalations: a quiet agent is judged, but flagged only when the shrunken interval excludes 1.

>>> import numpy as np
>>> o, e = np.array([10.0, 2.0, 40.0, 20.0, 5.0]), np.array([10.0, 1.0, 20.0, 20.0, 5.0])
>>> s = shrink_ratios(o, e)
>>> [round(float(x), 2) for x in s.ratio]
[1.0, 1.12, 1.73, 1.0, 1.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

#: Bounds on alpha (1 / between-agent variance of theta) searched by maximum likelihood.
ALPHA_BOUNDS = (1e-2, 1e6)


@dataclass(frozen=True)
class Shrunken:
    """Posterior mean ratio and its interval per agent, and the fitted alpha."""

    ratio: np.ndarray
    low: np.ndarray
    high: np.ndarray
    alpha: float


def _neg_loglik(log_alpha: float, o: np.ndarray, e: np.ndarray) -> float:
    a = math.exp(log_alpha)
    return -float(
        np.sum(
            special.gammaln(a + o)
            - special.gammaln(a)
            + a * np.log(a / (a + e))
            + o * np.log(e / (a + e))
        )
    )


def _neg_logliks(log_alphas: np.ndarray, o: np.ndarray, e: np.ndarray) -> np.ndarray:
    """:func:`_neg_loglik` at each of ``log_alphas`` at once (one row of terms per value,
    each row added up as its own sum is: the same numbers).

    >>> o, e = np.array([3.0, 1.0]), np.array([2.0, 2.0])
    >>> bool(_neg_logliks(np.array([0.5]), o, e)[0] == _neg_loglik(0.5, o, e))
    True
    """
    a = np.array([math.exp(v) for v in log_alphas])[:, None]  # as math.exp rounds
    terms = special.gammaln(a + o) - special.gammaln(a) + a * np.log(a / (a + e))
    terms = terms + o * np.log(e / (a + e))
    return -np.sum(terms, axis=1)


def shrink_ratios(
    observed: np.ndarray,
    expected: np.ndarray,
    *,
    use: np.ndarray | None = None,
    level: float = 0.95,
) -> Shrunken:
    """Empirical-Bayes shrunken O/E with a ``level`` interval (see the module notes).

    ``use`` marks the agents whose counts estimate alpha (default: every agent with E > 0).
    Agents with E = 0 get NaN.
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    ok = e > 0
    fit = ok if use is None else (ok & np.asarray(use, dtype=bool))
    if fit.sum() >= 2:
        # The likelihood can have a local optimum at "no spread": search a grid, then refine.
        grid = np.linspace(*(math.log(b) for b in ALPHA_BOUNDS), 61)
        best = int(np.argmin(_neg_logliks(grid, o[fit], e[fit])))
        lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
        res = optimize.minimize_scalar(
            _neg_loglik, bounds=(lo, hi), args=(o[fit], e[fit]), method="bounded"
        )
        alpha = float(math.exp(res.x))
    else:
        alpha = ALPHA_BOUNDS[1]
    shape, rate = alpha + o, alpha + np.where(ok, e, 1.0)
    tail = (1 - level) / 2
    ratio = np.where(ok, shape / rate, np.nan)
    low = np.where(ok, stats.gamma.ppf(tail, shape, scale=1 / rate), np.nan)
    high = np.where(ok, stats.gamma.ppf(1 - tail, shape, scale=1 / rate), np.nan)
    return Shrunken(ratio, low, high, alpha)
