"""The ratio scale O/E and its control limits: funnel limits along expected escalations, an
agent's own limits, and the exact Poisson interval on an observed count.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy import stats

from lib.outliers.inputs import OutlierError

#: Control limits drawn on the funnel: 95% (about 2 SD) and 99.8% (about 3 SD).
FUNNEL_LEVELS: tuple[float, ...] = (0.95, 0.998)


def _ratio_scale(
    observed: np.ndarray, expected: np.ndarray, variance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """y = O/E (target 1) and its standard error sqrt(V) / E; NaN where undefined."""
    ok = (expected > 0) & (variance > 1e-12)
    safe_e = np.where(ok, expected, 1.0)
    y = np.where(ok, observed / safe_e, np.nan)
    s = np.where(ok, np.sqrt(np.where(ok, variance, 1.0)) / safe_e, np.nan)
    return y, s


def _level_tag(level: float) -> str:
    return f"{level * 100:g}".replace(".", "")


def _limits(sd: np.ndarray | float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Ratio limits 1 -/+ k*sd (lower clipped at 0)."""
    k = stats.norm.ppf(0.5 + level / 2)
    lower = np.clip(1.0 - k * np.asarray(sd), 0.0, None)
    upper = 1.0 + k * np.asarray(sd)
    return lower, upper


def funnel_limits(
    expected_grid: Sequence[float] | np.ndarray,
    *,
    phi: float = 1.0,
    tau2: float = 0.0,
    levels: Sequence[float] = FUNNEL_LEVELS,
    var_ratio: float = 1.0,
) -> pl.DataFrame:
    """Lower and upper O/E control limits along expected escalations, for the funnel plot.

    An agent with expected count E has O/E standard error s = sqrt(var_ratio / E)
    (``var_ratio`` = V/E: 1 for Poisson, ``1 - p`` for a common rate p); the limits are
    1 -/+ k sqrt(phi s^2 + tau2), the lower one clipped at 0. Pass the
    ``phi`` and ``tau2`` that were applied (see :attr:`AgentComparison.phi_applied`); with
    ``tau2 > 0`` the funnel stops narrowing for large E.

    >>> funnel_limits([4.0, 100.0], levels=[0.95]).with_columns(pl.selectors.float().round(3))
    shape: (2, 4)
    ┌──────────┬───────┬───────┬───────┐
    │ expected ┆ level ┆ lower ┆ upper │
    │ ---      ┆ ---   ┆ ---   ┆ ---   │
    │ f64      ┆ f64   ┆ f64   ┆ f64   │
    ╞══════════╪═══════╪═══════╪═══════╡
    │ 4.0      ┆ 0.95  ┆ 0.02  ┆ 1.98  │
    │ 100.0    ┆ 0.95  ┆ 0.804 ┆ 1.196 │
    └──────────┴───────┴───────┴───────┘
    """
    grid = np.asarray(expected_grid, dtype=float)
    if np.any(grid <= 0):
        raise OutlierError("expected escalations on the funnel grid must be positive")
    s2 = var_ratio / grid
    sd = np.sqrt(phi * s2 + tau2)
    frames = []
    for level in levels:
        if not 0 < level < 1:
            raise OutlierError(f"a control limit level must be between 0 and 1, got {level}")
        lower, upper = _limits(sd, level)
        frames.append(
            pl.DataFrame(
                {
                    "expected": grid,
                    "level": np.full(grid.size, float(level)),
                    "lower": lower,
                    "upper": upper,
                }
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={
                "expected": pl.Float64,
                "level": pl.Float64,
                "lower": pl.Float64,
                "upper": pl.Float64,
            }
        )
    return pl.concat(frames)


def _exact_poisson(observed: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson mean given observed counts."""
    alpha = 1 - level
    lower = np.where(observed > 0, stats.chi2.ppf(alpha / 2, 2 * observed) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * observed + 2) / 2
    return lower, upper
