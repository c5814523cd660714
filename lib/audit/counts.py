"""Is a change in a count (escalations, bounced tickets) more than chance?

Two periods of the same length: if the underlying rate of events did not change, each event
is equally likely to fall in either period, so the review period's count is binomial with
p = 1/2 given the total (the conditional test of two Poisson counts, exact).

Example
-------
>>> round(count_change_p(140, 100), 3)
0.012
>>> count_change_significant(12, 10)
False
"""

from __future__ import annotations

from scipy.stats import binomtest


def count_change_p(now: int, before: int, *, share: float = 0.5) -> float:
    """Two-sided exact p-value that ``now`` and ``before`` come from the same rate; ``share``
    is the review period's share of the combined length (1/2 for equal periods).

    >>> count_change_p(0, 0)
    1.0
    """
    if now < 0 or before < 0:
        raise ValueError(f"counts must be >= 0, got {now} and {before}")
    total = now + before
    if total == 0:
        return 1.0
    return float(binomtest(now, total, share).pvalue)


def count_change_significant(now: int, before: int, *, level: float = 0.95) -> bool:
    """Whether ``now`` differs from ``before`` (equal periods) at ``level``.

    >>> count_change_significant(40, 10)
    True
    """
    return count_change_p(now, before) < 1 - level
