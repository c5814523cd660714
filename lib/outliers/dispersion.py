"""Overdispersion between agents: Spiegelhalter's winsorised phi with its chi-square test, the
DerSimonian-Laird tau^2, and the allowance they make in an agent's standard error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Overdispersion is estimated only from at least this many judged agents.
MIN_AGENTS_FOR_DISPERSION = 5


def winsorise(z: Sequence[float] | np.ndarray, fraction: float = 0.10) -> np.ndarray:
    """Set values below the ``fraction`` quantile to it, and above ``1 - fraction`` likewise.

    Quantiles interpolate linearly (numpy's default, R's type 7), as in Spiegelhalter 2005.

    >>> winsorise([-5.0, -1.0, 0.0, 1.0, 9.0], 0.25).tolist()
    [-1.0, -1.0, 0.0, 1.0, 1.0]
    """
    values = np.asarray(z, dtype=float)
    if values.size == 0 or fraction <= 0:
        return values.copy()
    lo, hi = np.quantile(values, [fraction, 1 - fraction])
    return np.clip(values, lo, hi)


@dataclass(frozen=True)
class _Dispersion:
    phi: float | None
    phi_p_value: float | None
    tau2: float | None
    n: int


def _estimate_dispersion(z: np.ndarray, s: np.ndarray, winsor: float) -> _Dispersion:
    """Spiegelhalter's winsorised phi, its chi-square test, and the DerSimonian-Laird tau^2."""
    ok = ~np.isnan(z) & ~np.isnan(s) & (s > 0)
    z, s = z[ok], s[ok]
    n = int(z.size)
    if n < MIN_AGENTS_FOR_DISPERSION:
        return _Dispersion(None, None, None, n)
    zw = winsorise(z, winsor)
    phi = float(np.sum(zw**2) / n)
    # Observed and expected totals agree by construction of the model, so one degree of
    # freedom is spent; winsorising makes the test conservative.
    phi_p = float(stats.chi2.sf(n * phi, n - 1))
    w = 1.0 / s**2
    denominator = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (n * phi - (n - 1)) / denominator) if denominator > 0 else 0.0
    return _Dispersion(phi, phi_p, tau2, n)


def _sd_total(s: np.ndarray, method: str, phi: float | None, tau2: float | None) -> np.ndarray:
    """Standard error of O/E after the overdispersion allowance."""
    if method == "winsorised" and phi is not None:
        return s * math.sqrt(max(phi, 1.0))
    if method == "random_effects" and tau2 is not None:
        return np.sqrt(s**2 + tau2)
    return s


def _applied(method: str, disp: _Dispersion) -> tuple[float, float]:
    """The (phi, tau2) actually applied to the limits and z-scores."""
    if method == "winsorised" and disp.phi is not None:
        return max(disp.phi, 1.0), 0.0
    if method == "random_effects" and disp.tau2 is not None:
        return 1.0, disp.tau2
    return 1.0, 0.0
