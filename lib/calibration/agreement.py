"""Chance-corrected agreement among several raters: Fleiss' kappa and Gwet's AC1, each with a
standard error and a confidence interval.

Both coefficients are ``(pa - pe) / (1 - pe)``: the observed agreement ``pa`` (the share of
pairs of raters of the same scenario who gave the same answer, averaged over scenarios rated by
two or more) corrected by the agreement ``pe`` expected by chance. They differ only in ``pe``:

- Fleiss' kappa (Fleiss 1971): ``pe = sum_k pi_k**2``, with ``pi_k`` the average share of
  answers in category ``k``. When one answer dominates (nearly everything "handle at Tier 1"),
  ``pe`` approaches 1 and kappa can be low or undefined although the raters almost always agree
  (the "kappa paradox").
- Gwet's AC1 (Gwet 2008): ``pe = sum_k pi_k (1 - pi_k) / (q - 1)`` over the ``q`` categories
  of the scale, which stays small when one answer dominates.

Raters may skip scenarios: ``pi_k`` averages each scenario's shares over the scenarios rated at
all and ``pa`` over those rated by two or more, as in Gwet's *Handbook of Inter-Rater
Reliability* (4th ed., 2014, ch. 2 and 5); without missing answers this is exactly Fleiss 1971.

The standard error is Gwet's (2008) linearisation over scenarios (the scenarios are the sample;
the raters are fixed): each scenario gets a value ``k_i*`` whose mean is the coefficient, and
``var = sum (k_i* - k)**2 / (n (n - 1))``. The interval is ``k ± t(n-1) * se``, clipped to
[-1, 1]. This is the standard error of the R package irrCAC (``fleiss.kappa.raw``,
``gwet.ac1.raw``), not Fleiss' (1971) variance under the null hypothesis ``kappa = 0``, which
cannot give an interval around a non-zero kappa.

Example
-------
>>> import numpy as np
>>> counts = np.array([[3, 0], [0, 3], [2, 1], [3, 0]])  # 4 scenarios, 3 raters, yes/no
>>> k = fleiss_kappa(counts)
>>> round(k.value, 3), round(k.pa, 3), round(k.pe, 3)
(0.625, 0.833, 0.556)
>>> round(gwet_ac1(counts).value, 3)
0.7
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Confidence level of the intervals.
LEVEL = 0.95


@dataclass(frozen=True)
class Agreement:
    """A chance-corrected agreement coefficient with its precision.

    ``value`` is NaN when it is undefined (fewer than two scenarios rated by two or more
    raters, or every answer the same so that chance agreement is 1); ``reason`` then says why.
    ``per_item`` is each scenario's share of agreeing pairs (NaN when fewer than two answered).
    """

    name: str
    value: float
    se: float
    low: float
    high: float
    pa: float
    pe: float
    n_items: int
    n_raters_max: int
    per_item: tuple[float, ...] = ()
    reason: str = ""

    @property
    def defined(self) -> bool:
        """True when the coefficient has a value."""
        return not math.isnan(self.value)


def _undefined(
    name: str, reason: str, pa: float, pe: float, n: int, r: int, per: tuple
) -> Agreement:
    nan = math.nan
    return Agreement(name, nan, nan, nan, nan, pa, pe, n, r, per, reason)


def pair_agreement(counts: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """Each scenario's share of agreeing pairs of answers (NaN when fewer than two answered).

    >>> pair_agreement([[3, 0], [2, 1], [1, 0]]).round(3).tolist()
    [1.0, 0.333, nan]
    """
    x = np.asarray(counts, dtype=float)
    r = x.sum(axis=1)
    two = r >= 2
    return np.where(two, (x * (x - 1)).sum(axis=1) / np.where(two, r * (r - 1), 1.0), np.nan)


def _prepare(counts: Sequence[Sequence[int]] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts as floats without the scenarios nobody rated, and the raters per scenario."""
    x = np.asarray(counts, dtype=float)
    if x.ndim != 2:
        raise ValueError("counts must be a table: one row per scenario, one column per answer")
    if (x < 0).any():
        raise ValueError("counts cannot be negative")
    r = x.sum(axis=1)
    keep = r > 0
    return x[keep], r[keep]


def _coefficient(counts: Sequence[Sequence[int]] | np.ndarray, kind: str) -> Agreement:
    name = "Fleiss' kappa" if kind == "kappa" else "Gwet's AC1"
    x, r = _prepare(counts)
    n, q = x.shape if x.size else (0, x.shape[1] if x.ndim == 2 else 0)
    r_max = int(r.max()) if n else 0
    two = r >= 2
    n2 = int(two.sum())
    agree_i = pair_agreement(x)
    per = tuple(float(v) for v in agree_i)
    if n2 == 0:
        return _undefined(name, "needs two participants answering the same scenario", math.nan,
                          math.nan, n, r_max, per)  # fmt: skip
    pa = float(np.nansum(agree_i) / n2)
    pi = (x / r[:, None]).mean(axis=0)
    if kind == "kappa":
        pe = float((pi**2).sum())
        pe_i = (x @ pi) / r  # each scenario's share of chance agreement, linearised
    else:
        if q < 2:
            return _undefined(name, "needs at least two possible answers", pa, math.nan, n,
                              r_max, per)  # fmt: skip
        pe = float((pi * (1 - pi)).sum() / (q - 1))
        pe_i = (x @ (1 - pi)) / r / (q - 1)
    if pe >= 1 - 1e-12:
        return _undefined(
            name,
            "everyone gave the same answer to every scenario, so chance agreement is 100% and "
            "kappa is undefined (AC1 still measures this agreement)",
            pa, pe, n, r_max, per,
        )  # fmt: skip
    value = (pa - pe) / (1 - pe)
    k_i = (n / n2) * (np.where(two, agree_i, 0.0) - pe * two) / (1 - pe)
    k_star = k_i - 2 * (1 - value) * (pe_i - pe) / (1 - pe)
    if n < 2:
        se = low = high = math.nan
    else:
        se = float(math.sqrt(((k_star - value) ** 2).sum() / (n * (n - 1))))
        t = float(stats.t.ppf(1 - (1 - LEVEL) / 2, n - 1))
        low, high = max(-1.0, value - t * se), min(1.0, value + t * se)
    return Agreement(name, float(value), se, low, high, pa, pe, n, r_max, per)


def fleiss_kappa(counts: Sequence[Sequence[int]] | np.ndarray) -> Agreement:
    """Fleiss' kappa of a scenario x answer table of counts (raters per cell).

    Rows may have different totals (a rater skipped a scenario); rows with no answer are
    ignored. See the module docstring for the method and its standard error.

    >>> round(fleiss_kappa([[2, 0], [0, 2], [1, 1]]).value, 3)
    0.333
    """
    return _coefficient(counts, "kappa")


def gwet_ac1(counts: Sequence[Sequence[int]] | np.ndarray) -> Agreement:
    """Gwet's AC1 of a scenario x answer table of counts; the number of columns is the number
    of possible answers ``q`` (keep a column of zeros for an answer nobody gave).

    >>> round(gwet_ac1([[2, 0], [2, 0], [2, 0], [1, 1]]).value, 3)
    0.68
    """
    return _coefficient(counts, "ac1")
