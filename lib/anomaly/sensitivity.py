"""Sensitivity presets: the false-alarm rates each user setting (conservative, balanced,
sensitive) stands for.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sensitivity:
    """One row of :data:`SENSITIVITY`: the false-alarm rates a user setting stands for.

    ``false_alerts_per_topic_month`` is the stated (design) rate on a series with no event: the
    sum of the two one-day tests (``spike_alpha`` per topic-day for a volume spike,
    ``sentiment_alpha`` for a one-day sentiment fall) and the three one-sided CUSUMs (one false
    alarm per ``cusum_arl`` days each). ``spike_fdr`` bounds the false discovery rate across the
    topics judged on one day (Benjamini-Hochberg; with more than ``spike_fdr / spike_alpha``
    topics it, not ``spike_alpha``, sets the bar for a lone spike). The rates measured on
    synthetic data are in BENCHMARKS.md (``scripts/bench_anomaly.py``).

    >>> round(SENSITIVITY["balanced"].false_alerts_per_topic_month * 6, 2)  # per six months
    0.82
    """

    label: str
    spike_alpha: float
    sentiment_alpha: float
    spike_fdr: float
    cusum_arl: float

    @property
    def false_alerts_per_topic_month(self) -> float:
        return 30.44 * (self.spike_alpha + self.sentiment_alpha + 3 / self.cusum_arl)

    @property
    def description(self) -> str:
        """One line for the settings screen.

        >>> SENSITIVITY["balanced"].description
        'Balanced: about one false alert per topic in 7 months'
        """
        months = 1 / self.false_alerts_per_topic_month
        return f"{self.label}: about one false alert per topic in {months:.0f} months"


#: User setting -> false-alarm rates. Weekly-judged topics use ``7 * spike_alpha`` (and
#: ``7 * sentiment_alpha``) per week and an average run length of ``cusum_arl / 7`` weeks, so the
#: rate per topic-month is the same. The one-day volume test gets the largest share of the budget
#: (see the module notes): in "balanced" 0.37 of the 0.82 false alerts per topic per six months.
SENSITIVITY: dict[str, Sensitivity] = {
    "conservative": Sensitivity("Conservative", 1e-4, 1e-4, 0.01, 4000.0),
    "balanced": Sensitivity("Balanced", 2e-3, 5e-4, 0.05, 1500.0),
    "sensitive": Sensitivity("Sensitive", 5e-3, 2e-3, 0.10, 500.0),
}
