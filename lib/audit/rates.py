"""Wilson score intervals for rates and the two-proportion z-test of a change in rate."""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl
from scipy.special import ndtr

from lib.audit._common import MetricsError, _z


def wilson_interval(k: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes out of ``n``.

    With ``n == 0`` nothing is known and the interval is ``(0.0, 1.0)``.

    >>> low, high = wilson_interval(10, 50)
    >>> round(low, 4), round(high, 4)
    (0.1124, 0.3304)
    >>> wilson_interval(0, 0)
    (0.0, 1.0)
    """
    if n < 0 or k < 0 or k > n:
        raise MetricsError(f"need 0 <= k <= n for an interval, got k={k}, n={n}")
    z = _z(level)
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, center - half)
    high = 1.0 if k == n else min(1.0, center + half)
    return (low, high)


def wilson_exprs(
    k_col: str = "escalations",
    n_col: str = "tickets",
    *,
    level: float = 0.95,
    name: str = "rate",
) -> list[pl.Expr]:
    """Expressions for ``name``, ``name_low`` and ``name_high``: ``k/n`` and its Wilson interval.

    A row with ``n == 0`` gets a null rate and the interval 0..1.

    >>> df = pl.DataFrame({"escalations": [10, 0], "tickets": [50, 0]})
    >>> df.with_columns(wilson_exprs()).select(pl.all().round(4))
    shape: (2, 5)
    ┌─────────────┬─────────┬──────┬──────────┬───────────┐
    │ escalations ┆ tickets ┆ rate ┆ rate_low ┆ rate_high │
    │ ---         ┆ ---     ┆ ---  ┆ ---      ┆ ---       │
    │ i64         ┆ i64     ┆ f64  ┆ f64      ┆ f64       │
    ╞═════════════╪═════════╪══════╪══════════╪═══════════╡
    │ 10          ┆ 50      ┆ 0.2  ┆ 0.1124   ┆ 0.3304    │
    │ 0           ┆ 0       ┆ null ┆ 0.0      ┆ 1.0       │
    └─────────────┴─────────┴──────┴──────────┴───────────┘
    """
    z = _z(level)
    z2 = z * z
    n = pl.col(n_col).cast(pl.Float64)
    k = pl.col(k_col).cast(pl.Float64)
    has = n > 0
    p = k / n
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / denom
    low = pl.when(has & (k > 0)).then((center - half).clip(0.0, 1.0)).otherwise(0.0)
    high = pl.when(has & (k < n)).then((center + half).clip(0.0, 1.0)).otherwise(1.0)
    return [
        pl.when(has).then(p).otherwise(None).alias(name),
        low.alias(f"{name}_low"),
        high.alias(f"{name}_high"),
    ]


@dataclass(frozen=True)
class TestResult:
    """Two-proportion z-test of ``p1 = k1/n1`` against ``p2 = k2/n2``.

    ``diff`` is ``p1 - p2``; ``ci`` is the Newcombe (hybrid Wilson score) interval of the
    difference. When either sample is empty nothing can be tested: the numbers are ``None`` and
    ``significant`` is false.
    """

    __test__ = False  # not a pytest test class

    k1: int
    n1: int
    k2: int
    n2: int
    p1: float | None
    p2: float | None
    diff: float | None
    z: float | None
    p_value: float | None
    significant: bool
    ci: tuple[float, float] | None
    level: float = 0.95

    @property
    def testable(self) -> bool:
        """Both samples have tickets."""
        return self.p_value is not None

    @property
    def direction(self) -> str:
        """``"up"``, ``"down"`` or ``"flat"`` (flat unless the change is significant)."""
        if not self.significant or self.diff is None or self.diff == 0:
            return "flat"
        return "up" if self.diff > 0 else "down"


def two_proportion_test(k1: int, n1: int, k2: int, n2: int, *, level: float = 0.95) -> TestResult:
    """Test whether ``k1/n1`` differs from ``k2/n2`` (two-sided, pooled z-test).

    The z statistic and p-value match ``statsmodels.stats.proportion.proportions_ztest``; the
    interval of the difference is Newcombe's hybrid score interval (method 10), built from the
    two Wilson intervals. ``significant`` is ``p_value < 1 - level``.

    >>> r = two_proportion_test(37, 261, 30, 254)
    >>> round(r.diff, 4), round(r.z, 3), round(r.p_value, 3), r.significant
    (0.0237, 0.798, 0.425, False)
    >>> two_proportion_test(0, 0, 3, 10).testable
    False
    """
    for k, n in ((k1, n1), (k2, n2)):
        if n < 0 or k < 0 or k > n:
            raise MetricsError(f"need 0 <= k <= n for a test, got k={k}, n={n}")
    _z(level)
    if n1 == 0 or n2 == 0:
        return TestResult(
            k1,
            n1,
            k2,
            n2,
            k1 / n1 if n1 else None,
            k2 / n2 if n2 else None,
            None,
            None,
            None,
            False,
            None,
            level,
        )
    p1, p2 = k1 / n1, k2 / n2
    diff = p1 - p2
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        z, p_value = 0.0, 1.0
    else:
        z = diff / se
        p_value = float(2 * ndtr(-abs(z)))
    l1, u1 = wilson_interval(k1, n1, level=level)
    l2, u2 = wilson_interval(k2, n2, level=level)
    ci = (
        diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )
    return TestResult(k1, n1, k2, n2, p1, p2, diff, z, p_value, p_value < 1 - level, ci, level)
